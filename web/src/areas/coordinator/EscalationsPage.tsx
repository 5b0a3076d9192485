/**
 * 升级与申诉: requests escalated for want of an answer in time (GET /api/v1/agreements?status=escalated),
 * decided with POST /api/v1/agreements/{id}/decision, and rejections appealed by the requesting
 * department, decided with POST /api/v1/agreements/{id}/appeal-decision — each with a reason.
 */
import type { Answer } from '@certbridge/client';
import { App as AntApp, Alert, Button, Checkbox, Descriptions, Form, Grid, Input, Modal, Radio, Table, Tabs, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, platform, queryClient } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EmptyText, purposeName, sharingProblem, useDepartments, useFieldTitles, usePurposes } from '../consumer/sharing.tsx';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';

type Agreement = Answer<'/api/v1/agreements'>['items'][number];

export default function EscalationsPage() {
  const { t } = useTranslation('coordinator');
  const screens = Grid.useBreakpoint();
  const purposes = usePurposes();
  const { nameOf } = useDepartments();
  const language = currentLanguage();
  const [deciding, setDeciding] = useState<{ agreement: Agreement; appeal: boolean }>();
  const [decided, setDecided] = useState(false);
  const escalated = $api.useQuery('get', '/api/v1/agreements', { params: { query: { status: ['escalated'], limit: 200 } } });
  const rejected = $api.useQuery('get', '/api/v1/agreements', { params: { query: { status: ['rejected'], limit: 200 } } });
  const appeals = rejected.data?.items.filter((a) => a.appeal?.status === 'pending');
  const failed = escalated.error ?? rejected.error;

  const base: TableProps<Agreement>['columns'] = [
    { title: t('escalations.columns.resource'), key: 'resource', render: (_, a) => a.resourceTitle },
    { title: t('escalations.columns.consumer'), key: 'consumer', render: (_, a) => nameOf(a.consumerDepartment) },
    { title: t('escalations.columns.provider'), key: 'provider', render: (_, a) => nameOf(a.ownerDepartment), responsive: ['md'] },
    { title: t('escalations.columns.purpose'), key: 'purpose', render: (_, a) => purposeName(purposes, a.purpose), responsive: ['lg'] },
  ];
  const action = (appeal: boolean): NonNullable<TableProps<Agreement>['columns']>[number] => ({
    title: '',
    key: 'action',
    render: (_, a, index) => (
      <Button type="primary" size="small" onClick={() => setDeciding({ agreement: a, appeal })} data-tour={appeal && index === 0 ? 'appeal-decide' : undefined}>
        {t('escalations.decide')}
      </Button>
    ),
  });
  const done = () => {
    setDecided(true);
    void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/agreements'] });
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('escalations.title')}
      </Typography.Title>
      {failed ? <Alert type="error" showIcon title={sharingProblem(failed, t)} style={{ marginBottom: 16 }} /> : null}
      {decided ? (
        <Alert type="success" showIcon closable onClose={() => setDecided(false)} style={{ marginBottom: 16 }} title={<span data-tour="escalation-decided">{t('escalations.decidedNote')}</span>} />
      ) : null}
      <div data-tour="escalations-tabs">
        <Tabs
          items={[
            {
              key: 'escalated',
              label: t('escalations.escalatedTab', { count: escalated.data?.items.length ?? 0 }),
              children: (
                <Table<Agreement>
                  rowKey="id"
                  size={screens.md ? 'middle' : 'small'}
                  loading={escalated.isFetching}
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
              label: <span data-tour="appeals-tab">{t('escalations.appealsTab', { count: appeals?.length ?? 0 })}</span>,
              children: (
                <Table<Agreement>
                  rowKey="id"
                  size={screens.md ? 'middle' : 'small'}
                  loading={rejected.isFetching}
                  dataSource={appeals ?? []}
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
      </div>
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
      await platform.POST(`/api/v1/agreements/{id}/${target.appeal ? 'appeal-decision' : 'decision'}`, { params: { path: { id: a.id } }, body });
      void message.success(t('escalations.decided'));
      onClose();
      onDone();
    } catch (e) {
      const text = sharingProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('decision', 'reason', 'fields'))) setError(text);
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
      okButtonProps={{ ...{ 'data-tour': 'escalation-submit' } }}
      cancelButtonProps={{ ...{ 'data-tour': 'escalation-cancel' } }}
      destroyOnHidden
    >
      {a ? (
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }} data-tour="escalation-case">
          <Descriptions.Item label={t('escalations.purposeDescription')}>{a.purposeDescription}</Descriptions.Item>
          <Descriptions.Item label={t('escalations.legalBasis')}>{a.legalBasis}</Descriptions.Item>
          {target?.appeal && a.decision?.reason ? <Descriptions.Item label={t('escalations.rejectionReason')}>{a.decision.reason}</Descriptions.Item> : null}
          {target?.appeal && a.appeal ? <Descriptions.Item label={t('escalations.appealReason')}>{a.appeal.reason}</Descriptions.Item> : null}
        </Descriptions>
      ) : null}
      <Form form={form} layout="vertical" initialValues={{ decision: 'approve', reason: '', fields: a?.requestedFields ?? [] }}>
        <Form.Item name="decision" label={t('escalations.decision')} data-tour="escalation-decision">
          <Radio.Group
            options={[
              { value: 'approve', label: target?.appeal ? t('escalations.upholdAppeal') : t('escalations.approve') },
              { value: 'reject', label: target?.appeal ? t('escalations.dismissAppeal') : t('escalations.reject') },
            ]}
          />
        </Form.Item>
        {decision === 'approve' && a ? (
          // At least one field, checked without `required`: antd would put aria-required on the group, which a group may not carry (axe).
          <Form.Item
            name="fields"
            label={t('escalations.fields')}
            data-tour="escalation-fields"
            rules={[{ validator: (_, fields?: string[]) => (fields?.length ? Promise.resolve() : Promise.reject(new Error(t('escalations.fieldsRequired')))) }]}
          >
            <Checkbox.Group options={a.requestedFields.map((f) => ({ value: f, label: titleOf(f) }))} />
          </Form.Item>
        ) : null}
        <Form.Item name="reason" label={t('escalations.reason')} data-tour="escalation-reason" rules={[{ required: true, whitespace: true, message: t('escalations.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} /> : null}
    </Modal>
  );
}
