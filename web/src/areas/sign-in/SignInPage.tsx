/**
 * Sign-in for staff of a department and for enterprises (whose username is their unified social
 * credit code), with a local password or, when configured, the province's unified identity
 * service (OpenID Connect: the button leads to /api/v1/session/oidc, which comes back signed in).
 */
import { LockOutlined, LoginOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Divider, Flex, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { $api, problemMessage } from '../../app/api.ts';
import { homeOf } from '../../app/areas.ts';
import { registerMessages } from '../../app/i18n.ts';
import { useSession } from '../../app/session.tsx';
import { PublicLayout } from '../../shared/PublicLayout.tsx';

registerMessages('signIn', {
  'zh-CN': {
    title: '登录',
    subtitle: '政府部门工作人员与企业用户登录',
    username: '用户名',
    usernameHint: '企业用户请使用统一社会信用代码登录',
    usernameRequired: '请输入用户名',
    password: '密码',
    passwordRequired: '请输入密码',
    submit: '登录',
    oidc: '使用{{label}}登录',
    oidcDefault: '统一身份认证',
    or: '或',
    verifyPrompt: '无需登录即可核验电子营业执照',
    verifyLink: '前往核验',
  },
  en: {
    title: 'Sign in',
    subtitle: 'For department staff and enterprises',
    username: 'Username',
    usernameHint: 'Enterprises sign in with their unified social credit code',
    usernameRequired: 'Enter your username',
    password: 'Password',
    passwordRequired: 'Enter your password',
    submit: 'Sign in',
    oidc: 'Sign in with {{label}}',
    oidcDefault: 'the unified identity service',
    or: 'or',
    verifyPrompt: 'Anyone can verify a business license, without an account',
    verifyLink: 'Verify a license',
  },
});

interface Credentials {
  username: string;
  password: string;
}

/** Only a path of this console, never another site, is where sign-in returns to. */
function safeNext(next: string | null): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : undefined;
}

export default function SignInPage() {
  const { t, i18n } = useTranslation('signIn');
  const { t: common } = useTranslation();
  const [form] = Form.useForm<Credentials>();
  // A message shown before the language changed is checked again, so it is said in the new language.
  useEffect(() => {
    const shown = form.getFieldsError().filter((field) => field.errors.length > 0).map((field) => field.name);
    if (shown.length > 0) form.validateFields(shown).catch(() => undefined);
  }, [i18n.language, form]);
  const { state, signIn, expectExternalSignIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Without the options (an older platform) the local form is all there is.
  const { data: options } = $api.useQuery('get', '/api/v1/session/options');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (state.status === 'signed-in') return <Navigate to={safeNext(params.get('next')) ?? homeOf(state.principal)} replace />;

  const submit = async ({ username, password }: Credentials) => {
    setBusy(true);
    setError(undefined);
    try {
      const principal = await signIn(username.trim(), password);
      navigate(safeNext(params.get('next')) ?? homeOf(principal), { replace: true });
    } catch (e) {
      setError(problemMessage(e, common));
    } finally {
      setBusy(false);
    }
  };

  const oidc = options?.oidc.enabled ? options.oidc : undefined;
  return (
    <PublicLayout>
      <Flex justify="center" style={{ paddingTop: 24 }}>
        <Card style={{ width: '100%', maxWidth: 420 }}>
          <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0, marginBottom: 4 }}>
            {t('title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('subtitle')}</Typography.Paragraph>
          {params.get('ended') && !error ? <Alert type="info" showIcon title={common('sessionEnded')} style={{ marginBottom: 16 }} /> : null}
          {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" /> : null}
          <Form<Credentials> form={form} layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false} disabled={busy}>
            <Form.Item label={t('username')} name="username" extra={t('usernameHint')} rules={[{ required: true, whitespace: true, message: t('usernameRequired') }]}>
              <Input prefix={<UserOutlined aria-hidden />} autoComplete="username" size="large" autoFocus />
            </Form.Item>
            <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" size="large" block loading={busy} icon={<LoginOutlined aria-hidden />}>
              {t('submit')}
            </Button>
          </Form>
          {oidc ? (
            <>
              <Divider plain>{t('or')}</Divider>
              <Button size="large" block href="/api/v1/session/oidc" onClick={expectExternalSignIn}>
                {t('oidc', { label: oidc.label ?? t('oidcDefault') })}
              </Button>
            </>
          ) : null}
          <Divider />
          <Flex align="center" justify="space-between" gap={8} wrap>
            <Typography.Text type="secondary">{t('verifyPrompt')}</Typography.Text>
            <Link to="/verify">
              <SafetyCertificateOutlined aria-hidden /> {t('verifyLink')}
            </Link>
          </Flex>
        </Card>
      </Flex>
    </PublicLayout>
  );
}
