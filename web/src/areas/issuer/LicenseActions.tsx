/**
 * The lifecycle of a license, as its issuer acts on it: 暂停 / 恢复 / 吊销 / 注销 and 变更, each
 * behind a confirmation that says what follows and asks for the reason (kept in the license's
 * history and the audit log). Which actions are offered follows the status (the platform decides
 * again: a refused one says why).
 */
import { App as AntApp, Alert, Button, Col, Flex, Form, Input, Modal, Row, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import type { LicenseView } from './PrintedLicense.tsx';
import { fieldTitle, issuerProblem, useStandard } from './shared.tsx';

export type Action = 'suspend' | 'reinstate' | 'revoke' | 'cancel' | 'amend';

/** The platform's lifecycle (src/licenses/lifecycle.ts): what each status allows. */
const ALLOWED: Record<LicenseView['status'], Action[]> = {
  valid: ['amend', 'suspend', 'revoke', 'cancel'],
  suspended: ['reinstate', 'revoke', 'cancel'],
  revoked: ['cancel'],
  cancelled: [],
  expired: [],
};
const DANGEROUS = new Set<Action>(['revoke', 'cancel']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Values {
  reason: string;
  data?: Record<string, string>;
}

function ActionDialog({ license, action, onClose, onDone }: { license: LicenseView; action: Action; onClose: () => void; onDone: (license: LicenseView) => void }) {
  const { t } = useTranslation('issuer');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const standard = useStandard(action === 'amend' ? license.type : undefined);
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const editable = standard ? Object.keys(standard.dataSchema.properties) : [];
  const current = (name: string) => {
    const value = license.data[name];
    return value === null || value === undefined ? '' : String(value);
  };

  const submit = async (values: Values) => {
    setError(undefined);
    let body: unknown = { reason: values.reason.trim() };
    if (action === 'amend') {
      const changed: Record<string, unknown> = {};
      for (const name of editable) {
        const value = (values.data?.[name] ?? '').trim();
        if (value === current(name)) continue;
        changed[name] = value === '' ? null : value;
      }
      if (Object.keys(changed).length === 0) {
        setError(t('actions.nothingChanged'));
        return;
      }
      body = { data: changed, reason: values.reason.trim() };
    }
    setBusy(true);
    try {
      const updated = await api<LicenseView>(`/api/v1/licenses/${encodeURIComponent(license.identifier)}/${action}`, { method: 'POST', body });
      void message.success(t(`actions.done.${action}`));
      onDone(updated);
    } catch (e) {
      setError(issuerProblem(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t(`actions.confirm.${action}`)}
      okText={t(`actions.ok.${action}`)}
      cancelText={t('actions.cancelButton')}
      okButtonProps={{ danger: DANGEROUS.has(action), loading: busy, htmlType: 'submit', form: 'license-action' }}
      onCancel={onClose}
      destroyOnHidden
      width={action === 'amend' ? 760 : 520}
      // The form's own submit (okButton above) validates and sends.
      onOk={() => undefined}
    >
      <Alert type={DANGEROUS.has(action) ? 'warning' : 'info'} showIcon title={t(`actions.explain.${action}`)} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>
        <Typography.Text strong>{license.holder.name}</Typography.Text>
        <br />
        <Typography.Text type="secondary" className="cb-break">
          {license.identifier}
        </Typography.Text>
      </Typography.Paragraph>
      <Form
        id="license-action"
        name="licenseAction"
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        initialValues={{ data: Object.fromEntries(editable.map((name) => [name, current(name)])) }}
        key={editable.length}
      >
        {action === 'amend' ? (
          <Row gutter={16}>
            {editable.map((name) => {
              const schema = standard?.dataSchema.properties[name];
              const date = schema?.format === 'date';
              const long = (schema?.maxLength ?? 0) > 500;
              return (
                <Col xs={24} md={long ? 24 : 12} key={name}>
                  <Form.Item
                    name={['data', name]}
                    label={fieldTitle(standard, name, language)}
                    extra={name === 'businessTermTo' ? t('actions.longTermHint') : undefined}
                    rules={date ? [{ pattern: DATE, message: 'YYYY-MM-DD' }] : undefined}
                  >
                    {long ? <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={schema?.maxLength} /> : <Input maxLength={schema?.maxLength} placeholder={date ? 'YYYY-MM-DD' : undefined} />}
                  </Form.Item>
                </Col>
              );
            })}
          </Row>
        ) : null}
        <Form.Item name="reason" label={t('actions.reason')} rules={[{ required: true, whitespace: true, message: t('actions.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t('actions.reasonPlaceholder')} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} role="alert" /> : null}
    </Modal>
  );
}

export function LicenseActions({ license, onChanged }: { license: LicenseView; onChanged: (license: LicenseView, action: Action) => void }) {
  const { t } = useTranslation('issuer');
  const [open, setOpen] = useState<Action>();
  const allowed = ALLOWED[license.status];
  if (allowed.length === 0) return <Typography.Text type="secondary">{t('actions.none')}</Typography.Text>;
  return (
    <>
      <Flex gap={8} wrap>
        {allowed.map((action) => (
          <Button key={action} danger={DANGEROUS.has(action)} type={action === 'amend' ? 'primary' : 'default'} onClick={() => setOpen(action)} data-action={action}>
            {t(`actions.${action}`)}
          </Button>
        ))}
      </Flex>
      {open ? (
        <ActionDialog
          license={license}
          action={open}
          onClose={() => setOpen(undefined)}
          onDone={(updated) => {
            setOpen(undefined);
            onChanged(updated, open);
          }}
        />
      ) : null}
    </>
  );
}
