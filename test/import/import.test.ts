import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationContext, verifyHolder, verifyLicenseCredential } from '../../src/licenses/index.ts';
import { ImportFileError, importLicenses, type ImportOptions } from '../../src/licenses/import/index.ts';
import { allocateLicenseIds, insertIssuedLicenses, signingTypeOf, signLicenseVersion, type PreparedLicense } from '../../src/licenses/lifecycle/licenseRecords.ts';
import { prepareLicenseData } from '../../src/licenses/lifecycle/licenseData.ts';
import { divisions, findLicenseType } from '../../src/standards/index.ts';
import { ENTITY_TYPES } from '../../src/demo/entityTypes.ts';
import type { SyntheticEnterprise } from '../../src/demo/synthetic.ts';
import {
  enterprises,
  issuedBy,
  legacyVariant,
  licenseCount,
  parseReport,
  registerIssuer,
  STANDARD_COLUMNS,
  standardRow,
  startImportPlatform,
  toCsv,
  writeFile,
  type ImportTestPlatform,
} from './support.ts';

let t: ImportTestPlatform;
beforeAll(async () => {
  t = await startImportPlatform();
});
afterAll(() => t.close());

const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ type: 'business-license', ...extra });

async function licenseData(holderCode: string): Promise<Record<string, unknown>> {
  const rows = await t.platform.store.query<{ data: Record<string, unknown> }>(
    'select v.data from license_versions v join licenses l on l.id = v.license_id where l.holder_code = $1 and v.version = 1',
    [holderCode],
  );
  return rows.rows[0].data;
}

