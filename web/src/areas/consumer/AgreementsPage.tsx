/**
 * 我的共享协议: the department's requests (GET /api/v1/agreements?role=consumer) with their status,
 * the working-day deadline of the answer (and whether it passed), the term; a row opens to the
 * fields asked for and granted, the answer, and the appeal of a rejection.
 */
import { App as AntApp, Alert, Button, Descriptions, Flex, Form, Grid, Input, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { keepPreviousData } from '@tanstack/react-query';
import { $api, answer, platform, queryClient } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';
import { TEXT_MAX, textRules } from '../../shared/forms/rules.ts';
import { DataTable, type DataColumn } from '../../shared/lists/DataTable.tsx';
import { EmptyText, AGREEMENT_STATUSES, AgreementStatusTag, OverdueTag, purposeName, sharingProblem, useDepartments, useFieldTitles, usePurposes, useShown, type Agreement, type AgreementStatus } from './sharing.tsx';

// An export reads the platform's largest pages, up to EXPORT_MAX agreements (a narrower filter gets the rest).
const EXPORT_PAGE = 200;
const EXPORT_MAX = 20_000;
const PENDING: readonly AgreementStatus[] = ['submitted', 'escalated'];

export default function AgreementsPage() {
  const { t } = useTranslation('consumer');
  const screens = Grid.useBreakpoint();
  const [status, setStatus] = useState<AgreementStatus | ''>('');
  const [page, setPage] = useState(1);
  const [appealing, setAppealing] = useState<Agreement>();
  const purposes = usePurposes();
  const { nameOf } = useDepartments();
  const language = currentLanguage();
  const [pageSize, setPageSize] = useState(20);
  const filter = { role: 'consumer' as const, status: status ? [status] : undefined };
  const { data, error, loading } = useShown(
    $api.useQuery('get', '/api/v1/agreements', { params: { query: { ...filter, limit: pageSize, offset: (page - 1) * pageSize } } }, { placeholderData: keepPreviousData }),
  );

  // The export: every agreement under the filter, the platform's largest page at a time.
  const allUnderFilter = async () => {
    const rows: Agreement[] = [];
    for (let offset = 0; offset < EXPORT_MAX; offset += EXPORT_PAGE) {
      const got = await answer(platform.GET('/api/v1/agreements', { params: { query: { ...filter, limit: EXPORT_PAGE, offset } } }));
      rows.push(...got.items);
      if (rows.length >= got.total || got.items.length === 0) break;
    }
    return rows;
  };
  const due = (a: Agreement) => (a.dueDate && PENDING.includes(a.status) ? formatDate(a.dueDate, language) : '—');

  const columns: DataColumn<Agreement>[] = [
    { title: t('agreements.columns.resource'), key: 'resource', dataIndex: 'resourceTitle' },
    { title: t('agreements.columns.provider'), key: 'provider', render: (_, a) => nameOf(a.ownerDepartment), exportValue: (a) => nameOf(a.ownerDepartment), responsive: ['lg'] },
    { title: t('agreements.columns.purpose'), key: 'purpose', render: (_, a) => purposeName(purposes, a.purpose), exportValue: (a) => purposeName(purposes, a.purpose), responsive: ['md'] },
    {
      title: t('agreements.columns.status'),
      key: 'status',
      exportValue: (a) => `${t(`statuses.${a.status}`)}${a.overdue ? ` · ${t('agreements.overdue')}` : ''}`,
      render: (_, a) => (
        <Flex gap={4} wrap>
          <AgreementStatusTag value={a.status} />
          {a.overdue ? <OverdueTag /> : null}
        </Flex>
      ),
    },
    { title: t('agreements.columns.deadline'), key: 'due', render: (_, a) => due(a), exportValue: (a) => due(a) },
    { title: t('agreements.columns.validUntil'), key: 'validUntil', render: (_, a) => formatDate(a.validUntil, language), exportValue: (a) => formatDate(a.validUntil, language), responsive: ['md'] },
    { title: t('agreements.columns.submittedAt'), key: 'submittedAt', render: (_, a) => formatInstant(a.submittedAt, language), exportValue: (a) => formatInstant(a.submittedAt, language), responsive: ['xl'] },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('agreements.title')}
        </Typography.Title>
        <Link to="/consumer/request">
          <Button type="primary">{t('agreements.new')}</Button>
        </Link>
      </Flex>
      <Flex gap={12} style={{ marginBottom: 16 }}>
        <Select
          aria-label={t('agreements.filter')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          style={{ minWidth: 160 }}
          options={[{ value: '', label: t('agreements.all') }, ...AGREEMENT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))]}
        />
      </Flex>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <DataTable<Agreement>
        listName={t('agreements.listName')}
        listKey="agreements"
        aria-label={t('agreements.title')}
        total={data?.total}
        exportRows={allUnderFilter}
        rowKey="id"
        size={screens.md ? 'middle' : 'small'}
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <EmptyText>{t('agreements.empty')}</EmptyText> }}
        expandable={{ expandedRowRender: (a) => <AgreementDetail agreement={a} onAppeal={() => setAppealing(a)} /> }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          onChange: (next, size) => {
            setPage(size === pageSize ? next : 1);
            setPageSize(size);
          },
        }}
      />
      <AppealModal agreement={appealing} onClose={() => setAppealing(undefined)} onDone={() => void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/agreements'] })} />
    </>
  );
}

