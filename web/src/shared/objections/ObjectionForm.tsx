/**
 * The objection form (数据异议): which fields of a license are wrong, why, the values they should
 * have, evidence as text and a file. POST /api/v1/objections, then the file to …/evidence.
 */
import { App as AntApp, Alert, Form, Input, Modal, Select, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryClient } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { useTourExample } from '../tours/useTourExample.ts';
import { useLicenseFields } from './fields.ts';
import { MAX_EVIDENCE_BYTES, OBJECTIONS, objectionProblem, submitObjection, uploadEvidence, type Objection } from './objections.ts';
import { bodyFields, problemOnField, type FieldPath } from '../forms/problemOnField.ts';

interface Values {
  fields: string[];
  reason: string;
  evidence?: string;
  proposed?: Record<string, string | undefined>;
}

export function ObjectionForm({ licenseIdentifier, licenseType, fields, onClose, onSubmitted }: {
  licenseIdentifier: string;
  licenseType: string;
  /** The fields the objector may object to (what it sees); default every field of the type. */
  fields?: string[];
  onClose: () => void;
  onSubmitted?: (objection: Objection) => void;
}) {
  const { t } = useTranslation('objections');
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const standard = useLicenseFields(licenseType);
  const chosen = Form.useWatch('fields', form) ?? [];
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const names = fields ?? standard.names;
  // A guided tour's example: the field it names (by its title) is chosen.
  const { named } = standard;
  const fieldsRef = useTourExample<HTMLDivElement>(
    useCallback(
      (text: string) => {
        const name = named(text);
        if (name && names.includes(name)) form.setFieldValue('fields', [name]);
      },
      [named, names, form],
    ),
  );

  const submit = async (values: Values) => {
    if (file && file.size > MAX_EVIDENCE_BYTES) {
      setError(t('form.fileTooBig'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const proposed = Object.fromEntries(Object.entries(values.proposed ?? {}).filter(([name, value]) => values.fields.includes(name) && value && value.trim() !== ''));
      const objection = await submitObjection({
        licenseIdentifier,
        fields: values.fields,
        reason: values.reason.trim(),
        ...(values.evidence?.trim() ? { evidence: values.evidence.trim() } : {}),
        ...(Object.keys(proposed).length > 0 ? { proposed } : {}),
      });
      if (file) {
        try {
          await uploadEvidence(objection.id, file);
        } catch (e) {
          message.warning(t('form.fileFailed', { message: objectionProblem(e, t) }));
        }
      }
      void queryClient.invalidateQueries({ queryKey: OBJECTIONS });
      message.success(t('form.submitted', { date: formatDate(objection.dueDate, currentLanguage()) }));
      onSubmitted?.(objection);
      onClose();
    } catch (e) {
      const text = objectionProblem(e, t);
      const proposedFields = Object.fromEntries(names.map((name): [string, FieldPath] => [`/proposed/${name}`, ['proposed', name]]));
      if (!problemOnField(form, e, text, { ...bodyFields('fields', 'reason', 'evidence'), ...proposedFields })) setError(text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('form.title')}
      onCancel={onClose}
      okText={t('form.submit')}
      cancelText={t('form.cancel')}
      confirmLoading={busy}
      okButtonProps={{ ...{ 'data-tour': 'objection-submit' } }}
      cancelButtonProps={{ ...{ 'data-tour': 'objection-cancel' } }}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('form.intro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="objection" onFinish={(v) => void submit(v)}>
        <Form.Item label={t('form.license')}>
          <Typography.Text code className="cb-break" data-testid="objection-license">
            {licenseIdentifier}
          </Typography.Text>
        </Form.Item>
        <div ref={fieldsRef} data-tour="objection-fields">
          <Form.Item name="fields" label={t('form.fields')} rules={[{ required: true, type: 'array', min: 1, message: t('form.fieldsRequired') }]}>
            <Select mode="multiple" options={names.map((name) => ({ value: name, label: standard.title(name) }))} />
          </Form.Item>
        </div>
        {chosen.map((name, index) => (
          <Form.Item key={name} data-tour={index === 0 ? 'objection-proposed' : undefined} name={['proposed', name]} label={`${t('form.proposed')} · ${standard.title(name)}`}>
            <Input maxLength={500} data-proposed-field={name} />
          </Form.Item>
        ))}
        <Form.Item data-tour="objection-reason" name="reason" label={t('form.reason')} rules={[{ required: true, whitespace: true, message: t('form.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item data-tour="objection-evidence" name="evidence" label={t('form.evidence')}>
          <Input.TextArea rows={2} maxLength={10000} />
        </Form.Item>
        <Form.Item label={t('form.file')} htmlFor="objection-file">
          <input id="objection-file" type="file" onChange={(e) => setFile(e.target.files?.[0])} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon title={error} data-testid="objection-error" /> : null}
    </Modal>
  );
}
