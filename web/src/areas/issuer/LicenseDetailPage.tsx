/**
 * One license, for its issuer: as printed (with its QR code), what can be done to it, its versions
 * with what each amendment changed, and its status changes.
 */
import { ArrowLeftOutlined, LinkOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Result, Row, Skeleton, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../app/api.ts';
import { LicenseActions } from './LicenseActions.tsx';
import { EventHistory, VersionHistory, type LicenseEvent, type LicenseVersion } from './LicenseHistory.tsx';
import { PrintedLicenseOfType } from '../../shared/licenseTypes/PrintedLicense.tsx';
import { isAbort, issuerProblem, StatusTag, type LicenseView } from './shared.tsx';

interface Loaded {
  /** The identifier in the URL it was loaded for (an older version's leads to the license too). */
  for: string;
  license: LicenseView;
  versions: LicenseVersion[];
  events: LicenseEvent[];
}

export default function LicenseDetailPage() {
  const { identifier = '' } = useParams();
  const { t } = useTranslation('issuer');
  const navigate = useNavigate();
  const [loaded, setLoaded] = useState<Loaded>();
  const [reload, setReload] = useState(0);
  const attempt = `${identifier}#${reload}`;
  const [failure, setFailure] = useState<{ attempt: string; message: string; notFound: boolean }>();
  const error = failure?.attempt === attempt ? failure : undefined;

  const load = useCallback(
    async (signal?: AbortSignal) => {
      const path = `/api/v1/licenses/${encodeURIComponent(identifier)}`;
      const [license, versions, events] = await Promise.all([
        api<LicenseView>(path, { signal }),
        api<LicenseVersion[]>(`${path}/versions`, { signal }),
        api<LicenseEvent[]>(`${path}/events`, { signal }),
      ]);
      return { for: identifier, license, versions, events };
    },
    [identifier],
  );

  useEffect(() => {
    const controller = new AbortController();
    const current = `${identifier}#${reload}`;
    load(controller.signal)
      .then(setLoaded)
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        const notFound = e instanceof ApiError && (e.status === 404 || e.status === 403 || e.code === 'invalid-license-identifier');
        setFailure({ attempt: current, message: issuerProblem(e, t), notFound });
      });
    return () => controller.abort();
  }, [identifier, load, reload, t]);

  const back = (
    <Link to="/issuer">
      <ArrowLeftOutlined aria-hidden /> {t('detail.back')}
    </Link>
  );

  if (error) {
    return error.notFound ? (
      <Result status="404" title={t('detail.notFound')} subTitle={error.message} extra={back} />
    ) : (
      <>
        {back}
        <Alert type="error" showIcon title={error.message} style={{ marginTop: 16 }} action={<Button onClick={() => setReload((n) => n + 1)}>{t('common:retry')}</Button>} />
      </>
    );
  }
  if (!loaded || loaded.for !== identifier) {
    return (
      <>
        {back}
        <Typography.Title level={1} style={{ fontSize: 22 }}>
          {t('detail.title')}
        </Typography.Title>
        <Skeleton active paragraph={{ rows: 10 }} />
      </>
    );
  }

  const { license, versions, events } = loaded;
  return (
    <>
      {back}
      <Flex align="center" gap={12} wrap style={{ margin: '12px 0 16px' }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }} className="cb-break">
          {license.holder.name}
        </Typography.Title>
        <span aria-label={t('detail.statusNote')}>
          <StatusTag status={license.status} />
        </span>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('detail.printed')}>
            <PrintedLicenseOfType type={license.type} license={license} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Flex vertical gap={16}>
            <Card title={t('actions.title')}>
              <LicenseActions
                license={license}
                onChanged={(updated, action) => {
                  if (action === 'amend' && updated.identifier !== identifier) navigate(`/issuer/licenses/${encodeURIComponent(updated.identifier)}`, { replace: true });
                  else setReload((n) => n + 1);
                }}
              />
            </Card>
            <Card title={t('detail.qrHint')}>
              <Typography.Paragraph type="secondary" className="cb-break" style={{ fontSize: 12 }}>
                {license.verificationUrl}
              </Typography.Paragraph>
              <a href={license.verificationUrl} target="_blank" rel="noreferrer" data-verification-link>
                <LinkOutlined aria-hidden /> {t('detail.openVerification')}
              </a>
            </Card>
            <Card title={t('detail.events')}>
              <EventHistory events={events} />
            </Card>
          </Flex>
        </Col>
        <Col span={24}>
          <Card title={t('detail.history')}>
            <VersionHistory type={license.type} versions={versions} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
