/**
 * A license as it is printed: for the business license (营业执照) the credit code at the top, the
 * title, the registered particulars in the two columns of the printed form (名称 类型 法定代表人
 * 经营范围 | 注册资本 成立日期 营业期限 住所), the registration authority and the date of issue
 * at the foot, and the QR code that leads to the public verification. Labels are the standard's
 * (GET /api/v1/standards/license-types/{key}); another license type lists its fields in the
 * standard's order.
 */
import { Col, Row } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, isCalendarDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { fieldTitle, useStandard, type LicenseView } from './shared.tsx';

export type { LicenseView };


const BUSINESS_LEFT = ['name', 'entityType', 'legalRepresentative', 'businessScope'];
const BUSINESS_RIGHT = ['registeredCapital', 'establishedOn', 'businessTerm', 'domicile'];
const FOOT = ['registrationAuthority', 'issuedOn', 'businessTermFrom', 'businessTermTo'];

const RED = '#a8071a';

function Field({ label, name, children }: { label: string; name: string; children: ReactNode }) {
  return (
    <div style={{ display: 'flex', gap: 12, padding: '6px 0', alignItems: 'baseline' }}>
      <dt style={{ flex: '0 0 6.5em', color: '#434343', textAlign: 'justify', textAlignLast: 'justify', fontWeight: 600 }}>{label}</dt>
      <dd className="cb-break" data-field={name} style={{ margin: 0, flex: 1, minWidth: 0, color: '#141414', whiteSpace: 'pre-wrap' }}>
        {children}
      </dd>
    </div>
  );
}

export function PrintedLicense({ license }: { license: LicenseView }) {
  const { t } = useTranslation('issuer');
  const { t: common } = useTranslation();
  const language = currentLanguage();
  const standard = useStandard(license.type);
  const data = license.data;
  const show = (value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    if (isCalendarDate(value)) return formatDate(value, language);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  const label = (name: string) => fieldTitle(standard, name, language);
  const field = (name: string) => {
    if (name === 'businessTerm') {
      return (
        <Field key={name} name="businessTerm" label={t('detail.businessTerm')}>
          {t('detail.termRange', {
            from: show(data.businessTermFrom ?? data.establishedOn),
            to: data.businessTermTo ? show(data.businessTermTo) : common('longTerm'),
          })}
        </Field>
      );
    }
    return (
      <Field key={name} name={name} label={label(name)}>
        {show(data[name])}
      </Field>
    );
  };

  const business = license.type === 'business-license';
  const known = new Set([...BUSINESS_LEFT, ...BUSINESS_RIGHT, ...FOOT]);
  const order = standard ? Object.keys(standard.dataSchema.properties) : Object.keys(data);
  const rest = business ? Object.keys(data).filter((name) => !known.has(name)) : order.filter((name) => name in data);
  const title = standard ? (language === 'en' ? `${standard.name} (${standard.nameEn})` : standard.name) : license.type;

  return (
    <article
      aria-label={title}
      data-printed-license
      style={{
        position: 'relative',
        background: '#fffdf7',
        border: `4px double ${RED}`,
        outline: '1px solid #e8d9b5',
        outlineOffset: -12,
        padding: '24px clamp(14px, 4vw, 36px) 28px',
        fontSize: 15,
        lineHeight: 1.7,
      }}
    >
      <Row gutter={[16, 8]} align="top" wrap={false}>
        <Col flex="auto" style={{ minWidth: 0 }}>
          <div style={{ color: '#434343', fontSize: 13 }}>{t('detail.creditCode')}</div>
          <div data-field="holderCode" style={{ fontFamily: 'monospace', fontSize: 16, letterSpacing: 1, overflowWrap: 'anywhere' }}>
            {license.holder.code}
          </div>
          <div style={{ color: '#434343', fontSize: 12, marginTop: 4 }} className="cb-break">
            {t('detail.identifier')}：<span data-field="identifier">{license.identifier}</span>
          </div>
        </Col>
        <Col flex="none" style={{ textAlign: 'center' }}>
          <img
            src={`/api/v1/licenses/${encodeURIComponent(license.identifier)}/qr.svg`}
            alt={t('detail.qrAlt')}
            width={112}
            height={112}
            style={{ display: 'block', background: '#fff' }}
            data-qr
          />
          <div style={{ fontSize: 12, color: '#434343' }}>{t('detail.qrHint')}</div>
        </Col>
      </Row>
      <h2 style={{ textAlign: 'center', color: RED, fontSize: 'clamp(28px, 6vw, 40px)', letterSpacing: '0.5em', textIndent: '0.5em', margin: '8px 0 4px', fontWeight: 700 }}>
        {standard?.name ?? (business ? '营业执照' : license.type)}
      </h2>
      <div style={{ textAlign: 'center', color: '#434343', fontSize: 13, marginBottom: 16 }}>
        {language === 'en' && standard?.nameEn ? `${standard.nameEn} · ` : ''}
        {t('detail.version', { version: license.version })}
      </div>
      {business ? (
        <Row gutter={32}>
          <Col xs={24} md={12}>
            <dl style={{ margin: 0 }}>{BUSINESS_LEFT.map(field)}</dl>
          </Col>
          <Col xs={24} md={12}>
            <dl style={{ margin: 0 }}>
              {BUSINESS_RIGHT.map(field)}
              {rest.map(field)}
            </dl>
          </Col>
        </Row>
      ) : (
        <dl style={{ margin: 0 }}>{rest.map(field)}</dl>
      )}
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 20 }}>
        <div style={{ textAlign: 'center', minWidth: 0 }}>
          <div>
            <span style={{ color: '#434343', fontWeight: 600 }}>{t('detail.registrationAuthority')}</span>{' '}
            <span data-field="registrationAuthority" className="cb-break">
              {show(data.registrationAuthority ?? license.issuer.name)}
            </span>
          </div>
          <div data-field="issuedOn" style={{ fontSize: 16, marginTop: 4 }}>
            {show(data.issuedOn ?? license.issuedAt.slice(0, 10))}
          </div>
        </div>
      </div>
    </article>
  );
}
