/**
 * 设立: issuing one license from the console (POST /api/v1/licenses). The issuer first chooses a
 * type among the published types its department may issue; the form is generated from that
 * type's dataSchema (LicenseDataForm), with the holder's code above it. What the platform refuses
 * is said on the field it names (a JSON pointer: /data/<field> or /holder/code).
 */
import { App as AntApp, Alert, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { fieldOfPointer, LicenseDataForm, type LicenseData } from '../../shared/licenseTypes/LicenseDataForm.tsx';
import { fieldProblemText, holderCodeTitle, typeName, useStandard } from '../../shared/licenseTypes/standard.ts';
import { issuerProblem, useIssuableTypes } from './shared.tsx';

const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const FORM = 'issue-license';

export function IssueLicenseDialog({ onClose, onIssued }: { onClose: () => void; onIssued: (identifier: string) => void }) {
  const { t } = useTranslation('issuer');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const types = useIssuableTypes();
  const [chosen, setChosen] = useState<string>();
  const type = chosen ?? (types?.length === 1 ? types[0].key : undefined);
  const standard = useStandard(type);
  const [holder] = Form.useForm<{ holderCode: string }>();
  const [data, setData] = useState<LicenseData>({});
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const onlyCreditCodes = standard?.holder.codeTypes.every((c) => c === 'uscc') ?? true;

  const submit = async (values: LicenseData) => {
    let holderCode: string;
    try {
      holderCode = (await holder.validateFields()).holderCode.trim().toUpperCase();
    } catch {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const issued = await api<{ identifier: string }>('/api/v1/licenses', { method: 'POST', body: { type, holder: { code: holderCode }, data: values } });
      void message.success(t('issue.done'));
      onIssued(issued.identifier);
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      const field = fieldOfPointer(problem?.field);
      const text = (problem && fieldProblemText(problem as { problems?: unknown }, language)) ?? issuerProblem(e, t);
      if (field && standard?.dataSchema.properties[field]) setServerErrors({ [field]: text });
      else if (problem?.field?.startsWith('/holder')) holder.setFields([{ name: 'holderCode', errors: [text] }]);
      else setError(text);
    } finally {
      setBusy(false);
    }
  };

  const title = standard ? typeName(standard, language) : undefined;
  return (
    <Modal
      open
      title={title ? t('issue.titleOf', { type: title }) : t('issue.title')}
      okText={t('issue.ok')}
      cancelText={t('actions.cancelButton')}
      okButtonProps={{ loading: busy, htmlType: 'submit', form: FORM, disabled: !standard }}
      onOk={() => undefined}
      onCancel={onClose}
      destroyOnHidden
      width={800}
    >
      <Alert type="info" showIcon title={t('issue.explain')} style={{ marginBottom: 16 }} />
      <Form form={holder} name="issueHolder" layout="vertical" component="div">
        <Form.Item label={t('issue.type')} required>
          <Select
            aria-label={t('issue.type')}
            value={type}
            placeholder={t('issue.chooseType')}
            loading={types === undefined}
            notFoundContent={t('issue.noTypes')}
            options={(types ?? []).map((x) => ({ value: x.key, label: typeName(x, language) }))}
            onChange={(key: string) => {
              setChosen(key);
              setData({});
              setServerErrors({});
              setError(undefined);
            }}
          />
        </Form.Item>
        {standard ? (
          <Form.Item
            name="holderCode"
            label={holderCodeTitle(standard, language)}
            normalize={(value: string) => value?.toUpperCase()}
            rules={[
              { required: true, whitespace: true, message: t('issue.codeRequired', { field: holderCodeTitle(standard, language) }) },
              ...(onlyCreditCodes ? [{ pattern: CREDIT_CODE, message: t('registry.badCode') }] : []),
            ]}
          >
            <Input maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        ) : null}
      </Form>
      {standard ? (
        <LicenseDataForm
          key={standard.key}
          id={FORM}
          standard={standard}
          formData={data}
          serverErrors={serverErrors}
          onChange={(next, field) => {
            setData(next);
            if (field && serverErrors[field]) setServerErrors(({ [field]: _, ...rest }) => rest);
          }}
          onSubmit={(values) => void submit(values)}
          onError={() => void holder.validateFields().catch(() => undefined)}
        />
      ) : null}
      {error ? <Alert type="error" showIcon title={error} role="alert" /> : null}
    </Modal>
  );
}
