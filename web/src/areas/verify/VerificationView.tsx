/**
 * One verification, for a person: the verdict in large plain words with its colour and icon, what
 * it means, then the license's particulars (dates as dates) and the checks that were made.
 */
import {
  CheckCircleFilled,
  ClockCircleFilled,
  HistoryOutlined,
  CloseCircleFilled,
  InfoCircleFilled,
  MinusCircleFilled,
  PauseCircleFilled,
  StopFilled,
  WarningFilled,
} from '@ant-design/icons';
import { Alert, Card, Descriptions, Flex, Grid, Typography, type DescriptionsProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDate, formatInstant, isCalendarDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { PrintedLicense } from '../../shared/licenseTypes/PrintedLicense.tsx';
import { useStandardOfCredential } from '../../shared/licenseTypes/standard.ts';
import { decidingFailure, supersededBy, verdictOf, type Verdict, type Verification } from './verdict.ts';

const LOOK: Record<Verdict, { color: string; background: string; border: string; icon: ReactNode }> = {
  valid: { color: '#237804', background: '#f6ffed', border: '#52c41a', icon: <CheckCircleFilled /> },
  suspended: { color: '#ad4e00', background: '#fff7e6', border: '#fa8c16', icon: <PauseCircleFilled /> },
  revoked: { color: '#a8071a', background: '#fff1f0', border: '#f5222d', icon: <StopFilled /> },
  cancelled: { color: '#434343', background: '#f5f5f5', border: '#8c8c8c', icon: <MinusCircleFilled /> },
  expired: { color: '#874d00', background: '#fffbe6', border: '#faad14', icon: <ClockCircleFilled /> },
  invalid: { color: '#a8071a', background: '#fff1f0', border: '#f5222d', icon: <WarningFilled /> },
  changed: { color: '#874d00', background: '#fffbe6', border: '#faad14', icon: <HistoryOutlined /> },
};

/** Claims that are the credential's machinery or repeat another field: not shown as particulars. */
const HIDDEN = new Set(['iss', 'sub', 'nbf', 'exp', 'vct', 'licenseTypeCode', 'holderCodeType', 'validFrom', 'validUntil', 'status', 'cnf', '_sd', '_sd_alg']);
/** Shown first, in this order; the business fields follow in the standard's order, then the issuer. */
const LEADING = ['name', 'holderCode', 'licenseName', 'identifier', 'version'];
const TRAILING = ['issuerName', 'issuerCode', 'iat'];

function VerdictBanner({ verification, checkedAt }: { verification: Verification; checkedAt: Date }) {
  const { t } = useTranslation('verify');
  const verdict = verdictOf(verification);
  // An older version of a license no longer in force takes the colour of what the license is now.
  const now = verification.currentStatus ?? verification.status;
  const look = verdict === 'changed' && now !== 'valid' ? LOOK[now] : LOOK[verdict];
  const failure = verdict === 'invalid' ? decidingFailure(verification) : undefined;
  return (
    <section
      aria-labelledby="verdict"
      style={{ background: look.background, borderLeft: `6px solid ${look.border}`, borderRadius: 6, padding: '20px 20px 16px', marginBottom: 16 }}
    >
      <Typography.Text style={{ color: '#262626', fontSize: 14 }}>{t('verdictLabel')}</Typography.Text>
      <Flex align="center" gap={14} style={{ marginTop: 4 }}>
        <span aria-hidden style={{ fontSize: 48, lineHeight: 1, color: look.color, flex: 'none' }}>
          {look.icon}
        </span>
        <h2 id="verdict" data-verdict={verdict} style={{ margin: 0, fontSize: verdict === 'invalid' ? 30 : 42, lineHeight: 1.2, fontWeight: 700, color: look.color }}>
          {t(`verdicts.${verdict}`)}
        </h2>
      </Flex>
      {verdict === 'changed' ? (
        // The license as it stands now, beside the verdict: what a clerk must act on.
        <Typography.Paragraph strong style={{ fontSize: 18, margin: '10px 0 0', color: '#262626' }} data-testid="current-status">
          {t('currentStatus', { status: t(`verdicts.${verification.currentStatus ?? verification.status}`) })}
        </Typography.Paragraph>
      ) : null}
      <Typography.Paragraph style={{ fontSize: 16, margin: '12px 0 4px', color: '#262626' }}>{t(`explanations.${verdict}`)}</Typography.Paragraph>
      {failure ? <Typography.Paragraph style={{ margin: '0 0 4px', color: '#262626' }}>{t('invalidBecause', { check: t(`checkNames.${failure}`) })}</Typography.Paragraph> : null}
      <Typography.Text style={{ color: '#595959', fontSize: 13 }}>{t('checkedAt', { time: formatInstant(checkedAt, currentLanguage()) })}</Typography.Text>
    </section>
  );
}

function Particulars({ verification }: { verification: Verification }) {
  const { t, i18n } = useTranslation('verify');
  const { t: common } = useTranslation();
  const screens = Grid.useBreakpoint();
  const language = currentLanguage();
  const license = verification.license;
  // Without it the claims are listed by their names: the verdict does not depend on it.
  const standard = useStandardOfCredential(license);
  const fieldTitles = standard?.dataSchema.properties ?? {};

  const show = (name: string, value: unknown): ReactNode => {
    if (value === null || value === undefined || value === '') return '—';
    if (name === 'iat' && typeof value === 'number') return formatInstant(value, language);
    if (isCalendarDate(value)) return formatDate(value, language);
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  };
  const label = (name: string): string => {
    if (i18n.exists(`verify:fields.${name}`)) return t(`fields.${name}`);
    const title = fieldTitles[name];
    return (language === 'en' ? title?.['x-title-en'] : title?.title) ?? title?.title ?? name;
  };

  // With its type known, the license's fields are shown as printed (from the type's layout); the
  // credential's own claims (identifier, version, validity, issuer, time of issue) are listed.
  const printed = standard ? new Set([...Object.keys(fieldTitles), ...(standard.display.number === '$holderCode' ? ['holderCode'] : [])]) : new Set<string>();
  const businessOrder = Object.keys(fieldTitles);
  const names = Object.keys(license).filter((name) => !HIDDEN.has(name) && !printed.has(name));
  const ordered = [
    ...LEADING.filter((name) => names.includes(name)),
    ...businessOrder.filter((name) => names.includes(name) && !LEADING.includes(name)),
    ...names.filter((name) => !LEADING.includes(name) && !TRAILING.includes(name) && !businessOrder.includes(name)),
    ...TRAILING.filter((name) => names.includes(name)),
  ];
  const items: DescriptionsProps['items'] = ordered.map((name) => ({
    key: name,
    label: label(name),
    children: (
      <span className="cb-break" data-field={name}>
        {name === 'licenseName' && language === 'en' && standard?.nameEn ? `${String(license[name])} (${standard.nameEn})` : show(name, license[name])}
      </span>
    ),
  }));
  if ('validFrom' in license || 'validUntil' in license) {
    const issuer = items.findIndex((item) => item.key === 'issuerName');
    items.splice(issuer === -1 ? items.length : issuer, 0, {
      key: 'validity',
      label: t('fields.validity'),
      children: (
        <span data-field="validity">
          {t('fields.validityRange', {
            from: typeof license.validFrom === 'string' ? formatDate(license.validFrom, language) : '—',
            to: typeof license.validUntil === 'string' ? formatDate(license.validUntil, language) : common('longTerm'),
          })}
        </span>
      ),
    });
  }
  const genuine = verdictOf(verification) !== 'invalid';
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('license')}</h2>} style={{ marginBottom: 16 }}>
      <Alert
        type={genuine ? 'info' : 'error'}
        showIcon
        style={{ marginBottom: 16 }}
        title={genuine ? t(`disclosure.${verification.disclosure}`) : t('disclosure.claimsOnly')}
      />
      {standard ? (
        <div style={{ marginBottom: 16 }}>
          <PrintedLicense
            standard={standard}
            onlyPresent
            license={{
              holder: { code: String(license.holderCode ?? '') },
              data: Object.fromEntries(Object.entries(license).filter(([name]) => name in fieldTitles)),
            }}
          />
        </div>
      ) : null}
      <Descriptions bordered size="small" column={screens.md ? 2 : 1} layout={screens.sm ? 'horizontal' : 'vertical'} items={items} styles={{ label: { width: screens.md ? 150 : undefined } }} />
    </Card>
  );
}

