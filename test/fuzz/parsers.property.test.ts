/**
 * Property tests (fast-check, fixed seed) of the parsers that take text from outside:
 * - unified social credit codes (GB 32100): every generated code validates, every single-character
 *   change is refused, no string makes the checker throw;
 * - e-license identifiers (GB/T 36904): build/parse round trip, single-character corruption is
 *   detected, no string makes the parser throw;
 * - import rows: whatever a department's file holds in a cell (NUL, unpaired surrogates, numbers,
 *   objects) the row checker never throws, and a cell that the database cannot store becomes a
 *   rejected-row problem instead of reaching the insert;
 * - SD-JWT credentials: junk, tilde-separated junk and well-formed-looking junk is refused by
 *   parseCredential / verifyCredentialSignature with a CredentialError only, and by
 *   verifyLicenseCredential and POST /api/v1/verify with valid:false or a 400 problem, never a 500.
 *
 * FUZZ_SEED=<n> replays another seed; FUZZ_RUNS=<n> scales the number of runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, syntheticEnterprise } from '../../src/demo/synthetic.ts';
import { ImportFileError } from '../../src/licenses/import/errors.ts';
import { importLicenses } from '../../src/licenses/import/index.ts';
import { RecordMapper, validateMapping } from '../../src/licenses/import/mapping.ts';
import { readRecords } from '../../src/licenses/import/readers.ts';
import { checkRow, type RowCheckContext } from '../../src/licenses/import/validate.ts';
import { CredentialError, issueCredential, parseCredential, verifyCredentialSignature, type CredentialMetadata } from '../../src/licenses/credentials/credential.ts';
import { verificationContext, verifyLicenseCredential } from '../../src/licenses/index.ts';
import { generateSigningKey, verificationKeyFromJwk } from '../../src/platform/crypto/keys.ts';
import { DomainError } from '../../src/platform/errors.ts';
import {
  CREDIT_CODE_ALPHABET,
  LICENSE_ID_ROOT,
  REGISTRATION_AUTHORITIES,
  buildLicenseIdentifier,
  checkCreditCode,
  creditCodeCheckChar,
  generateCreditCode,
  parseLicenseIdentifier,
  shippedLicenseType,
} from '../../src/standards/index.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { captureErrorLogs, pool, sendRaw, type LoggedError } from './harness.ts';

const BUSINESS_LICENSE = shippedLicenseType('business-license');

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(n * SCALE)) });

// ---------------------------------------------------------------------------------------------
// Shared arbitraries
// ---------------------------------------------------------------------------------------------

/** Strings a hostile source would send: NUL, lone surrogates, BOM, bidi overrides, long runs, plus anything. */
const nasty = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', 'a\udc00', '\udc00\ud800', '\uFEFF', '\u202e', '%00', 'NaN', '1e309', '-1', ' ', '长期', 'x'.repeat(5000), '😀'),
  },
);

const authorityAndCategory = fc.constantFrom(
  ...Object.entries(REGISTRATION_AUTHORITIES).flatMap(([authority, r]) => Object.keys(r.categories).map((category) => [authority, category] as const)),
);

/** A valid credit code of any registration authority and category, from a seeded generator. */
const creditCode = fc
  .tuple(authorityAndCategory, fc.integer())
  .map(([[registrationAuthority, category], seed]) => generateCreditCode({ registrationAuthority, category, random: seededRandom(seed) }));