describe('import of a standard-header CSV', () => {
  const e = enterprises(11, 1001);
  // Row numbers are data rows (header not counted); row 2 spans two lines of the file.
  const rows = [
    standardRow(e[0], { businessTermTo: '' }), // 1: valid, 长期
    standardRow(e[1], { businessScope: '一般项目：软件开发；\n信息技术咨询服务。' }), // 2: valid, quoted line break
    standardRow(e[2], { creditCode: `${e[2].creditCode.slice(0, 4)}I${e[2].creditCode.slice(5)}` }), // 3: bad character
    standardRow(e[3], { legalRepresentative: '' }), // 4: required field missing
    standardRow(e[4], { establishedOn: '2023-02-30', registeredCapital: '100' }), // 5: two problems
    standardRow(e[0], { name: '另一个名称有限公司' }), // 6: duplicate of row 1
    standardRow(e[5], { creditCode: legacyVariant(e[5].creditCode) }), // 7: legacy code, no flag
    standardRow(e[6], { entityType: '外国（地区）企业常驻代表机构' }), // 8: free-text type: fine
    standardRow(e[7], { registrationAuthority: '', issuedOn: '2024/5/6' }), // 9: defaults, other date format
    standardRow(e[8], { establishedOn: '2001年3月9日', businessTermFrom: '', businessTermTo: '长期' }), // 10
  ];
  let file: string;

  it('issues the valid rows and reports every problem of the others, by row', async () => {
    file = writeFile(t.dir, 'standard.csv', toCsv(STANDARD_COLUMNS, rows));
    const summary = await importLicenses(t.platform, file, options());
    expect(summary).toMatchObject({ file, rows: 10, issued: 5, alreadyIssued: 0, rejected: 5, warnings: 0, report: `${file}.rejected.csv` });
    expect(summary.elapsedMs).toBeGreaterThan(0);

    const issued = await issuedBy(t.platform.store, 'import:standard.csv');
    expect(issued).toEqual([e[0], e[1], e[6], e[7], e[8]].map((x) => x.creditCode).sort());

    const report = parseReport(readFileSync(summary.report!, 'utf8'));
    expect(readFileSync(summary.report!, 'utf8').split('\n')[0]).toBe('\uFEFFrow,field,code,reason,creditCode,severity,column,line');
    const pick = (r: Record<string, string>) => [r.row, r.field, r.code, r.severity, r.line];
    expect(report.map(pick)).toEqual([
      ['3', 'creditCode', 'invalid-credit-code', 'error', '5'],
      ['4', 'legalRepresentative', 'missing-field', 'error', '6'],
      ['5', 'establishedOn', 'invalid-date', 'error', '7'],
      ['5', 'registeredCapital', 'invalid-registered-capital', 'error', '7'],
      ['6', 'creditCode', 'duplicate-in-file', 'error', '8'],
      ['7', 'creditCode', 'legacy-credit-code', 'error', '9'],
    ]);
    expect(report[0].reason).toContain('position 5');
    expect(report[0].creditCode).toBe(rows[2].creditCode);
    expect(report[2].reason).toContain('2023-02-30');
    expect(report[4].reason).toBe('duplicate in file, first at row 1');
    expect(report[5].reason).toContain('--accept-legacy-codes');
  });

  it('stores the data as the standard wants it', async () => {
    const first = await licenseData(e[0].creditCode);
    expect(first.businessTermTo).toBeNull();
    expect(first.registeredCapital).toBe(e[0].data.registeredCapital);
    expect((await licenseData(e[1].creditCode)).businessScope).toBe('一般项目：软件开发；\n信息技术咨询服务。');
    const defaulted = await licenseData(e[7].creditCode);
    expect(defaulted.registrationAuthority).toBe(t.issuer.name);
    expect(defaulted.issuedOn).toBe('2024-05-06');
    const chinese = await licenseData(e[8].creditCode);
    expect(chinese).toMatchObject({ establishedOn: '2001-03-09', businessTermFrom: '2001-03-09', businessTermTo: null });
  });

  it('issues nothing twice when the same file is imported again', async () => {
    const before = await licenseCount(t.platform.store);
    const summary = await importLicenses(t.platform, file, options());
    expect(summary).toMatchObject({ rows: 10, issued: 0, alreadyIssued: 5, rejected: 5 });
    expect(await licenseCount(t.platform.store)).toBe(before);
    expect(parseReport(readFileSync(summary.report!, 'utf8'))).toHaveLength(6);
  });

  it('accepts a legacy credit code with a warning under --accept-legacy-codes', async () => {
    const [a, b] = enterprises(2, 1002);
    const legacy = legacyVariant(a.creditCode);
    const path = writeFile(t.dir, 'legacy.csv', toCsv(STANDARD_COLUMNS, [standardRow(a, { creditCode: legacy }), standardRow(b)]));
    const summary = await importLicenses(t.platform, path, options({ acceptLegacyCodes: true, report: join(t.dir, 'legacy-report.csv') }));
    expect(summary).toMatchObject({ rows: 2, issued: 2, rejected: 0, warnings: 1, report: join(t.dir, 'legacy-report.csv') });
    const [warning] = parseReport(readFileSync(summary.report!, 'utf8'));
    expect(warning).toMatchObject({ row: '1', field: 'creditCode', code: 'legacy-credit-code', severity: 'warning', creditCode: legacy });
    expect(await issuedBy(t.platform.store, 'import:legacy.csv')).toEqual([legacy, b.creditCode].sort());
    // The public look-up by credit code answers for such a holder (a check-character failure refuses only a code that holds nothing).
    expect((await verifyHolder(t.platform, legacy)).licenses).toMatchObject([{ type: 'business-license', status: 'valid', valid: true }]);
    await expect(verifyHolder(t.platform, legacyVariant(b.creditCode))).rejects.toMatchObject({ code: 'invalid-credit-code', details: { expectedCheckChar: b.creditCode[17] } });
  });

  it('tolerates a BOM and CRLF, and removes a stale report when there is nothing to report', async () => {
    const path = writeFile(t.dir, 'clean.csv', toCsv(STANDARD_COLUMNS, enterprises(3, 1003).map((x) => standardRow(x)), { bom: true, eol: '\r\n' }));
    writeFile(t.dir, 'clean.csv.rejected.csv', 'stale\n');
    const summary = await importLicenses(t.platform, path, options());
    expect(summary).toMatchObject({ rows: 3, issued: 3, rejected: 0, report: null });
    expect(existsSync(`${path}.rejected.csv`)).toBe(false);
  });

  it('rejects a row with too few fields on its own', async () => {
    const [a, b] = enterprises(2, 1004);
    const text = `${toCsv(STANDARD_COLUMNS, [standardRow(a)])}${a.creditCode},只有名称\n${toCsv(STANDARD_COLUMNS, [standardRow(b)]).split('\n')[1]}\n`;
    const summary = await importLicenses(t.platform, writeFile(t.dir, 'short.csv', text), options());
    expect(summary).toMatchObject({ rows: 3, issued: 2, rejected: 1 });
    expect(parseReport(readFileSync(summary.report!, 'utf8'))).toEqual([
      expect.objectContaining({ row: '2', code: 'malformed-record', line: '3', creditCode: a.creditCode }),
    ]);
  });

  it('refuses unknown columns without a mapping, before issuing anything', async () => {
    const before = await licenseCount(t.platform.store);
    const columns = [...STANDARD_COLUMNS, '内部编号', 'remark'];
    const path = writeFile(t.dir, 'unknown.csv', toCsv(columns, enterprises(2, 1005).map((x) => standardRow(x))));
    const error = await importLicenses(t.platform, path, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/unknown column\(s\) 内部编号, remark.*--mapping/);
    expect(await licenseCount(t.platform.store)).toBe(before);
    expect(existsSync(`${path}.rejected.csv`)).toBe(false);
  });

  it('refuses a header without a required field', async () => {
    const columns = STANDARD_COLUMNS.filter((c) => c !== 'domicile');
    const path = writeFile(t.dir, 'nodomicile.csv', toCsv(columns, enterprises(1, 1006).map((x) => standardRow(x))));
    await expect(importLicenses(t.platform, path, options())).rejects.toThrow(/no column for the required field\(s\) domicile \(住所\)/);
  });
});

