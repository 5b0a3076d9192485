// Normalisers a field of a license type may name (dataSchema property "x-normalise"): the value is
// rewritten to its canonical text before it is checked and stored.

// Currency words as they follow 万 in canonical text. 人民币 is written 万元人民币;
// foreign currencies whose name already ends in 元 are written 万美元, 万欧元, …
const CURRENCIES: ReadonlyArray<{ canonical: string; aliases: readonly string[] }> = [
  { canonical: '人民币', aliases: ['人民币', 'RMB', 'CNY'] },
  { canonical: '美元', aliases: ['美元', 'USD', 'US$'] },
  { canonical: '欧元', aliases: ['欧元', 'EUR'] },
  { canonical: '港元', aliases: ['港元', '港币', 'HKD'] },
  { canonical: '日元', aliases: ['日元', 'JPY'] },
  { canonical: '英镑', aliases: ['英镑', 'GBP'] },
];

function canonicalCapital(amount: string, currency: string): string {
  return currency === '人民币' ? `${amount}万元人民币` : `${amount}万${currency}`;
}

/** Multiply a plain decimal string by 10^shift exactly (no floating point), normalised. */
function shiftDecimal(value: string, shift: number): string {
  const [intPart, fracPart = ''] = value.split('.');
  let digits = intPart + fracPart;
  let point = intPart.length + shift;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const i = digits.slice(0, point).replace(/^0+/, '') || '0';
  const f = digits.slice(point).replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}

function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Canonical registered-capital text: '<amount>万元人民币' (or '<amount>万美元' etc.).
 * A number means 万元人民币, the unit used by registration systems. A string must carry
 * its unit (万/亿/元): a bare '100' is ambiguous between 元 and 万元, so it is rejected.
 */
export function normalizeRegisteredCapital(
  input: string | number,
): { ok: true; value: string } | { ok: false; message: string } {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input <= 0) return { ok: false, message: `registered capital must be a positive number, got ${input}` };
    const text = String(input);
    if (/e/i.test(text)) return { ok: false, message: `registered capital ${input} is out of range` };
    return { ok: true, value: canonicalCapital(shiftDecimal(text, 0), '人民币') };
  }
  const s = toHalfWidth(input)
    .replace(/[\s\u3000]/g, '')
    .replace(/[,，]/g, '')
    .replace(/。/g, '.');
  const m = /^(\d+(?:\.\d+)?)(万|亿)?(元)?(.*)$/.exec(s);
  if (!m) return { ok: false, message: `cannot read registered capital '${input}'` };
  const [, amount, magnitude, yuan, rest] = m;
  let currency: string | undefined;
  if (rest === '') {
    currency = '人民币';
  } else {
    currency = CURRENCIES.find((c) => c.aliases.some((a) => a.toUpperCase() === rest.toUpperCase()))?.canonical;
  }
  if (!currency) return { ok: false, message: `unknown currency '${rest}' in registered capital '${input}'` };
  // A bare number without any unit is ambiguous (元 or 万元?). '100万元美元' is not how
  // licenses print it, but its meaning is clear, so it is read as 100万美元.
  if (!magnitude && !yuan && currency === '人民币') {
    return { ok: false, message: `registered capital '${input}' has no unit (万元 or 元)` };
  }
  const shift = magnitude === '万' ? 0 : magnitude === '亿' ? 4 : -4; // to 万
  const wan = shiftDecimal(amount, shift);
  if (!/[1-9]/.test(wan)) return { ok: false, message: `registered capital must be positive, got '${input}'` };
  return { ok: true, value: canonicalCapital(wan, currency) };
}

/** The normalisers a field may name, by name. */
export const NORMALISERS = {
  'registered-capital': normalizeRegisteredCapital,
} as const;
export type NormaliserName = keyof typeof NORMALISERS;
