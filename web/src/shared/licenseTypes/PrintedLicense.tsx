/**
 * A license as it is printed, from its type's `display` (docs/license-types.md): the number at the
 * top (the type's own or the holder's code), the title, the fields in the layout's order in two
 * columns (left, right) or across the page (full), a range ("from 至 to", an empty end 长期), the
 * footer fields under the seal, and the QR code that leads to the public verification with the
 * verification code (核验码) printed beside it, as on the PDF (src/licenses/verification/print.ts). The
 * issuer's detail page, the holder's "my licenses", the public verification page and the
 * coordination office's preview of a draft all show this one component.
 */
import { Col, Row, Skeleton } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, isCalendarDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import './messages.ts';
import { fieldTitle, useStandard, type DisplayEntry, type LicenseTypeStandard } from './standard.ts';

export interface PrintedLicenseData {
  identifier?: string;
  version?: number;
  holder: { code: string };
  data: Record<string, unknown>;
  /** The public verification link (with its code): the code is printed beside the QR code. */
  verificationUrl?: string;
}

/**
 * The verification code (核验码) of a link, in groups of four as printed (the platform forgives the
 * spaces when it is typed back); undefined when the link carries none.
 */
export function printedVerificationCode(verificationUrl: string | undefined): string | undefined {
  if (!verificationUrl) return undefined;
  let code: string | null;
  try {
    code = new URL(verificationUrl, 'https://certbridge.invalid').searchParams.get('code');
  } catch {
    return undefined;
  }
  return code ? (code.match(/.{1,4}/g) ?? []).join(' ') : undefined;
}

const RED = '#a8071a';