function Checks({ verification }: { verification: Verification }) {
  const { t, i18n } = useTranslation('verify');
  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 18 }}>{t('checks')}</h2>}>
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {verification.checks.map((check) => {
          const informational = check.check === 'current-version';
          const icon = check.passed ? (
            <CheckCircleFilled style={{ color: '#389e0d' }} />
          ) : informational ? (
            <InfoCircleFilled style={{ color: '#d48806' }} />
          ) : (
            <CloseCircleFilled style={{ color: '#cf1322' }} />
          );
          const resultKey = `checkResults.${check.check}.${check.passed ? 'passed' : 'failed'}`;
          const status = t(`statusWords.${verification.status}`);
          return (
            <li key={check.check} data-check={check.check} data-passed={check.passed} style={{ display: 'flex', gap: 10, padding: '10px 0', borderBottom: '1px solid #f0f0f0' }}>
              <span aria-hidden style={{ fontSize: 18, lineHeight: '22px' }}>
                {icon}
              </span>
              <div style={{ minWidth: 0 }}>
                <Typography.Text strong>
                  {i18n.exists(`verify:checkNames.${check.check}`) ? t(`checkNames.${check.check}`) : check.check}
                  <span className="sr-only" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
                    {' '}
                    {check.passed ? t('passed') : informational ? t('info') : t('failed')}
                  </span>
                </Typography.Text>
                <div>{i18n.exists(`verify:${resultKey}`) ? t(resultKey, { status }) : check.detail}</div>
                <Typography.Text className="cb-break" style={{ color: '#595959', fontSize: 12 }} data-check-code={check.code}>
                  {/* What the check found in the reader's language, by its code; the technical English only for a code this console does not know. */}
                  {check.code && i18n.exists(`verify:checkCodes.${check.code}`) ? t(`checkCodes.${check.code}`, check.params ?? {}) : check.detail}
                </Typography.Text>
              </div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** A suspended license is a warning above everything else: it looks genuine, and has no effect while suspended. */
export function SuspendedWarning() {
  const { t } = useTranslation('verify');
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="suspended-warning"
      style={{ marginBottom: 16, fontSize: 16 }}
      title={<strong>{t('suspendedWarning.title')}</strong>}
      description={t('suspendedWarning.description')}
    />
  );
}

export function VerificationView({ verification, checkedAt }: { verification: Verification; checkedAt: Date }) {
  const { t } = useTranslation('verify');
  const newer = supersededBy(verification);
  const suspended = verdictOf(verification) !== 'invalid' && (verification.currentStatus ?? verification.status) === 'suspended';
  return (
    <div role="status" aria-live="polite">
      {suspended ? <SuspendedWarning /> : null}
      <VerdictBanner verification={verification} checkedAt={checkedAt} />
      {newer ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={<span className="cb-break">{t('superseded', { identifier: newer })}</span>}
          action={<Link to={`/verify/${newer}`}>{t('supersededLink')}</Link>}
        />
      ) : null}
      <Particulars verification={verification} />
      <Checks verification={verification} />
    </div>
  );
}
