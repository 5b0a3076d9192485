/**
 * The rules a form checks before sending (issue 18, part 6) say on the field what the platform
 * would refuse: run here as antd runs them (its async-validator), against the platform's own
 * credit-code check and its route limits.
 */
import AsyncValidator from '@rc-component/async-validator';
import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckChar, generateCreditCode } from '../../../../src/standards/creditCode.ts';
import { creditCodeFault, creditCodeRule, TEXT_MAX, textRules } from './rules.ts';

// Node imports the package's CommonJS build, whose default export sits under `default` (a bundler unwraps it).
const Schema = (AsyncValidator as unknown as { default?: typeof AsyncValidator }).default ?? AsyncValidator;

// The console's words are not loaded here: a message is its key and its values.
const t = ((key: string, values?: Record<string, unknown>) => `${key}${values ? JSON.stringify(values) : ''}`) as unknown as TFunction;

/** What antd would show under the field (the first rule that fails), or undefined when it passes. */
async function fieldError(rules: FormRule[], value: unknown): Promise<string | undefined> {
  try {
    await new Schema({ field: rules as never }).validate({ field: value }, { first: true });
    return undefined;
  } catch (e) {
    return (e as { errors: { message: string }[] }).errors[0].message;
  }
}

const seeded = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;

describe('the credit code, checked in the page as the platform checks it (issue dialog, department registration)', () => {
  it('passes every code the platform accepts, and refuses what it refuses, for the same reason', () => {
    const random = seeded(42);
    for (let i = 0; i < 300; i++) {
      const good = generateCreditCode({ random });
      expect(creditCodeFault(good), good).toBeUndefined();
      // A wrong 18th character: the platform's check-char problem, the expected character the same.
      const wrong = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
      const server = checkCreditCode(wrong).problems.map((p) => p.rule);
      expect(server).toEqual(['check-char']);
      expect(creditCodeFault(wrong)).toEqual({ kind: 'check', expected: good[17], found: wrong[17] });
      // A wrong 17th character (the organisation code's check): the platform refuses it too.
      const digit = good[16] === '0' ? '1' : '0';
      const body = `${good.slice(0, 16)}${digit}`;
      const orgWrong = `${body}${creditCodeCheckChar(body)}`;
      expect(checkCreditCode(orgWrong).problems.map((p) => p.rule)).toContain('organization-code-check');
      expect(creditCodeFault(orgWrong)?.kind).toBe('organisation-check');
    }
  });

  it('says the expected check character under the field, before any request', async () => {
    const good = generateCreditCode({ random: seeded(7) });
    const wrong = `${good.slice(0, 17)}${good[17] === 'A' ? 'B' : 'A'}`;
    expect(await fieldError([creditCodeRule(t)], good)).toBeUndefined();
    expect(await fieldError([creditCodeRule(t)], good.toLowerCase())).toBeUndefined();
    expect(await fieldError([creditCodeRule(t)], wrong)).toBe(`common:creditCodeCheckChar${JSON.stringify({ expected: good[17], found: wrong[17] })}`);
    expect(await fieldError([creditCodeRule(t)], '12345')).toBe('common:creditCodeShape');
    expect(await fieldError([creditCodeRule(t)], `${good.slice(0, 17)}I`)).toBe('common:creditCodeShape');
    // An empty field is the required rule's to say.
    expect(await fieldError([creditCodeRule(t)], '')).toBeUndefined();
  });
});

describe('a reason or note: required and no longer than the platform takes (quality note and dismissal, appeal)', () => {
  it('refuses an empty or blank text and one over the limit, and passes one at the limit', async () => {
    const rules = textRules(t, '说明', TEXT_MAX.qualityNote);
    expect(await fieldError(rules, '')).toBe(`common:textRequired${JSON.stringify({ field: '说明' })}`);
    expect(await fieldError(rules, '   ')).toBe(`common:textRequired${JSON.stringify({ field: '说明' })}`);
    expect(await fieldError(rules, '同一集团，住所共用')).toBeUndefined();
    expect(await fieldError(rules, '字'.repeat(2000))).toBeUndefined();
    expect(await fieldError(rules, '字'.repeat(2001))).toBe(`common:textTooLong${JSON.stringify({ field: '说明', max: 2000 })}`);
  });

  it('uses the limits of the platform’s routes', async () => {
    const appeal = textRules(t, '申诉理由', TEXT_MAX.agreementReason);
    expect(await fieldError(appeal, 'x'.repeat(4000))).toBeUndefined();
    expect(await fieldError(appeal, 'x'.repeat(4001))).toContain('textTooLong');
  });
});