function AgreementDetail({ agreement: a, onAppeal }: { agreement: Agreement; onAppeal: () => void }) {
  const { t } = useTranslation('consumer');
  const titleOf = useFieldTitles(undefined, a.licenseType);
  const language = currentLanguage();
  return (
    <Descriptions column={1} size="small" bordered>
      <Descriptions.Item label={t('agreements.requested')}>{a.requestedFields.map(titleOf).join('、')}</Descriptions.Item>
      {a.grantedFields ? <Descriptions.Item label={t('agreements.granted')}>{a.grantedFields.map(titleOf).join('、')}</Descriptions.Item> : null}
      <Descriptions.Item label={t('request.volume')}>{t('agreements.daily', { count: a.expectedDailyVolume })}</Descriptions.Item>
      {a.decision ? (
        <Descriptions.Item label={t('agreements.decision')}>
          {t(`agreements.${a.decision.decision}`)} · {formatInstant(a.decision.decidedAt, language)}
          {a.decision.reason ? ` · ${t('agreements.reason')}：${a.decision.reason}` : ''}
        </Descriptions.Item>
      ) : null}
      {a.appeal ? (
        <Descriptions.Item label={t('agreements.appeal')}>
          {t(`agreements.appealStatus.${a.appeal.status}`)}
          {a.appeal.decisionReason ? ` · ${a.appeal.decisionReason}` : ''}
        </Descriptions.Item>
      ) : a.status === 'rejected' ? (
        <Descriptions.Item label={t('agreements.appeal')}>
          <Button size="small" onClick={onAppeal}>
            {t('agreements.appealAction')}
          </Button>
        </Descriptions.Item>
      ) : null}
      {a.statusReason ? <Descriptions.Item label={t('agreements.reason')}>{a.statusReason}</Descriptions.Item> : null}
    </Descriptions>
  );
}

function AppealModal({ agreement, onClose, onDone }: { agreement?: Agreement; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation('consumer');
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const send = async () => {
    if (!agreement) return;
    const { reason } = await form.validateFields();
    setBusy(true);
    setError(undefined);
    try {
      await answer(platform.POST('/api/v1/agreements/{id}/appeal', { params: { path: { id: agreement.id } }, body: { reason: reason.trim() } }));
      void message.success(t('agreements.appealSent'));
      form.resetFields();
      onClose();
      onDone();
    } catch (e) {
      // The platform's reason under the reason field when it names it; any other in the dialog's alert.
      const text = sharingProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('reason'))) setError(text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={!!agreement} title={t('agreements.appealAction')} onCancel={onClose} onOk={() => void send()} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={t('agreements.appealReason')} rules={textRules(t, t('agreements.appealReason'), TEXT_MAX.agreementReason)}>
          <Input.TextArea rows={3} maxLength={TEXT_MAX.agreementReason} showCount />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} /> : null}
    </Modal>
  );
}