const styles: Record<string, CSSProperties> = {
  sheet: {
    position: 'relative',
    overflow: 'hidden',
    background: '#fffdf7',
    border: `4px double ${RED}`,
    outline: '1px solid #e8d9b5',
    outlineOffset: -12,
    padding: '24px clamp(14px, 4vw, 36px) 28px',
    fontSize: 15,
    lineHeight: 1.7,
    color: '#141414',
  },
  title: { textAlign: 'center', color: RED, fontSize: 'clamp(28px, 6vw, 40px)', letterSpacing: '0.5em', textIndent: '0.5em', margin: '8px 0 4px', fontWeight: 700 },
  subtitle: { textAlign: 'center', color: '#434343', fontSize: 13, marginBottom: 16 },
  row: { display: 'flex', gap: 12, padding: '6px 0', alignItems: 'baseline' },
  label: { flex: '0 0 6.5em', color: '#434343', textAlign: 'justify', textAlignLast: 'justify', fontWeight: 600 },
  value: { margin: 0, flex: 1, minWidth: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  stamp: {
    position: 'absolute',
    top: 24,
    right: -8,
    transform: 'rotate(12deg)',
    border: '3px solid #b71c1c',
    color: '#b71c1c',
    background: 'rgba(255,253,246,0.85)',
    padding: '2px 14px',
    fontSize: 22,
    fontWeight: 700,
    letterSpacing: '0.2em',
    pointerEvents: 'none',
  },
};

const empty = (value: unknown) => value === null || value === undefined || value === '';

function Field({ label, name, children }: { label: string; name: string; children: ReactNode }) {
  return (
    <div style={styles.row}>
      <dt style={styles.label}>{label}</dt>
      <dd className="cb-break" data-field={name} style={styles.value}>
        {children}
      </dd>
    </div>
  );
}

export function PrintedLicense({
  standard,
  license,
  onlyPresent = false,
  stamp,
}: {
  standard: LicenseTypeStandard;
  license: PrintedLicenseData;
  /** Leave out the fields the license does not carry (a verification discloses the public fields only). */
  onlyPresent?: boolean;
  /** A word stamped across the sheet (a license that is not valid). */
  stamp?: string;
}) {
  const { t } = useTranslation('licenseTypes');
  const language = currentLanguage();
  const titleId = useId();
  const display = standard.display;
  const data = license.data;
  const show = (value: unknown): string => {
    if (empty(value)) return '—';
    if (isCalendarDate(value)) return formatDate(value, language);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  const label = (name: string) => fieldTitle(standard, name, language);
  const present = (entry: DisplayEntry) => !onlyPresent || (entry.range ? entry.range.some((name) => name in data) : entry.field !== undefined && entry.field in data);

  const entry = (e: DisplayEntry) => {
    if (e.range) {
      const [from, to] = e.range;
      const title = (language === 'en' ? e.titleEn : e.title) ?? e.title ?? `${label(from)} – ${label(to)}`;
      return (
        <Field key={e.range.join(':')} name={e.range.join(':')} label={title}>
          {t('termRange', { from: show(data[from]), to: empty(data[to]) ? t('longTerm') : show(data[to]) })}
        </Field>
      );
    }
    const name = e.field ?? '';
    return (
      <Field key={name} name={name} label={(language === 'en' ? e.titleEn : e.title) ?? label(name)}>
        {show(data[name])}
      </Field>
    );
  };

  const shown = display.fields.filter(present);
  const column = (placement: DisplayEntry['placement']) => shown.filter((e) => (e.placement ?? 'left') === placement).map(entry);
  const holderNumber = display.number === '$holderCode';
  const number = holderNumber ? license.holder.code : data[display.number];
  const numberField = holderNumber ? 'holderCode' : display.number;
  const footer = display.footer.filter((name) => !onlyPresent || name in data);
  // A counterparty without a QR scanner types the identifier and this code into the public page.
  const code = printedVerificationCode(license.verificationUrl);

  return (
    <article aria-labelledby={titleId} data-printed-license={standard.key} data-testid="printed-license" style={styles.sheet}>
      <Row gutter={[16, 8]} align="top" wrap={false}>
        <Col flex="auto" style={{ minWidth: 0 }}>
          <div style={{ color: '#434343', fontSize: 13 }}>{language === 'en' ? display.numberTitleEn : display.numberTitle}</div>
          <div data-field={numberField} style={{ fontFamily: 'monospace', fontSize: 16, letterSpacing: 1, overflowWrap: 'anywhere' }}>
            {empty(number) ? '—' : String(number)}
          </div>
          {license.identifier ? (
            <div style={{ color: '#434343', fontSize: 12, marginTop: 4 }} className="cb-break">
              {t('identifier')}：<span data-field="identifier">{license.identifier}</span>
            </div>
          ) : null}
        </Col>
        {license.identifier ? (
          <Col flex="none" style={{ textAlign: 'center' }}>
            <figure style={{ margin: 0 }}>
              <img
                src={`/api/v1/licenses/${encodeURIComponent(license.identifier)}/qr.svg`}
                alt={t('qrAlt')}
                width={112}
                height={112}
                style={{ display: 'block', background: '#fff' }}
                data-qr
              />
              <figcaption style={{ fontSize: 12, color: '#434343' }}>
                {t('qrHint')}
                {code ? (
                  <div style={{ marginTop: 2, color: '#141414' }}>
                    {t('verificationCode')}
                    <br />
                    <span data-field="verificationCode" className="cb-code" style={{ fontFamily: 'monospace', fontSize: 13, fontWeight: 600, whiteSpace: 'nowrap' }}>
                      {code}
                    </span>
                  </div>
                ) : null}
              </figcaption>
            </figure>
          </Col>
        ) : null}
      </Row>
      <h2 id={titleId} style={styles.title}>
        {display.title}
      </h2>
      <div style={styles.subtitle}>
        {language === 'en' && display.titleEn !== display.title ? display.titleEn : ''}
        {language === 'en' && display.titleEn !== display.title && license.version ? ' · ' : ''}
        {license.version ? t('version', { version: license.version }) : ''}
      </div>
      <Row gutter={32}>
        <Col xs={24} md={12}>
          <dl style={{ margin: 0 }}>{column('left')}</dl>
        </Col>
        <Col xs={24} md={12}>
          <dl style={{ margin: 0 }}>{column('right')}</dl>
        </Col>
      </Row>
      <dl style={{ margin: 0 }}>{column('full')}</dl>
      {footer.length > 0 ? (
        <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 20 }}>
          <div style={{ textAlign: 'center', minWidth: 0 }}>
            {footer.map((name) =>
              isCalendarDate(data[name]) ? (
                <div key={name} data-field={name} style={{ fontSize: 16, marginTop: 4 }}>
                  {show(data[name])}
                </div>
              ) : (
                <div key={name}>
                  <span style={{ color: '#434343', fontWeight: 600 }}>{label(name)}</span>{' '}
                  <span data-field={name} className="cb-break">
                    {show(data[name])}
                  </span>
                </div>
              ),
            )}
          </div>
        </div>
      ) : null}
      {stamp ? (
        <div style={styles.stamp} aria-hidden>
          {stamp}
        </div>
      ) : null}
    </article>
  );
}

/** The printed license of a license of a published type: its standard loaded first. */
export function PrintedLicenseOfType({ type, ...props }: { type: string; license: PrintedLicenseData; stamp?: string }) {
  const standard = useStandard(type);
  return standard ? <PrintedLicense standard={standard} {...props} /> : <Skeleton active paragraph={{ rows: 6 }} />;
}
