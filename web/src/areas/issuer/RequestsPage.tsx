/**
 * 共享申请: requests of other departments for this department's catalog resources (GET
 * /api/v1/agreements?role=owner), the ones waiting for an answer ordered by deadline, the most
 * urgent first; a drawer with what was asked (fields with their sensitivity, purpose, legal basis)
 * and the decision, approve or reject, with a reason (POST /api/v1/agreements/{id}/decision).
 */
import { CloseOutlined } from '@ant-design/icons';
import { App as AntApp, Alert, Button, Checkbox, Descriptions, Drawer, Flex, Form, Grid, Input, Modal, Tabs, Tag, Typography } from 'antd';
import type { Answer } from '@certbridge/client';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, queryClient } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { useAskReason } from '../../shared/lists/askReason.tsx';
import { DataTable, eachRow, type BatchAction, type DataColumn } from '../../shared/lists/DataTable.tsx';
import { usePurposes } from '../consumer/sharing.tsx';
import { who } from '../../shared/who.ts';
import { EmptyText, fieldTitle, issuerProblem, useDepartmentNames, useStandard } from './shared.tsx';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';

type Agreement = Answer<'/api/v1/agreements'>['items'][number];

const PENDING = ['submitted', 'escalated'];
// Darker than antd's presets, for a 4.5:1 contrast on the tag's background.
const SENSITIVITY_LOOK: Record<string, { color: string; background: string; borderColor: string }> = {
  public: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  internal: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  sensitive: { color: '#820014', background: '#fff1f0', borderColor: '#ff7875' },
};

/** Waiting longest for an answer first: by deadline, then by submission. */
const byDeadline = (a: Agreement, b: Agreement) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999') || a.submittedAt.localeCompare(b.submittedAt);

