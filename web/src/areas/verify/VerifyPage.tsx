/**
 * The public verification page (no account): /verify, /verify/{identifier}?code=…, and the QR
 * code's own link /api/v1/verify/{identifier}?code=…, which the platform answers with this page
 * when a browser opens it (and with JSON to a program). The page asks the same API:
 * GET /api/v1/verify/{identifier}[?code=] for a link or identifier, POST /api/v1/verify for a
 * pasted credential, GET /api/v1/verify/holders/{creditCode} for a credit code (docs/verify.md).
 */
import { Button, Card, Flex, Form, Grid, Input, Result, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { $api, answer, platform, problemMessage } from '../../app/api.ts';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { PublicLayout } from '../../shared/PublicLayout.tsx';
import './messages.ts';
import { looksLikeCredential, parseVerifyInput, type Verification } from './verdict.ts';
import { VerificationView } from './VerificationView.tsx';
import { HolderLookup } from './HolderLookup.tsx';

/** A verification or why there is none. */
type Outcome = { verification: Verification; checkedAt: Date } | { error: string };

function VerifyForm({ onCredential }: { onCredential: (credential: string) => Promise<void> }) {
  const { t } = useTranslation('verify');
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const screens = Grid.useBreakpoint();

  const byLink = ({ link, code }: { link: string; code?: string }) => {
    const target = parseVerifyInput(link);
    if (!target) return;
    const withCode = code?.trim() || target.code;
    navigate(`/verify/${encodeURIComponent(target.identifier)}${withCode ? `?code=${encodeURIComponent(withCode)}` : ''}`);
  };

  const byCredential = async ({ credential }: { credential: string }) => {
    setBusy(true);
    try {
      await onCredential(credential.trim());
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <Tabs
        // Three tabs fit a phone's width only with short labels and a narrower gutter (else a "more" menu appears).
        tabBarGutter={screens.sm ? undefined : 16}
        items={[
          {
            key: 'link',
            label: t('tabs.link'),
            children: (
              <Form layout="vertical" onFinish={byLink} requiredMark={false}>
                <Form.Item
                  name="link"
                  label={t('linkLabel')}
                  rules={[{ required: true, message: t('linkInvalid') }, { validator: (_, value: string) => (!value || parseVerifyInput(value) ? Promise.resolve() : Promise.reject(new Error(t('linkInvalid')))) }]}
                >
                  <Input size="large" placeholder={t('linkPlaceholder')} autoComplete="off" spellCheck={false} inputMode="url" />
                </Form.Item>
                <Form.Item name="code" label={t('codeLabel')} extra={t('codeHint')}>
                  <Input size="large" autoComplete="off" spellCheck={false} maxLength={64} style={{ maxWidth: 320 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit" size="large">
                  {t('submit')}
                </Button>
              </Form>
            ),
          },
          {
            key: 'holder',
            label: t('tabs.holder'),
            children: <HolderLookup />,
          },
          {
            key: 'credential',
            label: t('tabs.credential'),
            children: (
              <Form layout="vertical" onFinish={(values: { credential: string }) => void byCredential(values)} requiredMark={false}>
                <Form.Item
                  name="credential"
                  label={t('credentialLabel')}
                  rules={[{ required: true, message: t('credentialInvalid') }, { validator: (_, value: string) => (!value || looksLikeCredential(value) ? Promise.resolve() : Promise.reject(new Error(t('credentialInvalid')))) }]}
                >
                  <Input.TextArea rows={6} placeholder={t('credentialPlaceholder')} spellCheck={false} autoComplete="off" style={{ fontFamily: 'monospace', fontSize: 12 }} />
                </Form.Item>
                <Button type="primary" htmlType="submit" size="large" loading={busy}>
                  {t('submit')}
                </Button>
              </Form>
            ),
          },
        ]}
      />
    </Card>
  );
}

export default function VerifyPage() {
  const { t } = useTranslation('verify');
  const { t: common } = useTranslation();
  const navigate = useNavigate();
  const { identifier } = useParams();
  const [params] = useSearchParams();
  const code = params.get('code') ?? undefined;
  // A link or an identifier in the URL: verified at once (what a QR scan opens), afresh each time it is opened.
  const linked = $api.useQuery('get', '/api/v1/verify/{identifier}', { params: { path: { identifier: identifier ?? '' }, query: { code } } }, { enabled: !!identifier, staleTime: 0, gcTime: 0 });
  const [pasted, setPasted] = useState<Outcome>();
  const outcome: Outcome | undefined = identifier
    ? linked.data
      ? { verification: linked.data, checkedAt: new Date(linked.dataUpdatedAt) }
      : linked.error
        ? { error: problemMessage(linked.error, common) }
        : undefined
    : pasted;

  const onCredential = async (credential: string) => {
    try {
      setPasted({ verification: await answer(platform.POST('/api/v1/verify', { body: { credential } })), checkedAt: new Date() });
    } catch (error) {
      setPasted({ error: problemMessage(error, common) });
    }
    window.scrollTo({ top: 0 });
  };

  const again = () => {
    setPasted(undefined);
    navigate('/verify');
  };

  return (
    <PublicLayout title={t('title')}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: '4px 0 8px' }}>
        {t('title')}
      </Typography.Title>
      {!identifier && !outcome ? (
        <>
          <Typography.Paragraph style={{ fontSize: 15 }}>{t('intro')}</Typography.Paragraph>
          <VerifyForm onCredential={onCredential} />
        </>
      ) : null}
      {identifier && !outcome ? <PageLoading /> : null}
      {outcome && 'error' in outcome ? (
        <Card>
          <Result status="warning" title={<span role="alert">{outcome.error}</span>} extra={<Button onClick={again}>{t('again')}</Button>} />
        </Card>
      ) : null}
      {outcome && 'verification' in outcome ? (
        <>
          <VerificationView verification={outcome.verification} checkedAt={outcome.checkedAt} />
          <Flex justify="center" style={{ marginTop: 20 }}>
            <Button size="large" onClick={again}>
              {t('again')}
            </Button>
          </Flex>
        </>
      ) : null}
    </PublicLayout>
  );
}
