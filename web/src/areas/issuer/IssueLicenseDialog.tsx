/**
 * 设立: issuing one license from the console (POST /api/v1/licenses): the holder's credit code and
 * the registered particulars, the fields and their labels from the standard; what the platform
 * refuses (a bad code, a missing field) is said on the form.
 */
import { App as AntApp, Alert, Col, Form, Input, Modal, Row } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { fieldTitle, issuerProblem, useStandard } from './shared.tsx';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

interface Values {
  holderCode: string;
  data: Record<string, string | undefined>;
}

export function IssueLicenseDialog({ type, onClose, onIssued }: { type: string; onClose: () => void; onIssued: (identifier: string) => void }) {
  const { t } = useTranslation('issuer');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const standard = useStandard(type);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const fields = standard ? Object.keys(standard.dataSchema.properties) : [];
  const required = new Set(standard?.dataSchema.required ?? []);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(undefined);
    const data: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values.data ?? {})) {
      const text = value?.trim();
      if (text) data[name] = text;
      else if (name === 'businessTermTo') data[name] = null;
    }
    try {
      const issued = await api<{ identifier: string }>('/api/v1/licenses', { method: 'POST', body: { type, holder: { code: values.holderCode.trim().toUpperCase() }, data } });
      void message.success(t('issue.done'));
      onIssued(issued.identifier);
    } catch (e) {
      setError(issuerProblem(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('issue.title')}
      okText={t('issue.ok')}
      cancelText={t('actions.cancelButton')}
      okButtonProps={{ loading: busy, htmlType: 'submit', form: 'issue-license', disabled: !standard }}
      onOk={() => undefined}
      onCancel={onClose}
      destroyOnHidden
      width={760}
    >
      <Alert type="info" showIcon title={t('issue.explain')} style={{ marginBottom: 16 }} />
      <Form id="issue-license" name="issue" layout="vertical" onFinish={(values: Values) => void submit(values)}>
        <Form.Item
          name="holderCode"
          label={t('registry.holderCode')}
          normalize={(value: string) => value?.toUpperCase()}
          rules={[
            { required: true, message: t('issue.codeRequired') },
            { pattern: CREDIT_CODE, message: t('registry.badCode') },
          ]}
        >
          <Input maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Row gutter={16}>
          {fields.map((name) => {
            const schema = standard?.dataSchema.properties[name];
            const date = schema?.format === 'date';
            const long = (schema?.maxLength ?? 0) > 500;
            const rules = [
              ...(required.has(name) ? [{ required: true, whitespace: true, message: t('issue.fieldRequired', { field: fieldTitle(standard, name, language) }) }] : []),
              ...(date ? [{ pattern: DATE, message: 'YYYY-MM-DD' }] : []),
            ];
            return (
              <Col xs={24} md={long ? 24 : 12} key={name}>
                <Form.Item name={['data', name]} label={fieldTitle(standard, name, language)} rules={rules} extra={name === 'businessTermTo' ? t('actions.longTermHint') : undefined}>
                  {long ? <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={schema?.maxLength} /> : <Input maxLength={schema?.maxLength} placeholder={date ? 'YYYY-MM-DD' : undefined} />}
                </Form.Item>
              </Col>
            );
          })}
        </Row>
      </Form>
      {error ? <Alert type="error" showIcon title={error} role="alert" /> : null}
    </Modal>
  );
}
