import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Checkbox, DatePicker, Empty, Flex, Form, Input, List, Modal, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer } from '@certbridge/client';
import { useQuery } from '@tanstack/react-query';
import { $api, answer, platform, problemMessage, queryClient } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { ToneTag } from './ToneTag.tsx';
import { fieldTitle, fieldTitleIn, typeName, useAllStandards, useLicenseTypes, useStandard } from '../../shared/licenseTypes/standard.ts';
import { departmentsQuery, purposesQuery } from '../consumer/sharing.tsx';
import { lastDayOf, nameIn, useHolder, useLanguage, useLoaded, type Named } from './portal.ts';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';
import { TEXT_MAX } from '../../shared/forms/rules.ts';

type Authorisation = Answer<'/api/v1/holders/{holderCode}/authorisations'>[number];

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
  const listQuery = $api.queryOptions('get', '/api/v1/holders/{holderCode}/authorisations', { params: { path: { holderCode } } });
  const [list, reload] = useLoaded(useQuery(listQuery));
  const departmentList = useQuery(departmentsQuery());
  const purposeList = useQuery(purposesQuery());
  const [lookups] = useLoaded(departmentList.isError ? departmentList : purposeList);
  const departments = departmentList.data ?? [];
  const purposes = purposeList.data ?? [];
  const types = useLicenseTypes();
  const standards = useAllStandards();
  const [form] = Form.useForm<GrantForm>();
  const chosenType = Form.useWatch('type', form) ?? types[0]?.key;
  const standard = useStandard(chosenType);
  const allFields = useMemo(() => Object.keys(standard?.dataSchema.properties ?? {}), [standard]);
  const [granting, setGranting] = useState(false);
  const [grantError, setGrantError] = useState<string>();
  const [revoking, setRevoking] = useState<Authorisation>();
  const [revokeForm] = Form.useForm<{ reason?: string }>();
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
      await answer(
        platform.POST('/api/v1/holders/{holderCode}/authorisations', {
          params: { path: { holderCode } },
          body: { grantee: { department: values.department }, purpose: values.purpose, type: values.type ?? chosenType, fields: values.fields, validUntil: values.validUntil.format('YYYY-MM-DD') },
        }),
      );
      void message.success(t('authorisations.grant.granted', { grantee: named(departments, values.department) }));
      form.resetFields(['department', 'purpose']);
      void queryClient.invalidateQueries({ queryKey: listQuery.queryKey });
    } catch (error) {
      const text = problemMessage(error, t);
      if (!problemOnField(form, error, text, { '/grantee/department': 'department', ...bodyFields('purpose', 'type', 'fields', 'validUntil') })) setGrantError(text);
    } finally {
      setGranting(false);
    }
  }

  async function revoke() {
    if (!revoking) return;
    const revokeReason = (revokeForm.getFieldValue('reason') as string | undefined) ?? '';
    setRevokeBusy(true);
    setRevokeError(undefined);
    try {
      await platform.POST('/api/v1/holders/{holderCode}/authorisations/{id}/revoke', {
        params: { path: { holderCode, id: revoking.id } },
        body: revokeReason.trim() ? { reason: revokeReason.trim() } : {},
      });
      void message.success(t('authorisations.revoked'));
      setRevoking(undefined);
      revokeForm.resetFields();
      void queryClient.invalidateQueries({ queryKey: listQuery.queryKey });
    } catch (error) {
      // A reason the platform refuses is said under the reason; anything else in the dialog's alert.
      const text = problemMessage(error, t);
      if (!problemOnField(revokeForm, error, text, bodyFields('reason'))) setRevokeError(text);
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
          revokeForm.resetFields();
        }}
        forceRender
      >
        <Typography.Paragraph>{revoking ? t('authorisations.revokeBody', { grantee: granteeName(revoking) }) : null}</Typography.Paragraph>
        <Form form={revokeForm} layout="vertical" name="revoke">
          <Form.Item name="reason" label={t('authorisations.revokeReason')} rules={[{ max: TEXT_MAX.authorisationRevoke }]} style={{ marginBottom: 0 }}>
            <Input.TextArea maxLength={TEXT_MAX.authorisationRevoke} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
        {revokeError ? <Alert type="error" showIcon title={revokeError} style={{ marginTop: 12 }} /> : null}
      </Modal>
    </>
  );
}
