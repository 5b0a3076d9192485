/**
 * The lifecycle of a license, as its issuer acts on it: 暂停 / 恢复 / 吊销 / 注销 and 变更, each
 * behind a confirmation that says what follows and asks for the reason (kept in the license's
 * history and the audit log). Which actions are offered follows the status (the platform decides
 * again: a refused one says why).
 */
import { App as AntApp, Alert, Button, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, ApiError, platform } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { fieldOfPointer, LicenseDataForm, type LicenseData } from '../../shared/licenseTypes/LicenseDataForm.tsx';
import { fieldProblemText } from '../../shared/licenseTypes/standard.ts';
import { issuerProblem, useStandard, type LicenseView } from './shared.tsx';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';

export type Action = 'suspend' | 'reinstate' | 'revoke' | 'cancel' | 'amend';

/** The platform's lifecycle (src/licenses/lifecycle/lifecycle.ts): what each status allows. */
const ALLOWED: Record<LicenseView['status'], Action[]> = {
  valid: ['amend', 'suspend', 'revoke', 'cancel'],
  suspended: ['reinstate', 'revoke', 'cancel'],
  revoked: ['cancel'],
  cancelled: [],
  expired: [],
};
const DANGEROUS = new Set<Action>(['revoke', 'cancel']);
const FORM = 'license-action';

/** The license's data as the form starts from it (an open end, null, is an empty field). */
const formDataOf = (data: LicenseData): LicenseData => Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null && value !== undefined));

function ActionDialog({ license, action, onClose, onDone }: { license: LicenseView; action: Action; onClose: () => void; onDone: (license: LicenseView) => void }) {
  const { t } = useTranslation('issuer');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const amending = action === 'amend';
  // 变更: the form generated from the type's data schema (the newest version; the platform keeps
  // the license's own version when its data does not fit the newest).
  const standard = useStandard(amending ? license.type : undefined);
  const [form] = Form.useForm<{ reason: string }>();
  const [data, setData] = useState<LicenseData>(() => formDataOf(license.data));
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (values: LicenseData | undefined) => {
    setError(undefined);
    let reason: string;
    try {
      reason = (await form.validateFields()).reason.trim();
    } catch {
      return;
    }
    let changed: LicenseData | undefined;
    if (values) {
      changed = {};
      for (const name of new Set([...Object.keys(values), ...Object.keys(license.data)])) {
        const before = license.data[name] ?? null;
        const after = values[name] === undefined || values[name] === '' ? null : values[name];
        if (JSON.stringify(before) !== JSON.stringify(after)) changed[name] = after;
      }
      if (Object.keys(changed).length === 0) {
        setError(t('actions.nothingChanged'));
        return;
      }
    }
    setBusy(true);
    try {
      const path = { identifier: license.identifier };
      const updated = await answer(
        changed
          ? platform.POST('/api/v1/licenses/{identifier}/amend', { params: { path }, body: { data: changed, reason } })
          : platform.POST(`/api/v1/licenses/{identifier}/${action as Exclude<Action, 'amend'>}`, { params: { path }, body: { reason } }),
      );
      void message.success(t(`actions.done.${action}`));
      onDone(updated);
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      const field = fieldOfPointer(problem?.field);
      const text = (problem && fieldProblemText(problem as { problems?: unknown }, language)) ?? issuerProblem(e, t);
      if (amending && field && standard?.dataSchema.properties[field]) setServerErrors({ [field]: text });
      else if (!problemOnField(form, e, text, bodyFields('reason'))) setError(text);
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
      okButtonProps={{ danger: DANGEROUS.has(action), loading: busy, htmlType: 'submit', form: FORM, disabled: amending && !standard }}
      onCancel={onClose}
      destroyOnHidden
      width={amending ? 800 : 520}
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
      {amending && standard ? (
        <LicenseDataForm
          id={FORM}
          standard={standard}
          formData={data}
          serverErrors={serverErrors}
          onChange={(next, field) => {
            setData(next);
            if (field && serverErrors[field]) setServerErrors(({ [field]: _, ...rest }) => rest);
          }}
          onSubmit={(values) => void submit(values)}
          onError={() => void form.validateFields().catch(() => undefined)}
        />
      ) : null}
      <Form id={amending ? undefined : FORM} name="licenseAction" form={form} layout="vertical" component={amending ? 'div' : 'form'} onFinish={() => void submit(undefined)}>
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
