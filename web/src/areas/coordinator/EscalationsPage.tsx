/**
 * 升级与申诉: requests escalated for want of an answer in time (GET /api/v1/agreements?status=escalated),
 * decided with POST /api/v1/agreements/{id}/decision, and rejections appealed by the requesting
 * department, decided with POST /api/v1/agreements/{id}/appeal-decision — each with a reason.
 */
import { App as AntApp, Alert, Button, Checkbox, Descriptions, Form, Grid, Input, Modal, Radio, Table, Tabs, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EmptyText, purposeName, sharingProblem, useDepartments, useFieldTitles, useLoad, usePurposes, type Agreement } from '../consumer/sharing.tsx';

export default function EscalationsPage() {
  const { t } = useTranslation('coordinator');
  const screens = Grid.useBreakpoint();
  const purposes = usePurposes();
  const { nameOf } = useDepartments();
  const language = currentLanguage();
  const [deciding, setDeciding] = useState<{ agreement: Agreement; appeal: boolean }>();
  const escalated = useLoad((signal) => api<{ items: Agreement[] }>('/api/v1/agreements', { query: { status: 'escalated', limit: 200 }, signal }), []);
  const appeals = useLoad(
    (signal) => api<{ items: Agreement[] }>('/api/v1/agreements', { query: { status: 'rejected', limit: 200 }, signal }).then((p) => p.items.filter((a) => a.appeal?.status === 'pending')),
    [],
  );

  const base: TableProps<Agreement>['columns'] = [
    { title: t('escalations.columns.resource'), key: 'resource', render: (_, a) => a.resourceTitle },
    { title: t('escalations.columns.consumer'), key: 'consumer', render: (_, a) => nameOf(a.consumerDepartment) },
    { title: t('escalations.columns.provider'), key: 'provider', render: (_, a) => nameOf(a.ownerDepartment), responsive: ['md'] },
    { title: t('escalations.columns.purpose'), key: 'purpose', render: (_, a) => purposeName(purposes, a.purpose), responsive: ['lg'] },
  ];
  const action = (appeal: boolean): NonNullable<TableProps<Agreement>['columns']>[number] => ({
    title: '',
    key: 'action',
    render: (_, a) => (
      <Button type="primary" size="small" onClick={() => setDeciding({ agreement: a, appeal })}>
        {t('escalations.decide')}
      </Button>
    ),
  });
  const done = () => {
    escalated.reload();
    appeals.reload();
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('escalations.title')}
      </Typography.Title>
      {escalated.error || appeals.error ? <Alert type="error" showIcon title={escalated.error ?? appeals.error} style={{ marginBottom: 16 }} /> : null}
      <Tabs
        items={[
          {
            key: 'escalated',
            label: t('escalations.escalatedTab', { count: escalated.data?.items.length ?? 0 }),
            children: (
              <Table<Agreement>
                rowKey="id"
                size={screens.md ? 'middle' : 'small'}
                loading={escalated.loading}
                dataSource={escalated.data?.items ?? []}
                locale={{ emptyText: <EmptyText>{t('escalations.empty')}</EmptyText> }}
                pagination={false}
                columns={[
                  ...base,
                  { title: t('escalations.columns.due'), key: 'due', render: (_, a) => (a.dueDate ? formatDate(a.dueDate, language) : '—'), responsive: ['md'] },
                  action(false),
                ]}
              />
            ),
          },
          {
            key: 'appeals',
            label: t('escalations.appealsTab', { count: appeals.data?.length ?? 0 }),
            children: (
              <Table<Agreement>
                rowKey="id"
                size={screens.md ? 'middle' : 'small'}
                loading={appeals.loading}
                dataSource={appeals.data ?? []}
                locale={{ emptyText: <EmptyText>{t('escalations.empty')}</EmptyText> }}
                pagination={false}
                columns={[
                  ...base,
                  { title: t('escalations.columns.appealedAt'), key: 'appealedAt', render: (_, a) => (a.appeal ? formatInstant(a.appeal.appealedAt, language) : '—'), responsive: ['md'] },
                  action(true),
                ]}
              />
            ),
          },
        ]}
      />
      <DecisionModal key={deciding?.agreement.id ?? 'none'} target={deciding} onClose={() => setDeciding(undefined)} onDone={done} />
    </>
  );
}

function DecisionModal({ target, onClose, onDone }: { target?: { agreement: Agreement; appeal: boolean }; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation('coordinator');
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ decision: 'approve' | 'reject'; reason: string; fields: string[] }>();
  const decision = Form.useWatch('decision', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const a = target?.agreement;
  const titleOf = useFieldTitles(undefined, a?.licenseType);

  const send = async () => {
    if (!target || !a) return;
    let values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = { decision: values.decision, reason: values.reason, ...(values.decision === 'approve' ? { fields: values.fields } : {}) };
      await api(`/api/v1/agreements/${a.id}/${target.appeal ? 'appeal-decision' : 'decision'}`, { method: 'POST', body });
      void message.success(t('escalations.decided'));
      onClose();
      onDone();
    } catch (e) {
      setError(sharingProblem(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!target}
      title={a ? t('escalations.decideTitle', { resource: a.resourceTitle }) : ''}
      onCancel={onClose}
      onOk={() => void send()}
      confirmLoading={busy}
      destroyOnHidden
    >
      {a ? (
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('escalations.purposeDescription')}>{a.purposeDescription}</Descriptions.Item>
          <Descriptions.Item label={t('escalations.legalBasis')}>{a.legalBasis}</Descriptions.Item>
          {target?.appeal && a.decision?.reason ? <Descriptions.Item label={t('escalations.rejectionReason')}>{a.decision.reason}</Descriptions.Item> : null}
          {target?.appeal && a.appeal ? <Descriptions.Item label={t('escalations.appealReason')}>{a.appeal.reason}</Descriptions.Item> : null}
        </Descriptions>
      ) : null}
      <Form form={form} layout="vertical" initialValues={{ decision: 'approve', reason: '', fields: a?.requestedFields ?? [] }}>
        <Form.Item name="decision" label={t('escalations.decision')}>
          <Radio.Group
            options={[
              { value: 'approve', label: target?.appeal ? t('escalations.upholdAppeal') : t('escalations.approve') },
              { value: 'reject', label: target?.appeal ? t('escalations.dismissAppeal') : t('escalations.reject') },
            ]}
          />
        </Form.Item>
        {decision === 'approve' && a ? (
          <Form.Item name="fields" label={t('escalations.fields')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <Checkbox.Group options={a.requestedFields.map((f) => ({ value: f, label: titleOf(f) }))} />
          </Form.Item>
        ) : null}
        <Form.Item name="reason" label={t('escalations.reason')} rules={[{ required: true, whitespace: true, message: t('escalations.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} /> : null}
    </Modal>
  );
}
