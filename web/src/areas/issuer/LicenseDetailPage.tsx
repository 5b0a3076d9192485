/**
 * One license, for its issuer: as printed (with its QR code), what can be done to it, its versions
 * with what each amendment changed, and its status changes.
 */
import { ArrowLeftOutlined, LinkOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Result, Row, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { $api, ApiError } from '../../app/api.ts';
import { LicenseActions } from './LicenseActions.tsx';
import { EventHistory, VersionHistory } from './LicenseHistory.tsx';
import { PrintedLicenseOfType } from '../../shared/licenseTypes/PrintedLicense.tsx';
import { invalidateLicenses, issuerProblem, StatusTag } from './shared.tsx';

export default function LicenseDetailPage() {
  const { identifier = '' } = useParams();
  const { t } = useTranslation('issuer');
  const navigate = useNavigate();
  const init = { params: { path: { identifier } } };
  const queries = [
    $api.useQuery('get', '/api/v1/licenses/{identifier}', init),
    $api.useQuery('get', '/api/v1/licenses/{identifier}/versions', init),
    $api.useQuery('get', '/api/v1/licenses/{identifier}/events', init),
  ] as const;
  const [{ data: license }, { data: versions }, { data: events }] = queries;
  // A failure is shown until a retry starts (the page then loads again).
  const failed = queries.find((q) => q.error && !q.isFetching)?.error;
  const error = failed
    ? { message: issuerProblem(failed, t), notFound: failed instanceof ApiError && (failed.status === 404 || failed.status === 403 || failed.code === 'invalid-license-identifier') }
    : undefined;
  const retry = () => {
    for (const q of queries) if (q.error) void q.refetch();
  };

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
        <Alert type="error" showIcon title={error.message} style={{ marginTop: 16 }} action={<Button onClick={retry}>{t('common:retry')}</Button>} />
      </>
    );
  }
  if (!license || !versions || !events) {
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

  return (
    <>
      {back}
      <Flex align="center" gap={12} wrap style={{ margin: '12px 0 16px' }} data-tour="license-issued">
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
                  void invalidateLicenses();
                  if (action === 'amend' && updated.identifier !== identifier) navigate(`/issuer/licenses/${encodeURIComponent(updated.identifier)}`, { replace: true });
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
