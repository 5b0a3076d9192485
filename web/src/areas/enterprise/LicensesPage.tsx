import { ExportOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { ObjectionForm } from '../../shared/objections/ObjectionForm.tsx';
import { PageLoading } from '../../shared/PageLoading.tsx';
import { TourStart } from '../../shared/tours/index.ts';
import { PrintedLicenseOfType } from '../../shared/licenseTypes/PrintedLicense.tsx';
import { useHolder, useLoaded, type HeldLicense, type LicenseStatus } from './portal.ts';
import { ToneTag, type Tone } from './ToneTag.tsx';

const STATUS_TONES: Record<LicenseStatus, Tone> = { valid: 'green', suspended: 'orange', revoked: 'red', cancelled: 'default', expired: 'default' };

/** 我的证照: the licenses the enterprise holds, each laid out like the printed one, with its QR code. */
export default function LicensesPage() {
  const { t } = useTranslation('enterprise');
  const { t: common } = useTranslation();
  const { holderCode } = useHolder();
  const { t: objections } = useTranslation('objections');
  const [objecting, setObjecting] = useState<HeldLicense>();
  const [submitted, setSubmitted] = useState<string>();
  const [licenses, reload] = useLoaded($api.useQuery('get', '/api/v1/holders/{holderCode}/licenses', { params: { path: { holderCode } } }));

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('licenses.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('licenses.intro')}</Typography.Paragraph>
      {licenses.state === 'loaded' && licenses.data.length > 0 ? (
        <div style={{ marginBottom: 16 }}>
          <TourStart roles={['enterprise']} label={t('licenses.tour')} />
        </div>
      ) : null}
      {submitted ? (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setSubmitted(undefined)}
          style={{ marginBottom: 16 }}
          title={<span data-tour="objection-submitted">{t('licenses.objected', { date: submitted })}</span>}
          description={<Link to="/enterprise/objections">{t('licenses.objectedLink')}</Link>}
        />
      ) : null}
      {licenses.state === 'loading' ? <PageLoading /> : null}
      {licenses.state === 'failed' ? (
        <Alert
          type="error"
          showIcon
          title={t('licenses.loadFailed')}
          description={licenses.message}
          action={
            <Button size="small" onClick={reload}>
              {common('retry')}
            </Button>
          }
        />
      ) : null}
      {licenses.state === 'loaded' && licenses.data.length === 0 ? (
        <Card>
          <Empty description={t('licenses.empty')} />
        </Card>
      ) : null}
      {licenses.state === 'loaded' ? (
        <Flex vertical gap={24}>
          {licenses.data.map((license, index) => (
            <Card
              key={license.identifier}
              styles={{ body: { padding: 'clamp(8px, 2vw, 24px)' } }}
              title={
                <Space wrap size={[8, 0]}>
                  <ToneTag tone={STATUS_TONES[license.status]} data-testid="license-status">
                    {t(`statuses.${license.status}`)}
                  </ToneTag>
                  <span style={{ whiteSpace: 'normal' }}>{license.holder.name}</span>
                </Space>
              }
              extra={
                <Button type="link" href={license.verificationUrl} target="_blank" rel="noopener" icon={<ExportOutlined aria-hidden />}>
                  {t('licenses.open')}
                </Button>
              }
            >
              <PrintedLicenseOfType type={license.type} license={license} stamp={license.status === 'valid' ? undefined : t(`statuses.${license.status}`)} />
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, overflowWrap: 'anywhere', fontSize: 13 }}>
                {t('licenses.identifier')}: <Typography.Text copyable={{ text: license.identifier }}>{license.identifier}</Typography.Text> · {t('licenses.version', { version: license.version })} · {t('licenses.issuer')}: {license.issuer.name}
              </Typography.Paragraph>
              <Button style={{ marginTop: 8 }} onClick={() => setObjecting(license)} data-object-license={license.identifier} data-tour={index === 0 ? 'license-object' : undefined}>
                {objections('object')}
              </Button>
            </Card>
          ))}
        </Flex>
      ) : null}
      {objecting ? (
        <ObjectionForm
          licenseIdentifier={objecting.identifier}
          licenseType={objecting.type}
          onClose={() => setObjecting(undefined)}
          onSubmitted={(objection) => setSubmitted(formatDate(objection.dueDate, currentLanguage()))}
        />
      ) : null}
    </>
  );
}
