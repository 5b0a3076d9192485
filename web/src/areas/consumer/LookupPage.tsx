/**
 * 证照查询, as a clerk at a counter: choose one of the department's active license agreements and
 * type the enterprise's credit code; the page calls the exchange as the department's systems do
 * (GET /api/v1/exchange/licenses/{holderCode}?type=… with X-Purpose, under the session), and shows
 * only the fields the agreement grants. Every lookup is in the audit log under the person.
 */
import type { Answer } from '@certbridge/client';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Select, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer as answerOf, creditCodeProblem, platform } from '../../app/api.ts';
import { ObjectionForm } from '../../shared/objections/ObjectionForm.tsx';
import { purposeName, sharingProblem, useFieldTitles, usePurposes, useShown } from './sharing.tsx';

type LookupAnswer = Answer<'/api/v1/exchange/licenses/{holderCode}'>;

const HOLDER_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const STATUS_COLOR: Record<LookupAnswer['status'], string> = { valid: '#135200', suspended: '#873800', revoked: '#820014', cancelled: '#262626', expired: '#613400' };

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export default function LookupPage() {
  const { t } = useTranslation('consumer');
  const [form] = Form.useForm<{ agreement: string; holderCode: string }>();
  const [answer, setAnswer] = useState<LookupAnswer>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [objecting, setObjecting] = useState(false);
  const { t: objections } = useTranslation('objections');
  const purposes = usePurposes();
  const agreements = useShown(
    $api.useQuery('get', '/api/v1/agreements', { params: { query: { role: 'consumer', status: ['active'], limit: 200 } } }, { select: (p) => p.items.filter((a) => a.licenseType) }),
  );
  const titleOf = useFieldTitles(undefined, answer?.type);
  const options = useMemo(
    () => (agreements.data ?? []).map((a) => ({ value: a.id, label: `${a.resourceTitle} · ${purposeName(purposes, a.purpose)}` })),
    [agreements.data, purposes],
  );

  const search = async ({ agreement: id, holderCode }: { agreement: string; holderCode: string }) => {
    const agreement = agreements.data?.find((a) => a.id === id);
    if (!agreement?.licenseType) return;
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(
        await answerOf(
          platform.GET('/api/v1/exchange/licenses/{holderCode}', {
            params: { path: { holderCode: holderCode.trim().toUpperCase() }, query: { type: agreement.licenseType }, header: { 'x-purpose': agreement.purpose } },
          }),
        ),
      );
    } catch (e) {
      // A mistyped credit code is said on its field, with the check character the platform expected.
      const onField = creditCodeProblem(e, holderCode.trim().toUpperCase(), t);
      if (onField) form.setFields([{ name: 'holderCode', errors: [onField] }]);
      else setError(sharingProblem(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('lookup.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('lookup.intro')}</Typography.Paragraph>
      {agreements.error ? <Alert type="error" showIcon title={agreements.error} style={{ marginBottom: 16 }} /> : null}
      {agreements.data && agreements.data.length === 0 ? <Alert type="info" showIcon title={t('lookup.noAgreements')} style={{ marginBottom: 16 }} /> : null}
      <Card style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" onFinish={(v) => void search(v)} style={{ maxWidth: 560 }} initialValues={{ agreement: undefined }}>
          <Form.Item name="agreement" label={t('lookup.agreement')} rules={[{ required: true, message: t('lookup.agreementPlaceholder') }]}>
            <Select loading={agreements.loading} placeholder={t('lookup.agreementPlaceholder')} options={options} />
          </Form.Item>
          <Form.Item
            name="holderCode"
            label={t('lookup.holderCode')}
            rules={[{ required: true, pattern: HOLDER_CODE, transform: (v: string) => v?.trim().toUpperCase(), message: t('lookup.holderCodeRequired') }]}
          >
            <Input placeholder={t('lookup.holderCodePlaceholder')} maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('lookup.search')}
          </Button>
        </Form>
      </Card>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="lookup-error" /> : null}
      {answer ? (
        <Card
          title={t('lookup.result')}
          data-testid="lookup-result"
          extra={
            <Button onClick={() => setObjecting(true)} data-testid="object-license">
              {objections('object')}
            </Button>
          }
        >
          {answer.status === 'suspended' ? (
            <Alert
              type="warning"
              showIcon
              data-testid="suspended-warning"
              title={<strong>{t('lookup.suspendedWarning')}</strong>}
              description={t('lookup.suspendedWarningDetail')}
              style={{ marginBottom: 12, fontSize: 16 }}
            />
          ) : null}
          {answer.underObjection ? <Alert type="warning" showIcon title={objections('underObjection')} style={{ marginBottom: 12 }} data-testid="under-objection" /> : null}
          <Flex gap={8} align="center" style={{ marginBottom: 12 }} wrap>
            <Tag style={{ color: STATUS_COLOR[answer.status], fontSize: 14, padding: '2px 10px' }} data-status={answer.status}>
              {t(`lookup.licenseStatuses.${answer.status}`)}
            </Tag>
            <Typography.Text type="secondary">{t('lookup.minimised', { count: Object.keys(answer.fields).length })}</Typography.Text>
          </Flex>
          <Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
            {Object.entries(answer.fields).map(([name, value]) => (
              <Descriptions.Item key={name} label={titleOf(name)}>
                <span data-field={name}>{show(value)}</span>
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('lookup.holderCode')}>{answer.holderCode}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.identifier')}>
              <Typography.Text style={{ wordBreak: 'break-all' }}>{answer.identifier}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('lookup.version')}>{answer.version}</Descriptions.Item>
            <Descriptions.Item label={t('request.purpose')}>{purposeName(purposes, answer.purpose)}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.basis')}>
              {answer.basis.kind === 'agreement' ? t('lookup.basisAgreement', { id: answer.basis.ids[0] ?? '' }) : t('lookup.basisAuthorisation')}
            </Descriptions.Item>
            <Descriptions.Item label={t('lookup.accessId')}>
              <Typography.Text code style={{ wordBreak: 'break-all' }}>
                {answer.accessId}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
      {answer && objecting ? (
        <ObjectionForm licenseIdentifier={answer.identifier} licenseType={answer.type} fields={Object.keys(answer.fields)} onClose={() => setObjecting(false)} />
      ) : null}
    </>
  );
}
