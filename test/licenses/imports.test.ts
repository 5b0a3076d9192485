/**
 * Imports over HTTP (POST /api/v1/licenses/imports → a job to poll → the report of rejected rows):
 * what the console's 批量导入 page does, as an issuer's staff member signed in, and what is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_BYTES } from '../../src/licenses/index.ts';
import { browser, person, type Browser } from '../people/support.ts';
import { enterprises, parseReport, STANDARD_COLUMNS, standardRow, toCsv } from '../import/support.ts';
import { api, startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let issuer: Browser;
let consumer: Browser;
let issuerName: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const account = await person(t, t.issuer, 'issuer', '王 发证');
  issuerName = account.username;
  issuer = browser(t);
  expect((await issuer.signIn(account.username, account.password)).status).toBe(200);
  const other = await person(t, t.consumer, 'consumer');
  consumer = browser(t);
  expect((await consumer.signIn(other.username, other.password)).status).toBe(200);
});
afterAll(() => t?.close());

interface Upload {
  body: BodyInit;
  contentType?: string;
  query?: string;
  csrf?: boolean;
  duplex?: boolean;
}

/** POSTs a file as the signed-in person (cookie and CSRF token). */
async function upload(as: Browser, file: Upload): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { cookie: as.cookieHeader() };
  if (file.csrf !== false) headers['x-csrf-token'] = as.csrfToken!;
  if (file.contentType) headers['content-type'] = file.contentType;
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, body: file.body };
  if (file.duplex) init.duplex = 'half';
  const response = await fetch(`${t.url}/api/v1/licenses/imports${file.query ? `?${file.query}` : ''}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** Polls the job until it is over. */
async function finished(as: Browser, id: string): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const answer = await as.request('GET', `/api/v1/licenses/imports/${id}`);
    expect(answer.status).toBe(200);
    if (answer.body.status !== 'running') return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the import did not finish');
}

describe('imports over HTTP', () => {
  it('an issuer person uploads a good CSV: 202, the job runs to the end, every row issued under the person, no report', async () => {
    const e = enterprises(3, 7101);
    const answer = await upload(issuer, { body: toCsv(STANDARD_COLUMNS, e.map((x) => standardRow(x))), contentType: 'text/csv', query: 'fileName=%E7%99%BB%E8%AE%B0.csv' });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe(`/api/v1/licenses/imports/${answer.body.id}`);
    expect(answer.body).toMatchObject({ status: 'running', type: 'business-license', format: 'csv', fileName: '登记.csv', issuerCode: t.issuer.department.code, createdBy: `person:${issuerName}`, createdByName: '王 发证' });
    const job = await finished(issuer, answer.body.id);
    expect(job).toMatchObject({ createdBy: `person:${issuerName}`, createdByName: '王 发证', status: 'finished', rows: 3, issued: 3, alreadyIssued: 0, rejected: 0, warnings: 0, error: null, reportUrl: null });
    expect(job.bytesRead).toBe(job.totalBytes);
    expect(job.finishedAt).not.toBeNull();

    for (const x of e) {
      const listed = await issuer.request('GET', `/api/v1/licenses?holderCode=${x.creditCode}`);
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0]).toMatchObject({ holderName: x.data.name, status: 'valid', issuerCode: t.issuer.department.code });
      // Its history names the clerk who imported it.
      const versions = await issuer.request('GET', `/api/v1/licenses/${listed.body.items[0].identifier}/versions`);
      expect(versions.body).toMatchObject([{ createdBy: `person:${issuerName}`, createdByName: '王 发证' }]);
    }
    expect((await issuer.request('GET', `/api/v1/licenses/imports/${job.id}/rejected.csv`)).body).toMatchObject({ status: 404, code: 'import-report-not-found' });
    const list = await issuer.request('GET', '/api/v1/licenses/imports');
    expect(list.body.find((j: { id: string }) => j.id === job.id)).toMatchObject({ createdBy: `person:${issuerName}`, createdByName: '王 发证' });

    // The same file again issues nothing twice.
    const again = await upload(issuer, { body: toCsv(STANDARD_COLUMNS, e.map((x) => standardRow(x))), contentType: 'text/csv' });
    expect(await finished(issuer, again.body.id)).toMatchObject({ status: 'finished', rows: 3, issued: 0, alreadyIssued: 3, fileName: 'upload.csv' });
  });

  it('a file with rejected rows: the valid ones are issued, the report of the others downloads as CSV', async () => {
    const e = enterprises(4, 7201);
    const rows = [
      standardRow(e[0]),
      standardRow(e[1], { creditCode: `${e[1].creditCode.slice(0, 4)}I${e[1].creditCode.slice(5)}` }),
      standardRow(e[2], { legalRepresentative: '' }),
      standardRow(e[3]),
    ];
    const answer = await upload(issuer, { body: toCsv(STANDARD_COLUMNS, rows), contentType: 'text/csv; charset=utf-8', query: 'fileName=export.csv' });
    expect(answer.status).toBe(202);
    const job = await finished(issuer, answer.body.id);
    expect(job).toMatchObject({ status: 'finished', rows: 4, issued: 2, rejected: 2, reportUrl: `/api/v1/licenses/imports/${job.id}/rejected.csv` });

    const report = await fetch(`${t.url}${job.reportUrl}`, { headers: { cookie: issuer.cookieHeader() } });
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(report.headers.get('content-disposition')).toBe(`attachment; filename="rejected.csv"; filename*=UTF-8''export.rejected.csv`);
    const bytes = Buffer.from(await report.arrayBuffer());
    const text = bytes.toString('utf8');
    // A byte-order mark first, so that Excel on a Chinese Windows opens it as UTF-8.
    expect(text.startsWith('\uFEFFrow,field,code,reason,creditCode,severity,column,line')).toBe(true);
    expect(parseReport(text).map((r) => [r.row, r.field, r.code, r.severity])).toEqual([
      ['2', 'creditCode', 'invalid-credit-code', 'error'],
      ['3', 'legalRepresentative', 'missing-field', 'error'],
    ]);
  });

  it('JSON and XML files, told by their media type', async () => {
    const [a, b] = enterprises(2, 7301);
    const json = await upload(issuer, { body: JSON.stringify([standardRow(a)]), contentType: 'application/json' });
    expect(json.status).toBe(202);
    expect(await finished(issuer, json.body.id)).toMatchObject({ status: 'finished', format: 'json', issued: 1 });
    const fields = Object.entries(standardRow(b))
      .map(([k, v]) => `<${k}>${String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`)
      .join('');
    const xml = await upload(issuer, { body: `<?xml version="1.0" encoding="UTF-8"?><licenses><license>${fields}</license></licenses>`, contentType: 'application/xml' });
    expect(xml.status).toBe(202);
    expect(await finished(issuer, xml.body.id)).toMatchObject({ status: 'finished', format: 'xml', issued: 1 });
  });

  it('a file the importer cannot take as a whole (an unknown column) fails with the reason', async () => {
    const answer = await upload(issuer, { body: 'creditCode,name,colour\n91370100MA3C4DJ79L,x,red\n', contentType: 'text/csv' });
    expect(answer.status).toBe(202);
    const job = await finished(issuer, answer.body.id);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('colour');
    expect(job.error).not.toContain('/tmp');
  });

  it('a consumer person is refused (403) before the file is read; another department cannot read the job', async () => {
    const e = enterprises(1, 7401);
    const refused = await upload(consumer, { body: toCsv(STANDARD_COLUMNS, [standardRow(e[0])]), contentType: 'text/csv' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.status).toBe(403);

    const own = await upload(issuer, { body: toCsv(STANDARD_COLUMNS, [standardRow(e[0])]), contentType: 'text/csv' });
    await finished(issuer, own.body.id);
    expect((await consumer.request('GET', `/api/v1/licenses/imports/${own.body.id}`)).status).toBe(403);
    expect((await api(t, 'GET', `/api/v1/licenses/imports/${own.body.id}`, { token: t.otherIssuer.token })).status).toBe(403);
    expect((await consumer.request('GET', '/api/v1/licenses/imports')).body).toEqual([]);
    expect((await issuer.request('GET', '/api/v1/licenses/imports/no-such-job')).body).toMatchObject({ status: 404, code: 'import-not-found' });
  });

  it('the session must repeat its CSRF token; a body of unknown format is refused (415)', async () => {
    const noCsrf = await upload(issuer, { body: 'creditCode\n', contentType: 'text/csv', csrf: false });
    expect(noCsrf.body).toMatchObject({ status: 403, code: 'csrf-failed' });
    const unknown = await upload(issuer, { body: 'whatever', contentType: 'application/octet-stream' });
    expect(unknown.body).toMatchObject({ status: 415, code: 'unsupported-media-type' });
    const empty = await upload(issuer, { body: '', contentType: 'text/csv', query: 'format=csv' });
    expect(empty.status).toBe(400);
  });

  it(`an oversized body (over ${IMPORT_MAX_BYTES / 1024 / 1024} MiB) is refused with a 413 problem, declared or streamed`, async () => {
    const big = Buffer.alloc(IMPORT_MAX_BYTES + 1, 0x61);
    const declared = await upload(issuer, { body: big, contentType: 'text/csv' });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('content-type')).toContain('application/problem+json');
    expect(declared.body).toMatchObject({ status: 413, code: 'payload-too-large', limit: IMPORT_MAX_BYTES });

    // Chunked, without a Content-Length: refused once the limit is passed.
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > IMPORT_MAX_BYTES) controller.close();
        else {
          controller.enqueue(chunk);
          sent += chunk.length;
        }
      },
    });
    const streamed = await upload(issuer, { body: stream, contentType: 'text/csv', duplex: true });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatchObject({ status: 413, code: 'payload-too-large' });
  });
});
