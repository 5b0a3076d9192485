/**
 * 申请共享, a guided form (antd Steps): the resource — with its sharing class, conditions and legal
 * basis shown at the point of decision —, the fields with their sensitivity, the purpose from the
 * controlled list with its description and legal basis, then a review and POST /api/v1/agreements.
 */
import { App as AntApp, Alert, Button, Card, Checkbox, DatePicker, Descriptions, Flex, Form, Input, InputNumber, Result, Select, Steps, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { $api, answer, ApiError, platform, queryClient } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { conditionsIn } from './conditions.ts';
import { localTitle, purposeName, SensitivityTag, SharingClassTag, sharingProblem, useDepartments, useFieldTitles, usePurposes, useShown, type Agreement } from './sharing.tsx';
import { bodyFields, formFieldOf, problemOnField } from '../../shared/forms/problemOnField.ts';

interface PurposeForm {
  purpose?: string;
  purposeDescription?: string;
  legalBasis?: string;
  expectedDailyVolume?: number;
  validUntil?: Dayjs;
}

/** The purpose step's fields, as the request's body names them. */
const PURPOSE_FIELDS = bodyFields('purpose', 'purposeDescription', 'legalBasis', 'expectedDailyVolume', 'validUntil');

export default function RequestPage() {
  const { t } = useTranslation('consumer');
  const { message } = AntApp.useApp();
  const [params] = useSearchParams();
  const [step, setStep] = useState(0);
  const [resourceId, setResourceId] = useState<string | undefined>(params.get('resource') ?? undefined);
  const [fields, setFields] = useState<string[]>([]);
  const [purposeForm] = Form.useForm<PurposeForm>();
  const [purposeValues, setPurposeValues] = useState<PurposeForm>({});
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string>();
  const [created, setCreated] = useState<Agreement>();
  const purposes = usePurposes();
  const { nameOf } = useDepartments();
  const language = currentLanguage();

  const catalog = useShown($api.useQuery('get', '/api/v1/catalog', { params: { query: { limit: 200 } } }));
  const resource = useMemo(() => catalog.data?.items.find((r) => r.id === resourceId), [catalog.data, resourceId]);
  const titleOf = useFieldTitles(resource);

  // A reason the platform gives about the purpose step's fields is shown on them: back on that step.
  const purposeProblem = useRef<{ error: unknown; text: string }>(undefined);
  useEffect(() => {
    if (step !== 2 || !purposeProblem.current) return;
    problemOnField(purposeForm, purposeProblem.current.error, purposeProblem.current.text, PURPOSE_FIELDS);
    purposeProblem.current = undefined;
  }, [step, purposeForm]);

  const next = async () => {
    if (step === 2) {
      try {
        setPurposeValues(await purposeForm.validateFields());
      } catch {
        return;
      }
    }
    setStep((s) => s + 1);
  };

  const submit = async () => {
    // The purpose step's form asked for every one of these.
    const { purpose, purposeDescription, legalBasis, validUntil } = purposeValues;
    if (!resource || !purpose || !purposeDescription || !legalBasis || !validUntil) return;
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const agreement = await answer(
        platform.POST('/api/v1/agreements', {
          body: {
            resourceId: resource.id,
            purpose,
            purposeDescription,
            legalBasis,
            fields,
            expectedDailyVolume: purposeValues.expectedDailyVolume ?? 100,
            validUntil: validUntil.format('YYYY-MM-DD'),
          },
        }),
      );
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/agreements'] });
      setCreated(agreement);
      void message.success(t(agreement.status === 'active' ? 'request.submittedActive' : 'request.submitted'));
    } catch (error) {
      const text = sharingProblem(error, t);
      if (error instanceof ApiError && formFieldOf(error.problem.field, PURPOSE_FIELDS) !== undefined) {
        purposeProblem.current = { error, text };
        setStep(2);
      } else setSubmitError(text);
    } finally {
      setSubmitting(false);
    }
  };

  if (created) {
    const active = created.status === 'active';
    return (
      <Result
        status="success"
        title={<span data-testid="request-result" data-tour="request-result">{t(active ? 'request.submittedActive' : 'request.submitted')}</span>}
        subTitle={active ? t('request.submittedActiveNote') : t('request.submittedDue', { date: created.dueDate ? formatDate(created.dueDate, language) : '—' })}
        extra={[
          <Link key="list" to="/consumer/agreements">
            <Button type="primary">{t('request.viewAgreements')}</Button>
          </Link>,
          <Button
            key="again"
            onClick={() => {
              setCreated(undefined);
              setStep(0);
              setResourceId(undefined);
              purposeForm.resetFields();
            }}
          >
            {t('request.another')}
          </Button>,
        ]}
      />
    );
  }

  const notShared = resource?.sharingClass === 'not-shared';
  const canNext = step === 0 ? !!resource && !notShared : step === 1 ? fields.length > 0 : true;

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('request.title')}
      </Typography.Title>
      <Steps
        current={step}
        size="small"
        responsive
        style={{ marginBottom: 24 }}
        items={(['resource', 'fields', 'purpose', 'review'] as const).map((key) => ({ title: t(`request.steps.${key}`) }))}
      />
      {catalog.error ? <Alert type="error" showIcon title={catalog.error} style={{ marginBottom: 16 }} /> : null}

      {step === 0 ? (
        <Card>
          <Form layout="vertical">
            <Form.Item label={t('request.chooseResource')} htmlFor="request-resource">
              <Select
                id="request-resource"
                showSearch={{ optionFilterProp: 'label' }}
                loading={catalog.loading}
                value={resourceId}
                onChange={(id: string) => {
                  // A new resource: its fields start unchosen.
                  setResourceId(id);
                  setFields([]);
                }}
                placeholder={t('request.resourcePlaceholder')}
                options={(catalog.data?.items ?? []).map((r) => ({ value: r.id, label: `${localTitle(r)} · ${t(`sharingClasses.${r.sharingClass}`)}` }))}
              />
            </Form.Item>
          </Form>
          {resource ? (
            <div data-testid="decision-point" data-tour="request-sharing">
              <Alert
                type={resource.sharingClass === 'unconditional' ? 'success' : resource.sharingClass === 'conditional' ? 'info' : 'error'}
                showIcon
                title={t('request.decisionPoint')}
                description={t(`request.${resource.sharingClass === 'not-shared' ? 'notShared' : resource.sharingClass}Note`)}
                style={{ marginBottom: 16 }}
              />
              <Descriptions column={1} bordered size="small">
                <Descriptions.Item label={t('catalog.columns.owner')}>{nameOf(resource.ownerDepartment)}</Descriptions.Item>
                <Descriptions.Item label={t('catalog.columns.sharingClass')}>
                  <SharingClassTag value={resource.sharingClass} />
                </Descriptions.Item>
                <Descriptions.Item label={t('catalog.conditions')}>{conditionsIn(resource, language) ?? t('catalog.none')}</Descriptions.Item>
                <Descriptions.Item label={t('catalog.legalBasis')}>{resource.legalBasis ?? t('catalog.none')}</Descriptions.Item>
              </Descriptions>
            </div>
          ) : null}
        </Card>
      ) : null}

      {step === 1 && resource ? (
        <Card title={t('request.chooseFields')} data-tour="request-fields">
          <Checkbox
            indeterminate={fields.length > 0 && fields.length < resource.fields.length}
            checked={fields.length === resource.fields.length}
            onChange={(e) => setFields(e.target.checked ? resource.fields.map((f) => f.name) : [])}
            style={{ marginBottom: 12 }}
          >
            {t('request.selectAll')}
          </Checkbox>
          <Table
            rowKey="name"
            size="small"
            pagination={false}
            dataSource={resource.fields}
            columns={[
              {
                title: t('catalog.fieldName'),
                key: 'name',
                render: (_, f) => (
                  <Checkbox
                    checked={fields.includes(f.name)}
                    onChange={(e) => setFields((current) => (e.target.checked ? [...current, f.name] : current.filter((x) => x !== f.name)))}
                  >
                    {titleOf(f.name)}
                  </Checkbox>
                ),
              },
              { title: t('catalog.sensitivity'), key: 'sensitivity', render: (_, f) => <SensitivityTag value={f.sensitivity} /> },
            ]}
          />
          {fields.length === 0 ? <Typography.Text type="secondary">{t('request.fieldsRequired')}</Typography.Text> : null}
        </Card>
      ) : null}

      {/* Kept mounted (hidden) so that its values survive moving between steps. */}
      <Card style={{ display: step === 2 ? undefined : 'none' }} data-tour="request-purpose">
        <Form<PurposeForm>
          form={purposeForm}
          layout="vertical"
          initialValues={{ expectedDailyVolume: 100, validUntil: dayjs().add(1, 'year') }}
          style={{ maxWidth: 640 }}
        >
          <Form.Item name="purpose" label={t('request.purpose')} rules={[{ required: true, message: t('request.purposeRequired') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('request.purposePlaceholder')}
              options={purposes.map((p) => ({ value: p.code, label: language === 'en' ? p.nameEn : p.name }))}
            />
          </Form.Item>
          <Form.Item data-tour="request-description" name="purposeDescription" label={t('request.purposeDescription')} rules={[{ required: true, whitespace: true, message: t('request.purposeDescriptionRequired') }]}>
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
          <Form.Item data-tour="request-legal-basis" name="legalBasis" label={t('request.legalBasis')} rules={[{ required: true, whitespace: true, message: t('request.legalBasisRequired') }]}>
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
          <Flex gap={16} wrap>
            <Form.Item name="expectedDailyVolume" label={t('request.volume')}>
              <InputNumber min={1} max={100_000_000} precision={0} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="validUntil" label={t('request.validUntil')} rules={[{ required: true, message: t('request.validUntilRequired') }]}>
              <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} allowClear={false} />
            </Form.Item>
          </Flex>
        </Form>
      </Card>

      {step === 3 && resource ? (
        <Card>
          <Descriptions column={1} bordered size="small" data-testid="request-review">
            <Descriptions.Item label={t('catalog.columns.title')}>{localTitle(resource)}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.columns.sharingClass')}>
              <SharingClassTag value={resource.sharingClass} />
            </Descriptions.Item>
            <Descriptions.Item label={t('agreements.fields')}>{fields.map(titleOf).join('、')}</Descriptions.Item>
            <Descriptions.Item label={t('request.purpose')}>{purposeValues.purpose ? purposeName(purposes, purposeValues.purpose) : ''}</Descriptions.Item>
            <Descriptions.Item label={t('request.purposeDescription')}>{purposeValues.purposeDescription}</Descriptions.Item>
            <Descriptions.Item label={t('request.legalBasis')}>{purposeValues.legalBasis}</Descriptions.Item>
            <Descriptions.Item label={t('request.volume')}>{purposeValues.expectedDailyVolume}</Descriptions.Item>
            <Descriptions.Item label={t('request.validUntil')}>{purposeValues.validUntil ? formatDate(purposeValues.validUntil.format('YYYY-MM-DD'), language) : ''}</Descriptions.Item>
          </Descriptions>
          {submitError ? <Alert type="error" showIcon title={submitError} style={{ marginTop: 16 }} /> : null}
        </Card>
      ) : null}

      <Flex gap={12} style={{ marginTop: 16 }}>
        {step > 0 ? (
          <Button onClick={() => setStep((s) => s - 1)} data-tour="request-prev">
            {t('request.previous')}
          </Button>
        ) : null}
        {step < 3 ? (
          <Button type="primary" disabled={!canNext} onClick={() => void next()} data-tour="request-next">
            {t('request.next')}
          </Button>
        ) : (
          <Button type="primary" loading={submitting} onClick={() => void submit()} data-tour="request-send">
            {t('request.submit')}
          </Button>
        )}
      </Flex>
    </>
  );
}
