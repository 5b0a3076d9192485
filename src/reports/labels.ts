/** The words of the reports: a report is in one language, Chinese unless English is asked for. */
import type { Indicator } from '../evaluation/index.ts';
import type { Dimension } from '../quality/index.ts';

export const INDICATOR_LABELS: Record<Indicator, { zh: string; en: string }> = {
  catalogPublished: { zh: '目录编制', en: 'Catalog published' },
  catalogOpenness: { zh: '共享开放度', en: 'Sharing openness' },
  requestsOnTime: { zh: '申请按时答复', en: 'Requests answered on time' },
  lookupsServed: { zh: '提供调用', en: 'Lookups served' },
  lookupsConsumed: { zh: '使用调用', en: 'Lookups consumed' },
  quality: { zh: '数据质量', en: 'Data quality' },
  objectionsOnTime: { zh: '异议按时答复', en: 'Objections answered on time' },
  deliverySuccess: { zh: '订阅投递成功', en: 'Delivery success' },
};

export const DIMENSION_LABELS: Record<Dimension, { zh: string; en: string }> = {
  completeness: { zh: '完整性', en: 'Completeness' },
  validity: { zh: '有效性', en: 'Validity' },
  consistency: { zh: '一致性', en: 'Consistency' },
  timeliness: { zh: '及时性', en: 'Timeliness' },
  uniqueness: { zh: '唯一性', en: 'Uniqueness' },
};

export const REPORT_LANGUAGES = ['zh', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/**
 * Fen as yuan with two decimals, by integer arithmetic (never a float): 123456 → "1,234.56";
 * without grouping (for a CSV cell a spreadsheet reads as a number) → "1234.56".
 */
export function yuan(fen: number, grouping = true): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  return `${sign}${grouping ? whole.toLocaleString('en-US') : whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** A mark or score, or a dash when it does not apply. */
export const mark = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : value.toFixed(1));
