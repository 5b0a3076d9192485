/**
 * Every problem a person can meet has a message in plain Chinese and English (issue 18, part 1):
 * the codes the server can raise, read from its sources (test/support/problemCodes.ts), each have
 * one in the console's `common:problems` in both languages, and no Chinese message carries an
 * English word. A code raised where it is not a string literal must be one of the known places,
 * each of which passes codes the reading does see (a parameter with literal callers, a re-raise).
 */
import { describe, expect, it } from 'vitest';
import { TITLES, titleOfCode } from '../../src/platform/http/problems.ts';
import { common } from '../../web/src/app/messages.ts';
import { problemCodes } from '../support/problemCodes.ts';
import { testStoreKind } from '../support/store.ts';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** Where a code is not a literal, and why that is fine. */
const KNOWN_DYNAMIC = new Set([
  'agreements/agreements.ts', // checkFields(…, code): its callers pass 'field-not-in-resource' and 'field-not-requested'
  'departments/tokenRoutes.ts', // oauthError(reason, code, …) itself: its callers are read
  'exchange/routes.ts', // the exchange's own problems raised again with the header named: the same codes
  'platform/errors.ts', // the helpers themselves: their callers are read
  'platform/http/edge.ts', // the edge's raw-socket answers: codes in the titles table
  'platform/http/outbound.ts', // checkUrl(…, code = 'invalid-callback-url'): no caller passes another
]);

describe.runIf(testStoreKind() === 'pglite')('a message for every problem code', () => {
  const { codes, dynamic } = problemCodes(SRC);

  it('reads the codes from the sources (and would see a new one)', () => {
    expect(codes.size).toBeGreaterThan(100);
    for (const code of ['license-not-found', 'invalid-credit-code', 'no-agreement', 'quota-exceeded', 'field-not-requested', 'invalid-callback-url', 'out-of-range']) expect(codes).toContain(code);
    expect([...new Set(dynamic.map((site) => site.split(':')[0]))].filter((file) => !KNOWN_DYNAMIC.has(file))).toEqual([]);
  });

  it('has a title of its own in the API for each (a new code without one is titled in words, never with the key)', () => {
    expect([...codes].filter((code) => TITLES[code] === undefined).sort(), 'codes without a title').toEqual([]);
    expect(titleOfCode('month-in-future')).toBe('Month in future');
  });

  it('has a zh-CN and an en message for each, and the Chinese ones are in Chinese', () => {
    const zh = common['zh-CN'].problems as Record<string, unknown>;
    const en = common.en.problems as Record<string, unknown>;
    expect([...codes].filter((code) => typeof zh[code] !== 'string').sort(), 'codes without a Chinese message').toEqual([]);
    expect([...codes].filter((code) => typeof en[code] !== 'string').sort(), 'codes without an English message').toEqual([]);
    // A clerk reads no English word inside a Chinese sentence (names of standards and placeholders aside).
    const latin = [...codes].filter((code) => /[A-Za-z]{3,}/.test(String(zh[code]).replace(/\{\{\w+\}\}|PostgreSQL|GB\/T|JSON|eyJ/g, '')));
    expect(latin, 'Chinese messages with English words').toEqual([]);
  });
});
