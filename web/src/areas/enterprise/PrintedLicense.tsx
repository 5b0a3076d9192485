import type { CSSProperties } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../app/format.ts';
import { fieldTitle, loadStandard, useLanguage, type HeldLicense, type LicenseTypeStandard } from './portal.ts';

const INK = '#3b2a1a';
const FRAME = '#a8321f';

const styles: Record<string, CSSProperties> = {
  sheet: { position: 'relative', overflow: 'hidden', background: '#fffdf6', border: `6px double ${FRAME}`, padding: 6, maxWidth: 880, margin: '0 auto', color: INK },
  inner: { border: `1px solid ${FRAME}`, padding: 'clamp(12px, 3vw, 32px)' },
  top: { display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 16, flexWrap: 'wrap' },
  code: { margin: 0, fontSize: 14 },
  title: { fontFamily: '"Noto Serif CJK SC", "Songti SC", SimSun, serif', fontSize: 'clamp(30px, 7vw, 46px)', letterSpacing: '0.35em', textAlign: 'center', margin: '8px 0 0', paddingLeft: '0.35em', color: FRAME, fontWeight: 700 },
  subtitle: { textAlign: 'center', margin: '0 0 16px', fontSize: 14, letterSpacing: '0.08em' },
  qr: { margin: 0, textAlign: 'center', fontSize: 12 },
  fields: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 300px), 1fr))', columnGap: 32, rowGap: 10, margin: '16px 0 0' },
  field: { display: 'flex', gap: 12, minWidth: 0 },
  label: { flex: '0 0 6.5em', fontWeight: 600, textAlign: 'justify', textAlignLast: 'justify' },
  value: { flex: 1, minWidth: 0, margin: 0, overflowWrap: 'anywhere' },
  footer: { display: 'flex', justifyContent: 'flex-end', marginTop: 24, textAlign: 'right' },
  stamp: {
    position: 'absolute',
    top: 24,
    right: -8,
    transform: 'rotate(12deg)',
    border: `3px solid #b71c1c`,
    color: '#b71c1c',
    background: 'rgba(255,253,246,0.85)',
    padding: '2px 14px',
    fontSize: 22,
    fontWeight: 700,
    letterSpacing: '0.2em',
    pointerEvents: 'none',
  },
};

/** The particulars of a business license in the order the printed one shows them. */
const BUSINESS_LICENSE_ROWS = ['name', 'entityType', 'legalRepresentative', 'registeredCapital', 'establishedOn', 'businessTerm', 'domicile', 'businessScope'] as const;

const text = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/**
 * A license laid out like the printed one (营业执照): a bordered certificate with the title, the
 * credit code, the particulars, the registration authority and date, and its QR code — which the
 * platform draws (GET /api/v1/licenses/:identifier/qr.svg; for the holder signed in it carries
 * the verification code, so a phone sees the public particulars).
 */
export function PrintedLicense({ license }: { license: HeldLicense }) {
  const { t } = useTranslation('enterprise');
  const language = useLanguage();
  const [standard, setStandard] = useState<LicenseTypeStandard>();
  useEffect(() => {
    let live = true;
    loadStandard(license.type)
      .then((s) => live && setStandard(s))
      .catch(() => undefined); // the fixed words below still name a business license's fields
    return () => {
      live = false;
    };
  }, [license.type]);

  const data = license.data;
  const date = (value: unknown) => (typeof value === 'string' ? formatDate(value, language) : text(value));
  const isBusinessLicense = license.type === 'business-license';
  const label = (key: string) => (isBusinessLicense ? t(`fields.${key}`) : fieldTitle(standard, key, language));
  const valueOf = (key: string): string => {
    if (key === 'businessTerm') {
      const to = data.businessTermTo ? date(data.businessTermTo) : t('licenses.longTerm');
      return `${date(data.businessTermFrom ?? data.establishedOn)} ${t('licenses.termTo')} ${to}`;
    }
    return /On$|From$|To$/.test(key) ? date(data[key]) : text(data[key]);
  };
  const rows: string[] = isBusinessLicense
    ? [...BUSINESS_LICENSE_ROWS]
    : Object.keys(standard?.dataSchema.properties ?? data).filter((key) => key in data && !['issuedOn', 'registrationAuthority'].includes(key));
  const title = isBusinessLicense ? t('licenses.printedTitle') : (standard?.name ?? license.type);
  const titleEn = isBusinessLicense ? t('licenses.printedTitleEn') : language === 'en' ? standard?.nameEn : '';
  const titleId = `license-title-${license.identifier}`;

  return (
    <article style={styles.sheet} aria-labelledby={titleId} data-testid="printed-license">
      <div style={styles.inner}>
        <div style={styles.top}>
          <dl style={styles.code}>
            <dt style={{ fontWeight: 600 }}>{t('fields.holderCode')}</dt>
            <dd style={{ margin: 0, fontFamily: 'monospace', fontSize: 16, letterSpacing: '0.05em' }}>{license.holder.code}</dd>
          </dl>
          <figure style={styles.qr}>
            <img src={`/api/v1/licenses/${encodeURIComponent(license.identifier)}/qr.svg`} width={112} height={112} alt={t('licenses.qrAlt')} style={{ display: 'block', background: '#fff' }} />
            <figcaption>{t('licenses.qrCaption')}</figcaption>
          </figure>
        </div>
        <h2 id={titleId} style={styles.title}>
          {title}
        </h2>
        {titleEn ? <p style={styles.subtitle}>{titleEn}</p> : <div style={{ height: 16 }} />}
        <dl style={styles.fields}>
          {rows.map((key) => (
            <div key={key} style={{ ...styles.field, ...(key === 'businessScope' || key === 'domicile' ? { gridColumn: '1 / -1' } : {}) }}>
              <dt style={styles.label}>{label(key)}</dt>
              <dd style={styles.value}>{valueOf(key)}</dd>
            </div>
          ))}
        </dl>
        <div style={styles.footer}>
          <dl style={{ margin: 0 }}>
            <dt style={{ fontWeight: 600 }}>{t('fields.registrationAuthority')}</dt>
            <dd style={{ margin: 0 }}>{text(data.registrationAuthority) || license.issuer.name}</dd>
            <dd style={{ margin: 0 }}>{date(data.issuedOn ?? license.validFrom)}</dd>
          </dl>
        </div>
      </div>
      {license.status !== 'valid' ? (
        <div style={styles.stamp} aria-hidden>
          {t(`statuses.${license.status}`)}
        </div>
      ) : null}
    </article>
  );
}
