/**
 * 设立: issuing one license from the console (POST /api/v1/licenses). The issuer first chooses a
 * type among the published types its department may issue; the form is generated from that
 * type's dataSchema (LicenseDataForm), with the holder's code above it. What the platform refuses
 * is said on the field it names (a JSON pointer: /data/<field> or /holder/code).
 */
import { App as AntApp, Alert, Form, Input, Modal, Select, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, ApiError, platform } from '../../app/api.ts';
import { chinaToday } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { useSession } from '../../app/session.tsx';
import { formDefaults } from '../../shared/licenseTypes/formDefaults.ts';
import { fieldOfPointer, LicenseDataForm, type LicenseData } from '../../shared/licenseTypes/LicenseDataForm.tsx';
import { fieldProblemText, holderCodeTitle, typeName, useStandard } from '../../shared/licenseTypes/standard.ts';
import { creditCodeRule } from '../../shared/forms/rules.ts';
import { useTourExample } from '../../shared/tours/index.ts';
import { invalidateLicenses, issuerProblem, useIssuableTypes } from './shared.tsx';

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
  const { principal } = useSession();
  // Until the clerk types, the form shows the type's defaults (登记机关 the department, 发照日期 today).
  const [typed, setData] = useState<LicenseData>();
  const data = typed ?? formDefaults(standard?.defaults, { departmentName: principal?.kind === 'person' ? principal.departmentName : '', today: chinaToday() });
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const choose = (key: string) => {
    setChosen(key);
    setData(undefined);
    setServerErrors({});
    setError(undefined);
  };
  // A guided tour's example (practice mode): the type it names, by its name or key.
  const typeRef = useTourExample<HTMLDivElement>((text) => {
    const named = types?.find((x) => x.key === text || x.name === text || x.nameEn === text);
    if (named) choose(named.key);
  });
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
      if (!type) return;
      const issued = await answer(platform.POST('/api/v1/licenses', { body: { type, holder: { code: holderCode }, data: values } }));
      void invalidateLicenses();
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
      okButtonProps={{ loading: busy, htmlType: 'submit', form: FORM, disabled: !standard, ...{ 'data-tour': 'issue-submit' } }}
      cancelButtonProps={{ ...{ 'data-tour': 'issue-cancel' } }}
      onOk={() => undefined}
      onCancel={onClose}
      destroyOnHidden
      width={800}
    >
      <Alert type="info" showIcon title={t('issue.explain')} style={{ marginBottom: 16 }} />
      <Form form={holder} name="issueHolder" layout="vertical" component="div">
        <div ref={typeRef} data-tour="issue-type">
          <Form.Item label={t('issue.type')} required>
            <Select
              aria-label={t('issue.type')}
              value={type}
              placeholder={t('issue.chooseType')}
              loading={types === undefined}
              notFoundContent={t('issue.noTypes')}
              options={(types ?? []).map((x) => ({ value: x.key, label: typeName(x, language) }))}
              onChange={choose}
            />
          </Form.Item>
        </div>
        {standard ? (
          <Form.Item
            data-tour="field-/holder/code"
            name="holderCode"
            label={holderCodeTitle(standard, language)}
            normalize={(value: string) => value?.toUpperCase()}
            rules={[
              { required: true, whitespace: true, message: t('issue.codeRequired', { field: holderCodeTitle(standard, language) }) },
              // A credit code is checked as the platform checks it: its alphabet and both check characters.
              ...(onlyCreditCodes ? [creditCodeRule(t)] : []),
            ]}
          >
            <Input maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        ) : type ? (
          // The type's standard is loading: its holder's code is not named until the standard says what it is.
          <div data-testid="holder-code-loading" aria-busy="true">
            <Skeleton active title={false} paragraph={{ rows: 2 }} />
          </div>
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