/** One character other than `than` (any code point, a letter outside the alphabet, a dot). */
const otherChar = (than: string) =>
  fc.oneof(fc.constantFrom(...CREDIT_CODE_ALPHABET, 'I', 'O', 'Z', 'S', 'V', 'a', 'z', '.', '-', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).filter((c) => c !== than);

const replaceAt = (s: string, at: number, c: string) => s.slice(0, at) + c + s.slice(at + 1);

// ---------------------------------------------------------------------------------------------
// Credit codes
// ---------------------------------------------------------------------------------------------

describe('unified social credit codes (GB 32100)', () => {
  it('every generated code validates and ends in creditCodeCheckChar of its first 17 characters', () => {
    fc.assert(
      fc.property(creditCode, (code) => {
        const check = checkCreditCode(code);
        expect(check.problems).toEqual([]);
        expect(check.valid).toBe(true);
        expect(check.legacy).toBe(false);
        expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
      }),
      runs(2000),
    );
  });

  it('every single-character change of a valid code is refused (at worst flagged as a legacy check character)', () => {
    fc.assert(
      fc.property(
        creditCode.chain((code) => fc.tuple(fc.constant(code), fc.nat(17)).chain(([c, at]) => fc.tuple(fc.constant(c), fc.constant(at), otherChar(c[at])))),
        ([code, at, replacement]) => {
          const changed = replaceAt(code, at, replacement);
          const check = checkCreditCode(changed);
          expect(check.valid, `${code} → ${JSON.stringify(changed)}`).toBe(false);
          expect(check.problems.length).toBeGreaterThan(0);
        },
      ),
      runs(3000),
    );
  });

  it('exhaustively: all 18 × 30 substitutions within the alphabet, for 20 codes', () => {
    for (const code of fc.sample(creditCode, { seed: SEED, numRuns: 20 })) {
      for (let at = 0; at < 18; at++) {
        for (const c of CREDIT_CODE_ALPHABET) {
          if (c === code[at]) continue;
          expect(checkCreditCode(replaceAt(code, at, c)).valid, `${code} with ${c} at ${at + 1}`).toBe(false);
        }
      }
    }
  });

  it('no string makes the checker throw, and what it says is consistent', () => {
    const eighteen = fc.string({ unit: fc.constantFrom(...CREDIT_CODE_ALPHABET, 'a', 'I', 'O', '\u0000', '\ud800', '中'), minLength: 18, maxLength: 18 });
    fc.assert(
      fc.property(fc.oneof(nasty, eighteen, creditCode.map((c) => c.toLowerCase())), (s) => {
        const check = checkCreditCode(s);
        expect(check.code).toBe(s);
        expect(check.valid).toBe(check.problems.length === 0);
        if (check.legacy) expect(check.problems.map((p) => p.rule)).toEqual(['check-char']);
        for (const p of check.problems) {
          expect(typeof p.rule).toBe('string');
          if (p.position !== undefined) expect(p.position >= 1 && p.position <= Math.max(18, s.length)).toBe(true);
        }
      }),
      runs(3000),
    );
  });

  it('creditCodeCheckChar answers a character of the alphabet or throws a RangeError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', minLength: 17, maxLength: 17 }), fc.string({ unit: fc.constantFrom(...CREDIT_CODE_ALPHABET), minLength: 17, maxLength: 17 }), nasty), (s) => {
        try {
          expect(CREDIT_CODE_ALPHABET).toContain(creditCodeCheckChar(s));
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
      runs(2000),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// License identifiers
// ---------------------------------------------------------------------------------------------

const alnum = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: max });

const identifierParts = fc.record({
  typeCode: alnum(32),
  issuerCode: creditCode,
  serial: fc.oneof(alnum(32), fc.maxSafeNat()),
  version: fc.integer({ min: 1, max: 999 }),
});

describe('e-license identifiers (GB/T 36904)', () => {
  it('build then parse gives the parts back, and building them again gives the same identifier', () => {
    fc.assert(
      fc.property(identifierParts, (parts) => {
        const id = buildLicenseIdentifier(parts);
        const parsed = parseLicenseIdentifier(id);
        if (!parsed.ok) throw new Error(`${id}: ${JSON.stringify(parsed.problems)}`);
        expect(parsed.parts).toMatchObject({
          typeCode: parts.typeCode,
          issuerCode: parts.issuerCode,
          serial: typeof parts.serial === 'number' ? String(parts.serial).padStart(8, '0') : parts.serial,
          version: parts.version,
        });
        expect(buildLicenseIdentifier(parsed.parts)).toBe(id);
      }),
      runs(2000),
    );
  });

  it('every single-character change of an identifier is detected', () => {
    fc.assert(
      fc.property(
        identifierParts.map((p) => buildLicenseIdentifier(p)).chain((id) => fc.tuple(fc.constant(id), fc.nat(id.length - 1)).chain(([i, at]) => fc.tuple(fc.constant(i), fc.constant(at), otherChar(i[at])))),
        ([id, at, replacement]) => {
          const changed = replaceAt(id, at, replacement);
          expect(parseLicenseIdentifier(changed).ok, `${id} → ${JSON.stringify(changed)}`).toBe(false);
        },
      ),
      runs(3000),
    );
  });

  it('no string makes the parser throw; a deletion, insertion or swap never throws either', () => {
    const rooted = fc.array(fc.oneof(nasty, alnum(20)), { maxLength: 7 }).map((segments) => [LICENSE_ID_ROOT, ...segments].join('.'));
    const edited = fc
      .tuple(identifierParts.map((p) => buildLicenseIdentifier(p)), fc.nat(), fc.constantFrom('delete', 'insert', 'swap'), otherChar(''))
      .map(([id, n, edit, c]) => {
        const at = n % id.length;
        return edit === 'delete' ? id.slice(0, at) + id.slice(at + 1) : edit === 'insert' ? id.slice(0, at) + c + id.slice(at) : id.slice(0, at) + (id[at + 1] ?? '') + id[at] + id.slice(at + 2);
      });
    fc.assert(
      fc.property(fc.oneof(nasty, rooted, edited), (s) => {
        const parsed = parseLicenseIdentifier(s);
        if (parsed.ok) expect(buildLicenseIdentifier(parsed.parts)).toBe(s);
        else expect(parsed.problems.length).toBeGreaterThan(0);
      }),
      runs(3000),
    );
  });

  it('buildLicenseIdentifier returns an identifier that parses, or throws a RangeError', () => {
    const anyParts = fc.record({
      typeCode: fc.oneof(alnum(40), nasty),
      issuerCode: fc.oneof(creditCode, nasty),
      serial: fc.oneof(alnum(40), nasty, fc.integer(), fc.double()),
      version: fc.oneof(fc.integer({ min: -5, max: 1005 }), fc.double()),
    });
    fc.assert(
      fc.property(anyParts, (parts) => {
        let id: string;
        try {
          id = buildLicenseIdentifier(parts);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          return;
        }
        expect(parseLicenseIdentifier(id).ok).toBe(true);
      }),
      runs(3000),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Import rows
// ---------------------------------------------------------------------------------------------

const COLUMNS = [
  'creditCode',
  'name',
  'entityType',
  'legalRepresentative',
  'registeredCapital',
  'establishedOn',
  'businessTermFrom',
  'businessTermTo',
  'domicile',
  'businessScope',
  'registrationAuthority',
  'issuedOn',
] as const;

/** A row as a department's CSV has it: every value text, an open-ended term empty. */
function validRecord(n: number): Record<string, string> {
  const e = syntheticEnterprise(seededRandom(SEED + n), n);
  const record: Record<string, string> = { creditCode: e.creditCode };
  for (const [k, v] of Object.entries(e.data)) record[k] = v === null || v === undefined ? '' : String(v);
  record.businessTermTo = '';
  return record;
}

const mapped = validateMapping(
  {
    fields: { 统一社会信用代码: 'creditCode', 企业名称: 'name', 类型: 'entityType', 营业期限至: 'businessTermTo', 备注: null },
    values: { entityType: { '1110': '有限责任公司（自然人投资或控股）' } },
    dateFormat: 'YYYY-MM-DD',
    defaults: { registrationAuthority: '济南市市场监督管理局' },
  },
  BUSINESS_LICENSE,
);

function rowContext(mapping: 'standard' | 'mapped' = 'standard', acceptLegacyCodes = false): RowCheckContext {
  return {
    standard: BUSINESS_LICENSE,
    mapper: new RecordMapper(BUSINESS_LICENSE, mapping === 'mapped' ? mapped : {}),
    issuerName: '山东省市场监督管理局',
    today: '2024-05-01',
    acceptLegacyCodes,
    seen: new Map(),
  };
}

/** NUL or an unpaired surrogate: text PostgreSQL cannot store (and the HTTP edge refuses). */
const unstorable = fc.constantFrom('\u0000', '\ud800', '\udfff', '\udc00\ud800');

/** What the row checker reports about a text no column can hold, or why it accepted it. */
function rowVerdict(outcome: ReturnType<typeof checkRow>, field: string): string {
  const errors = outcome.problems.filter((p) => p.severity === 'error');
  if (outcome.license) return `accepted, with ${JSON.stringify(outcome.license.data[field] ?? outcome.license.holder.code)}`;
  return errors.length > 0 ? 'rejected' : 'neither accepted nor rejected';
}

describe('import rows', () => {
  it('the valid synthetic rows are accepted (the baseline of the properties below)', () => {
    for (let n = 0; n < 50; n++) {
      const outcome = checkRow(rowContext(), { rowNumber: 1, line: 2, record: validRecord(n) });
      expect(outcome.problems.filter((p) => p.severity === 'error'), JSON.stringify(validRecord(n))).toEqual([]);
      expect(outcome.license).toBeDefined();
    }
  });

  it('any cell contents (NUL, surrogates, numbers, objects, unknown columns) never make the row checker throw', () => {
    const cell = fc.oneof({ weight: 5, arbitrary: nasty }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
    const record = fc.tuple(fc.nat(1000), fc.dictionary(fc.oneof(fc.constantFrom(...COLUMNS, '统一社会信用代码', '企业名称', '类型', '备注'), nasty), cell, { maxKeys: 6 }), fc.boolean());
    fc.assert(
      fc.property(record, fc.constantFrom('standard', 'mapped') as fc.Arbitrary<'standard' | 'mapped'>, fc.boolean(), ([n, cells, malformed], mapping, legacy) => {
        const ctx = rowContext(mapping, legacy);
        const row = { rowNumber: 1, line: 2, record: { ...validRecord(n), ...cells }, ...(malformed ? { malformed: 'field 9 has a value but no column name in the header' } : {}) };
        const outcome = checkRow(ctx, row);
        for (const p of outcome.problems) {
          expect(['error', 'warning']).toContain(p.severity);
          expect(typeof p.code).toBe('string');
          expect(typeof p.reason).toBe('string');
        }
        if (outcome.license) expect(outcome.problems.filter((p) => p.severity === 'error')).toEqual([]);
      }),
      runs(3000),
    );
  });

  it('a cell with NUL or an unpaired surrogate becomes a rejected-row problem, never an accepted license', () => {
    const accepted = new Map<string, string>();
    fc.assert(
      fc.property(fc.nat(1000), fc.constantFrom(...COLUMNS), unstorable, fc.nat(), (n, column, bad, where) => {
        const record = validRecord(n);
        const value = record[column];
        const at = value.length === 0 ? 0 : where % (value.length + 1);
        record[column] = value.slice(0, at) + bad + value.slice(at);
        const outcome = checkRow(rowContext(), { rowNumber: 1, line: 2, record });
        if (outcome.license) accepted.set(column, `${JSON.stringify(record[column])}: ${rowVerdict(outcome, column)}`);
        return true;
      }),
      runs(1000),
    );
    // All the columns that let such text through, each with one example (not only the first found).
    expect(Object.fromEntries(accepted)).toEqual({});
  });
});

describe('import files: the CSV reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-fuzz-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const csvCell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

  it('any CSV text yields rows or an ImportFileError, and every row either checks or is malformed', async () => {
    const raw = fc.oneof(
      // well-quoted cells of any content
      fc.array(fc.array(nasty, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }).map((rows) => rows.map((r) => r.map(csvCell).join(',')).join('\r\n')),
      // any text at all, quotes and line breaks included
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '\u0000', '中', ' ', '\uFEFF'), maxLength: 200 }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(raw, async (body) => {
        const path = join(dir, `f${n++}.csv`);
        writeFileSync(path, `${COLUMNS.join(',')}\n${body}\n`);
        const ctx = rowContext();
        try {
          for await (const row of readRecords(path, 'csv')) {
            const outcome = checkRow(ctx, row);
            expect(Array.isArray(outcome.problems)).toBe(true);
          }
        } catch (error) {
          if (!(error instanceof ImportFileError)) throw error;
        }
      }),
      runs(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// SD-JWT credentials
// ---------------------------------------------------------------------------------------------

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'), 'utf8').toString('base64url');

const meta: CredentialMetadata = {
  identifier: '1.2.156.3005.2.11100000000013338W.330000.0000001.001.X',
  version: 1,
  vct: 'https://certbridge.example/vct/business-license/v1',
  licenseTypeCode: '11100000000013338W',
  licenseName: '营业执照',
  issuerCode: '11330000002482180X',
  issuerName: '浙江省市场监督管理局',
  holderCode: '91330106MA2B3C4D5E',
  holderCodeType: '001',
  validFrom: '2024-01-01',
  validUntil: null,
  issuedAt: new Date('2024-05-01T02:03:04.567Z'),
};

const { key } = generateSigningKey('EdDSA', randomBytes(32));
const verifier = verificationKeyFromJwk(key.publicJwk);
const resolveKey = (kid: string) => (kid === key.kid ? verifier : undefined);
const genuine = issueCredential({
  key,
  issuerUrl: 'https://certbridge.example',
  status: { uri: 'https://certbridge.example/api/v1/status-lists/0', idx: 7 },
  meta,
  fields: { name: '杭州某某科技有限公司', legalRepresentative: '张三', domicile: '浙江省杭州市西湖区某某路1号' },
});

/** Interesting values for claims that are looked up (kid, issuerCode) or computed with (iat, status). */
const claimText = fc.oneof(nasty, fc.constantFrom(key.kid, meta.issuerCode, 'business-license', '\u0000', `${key.kid}\u0000`, '\ud800'));
const claimNumber = fc.oneof(
  fc.constantFrom(0, -1, 65_535, 65_536, 2 ** 31, 2 ** 53, 1e20, 1e300, -1e300, 8.64e12, 8.64e15, 1.5),
  fc.nat(65_535),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const statusUri = fc.oneof(
  fc.stringMatching(/^[0-9]{1,25}$/).map((id) => `https://certbridge.example/api/v1/status-lists/${id}`),
  claimText,
);

/** A header and payload that look like ours, with each claim possibly replaced by junk. */
const header = fc.record(
  { typ: fc.oneof(fc.constant('dc+sd-jwt'), claimText), alg: fc.oneof(fc.constantFrom('EdDSA', 'SM2', 'none', 'HS256'), claimText), kid: fc.oneof(claimText, fc.jsonValue({ maxDepth: 1 })), crit: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: ['typ', 'alg'] },
);
const payload = fc.record(
  {
    iss: claimText,
    sub: claimText,
    iat: fc.oneof(claimNumber, claimText),
    nbf: claimNumber,
    exp: claimNumber,
    vct: fc.oneof(fc.constant(meta.vct), claimText),
    status: fc.oneof(fc.record({ status_list: fc.record({ idx: fc.oneof(claimNumber, claimText), uri: statusUri }) }), fc.jsonValue({ maxDepth: 2 })),
    identifier: fc.oneof(fc.constant(meta.identifier), claimText),
    issuerCode: fc.oneof(fc.constant(meta.issuerCode), claimText),
    holderCode: claimText,
    validFrom: claimText,
    validUntil: fc.oneof(claimText, fc.constant(null)),
    _sd: fc.oneof(fc.array(claimText, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
    _sd_alg: fc.oneof(fc.constant('sha-256'), claimText),
  },
  { requiredKeys: [] },
);
const disclosure = fc.oneof(
  fc.tuple(claimText, claimText, fc.jsonValue({ maxDepth: 2 })).map((d) => b64(d)),
  fc.jsonValue({ maxDepth: 2 }).map((d) => b64(d)),
  fc.string({ unit: fc.constantFrom(...'ABCxyz019-_'), minLength: 1, maxLength: 12 }),
);
const signature = fc.oneof(fc.constant(genuine.split('~')[0].split('.')[2]), fc.string({ unit: fc.constantFrom(...'ABCxyz019-_'), minLength: 1, maxLength: 90 }));

/** Credentials that look right from afar: base64url JSON segments, signatures, disclosures, tildes. */
const lookalike = fc
  .tuple(fc.oneof(header.map(b64), fc.jsonValue().map(b64), nasty), fc.oneof(payload.map(b64), fc.jsonValue().map(b64)), signature, fc.array(disclosure, { maxLength: 4 }), fc.boolean())
  .map(([h, p, s, ds, trailing]) => `${h}.${p}.${s}${ds.map((d) => `~${d}`).join('')}${trailing ? '~' : ''}`);

/** Tilde-separated junk and edits of the genuine credential. */
const tildeJunk = fc.array(fc.oneof(nasty, disclosure, fc.constant('')), { maxLength: 6 }).map((parts) => parts.join('~'));
const editedGenuine = fc.tuple(fc.nat(genuine.length - 1), otherChar(''), fc.constantFrom('replace', 'delete', 'insert')).map(([at, c, edit]) =>
  edit === 'replace' ? replaceAt(genuine, at, c === genuine[at] ? '.' : c) : edit === 'delete' ? genuine.slice(0, at) + genuine.slice(at + 1) : genuine.slice(0, at) + c + genuine.slice(at),
);
const shuffledGenuine = fc.shuffledSubarray(genuine.split('~').slice(1, -1)).map((ds) => `${genuine.split('~')[0]}~${ds.map((d) => `${d}~`).join('')}`);

const anyCredential = fc.oneof(nasty, tildeJunk, lookalike, editedGenuine);

describe('SD-JWT credentials: parseCredential and verifyCredentialSignature', () => {
  it('the genuine credential verifies (the baseline)', () => {
    expect(Object.keys(verifyCredentialSignature(genuine, resolveKey).disclosed)).toEqual(['name', 'legalRepresentative', 'domicile']);
  });

  it('refuse junk with a CredentialError only, never another exception', () => {
    fc.assert(
      fc.property(anyCredential, (s) => {
        for (const attempt of [() => parseCredential(s), () => verifyCredentialSignature(s, resolveKey)]) {
          try {
            attempt();
          } catch (error) {
            if (!(error instanceof CredentialError)) throw error;
          }
        }
      }),
      runs(3000),
    );
  });

  it('an edited credential never verifies, except for an edit that leaves every decoded byte the same', () => {
    fc.assert(
      fc.property(editedGenuine, (s) => {
        let verified: ReturnType<typeof verifyCredentialSignature> | undefined;
        try {
          verified = verifyCredentialSignature(s, resolveKey);
        } catch (error) {
          expect(error).toBeInstanceOf(CredentialError);
          return;
        }
        // Dropping a whole disclosure is how a credential is presented; anything else must fail.
        const kept = s.split('~').slice(1, -1);
        const genuineDisclosures = genuine.split('~').slice(1, -1);
        expect(s.split('~')[0], `accepted as genuine: ${JSON.stringify(s)}`).toBe(genuine.split('~')[0]);
        expect(kept.every((d) => genuineDisclosures.includes(d))).toBe(true);
        expect(verified).toBeDefined();
      }),
      runs(2000),
    );
  });

  it('presenting a subset of the disclosures, in any order, verifies with exactly those fields', () => {
    fc.assert(
      fc.property(shuffledGenuine, (s) => {
        const verified = verifyCredentialSignature(s, resolveKey);
        expect(Object.keys(verified.disclosed).length).toBe(s.split('~').length - 2);
      }),
      runs(200),
    );
  });
});

describe('with a platform: imports end to end, verifyLicenseCredential and POST /api/v1/verify', () => {
  let t: TestPlatform;
  let logs: ReturnType<typeof captureErrorLogs>;
  let issued: { identifier: string; credential: string };
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-fuzz-import-'));

  beforeAll(async () => {
    t = await startTestPlatform({ CERTBRIDGE_VERIFY_RATE: '1000000' });
    logs = captureErrorLogs(t.platform.log);
    const e = syntheticEnterprise(seededRandom(SEED), 1);
    const r = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: { type: 'business-license', holder: { code: e.creditCode }, data: { ...e.data, businessTermTo: null } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    issued = r.body;
  }, 120_000);
  afterAll(async () => {
    agent.destroy();
    logs?.restore();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an import whose file has a cell with NUL or an unpaired surrogate rejects that row and issues the others', async () => {
    // One CSV (NUL in a name) and one JSON file (an unpaired surrogate in a domicile), five rows each, the third one bad.
    const files = [
      { name: 'nul.csv', bad: (r: Record<string, string>): Record<string, string> => ({ ...r, name: `${r.name}\u0000` }) },
      { name: 'surrogate.json', bad: (r: Record<string, string>): Record<string, string> => ({ ...r, domicile: `\ud800${r.domicile}` }) },
    ];
    const outcomes: Record<string, unknown> = {};
    for (const [f, file] of files.entries()) {
      const rows = [0, 1, 2, 3, 4].map((i) => validRecord(9000 + 10 * f + i)).map((r, i) => (i === 2 ? file.bad(r) : r));
      const path = join(dir, file.name);
      if (file.name.endsWith('.csv')) {
        const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
        writeFileSync(path, `${COLUMNS.join(',')}\n${rows.map((r) => COLUMNS.map((c) => cell(r[c] ?? '')).join(',')).join('\n')}\n`);
      } else {
        writeFileSync(path, JSON.stringify(rows));
      }
      try {
        const summary = await importLicenses(t.platform, path, { type: 'business-license', issuer: t.issuer.department.code, signer: 'inline' });
        outcomes[file.name] = { issued: summary.issued, rejected: summary.rejected };
      } catch (error) {
        outcomes[file.name] = `threw ${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    expect(outcomes).toEqual({ 'nul.csv': { issued: 4, rejected: 1 }, 'surrogate.json': { issued: 4, rejected: 1 } });
  }, 120_000);

  /** Inputs for the platform's verifier: the generic junk, plus look-alikes signed by nobody but naming this platform's key and status lists. */
  const platformCredential = () => {
    const [h, p, s] = issued.credential.split('~')[0].split('.');
    const realHeader = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    const realPayload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const disclosures = issued.credential.split('~').slice(1, -1);
    // The real header and payload with one claim replaced: the signature then fails, and the verifier
    // still reads the claims to say what the credential claims (status list, issuer, validity).
    const oneClaim = fc
      .tuple(fc.constantFrom('kid', 'typ', 'alg'), fc.oneof(claimText, claimNumber, fc.jsonValue({ maxDepth: 1 })))
      .map(([k, v]) => `${b64({ ...realHeader, [k]: v })}.${p}.${s}~${disclosures.join('~')}~`);
    const onePayloadClaim = fc
      .tuple(
        fc.constantFrom('iat', 'nbf', 'exp', 'vct', 'status', 'identifier', 'issuerCode', 'holderCode', 'validFrom', 'validUntil', '_sd', '_sd_alg'),
        fc.oneof(claimText, claimNumber, payload.map((x) => x.status ?? null), fc.jsonValue({ maxDepth: 2 })),
      )
      .map(([k, v]) => `${h}.${b64({ ...realPayload, [k]: v })}.${s}~${disclosures.join('~')}~`);
    // The real claims with a well-formed status reference to any list and index.
    const statusReference = fc
      .record({ idx: fc.oneof(fc.nat(65_535), claimNumber), uri: statusUri })
      .map((ref) => `${h}.${b64({ ...realPayload, status: { status_list: ref } })}.${s}~${disclosures.join('~')}~`);
    return fc.oneof(anyCredential, lookalike, { weight: 2, arbitrary: oneClaim }, { weight: 2, arbitrary: onePayloadClaim }, statusReference);
  };

  it('verifyLicenseCredential answers or throws the malformed-credential problem, for any input', async () => {
    const ctx = verificationContext(t.platform);
    const failures = new Map<string, string>();
    for (const s of fc.sample(platformCredential(), { seed: SEED, numRuns: Math.round(600 * SCALE) })) {
      try {
        const result = await verifyLicenseCredential(ctx, s);
        expect(typeof result.valid).toBe('boolean');
        if (s !== issued.credential) expect(result.valid).toBe(false);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'malformed-credential') continue;
        const e = error as Error & { query?: string };
        const cause = `${e.name}: ${e.message}`.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"');
        if (!failures.has(cause)) failures.set(cause, `${e.name}: ${e.message}${e.query ? ` — in: ${e.query.replace(/\s+/g, ' ')}` : ''}\n    input: ${JSON.stringify(s).slice(0, 400)}\n    at: ${(e.stack ?? '').split('\n').slice(1, 4).join(' | ')}`);
      }
    }
    const found = [...failures.values()];
    if (found.length > 0) console.log(`[fuzz] verifyLicenseCredential:\n${found.join('\n')}`);
    expect(found).toEqual([]);
  }, 120_000);

  it('POST /api/v1/verify and GET /api/v1/verify/{identifier}: 200 valid:false or a 400 problem, never a 500', async () => {
    const base = new URL(t.url);
    const credentials = fc.sample(platformCredential(), { seed: SEED + 1, numRuns: Math.round(400 * SCALE) });
    const identifiers = fc.sample(
      fc.oneof(
        nasty,
        fc.tuple(fc.nat(issued.identifier.length - 1), otherChar('')).map(([at, c]) => replaceAt(issued.identifier, at, c)),
        identifierParts.map((p) => buildLicenseIdentifier(p)),
      ),
      { seed: SEED + 2, numRuns: Math.round(200 * SCALE) },
    );
    const requests = [
      ...credentials.map((credential) => ({ method: 'POST', path: '/api/v1/verify', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credential }), input: credential })),
      ...identifiers.map((id) => {
        let path: string;
        try {
          path = `/api/v1/verify/${encodeURIComponent(id)}`;
        } catch {
          path = `/api/v1/verify/${Buffer.from(id).toString('hex')}`;
        }
        return { method: 'GET', path, headers: {}, body: undefined, input: id };
      }),
    ];
    const failures = new Map<string, string>();
    await pool(requests, 4, async (r) => {
      const response = await sendRaw(base, agent, r, 10_000);
      let body: any;
      try {
        body = JSON.parse(response.body);
      } catch {
        body = undefined;
      }
      let verdict: string | undefined;
      if (response.timedOut || response.error) verdict = `no answer (${response.error ?? 'timeout'})`;
      else if (response.status >= 500) verdict = `${response.status}`;
      else if (response.status === 200 && r.method === 'POST' && body?.valid !== false && r.input !== issued.credential) verdict = 'accepted as valid';
      else if (response.status >= 400 && !(response.contentType.startsWith('application/problem+json') && typeof body?.code === 'string')) verdict = `${response.status} is not a problem`;
      if (!verdict) return;
      const logged: LoggedError | undefined = body?.requestId ? logs.byRequest.get(body.requestId) : undefined;
      const cause = logged ? `${logged.message}${logged.query ? ` — in: ${logged.query.replace(/\s+/g, ' ').slice(0, 200)}` : ''}` : short(response.body);
      const key = `${r.method} ${verdict} ${cause.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"')}`;
      if (!failures.has(key)) failures.set(key, `${verdict} on ${r.method} ${r.path.length > 120 ? `${r.path.slice(0, 120)}…` : r.path}\n    input: ${JSON.stringify(r.input).slice(0, 400)}\n    server: ${cause}`);
    });
    const found = [...failures.values()];
    if (found.length > 0) console.log(`[fuzz] /api/v1/verify:\n${found.join('\n')}`);
    expect(found).toEqual([]);
  }, 120_000);
});

function short(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
