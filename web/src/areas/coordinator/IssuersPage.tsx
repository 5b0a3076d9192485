/**
 * 发证机关名录: per license type (GET /api/v1/standards/license-types), its authorised issuers past
 * and present (GET …/{type}/issuers), authorising a department (POST) and withdrawing an
 * authorisation with a reason (POST …/{department}/withdraw).
 */
import type { Answer } from '@certbridge/client';
import { App as AntApp, Alert, Button, Flex, Form, Grid, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, queryClient, REFERENCE_DATA } from '../../app/api.ts';
import { chinaToday, formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EmptyText, sharingProblem, useDepartments } from '../consumer/sharing.tsx';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';

type Issuer = Answer<'/api/v1/standards/license-types/{type}/issuers'>[number];


export default function IssuersPage() {
  const { t } = useTranslation('coordinator');
  const { message } = AntApp.useApp();
  const screens = Grid.useBreakpoint();
  const language = currentLanguage();
  const { list: departments, nameOf } = useDepartments();
  const types = $api.useQuery('get', '/api/v1/standards/license-types', {}, REFERENCE_DATA);
  const [type, setType] = useState<string>();
  const current = type ?? types.data?.[0]?.key;
  const issuersOf = { params: { path: { type: current ?? '' } } };
  const issuers = $api.useQuery('get', '/api/v1/standards/license-types/{type}/issuers', issuersOf, { enabled: current !== undefined });
  const failed = types.error ?? issuers.error;
  const [dialog, setDialog] = useState<{ kind: 'authorise' } | { kind: 'withdraw'; issuer: Issuer }>();
  const [form] = Form.useForm<{ department: string; legalBasis: string; reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [today] = useState(chinaToday);
  const isCurrent = (i: Issuer) => i.validFrom <= today && (i.validUntil === null || i.validUntil >= today) && !i.withdrawnReason;

  const send = async () => {
    if (!dialog || !current) return;
    let values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (dialog.kind === 'authorise') await answer(platform.POST('/api/v1/standards/license-types/{type}/issuers', { ...issuersOf, body: { department: values.department, legalBasis: values.legalBasis } }));
      else
        await answer(
          platform.POST('/api/v1/standards/license-types/{type}/issuers/{department}/withdraw', { params: { path: { type: current, department: dialog.issuer.department } }, body: { reason: values.reason } }),
        );
      void message.success(dialog.kind === 'authorise' ? t('issuers.authorised') : t('issuers.withdrawnDone'));
      form.resetFields();
      setDialog(undefined);
      // The registry of issuers also says which types the issuers' pages offer.
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/standards/license-types/{type}/issuers'] });
    } catch (e) {
      const text = sharingProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('department', 'legalBasis', 'reason'))) setError(text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('issuers.title')}
        </Typography.Title>
        <Button type="primary" disabled={!current} onClick={() => setDialog({ kind: 'authorise' })}>
          {t('issuers.authorise')}
        </Button>
      </Flex>
      <Select
        aria-label={t('issuers.licenseType')}
        value={current}
        onChange={setType}
        loading={types.isPending}
        style={{ minWidth: 240, marginBottom: 16 }}
        options={(types.data ?? []).map((lt) => ({ value: lt.key, label: language === 'en' ? lt.nameEn : lt.name }))}
      />
      {failed ? <Alert type="error" showIcon title={sharingProblem(failed, t)} style={{ marginBottom: 16 }} /> : null}
      <Table<Issuer>
        rowKey={(i) => `${i.department}-${i.validFrom}`}
        size={screens.md ? 'middle' : 'small'}
        loading={issuers.isFetching}
        dataSource={issuers.data ?? []}
        locale={{ emptyText: <EmptyText>{t('issuers.empty')}</EmptyText> }}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('issuers.columns.department'), key: 'department', render: (_, i) => i.departmentName ?? nameOf(i.department) },
          { title: t('issuers.columns.legalBasis'), dataIndex: 'legalBasis', responsive: ['md'] },
          { title: t('issuers.columns.validFrom'), key: 'from', render: (_, i) => formatDate(i.validFrom, language), responsive: ['lg'] },
          { title: t('issuers.columns.validUntil'), key: 'until', render: (_, i) => (i.validUntil ? formatDate(i.validUntil, language) : '—'), responsive: ['lg'] },
          {
            title: t('issuers.columns.state'),
            key: 'state',
            render: (_, i) => <Tag style={{ color: isCurrent(i) ? '#135200' : '#262626' }}>{isCurrent(i) ? t('issuers.current') : t('issuers.withdrawn')}</Tag>,
          },
          {
            title: '',
            key: 'action',
            render: (_, i) =>
              isCurrent(i) ? (
                <Button size="small" danger onClick={() => setDialog({ kind: 'withdraw', issuer: i })}>
                  {t('issuers.withdraw')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={!!dialog}
        title={dialog?.kind === 'withdraw' ? t('issuers.withdrawTitle', { name: dialog.issuer.departmentName ?? nameOf(dialog.issuer.department) }) : t('issuers.authorise')}
        onCancel={() => setDialog(undefined)}
        onOk={() => void send()}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          {dialog?.kind === 'authorise' ? (
            <>
              <Form.Item name="department" label={t('issuers.department')} rules={[{ required: true, message: t('issuers.department') }]}>
                <Select showSearch={{ optionFilterProp: 'label' }} options={departments.map((d) => ({ value: d.code, label: language === 'en' ? d.nameEn : d.name }))} />
              </Form.Item>
              <Form.Item name="legalBasis" label={t('issuers.legalBasis')} rules={[{ required: true, whitespace: true, message: t('issuers.legalBasisRequired') }]}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </>
          ) : (
            <Form.Item name="reason" label={t('issuers.reason')} rules={[{ required: true, whitespace: true, message: t('issuers.reasonRequired') }]}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          )}
        </Form>
        {error ? <Alert type="error" showIcon title={error} /> : null}
      </Modal>
    </>
  );
}
