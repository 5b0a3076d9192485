/**
 * Observability as a monitoring system meets it: `/metrics` parsed by the Prometheus project's own
 * text-format parser (the Python client's `text_string_to_metric_families`, Debian's
 * python3-prometheus-client, which .ci/run installs) with the families the runbook alerts on; served to loopback or with the metrics token only; an incoming
 * X-Request-Id kept and returned; every background worker in `/health/ready`; pid and hostname in
 * the log lines. A real server on a real port, both stores.
 */
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBackgroundWork } from '../../src/app/platform.ts';
import { createLogger } from '../../src/platform/log.ts';
import { api, licenseRequest, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { lookup } from '../exchange/support.ts';

const TOKEN = 'metrics-token-of-the-test-0123456789abcdef';
let t: TestPlatform;
let stop: () => Promise<void>;

beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_METRICS_TOKEN: TOKEN });
  stop = startBackgroundWork(t.platform);
});

afterAll(async () => {
  await stop();
  await t.close();
});

type Sample = { name: string; labels: Record<string, string>; value: number | 'NaN' | '+Inf' | '-Inf' };
type Family = { name: string; type: string; samples: Sample[] };

/**
 * The Prometheus Python client's parser: it throws on anything that is not the text format. NaN and
 * ±Inf are values of the format (the event loop's mean lag is NaN when scraped again before it
 * sampled); JSON has no such numbers, so they cross as the strings 'NaN', '+Inf' and '-Inf'.
 */
const PARSE = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
def value(v):
    if math.isnan(v): return "NaN"
    if math.isinf(v): return "+Inf" if v > 0 else "-Inf"
    return v
families = [{"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": value(s.value)} for s in f.samples]} for f in text_string_to_metric_families(sys.stdin.read())]
print(json.dumps(families, allow_nan=False))
`;

async function scrape(headers: Record<string, string> = {}): Promise<Family[]> {
  const response = await fetch(`${t.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', PARSE], { input: await response.text(), encoding: 'utf8' })) as Family[];
}

const family = (families: Family[], name: string) => {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric family ${name} in ${families.map((f) => f.name).join(', ')}`);
  return found;
};

it('serves the metrics the runbook alerts on, parsed as Prometheus text', async () => {
  const issued = await api(t, 'POST', '/api/v1/licenses', { token: t.issuer.token, body: licenseRequest() });
  expect(issued.status).toBe(201);
  // No agreement: the consumer's lookup is refused, and counted by its reason.
  const refused = await lookup(t, t.consumer, issued.body.holder.code);
  expect(refused.status).toBe(403);
  const families = await scrape();

  const issuing = { method: 'POST', route: '/api/v1/licenses', status: '201' };
  const requests = family(families, 'certbridge_http_requests');
  expect(requests.type).toBe('counter');
  expect(requests.samples).toContainEqual({ name: 'certbridge_http_requests_total', labels: issuing, value: 1 });
  const latency = family(families, 'certbridge_http_request_duration_seconds');
  expect(latency.type).toBe('histogram');
  expect(latency.samples).toContainEqual({ name: 'certbridge_http_request_duration_seconds_count', labels: issuing, value: 1 });
  expect(latency.samples).toContainEqual({ name: 'certbridge_http_request_duration_seconds_bucket', labels: { ...issuing, le: '+Inf' }, value: 1 });

  const accesses = family(families, 'certbridge_exchange_accesses');
  expect(accesses.samples).toContainEqual({ name: 'certbridge_exchange_accesses_total', labels: { operation: 'lookup', outcome: 'denied', reason: refused.body.code }, value: 1 });

  const log = family(families, 'certbridge_audit_log_entries');
  expect(Number(log.samples.find((m) => m.labels.state === 'appended')!.value)).toBeGreaterThan(0);
  expect(log.samples.map((m) => m.labels.state).sort()).toEqual(['appended', 'indexed', 'unindexed']);
  expect(family(families, 'certbridge_follower_lag_entries').samples.map((m) => m.labels.follower).sort()).toEqual(['ledger.post-lookups', 'quality.follow-changes']);
  expect(family(families, 'certbridge_outbox_entries').samples.map((m) => m.labels.status).sort()).toEqual(['dead', 'pending']);
  expect(family(families, 'certbridge_db_pool_connections').samples.length).toBeGreaterThan(0);
  expect(family(families, 'certbridge_worker_last_pass_age_seconds').samples.map((m) => m.labels.worker)).toContain('deliverer');
  expect(family(families, 'certbridge_process_resident_memory_bytes').type).toBe('gauge');
});

it('parses when scraped again at once (a lag the event loop has not sampled yet is NaN, which the format allows)', async () => {
  await scrape();
  const again = await scrape();
  const lag = family(again, 'certbridge_nodejs_eventloop_lag_mean_seconds').samples[0].value;
  expect(typeof lag === 'number' ? Number.isFinite(lag) : lag === 'NaN').toBe(true);
});

it('answers a relayed request only with the metrics token', async () => {
  // A request a reverse proxy on this machine passes on comes from loopback too: its forwarding header gives it away.
  const relayed = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
  expect(relayed.status).toBe(403);
  expect(relayed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(((await relayed.json()) as { code: string }).code).toBe('metrics-forbidden');
  expect((await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7', authorization: 'Bearer not-the-token-at-all-0123456789abcdef' } })).status).toBe(403);
  await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: `Bearer ${TOKEN}` });
});

it('keeps an incoming X-Request-Id and returns it; replaces one that is not an id', async () => {
  const kept = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'lb-7f3a9c.0001' } });
  expect(kept.headers.get('x-request-id')).toBe('lb-7f3a9c.0001');
  const problem = await fetch(`${t.url}/api/v1/no-such-thing`, { headers: { 'x-request-id': 'trace:42' } });
  expect(((await problem.json()) as { requestId: string }).requestId).toBe('trace:42');
  const replaced = await fetch(`${t.url}/health/live`, { headers: { 'x-request-id': 'two words; and more' } });
  expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

it('lists every background worker in /health/ready', async () => {
  const ready = await api(t, 'GET', '/health/ready');
  expect(ready.status).toBe(200);
  const names = (ready.body.checks as { name: string }[]).map((c) => c.name);
  // One process: it holds every job's lease (with several, each job is listed by the one that runs it: test/platform/jobs.test.ts).
  for (const worker of ['audit-sequencer', 'deliverer', 'ledger.post-lookups', 'quality.follow-changes', 'quality.daily-pass', 'agreements.sweep', 'objections.overdue', 'people.session-sweep', 'evaluation.scoreboard', 'licenses.expiry', 'licenses.verification-counts']) {
    expect(names).toContain(worker);
  }
});

it('names the process and the host in every log line', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  const log = createLogger({ logLevel: 'info' }, sink);
  log.info('one');
  log.child({ requestId: 'x' }).warn('two');
  expect(lines.map((l) => JSON.parse(l) as { pid: number; hostname: string })).toEqual([
    expect.objectContaining({ pid: process.pid, hostname: hostname() }),
    expect.objectContaining({ pid: process.pid, hostname: hostname() }),
  ]);
});