// A department's own export: Chinese column names, code values, dates as YYYYMMDD.
const ENTITY_CODES = Object.fromEntries(ENTITY_TYPES.map((type, i) => [String(1100 + i), type.name]));
const AUTHORITY_CODES = Object.fromEntries(
  divisions.filter((d) => d.level === 'prefecture').map((d) => [d.code, `${d.name}市场监督管理局`]),
);
const MAPPING = {
  fields: {
    统一社会信用代码: 'creditCode',
    企业名称: 'name',
    企业类型: 'entityType',
    法定代表人: 'legalRepresentative',
    注册资本: 'registeredCapital',
    成立日期: 'establishedOn',
    营业期限自: 'businessTermFrom',
    营业期限至: 'businessTermTo',
    住所: 'domicile',
    经营范围: 'businessScope',
    登记机关: 'registrationAuthority',
    内部编号: null,
  },
  values: { entityType: ENTITY_CODES, registrationAuthority: AUTHORITY_CODES },
  dateFormat: 'YYYYMMDD',
};

function departmentRecord(e: SyntheticEnterprise, serial: number): Record<string, unknown> {
  const entityCode = Object.keys(ENTITY_CODES).find((code) => ENTITY_CODES[code] === e.data.entityType)!;
  const compact = (date: string | null) => (date ? date.replace(/-/g, '') : '');
  return {
    内部编号: `SD-${serial}`,
    统一社会信用代码: e.creditCode,
    企业名称: e.data.name,
    企业类型: entityCode,
    法定代表人: e.data.legalRepresentative,
    注册资本: Number.parseInt(e.data.registeredCapital, 10), // a number: 万元人民币
    成立日期: compact(e.data.establishedOn),
    营业期限自: compact(e.data.businessTermFrom),
    营业期限至: compact(e.data.businessTermTo),
    住所: e.data.domicile,
    经营范围: e.data.businessScope,
    登记机关: e.creditCode.slice(2, 8),
  };
}

