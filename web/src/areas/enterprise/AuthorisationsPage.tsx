import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Checkbox, DatePicker, Empty, Flex, Form, Input, List, Modal, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemMessage } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { ToneTag } from './ToneTag.tsx';
import { fieldTitle, fieldTitleIn, typeName, useAllStandards, useLicenseTypes, useStandard } from '../../shared/licenseTypes/standard.ts';
import { lastDayOf, loadDepartments, loadPurposes, nameIn, useHolder, useLanguage, useLoaded, type Named } from './portal.ts';

/** GET /api/v1/holders/:holderCode/authorisations */
interface Authorisation {
  id: string;
  holderCode: string;
  type: string;
  grantee: { department: string } | { clientId: string };
  purpose: string;
  fields: string[];
  validUntil: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

interface GrantForm {
  type?: string;
  department: string;
  purpose: string;
  fields: string[];
  validUntil: Dayjs;
}

const STATUS_TONES = { active: 'green', expired: 'default', revoked: 'red' } as const;

/** 授权管理: the enterprise's authorisations — the list, a new one, revoking one. */
export default function AuthorisationsPage() {
  const { t } = useTranslation('enterprise');
  const { t: common } = useTranslation();
  const { message } = AntApp.useApp();
  const language = useLanguage();
  const { holderCode } = useHolder();
  const base = `/api/v1/holders/${encodeURIComponent(holderCode)}/authorisations`;
  const [list, reload] = useLoaded((signal) => api<Authorisation[]>(base, { signal }), [base]);
  const [lookups] = useLoaded(async () => {
    const [departments, purposes] = await Promise.all([loadDepartments(), loadPurposes()]);
    return { departments, purposes };
  }, []);
  const departments = lookups.state === 'loaded' ? lookups.data.departments : [];
  const purposes = lookups.state === 'loaded' ? lookups.data.purposes : [];
  const types = useLicenseTypes();
  const standards = useAllStandards();
  const [form] = Form.useForm<GrantForm>();
  const chosenType = Form.useWatch('type', form) ?? types[0]?.key;
  const standard = useStandard(chosenType);
  const allFields = useMemo(() => Object.keys(standard?.dataSchema.properties ?? {}), [standard]);
  const [granting, setGranting] = useState(false);
  const [grantError, setGrantError] = useState<string>();
  const [revoking, setRevoking] = useState<Authorisation>();
  const [revokeReason, setRevokeReason] = useState('');
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string>();

  useEffect(() => {
    if (types.length > 0 && !form.getFieldValue('type')) form.setFieldValue('type', types[0].key);
  }, [types, form]);
  useEffect(() => {
    if (allFields.length > 0) form.setFieldValue('fields', allFields);
  }, [allFields, form]);

  const allFieldsOf = (type: string) => Object.keys(standards.find((x) => x.key === type)?.dataSchema.properties ?? {});
  const named = (items: Named[], code: string) => nameIn(language, items.find((i) => i.code === code)) ?? code;
  const granteeName = (a: Authorisation) => ('department' in a.grantee ? named(departments, a.grantee.department) : a.grantee.clientId);

  async function grant(values: GrantForm) {
    setGranting(true);
    setGrantError(undefined);
    try {
      await api<Authorisation>(base, {
        method: 'POST',
        body: { grantee: { department: values.department }, purpose: values.purpose, type: values.type ?? chosenType, fields: values.fields, validUntil: values.validUntil.format('YYYY-MM-DD') },
      });
      void message.success(t('authorisations.grant.granted', { grantee: named(departments, values.department) }));
      form.resetFields(['department', 'purpose']);
      reload();
    } catch (error) {
      setGrantError(problemMessage(error, t));
    } finally {
      setGranting(false);
    }
  }

  async function revoke() {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(undefined);
    try {
      await api<Authorisation>(`${base}/${encodeURIComponent(revoking.id)}/revoke`, { method: 'POST', body: revokeReason.trim() ? { reason: revokeReason.trim() } : {} });
      void message.success(t('authorisations.revoked'));
      setRevoking(undefined);
      setRevokeReason('');
      reload();
    } catch (error) {
      setRevokeError(problemMessage(error, t));
    } finally {
      setRevokeBusy(false);
    }
  }

  const tomorrow = dayjs().add(1, 'day').startOf('day');

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('authorisations.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('authorisations.intro')}</Typography.Paragraph>

      <Card title={t('authorisations.grant.title')} style={{ marginBottom: 16 }}>
        {lookups.state === 'failed' ? <Alert type="error" showIcon title={lookups.message} style={{ marginBottom: 16 }} /> : null}
        <Form<GrantForm>
          form={form}
          layout="vertical"
          onFinish={(values) => void grant(values)}
          initialValues={{ validUntil: dayjs().add(90, 'day') }}
          requiredMark
          disabled={lookups.state !== 'loaded'}
        >
          <Flex gap={16} wrap>
            <Form.Item name="department" label={t('authorisations.grant.department')} rules={[{ required: true, message: t('authorisations.grant.required') }]} style={{ flex: '1 1 260px', minWidth: 0 }}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('authorisations.grant.departmentPlaceholder')}
                options={departments.map((d) => ({ value: d.code, label: nameIn(language, d) }))}
                loading={lookups.state === 'loading'}
              />
            </Form.Item>
            <Form.Item name="purpose" label={t('authorisations.grant.purpose')} rules={[{ required: true, message: t('authorisations.grant.required') }]} style={{ flex: '1 1 220px', minWidth: 0 }}>
              <Select placeholder={t('authorisations.grant.purposePlaceholder')} options={purposes.map((p) => ({ value: p.code, label: nameIn(language, p) }))} loading={lookups.state === 'loading'} />
            </Form.Item>
            <Form.Item name="type" label={t('authorisations.grant.type')} style={{ flex: '1 1 200px', minWidth: 0 }}>
              <Select options={types.map((x) => ({ value: x.key, label: typeName(x, language) }))} />
            </Form.Item>
            <Form.Item name="validUntil" label={t('authorisations.grant.validUntil')} rules={[{ required: true, message: t('authorisations.grant.required') }]} style={{ flex: '0 1 200px' }}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(tomorrow)} allowClear={false} />
            </Form.Item>
          </Flex>
          <Form.Item name="fields" label={t('authorisations.grant.fields')} rules={[{ validator: (_, value?: string[]) => (value && value.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('authorisations.grant.fieldsRequired')))) }]}>
            <Checkbox.Group options={allFields.map((f) => ({ value: f, label: fieldTitle(standard, f, language) }))} />
          </Form.Item>
          {grantError ? <Alert type="error" showIcon title={grantError} style={{ marginBottom: 16 }} /> : null}
          <Button type="primary" htmlType="submit" icon={<PlusOutlined aria-hidden />} loading={granting}>
            {t('authorisations.grant.submit')}
          </Button>
        </Form>
      </Card>

      {list.state === 'loading' ? <PageLoading /> : null}
      {list.state === 'failed' ? (
        <Alert
          type="error"
          showIcon
          title={t('authorisations.loadFailed')}
          description={list.message}
          action={
            <Button size="small" onClick={reload}>
              {common('retry')}
            </Button>
          }
        />
      ) : null}
      {list.state === 'loaded' && list.data.length === 0 ? (
        <Card>
          <Empty description={t('authorisations.empty')} />
        </Card>
      ) : null}
      {list.state === 'loaded' && list.data.length > 0 ? (
        <Card styles={{ body: { paddingBlock: 4 } }}>
          <List
            dataSource={list.data}
            rowKey="id"
            renderItem={(a) => (
              <List.Item
                data-testid="authorisation"
                data-status={a.status}
                actions={
                  a.status === 'active'
                    ? [
                        <Button key="revoke" danger icon={<StopOutlined aria-hidden />} onClick={() => setRevoking(a)} aria-label={`${t('authorisations.revoke')} ${granteeName(a)}`}>
                          {t('authorisations.revoke')}
                        </Button>,
                      ]
                    : []
                }
                style={{ flexWrap: 'wrap', rowGap: 8 }}
              >
                <List.Item.Meta
                  title={
                    <Space wrap size={[8, 4]}>
                      <span>{granteeName(a)}</span>
                      <ToneTag tone={STATUS_TONES[a.status]}>{t(`statuses.${a.status}`, { defaultValue: a.status })}</ToneTag>
                    </Space>
                  }
                  description={
                    <>
                      <div>
                        {t('authorisations.purpose')}: {named(purposes, a.purpose)} · {t('authorisations.validUntil')}: {formatDate(lastDayOf(a.validUntil), language)}
                      </div>
                      <div>
                        {t('authorisations.fields')}:{' '}
                        {allFieldsOf(a.type).length > 0 && allFieldsOf(a.type).every((f) => a.fields.includes(f))
                          ? t('authorisations.allFields')
                          : a.fields.map((f) => fieldTitleIn(standards, f, language, a.type)).join(language === 'en' ? ', ' : '、')}
                      </div>
                      <div>
                        {t('authorisations.createdAt')}: {formatInstant(a.createdAt, language)}
                        {a.revokedAt ? ` · ${t('authorisations.revokedAt', { at: formatInstant(a.revokedAt, language) })}` : ''}
                        {a.revokedReason ? `（${a.revokedReason}）` : ''}
                      </div>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      ) : null}

      <Modal
        open={revoking !== undefined}
        title={t('authorisations.revokeTitle')}
        okText={t('authorisations.revokeConfirm')}
        cancelText={t('authorisations.cancel')}
        okButtonProps={{ danger: true, loading: revokeBusy }}
        onOk={() => void revoke()}
        onCancel={() => {
          setRevoking(undefined);
          setRevokeError(undefined);
          setRevokeReason('');
        }}
        destroyOnHidden
      >
        <Typography.Paragraph>{revoking ? t('authorisations.revokeBody', { grantee: granteeName(revoking) }) : null}</Typography.Paragraph>
        <label htmlFor="revoke-reason" style={{ display: 'block', marginBottom: 4 }}>
          {t('authorisations.revokeReason')}
        </label>
        <Input.TextArea id="revoke-reason" value={revokeReason} onChange={(e) => setRevokeReason(e.target.value)} maxLength={2000} autoSize={{ minRows: 2, maxRows: 4 }} />
        {revokeError ? <Alert type="error" showIcon title={revokeError} style={{ marginTop: 12 }} /> : null}
      </Modal>
    </>
  );
}