function DecisionDialog({ agreement, decision, fieldLabel, onClose, onDone }: {
  agreement: Agreement;
  decision: 'approve' | 'reject';
  fieldLabel: (name: string) => string;
  onClose: () => void;
  onDone: (agreement: Agreement) => void;
}) {
  const { t } = useTranslation('issuer');
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [form] = Form.useForm<{ reason: string; fields?: string[] }>();
  const submit = async (values: { reason: string; fields?: string[] }) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = decision === 'approve' ? { decision, reason: values.reason.trim(), fields: values.fields } : { decision, reason: values.reason.trim() };
      const updated = await answer(platform.POST('/api/v1/agreements/{id}/decision', { params: { path: { id: agreement.id } }, body }));
      void message.success(t(decision === 'approve' ? 'requests.approved' : 'requests.rejected'));
      onDone(updated);
    } catch (e) {
      const text = issuerProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('reason', 'fields'))) setError(text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(decision === 'approve' ? 'requests.approveTitle' : 'requests.rejectTitle')}
      okText={t(decision === 'approve' ? 'requests.approve' : 'requests.reject')}
      cancelText={t('actions.cancelButton')}
      okButtonProps={{ danger: decision === 'reject', loading: busy, htmlType: 'submit', form: 'agreement-decision', ...{ 'data-tour': 'decision-submit' } }}
      cancelButtonProps={{ ...{ 'data-tour': 'decision-cancel' } }}
      onOk={() => undefined}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type={decision === 'approve' ? 'info' : 'warning'} showIcon title={t(decision === 'approve' ? 'requests.approveExplain' : 'requests.rejectExplain')} style={{ marginBottom: 16 }} />
      <Form form={form} id="agreement-decision" name="decision" layout="vertical" initialValues={{ fields: agreement.requestedFields }} onFinish={(values) => void submit(values)}>
        {decision === 'approve' ? (
          // At least one field, checked without `required`: antd would put aria-required on the group, which a group may not carry (axe).
          <Form.Item
            data-tour="decision-fields"
            name="fields"
            label={t('requests.grant')}
            rules={[{ validator: (_, fields?: string[]) => (fields?.length ? Promise.resolve() : Promise.reject(new Error(t('requests.grantRequired')))) }]}
          >
            <Checkbox.Group options={agreement.requestedFields.map((name) => ({ value: name, label: fieldLabel(name) }))} />
          </Form.Item>
        ) : null}
        <Form.Item data-tour="decision-reason" name="reason" label={t('requests.reason')} rules={[{ required: true, whitespace: true, message: t('requests.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={4000} showCount placeholder={t('requests.reasonPlaceholder')} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} role="alert" /> : null}
    </Modal>
  );
}

function RequestDrawer({ agreement, purposeName, departmentName, onClose, onDecided }: {
  agreement: Agreement;
  purposeName: (code: string) => string;
  departmentName: (code: string) => string;
  onClose: () => void;
  onDecided: (agreement: Agreement) => void;
}) {
  const { t } = useTranslation('issuer');
  const language = currentLanguage();
  const screens = Grid.useBreakpoint();
  const [deciding, setDeciding] = useState<'approve' | 'reject'>();
  // The resource's fields give titles and sensitivity; without them the names are shown.
  const { data: resource } = $api.useQuery('get', '/api/v1/catalog/{id}', { params: { path: { id: agreement.resourceId } } });
  const fields = resource?.fields ?? [];
  // A license type's fields are titled by its standard when the catalog gives no title.
  const standard = useStandard(agreement.licenseType);
  const fieldOf = (name: string) => fields.find((f) => f.name === name);
  const fieldLabel = (name: string) => {
    const field = fieldOf(name);
    return (language === 'en' ? field?.titleEn : field?.title) ?? field?.title ?? fieldTitle(standard, name, language);
  };
  const fieldTags = (names: string[]) => (
    <Flex gap={6} wrap>
      {names.map((name) => {
        const sensitivity = fieldOf(name)?.sensitivity;
        return (
          <Tag key={name} style={sensitivity ? SENSITIVITY_LOOK[sensitivity] : undefined} data-requested-field={name}>
            {fieldLabel(name)}
            {sensitivity ? ` · ${t(`requests.sensitivity.${sensitivity}`)}` : ''}
          </Tag>
        );
      })}
    </Flex>
  );
  const pending = PENDING.includes(agreement.status);
  const items = [
    { key: 'resource', label: t('requests.fields.resource'), children: agreement.resourceTitle },
    { key: 'sharingClass', label: t('requests.fields.sharingClass'), children: t(`requests.sharingClasses.${agreement.sharingClass}`, { defaultValue: agreement.sharingClass }) },
    { key: 'consumer', label: t('requests.fields.consumer'), children: departmentName(agreement.consumerDepartment) },
    { key: 'requestedBy', label: t('requests.fields.requestedBy'), children: who(agreement.requestedBy, agreement.requestedByName) },
    { key: 'purpose', label: t('requests.fields.purpose'), children: purposeName(agreement.purpose) },
    { key: 'purposeDescription', label: t('requests.fields.purposeDescription'), children: <span className="cb-break" style={{ whiteSpace: 'pre-wrap' }}>{agreement.purposeDescription}</span> },
    { key: 'legalBasis', label: t('requests.fields.legalBasis'), children: <span className="cb-break" style={{ whiteSpace: 'pre-wrap' }}>{agreement.legalBasis}</span> },
    { key: 'requestedFields', label: t('requests.fields.requestedFields'), children: fieldTags(agreement.requestedFields) },
    ...(agreement.grantedFields ? [{ key: 'grantedFields', label: t('requests.fields.grantedFields'), children: fieldTags(agreement.grantedFields) }] : []),
    { key: 'volume', label: t('requests.fields.expectedDailyVolume'), children: t('requests.perDay', { count: agreement.expectedDailyVolume }) },
    { key: 'validUntil', label: t('requests.fields.validUntil'), children: formatDate(agreement.validUntil, language) },
    { key: 'submittedAt', label: t('requests.fields.submittedAt'), children: formatInstant(agreement.submittedAt, language) },
    {
      key: 'due',
      label: t('requests.fields.due'),
      children: agreement.dueDate ? (
        <>
          {formatDate(agreement.dueDate, language)} {agreement.overdue ? <Tag style={SENSITIVITY_LOOK.sensitive}>{t('requests.overdue')}</Tag> : null}
        </>
      ) : (
        t('requests.noDeadline')
      ),
    },
    { key: 'status', label: t('requests.fields.status'), children: t(`requests.statuses.${agreement.status}`, { defaultValue: agreement.status }) },
    ...(agreement.decision
      ? [
          {
            key: 'decision',
            label: t('requests.fields.decision'),
            children: (
              <span data-tour="request-decision">
                {t('requests.decisionText', {
                  decision: t(`requests.decisions.${agreement.decision.decision}`),
                  by: who(agreement.decision.decidedBy, agreement.decision.decidedByName),
                  time: formatInstant(agreement.decision.decidedAt, language),
                  reason: agreement.decision.reason ?? '—',
                })}
              </span>
            ),
          },
        ]
      : []),
  ];
  return (
    <Drawer
      open
      onClose={onClose}
      title={t('requests.drawerTitle')}
      closeIcon={<CloseOutlined data-tour="request-close" />}
      size={screens.md ? 640 : '100vw'}
      destroyOnHidden
      footer={
        pending ? (
          <Flex gap={8} justify="flex-end" data-tour="request-decide">
            <Button danger onClick={() => setDeciding('reject')}>
              {t('requests.reject')}
            </Button>
            <Button type="primary" onClick={() => setDeciding('approve')} data-tour="request-approve">
              {t('requests.approve')}
            </Button>
          </Flex>
        ) : null
      }
    >
      <Descriptions column={1} bordered size="small" items={items} layout={screens.sm ? 'horizontal' : 'vertical'} styles={{ label: { width: screens.sm ? 140 : undefined } }} />
      {deciding ? (
        <DecisionDialog
          agreement={agreement}
          decision={deciding}
          fieldLabel={fieldLabel}
          onClose={() => setDeciding(undefined)}
          onDone={(updated) => {
            setDeciding(undefined);
            onDecided(updated);
          }}
        />
      ) : null}
    </Drawer>
  );
}

export default function RequestsPage() {
  const { t } = useTranslation('issuer');
  const language = currentLanguage();
  const departmentName = useDepartmentNames();
  const purposeList = usePurposes();
  const [tab, setTab] = useState<'pending' | 'decided'>('pending');
  const [open, setOpen] = useState<Agreement>();
  // After a decision the list stays on screen while it is read again.
  const loaded = $api.useQuery('get', '/api/v1/agreements', { params: { query: { role: 'owner', limit: 200 } } });
  const agreements = loaded.data?.items;
  const error = loaded.error && !loaded.isFetching ? issuerProblem(loaded.error, t) : undefined;

  const purposeName = (code: string) => {
    const purpose = purposeList.find((p) => p.code === code);
    return purpose ? (language === 'en' ? purpose.nameEn : purpose.name) : code;
  };
  const rows = useMemo(() => {
    const all = agreements ?? [];
    return tab === 'pending' ? all.filter((a) => PENDING.includes(a.status)).sort(byDeadline) : all.filter((a) => !PENDING.includes(a.status));
  }, [agreements, tab]);
  const pendingCount = (agreements ?? []).filter((a) => PENDING.includes(a.status)).length;

  const askReason = useAskReason();
  const decideAll = async (rows: Agreement[], decision: 'approve' | 'reject') => {
    const reason = await askReason({
      title: t(decision === 'approve' ? 'requests.approveSelectedTitle' : 'requests.rejectSelectedTitle'),
      label: t('requests.reason'),
      okText: t(decision === 'approve' ? 'requests.approve' : 'requests.reject'),
      cancelText: t('actions.cancelButton'),
      danger: decision === 'reject',
    });
    if (!reason) return false;
    try {
      await eachRow(rows, (a) =>
        platform.POST('/api/v1/agreements/{id}/decision', {
          params: { path: { id: a.id } },
          body: decision === 'approve' ? { decision, reason, fields: a.requestedFields } : { decision, reason },
        }),
      );
    } finally {
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/agreements'] });
    }
  };
  const batchActions: BatchAction<Agreement>[] = [
    { key: 'approve', label: t('requests.approveSelected'), appliesTo: (a) => PENDING.includes(a.status), run: (rows) => decideAll(rows, 'approve') },
    { key: 'reject', label: t('requests.rejectSelected'), danger: true, appliesTo: (a) => PENDING.includes(a.status), run: (rows) => decideAll(rows, 'reject') },
  ];

  const columns: DataColumn<Agreement>[] = [
    { key: 'resource', title: t('requests.columns.resource'), dataIndex: 'resourceTitle', render: (title: string) => <span className="cb-break">{title}</span> },
    { key: 'consumer', title: t('requests.columns.consumer'), dataIndex: 'consumerDepartment', render: (code: string) => departmentName(code, language), exportValue: (a) => departmentName(a.consumerDepartment, language) },
    { key: 'purpose', title: t('requests.columns.purpose'), dataIndex: 'purpose', responsive: ['md'], render: purposeName, exportValue: (a) => purposeName(a.purpose) },
    { key: 'submittedAt', title: t('requests.columns.submittedAt'), dataIndex: 'submittedAt', responsive: ['lg'], render: (at: string) => formatInstant(at, language), exportValue: (a) => formatInstant(a.submittedAt, language) },
    {
      key: 'due',
      exportValue: (a) => (a.dueDate ? formatDate(a.dueDate, language) : t('requests.noDeadline')),
      title: t('requests.columns.due'),
      dataIndex: 'dueDate',
      render: (due: string | null, a, index) =>
        due ? (
          <Flex gap={4} wrap align="center" data-tour={index === 0 ? 'request-deadline' : undefined}>
            <span style={{ whiteSpace: 'nowrap' }}>{formatDate(due, language)}</span>
            {a.overdue ? <Tag style={SENSITIVITY_LOOK.sensitive}>{t('requests.overdue')}</Tag> : null}
          </Flex>
        ) : (
          t('requests.noDeadline')
        ),
    },
    { key: 'status', title: t('requests.columns.status'), dataIndex: 'status', render: (status: string) => t(`requests.statuses.${status}`, { defaultValue: status }), exportValue: (a) => t(`requests.statuses.${a.status}`, { defaultValue: a.status }) },
    {
      title: t('requests.columns.actions'),
      key: 'actions',
      render: (_: unknown, a, index) => (
        <Button size="small" type={PENDING.includes(a.status) ? 'primary' : 'default'} onClick={() => setOpen(a)} data-tour={index === 0 && PENDING.includes(a.status) ? 'request-review' : undefined}>
          {PENDING.includes(a.status) ? t('requests.review') : t('requests.view')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('requests.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('requests.intro')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as 'pending' | 'decided')}
        items={[
          { key: 'pending', label: `${t('requests.pending')}${agreements ? ` (${pendingCount})` : ''}` },
          { key: 'decided', label: t('requests.decided') },
        ]}
      />
      <div data-tour="requests-queue">
        <DataTable<Agreement>
          listName={t('requests.listName')}
          listKey="requests"
          batchActions={tab === 'pending' ? batchActions : undefined}
          rowKey="id"
          size="middle"
          loading={!agreements && !error}
          dataSource={rows}
          columns={columns}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <EmptyText>{tab === 'pending' ? t('requests.empty') : t('requests.emptyDecided')}</EmptyText> }}
          rowClassName={(a) => (a.overdue ? 'cb-overdue' : '')}
          aria-label={t('requests.tableLabel')}
          style={{ background: '#fff' }}
        />
      </div>
      {open ? (
        <RequestDrawer
          agreement={open}
          purposeName={purposeName}
          departmentName={(code) => departmentName(code, language)}
          onClose={() => setOpen(undefined)}
          onDecided={(updated) => {
            setOpen(updated);
            void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/agreements'] });
          }}
        />
      ) : null}
    </>
  );
}