describe('import with a mapping', () => {
  let mappingFile: string;
  beforeAll(() => {
    mappingFile = writeFile(t.dir, 'mapping.json', JSON.stringify(MAPPING, null, 2));
  });

  it('imports a JSON array, mapping columns, code values and dates', async () => {
    const e = enterprises(4, 2001);
    const records = e.map(departmentRecord);
    records[3] = { ...records[3], 企业类型: '9999' };
    const path = writeFile(t.dir, 'dept.json', JSON.stringify(records, null, 2));
    const summary = await importLicenses(t.platform, path, options({ mapping: mappingFile }));
    expect(summary).toMatchObject({ rows: 4, issued: 3, rejected: 1 });
    const [problem] = parseReport(readFileSync(summary.report!, 'utf8'));
    expect(problem).toMatchObject({ row: '4', field: 'entityType', column: '企业类型', code: 'unknown-code-value', line: '' });
    const data = await licenseData(e[0].creditCode);
    expect(data).toMatchObject({
      name: e[0].data.name,
      entityType: e[0].data.entityType,
      registeredCapital: e[0].data.registeredCapital,
      establishedOn: e[0].data.establishedOn,
      businessTermTo: e[0].data.businessTermTo,
      registrationAuthority: e[0].data.registrationAuthority,
    });
  });

  it('imports {"records": [...]} and NDJSON alike', async () => {
    const wrapped = enterprises(2, 2002);
    const lines = enterprises(3, 2003);
    const a = writeFile(t.dir, 'wrapped.json', JSON.stringify({ records: wrapped.map(departmentRecord) }));
    const b = writeFile(t.dir, 'lines.ndjson', `${lines.map((x, i) => JSON.stringify(departmentRecord(x, i))).join('\n')}\n\n`);
    const c = writeFile(t.dir, 'lines-in.json', lines.map((x, i) => JSON.stringify(departmentRecord(x, i))).join('\n'));
    expect(await importLicenses(t.platform, a, options({ mapping: mappingFile }))).toMatchObject({ rows: 2, issued: 2, rejected: 0 });
    expect(await importLicenses(t.platform, b, options({ mapping: mappingFile }))).toMatchObject({ rows: 3, issued: 3, rejected: 0 });
    expect(await importLicenses(t.platform, c, options({ mapping: mappingFile }))).toMatchObject({ rows: 3, issued: 0, alreadyIssued: 3 });
  });

  it('imports XML, decoding the predefined entities', async () => {
    const e = enterprises(3, 2004);
    const records = e.map(departmentRecord);
    for (const r of records) r.注册资本 = `${String(r.注册资本)}万元`; // XML has no numbers: the unit is written
    records[1].企业名称 = '济南A&B<科技>有限公司';
    records[2].成立日期 = '2001-01-01'; // not the mapping's YYYYMMDD
    const escape = (v: unknown) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<企业列表>\n${records
      .map((r) => `  <企业>${Object.entries(r).map(([k, v]) => `<${k}>${escape(v)}</${k}>`).join('')}</企业>`)
      .join('\n')}\n</企业列表>\n`;
    const path = writeFile(t.dir, 'dept.XML', xml);
    const summary = await importLicenses(t.platform, path, options({ mapping: mappingFile }));
    expect(summary).toMatchObject({ rows: 3, issued: 2, rejected: 1 });
    expect((await licenseData(e[1].creditCode)).name).toBe('济南A&B<科技>有限公司');
    expect(parseReport(readFileSync(summary.report!, 'utf8'))).toEqual([
      expect.objectContaining({ row: '3', field: 'establishedOn', column: '成立日期', code: 'invalid-date' }),
    ]);
  });

  it('refuses XML with a DOCTYPE (XXE) and issues nothing', async () => {
    const before = await licenseCount(t.platform.store);
    const [e] = enterprises(1, 2005);
    const xml = `<?xml version="1.0"?>
<!DOCTYPE licenses [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<licenses><license><creditCode>${e.creditCode}</creditCode><name>&xxe;</name><entityType>${e.data.entityType}</entityType>
<legalRepresentative>${e.data.legalRepresentative}</legalRepresentative><registeredCapital>${e.data.registeredCapital}</registeredCapital>
<establishedOn>${e.data.establishedOn}</establishedOn><domicile>${e.data.domicile}</domicile><businessScope>${e.data.businessScope}</businessScope>
</license></licenses>`;
    const path = writeFile(t.dir, 'xxe.xml', xml);
    const error = await importLicenses(t.platform, path, options()).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toMatch(/DOCTYPE.*refused/);
    expect(await licenseCount(t.platform.store)).toBe(before);
    expect(existsSync(`${path}.rejected.csv`)).toBe(false);
  });

  it('refuses a mapping with an unknown field, naming the entry', async () => {
    const bad = writeFile(t.dir, 'bad-mapping.json', JSON.stringify({ fields: { 企业名称: 'companyName' } }));
    const path = writeFile(t.dir, 'any.json', JSON.stringify(enterprises(1, 2006).map(departmentRecord)));
    const error = await importLicenses(t.platform, path, options({ mapping: bad })).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toContain('fields["企业名称"]: "companyName" is not a field of business-license');
  });
});

describe('signing and the issuer', () => {
  it('signs on worker threads, with credentials that verify', async () => {
    const e = enterprises(30, 3001);
    const path = writeFile(t.dir, 'workers.csv', toCsv(STANDARD_COLUMNS, e.map((x) => standardRow(x))));
    const summary = await importLicenses(t.platform, path, options({ signer: 'workers', batchSize: 7 }));
    expect(summary).toMatchObject({ rows: 30, issued: 30, rejected: 0 });
    const { credential } = (
      await t.platform.store.query<{ credential: string }>(
        'select v.credential from license_versions v join licenses l on l.id = v.license_id where l.holder_code = $1',
        [e[0].creditCode],
      )
    ).rows[0];
    const result = await verifyLicenseCredential(verificationContext(t.platform), credential);
    expect(result.checks.find((c) => c.check === 'signature')?.passed).toBe(true);
  });

  it('asks for --issuer when several departments issue, and refuses a department that does not', async () => {
    const path = writeFile(t.dir, 'issuer.csv', toCsv(STANDARD_COLUMNS, enterprises(1, 3002).map((x) => standardRow(x))));
    await registerIssuer(t.platform, '青岛市市场监督管理局');
    const consumer = await registerIssuer(t.platform, '国家税务总局山东省税务局', ['consumer']);
    await expect(importLicenses(t.platform, path, options())).rejects.toThrow(/several departments issue business-license.*--issuer/);
    await expect(importLicenses(t.platform, path, options({ issuer: consumer.code }))).rejects.toThrow(/not an authorised issuer of business-license/);
    expect(await importLicenses(t.platform, path, options({ issuer: t.issuer.code }))).toMatchObject({ issued: 1 });
  });
});

describe('checking on the signing threads, writing by COPY', () => {
  const withIssuer = (extra: Partial<ImportOptions> = {}) => options({ issuer: t.issuer.code, ...extra });
  const verdicts = (report: string) => parseReport(readFileSync(report, 'utf8')).map((r) => [r.row, r.field, r.code, r.severity, r.reason, r.creditCode]);

  it('rejects the same rows for the same reasons on worker threads as on the reading thread', async () => {
    const e = enterprises(6, 4001);
    const rows = [
      standardRow(e[0]),
      standardRow(e[1], { creditCode: `${e[1].creditCode.slice(0, 4)}I${e[1].creditCode.slice(5)}` }),
      standardRow(e[2], { establishedOn: '2023-02-30', registeredCapital: '100' }),
      standardRow(e[0], { name: '另一个名称有限公司' }),
      standardRow(e[3], { creditCode: legacyVariant(e[3].creditCode) }),
      standardRow(e[4], { legalRepresentative: '', name: '' }),
      standardRow(e[5], { businessTermFrom: '2020-01-01', businessTermTo: '2019-01-01' }),
    ];
    const inline = await importLicenses(t.platform, writeFile(t.dir, 'inline.csv', toCsv(STANDARD_COLUMNS, rows)), withIssuer({ signer: 'inline' }));
    // The same rows again: the valid ones are now already issued, a later row of their holder still a duplicate.
    const workers = await importLicenses(t.platform, writeFile(t.dir, 'workers-check.csv', toCsv(STANDARD_COLUMNS, rows)), withIssuer({ signer: 'workers', batchSize: 3 }));
    expect(workers).toMatchObject({ rows: 7, issued: 0, alreadyIssued: inline.issued, rejected: inline.rejected });
    expect(verdicts(workers.report!)).toEqual(verdicts(inline.report!));
    expect(verdicts(inline.report!).map((v) => v[2])).toContain('duplicate-in-file');
  });

  it('keeps tabs, backslashes and line breaks of a batch large enough for COPY', async () => {
    const e = enterprises(150, 4002);
    const scope = '一般项目：\t软件开发\\技术服务；\r\n信息咨询。';
    const path = writeFile(t.dir, 'copy.csv', toCsv(STANDARD_COLUMNS, e.map((x) => standardRow(x, { businessScope: scope, name: `${x.data.name}\\分公司` }))));
    expect(await importLicenses(t.platform, path, withIssuer({ signer: 'workers' }))).toMatchObject({ rows: 150, issued: 150, rejected: 0 });
    expect(await licenseData(e[149].creditCode)).toMatchObject({ businessScope: scope, name: `${e[149].data.name}\\分公司` });
    const row = await t.platform.store.query<{ holder_name: string; status: string; version: number }>(
      `select l.holder_name, l.status, e.version from licenses l join license_events e on e.license_id = l.id and e.event = 'issued' where l.holder_code = $1`,
      [e[0].creditCode],
    );
    expect(row.rows).toEqual([{ holder_name: `${e[0].data.name}\\分公司`, status: 'valid', version: 1 }]);
  });

  it('writes a batch without a holder that got a license after the batch was checked', async () => {
    const e = enterprises(120, 4003);
    await importLicenses(t.platform, writeFile(t.dir, 'meanwhile.csv', toCsv(STANDARD_COLUMNS, [standardRow(e[5])])), withIssuer());
    const before = await licenseCount(t.platform.store);
    const standard = findLicenseType(t.platform, 'business-license')!;
    const type = signingTypeOf(standard);
    const issuer = { code: t.issuer.code, name: t.issuer.name };
    const key = await t.platform.keys.activeKey('license', t.platform.config.signingAlgorithm, issuer.code);
    const ids = await allocateLicenseIds(t.platform.store, e.length);
    const prepared: PreparedLicense[] = e.map((x, i) => {
      const holder = { code: x.creditCode, codeType: '001', name: x.data.name };
      const data = prepareLicenseData(standard, x.data, { issuerName: issuer.name });
      const signed = signLicenseVersion(key, t.platform.config.publicUrl, { id: ids[i], version: 1, standard: type, issuer, holder, data, issuedAt: new Date() });
      return { id: ids[i], standard: type, issuer, holder, data, ...signed, kid: key.kid };
    });
    const written = await t.platform.store.transaction((tx) => insertIssuedLicenses(tx, prepared, 'test', t.platform.events));
    expect(written).toEqual(ids.filter((_, i) => i !== 5));
    expect(await licenseCount(t.platform.store)).toBe(before + 119);
  });
});
