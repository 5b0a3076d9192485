/**
 * Look-up by unified social credit code on the public page: the verdict and status of each of the
 * holder's current licenses (GET /api/v1/verify/holders/{creditCode}), nothing of their content. A
 * mistyped code is said on the field, naming the check character the platform expected.
 */
import type { Answer } from '@certbridge/client';
import { Alert, Button, Card, Flex, Form, Input, List, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { answer as answerOf, creditCodeProblem, platform, problemMessage } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { creditCodeRule } from '../../shared/forms/rules.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { SuspendedWarning } from './VerificationView.tsx';
import type { LicenseStatus } from './verdict.ts';

export type HolderVerification = Answer<'/api/v1/verify/holders/{creditCode}'>;

const STATUS_COLOR: Record<LicenseStatus, string> = { valid: '#237804', suspended: '#ad4e00', revoked: '#a8071a', cancelled: '#434343', expired: '#874d00' };

export function HolderLookup() {
  const { t } = useTranslation('verify');
  const { t: common } = useTranslation();
  const language = currentLanguage();
  const [form] = Form.useForm<{ creditCode: string }>();
  const [answer, setAnswer] = useState<HolderVerification>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const search = async ({ creditCode }: { creditCode: string }) => {
    const code = creditCode.trim().toUpperCase();
    setBusy(true);
    setAnswer(undefined);
    setError(undefined);
    try {
      setAnswer(await answerOf(platform.GET('/api/v1/verify/holders/{creditCode}', { params: { path: { creditCode: code } } })));
    } catch (e) {
      // A mistyped code belongs on its field; anything else (rate limit, network) above the result.
      const onField = creditCodeProblem(e, code, common);
      if (onField) form.setFields([{ name: 'creditCode', errors: [onField] }]);
      else setError(problemMessage(e, common));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Paragraph type="secondary">{t('holder.intro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(values) => void search(values)} requiredMark={false}>
        <Form.Item
          name="creditCode"
          label={t('holder.label')}
          // Checked as the platform checks it (both check characters) before the rate-limited look-up is asked.
          rules={[{ required: true, whitespace: true, message: t('holder.required') }, creditCodeRule(common)]}
        >
          <Input size="large" placeholder={t('holder.placeholder')} maxLength={18} autoComplete="off" spellCheck={false} style={{ fontFamily: 'monospace', maxWidth: 320 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" loading={busy}>
          {t('submit')}
        </Button>
      </Form>
      {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} /> : null}
      {answer ? (
        <div style={{ marginTop: 20 }} data-testid="holder-result" role="status" aria-live="polite">
          {answer.licenses.some((l) => l.status === 'suspended') ? <SuspendedWarning /> : null}
          {answer.licenses.length === 0 ? (
            <Alert type="info" showIcon title={t('holder.none')} />
          ) : (
            <Card size="small" title={<span className="cb-break">{t('holder.result', { code: answer.holderCode })}</span>}>
              <List
                dataSource={answer.licenses}
                renderItem={(l) => (
                  <List.Item key={l.identifier} data-license={l.type} actions={[<Link key="details" to={`/verify/${encodeURIComponent(l.identifier)}`}>{t('holder.details')}</Link>]}>
                    <Flex vertical gap={2} style={{ minWidth: 0 }}>
                      <Typography.Text strong>{language === 'en' && l.licenseNameEn ? l.licenseNameEn : l.licenseName}</Typography.Text>
                      <span data-status={l.status} style={{ color: STATUS_COLOR[l.status], fontSize: 20, fontWeight: 700 }}>
                        {t(`verdicts.${l.status}`)}
                      </span>
                      <Typography.Text type="secondary">
                        {t('holder.validity', { from: formatDate(l.validFrom, language), to: l.validUntil ? formatDate(l.validUntil, language) : common('longTerm') })}
                      </Typography.Text>
                    </Flex>
                  </List.Item>
                )}
              />
            </Card>
          )}
        </div>
      ) : null}
    </>
  );
}
