/**
 * docs/integration.md, run: every ```sh block in order (one bash per block, variables carried
 * over), the two JavaScript programs as written (verify.mjs once, receiver.mjs as the real
 * callback of the subscription), against a live server — and their outputs checked.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliverer, type Deliverer } from '../../src/deliveries/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { addDepartment, catalogBusinessLicense, eventually, issue } from './support.ts';

const doc = readFileSync(new URL('../../docs/integration.md', import.meta.url), 'utf8');

interface Block {
  lang: 'sh' | 'js' | 'ts';
  code: string;
  skip: boolean;
  /** "6" for "# 6. Look up …", "verify.mjs" for "// verify.mjs — …". */
  name: string;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const fence = /(?:<!-- doc-test: skip[^>]*-->\s*\n)?```(sh|js|ts)\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(fence)) {
    const code = m[2];
    const first = code.split('\n')[0];
    const name = m[1] === 'sh' ? (/^# (\d+)\./.exec(first)?.[1] ?? '') : (/^\/\/ (\S+\.(?:mjs|ts))/.exec(first)?.[1] ?? '');
    found.push({ lang: m[1] as 'sh' | 'js' | 'ts', code, skip: m[0].startsWith('<!--'), name });
  }
  return found;
}

const here = fileURLToPath(new URL('.', import.meta.url));
let t: TestPlatform;
let deliverer: Deliverer;
let work: string;
let receiver: ChildProcessWithoutNullStreams;
let receiverOutput = '';
const scripts: string[] = [];
const env: Record<string, string> = {};
const outputs = new Map<string, string>();

/** A doc program, written next to this test so that `import … from 'jose'` resolves. */
function program(name: string): string {
  const code = blocks(doc).find((b) => b.lang !== 'sh' && b.name === name)?.code;
  if (!code) throw new Error(`docs/integration.md has no ${name}`);
  const file = join(here, `.doc-${process.pid}-${name}`);
  writeFileSync(file, code);
  scripts.push(file);
  return file;
}

/** Runs a command to its end, asynchronously (the server under test lives in this process). */
function run(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function runShell(block: Block): Promise<string> {
  const state = join(work, 'state.sh');
  const script = `set -a\n[ -f "${state}" ] && . "${state}"\n${block.code}\nexport -p > "${state}"\n`;
  const result = await run('bash', ['-c', script], { cwd: work, env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`block ${block.name} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

const lines = (name: string) => outputs.get(name)!.trim().split('\n');
const json = (name: string, line = 0) => JSON.parse(lines(name)[line]);

beforeAll(async () => {
  t = await startTestPlatform({ CERTBRIDGE_CALLBACK_ALLOW: '127.0.0.1/32' });
  await catalogBusinessLicense(t);
  const tax = await addDepartment(t, '国家税务总局山东省税务局', 'Shandong Provincial Tax Service', ['consumer']);
  const license = await issue(t);
  work = mkdtempSync(join(tmpdir(), 'certbridge-doc-'));
  deliverer = startDeliverer(t.platform, { pollMs: 20, backoffBaseMs: 20, backoffMaxMs: 100, maxAttempts: 5 });

  receiver = spawn(process.execPath, [program('receiver.mjs')], { env: { ...process.env, CERTBRIDGE: t.url, PORT: '0' } });
  receiver.stdout.on('data', (chunk: Buffer) => (receiverOutput += chunk.toString('utf8')));
  const port = await eventually(() => /listening on (\d+)/.exec(receiverOutput)?.[1], 'the receiver to listen');

  Object.assign(env, {
    CERTBRIDGE: t.url,
    COORDINATOR_ID: t.coordinator.clientId,
    COORDINATOR_SECRET: t.coordinator.clientSecret,
    OWNER_ID: t.issuer.clientId,
    OWNER_SECRET: t.issuer.clientSecret,
    DEPARTMENT: tax.department.code,
    HOLDER: license.holder.code,
    CALLBACK_URL: `http://127.0.0.1:${port}/certbridge/events`,
  });
});

afterAll(async () => {
  receiver?.kill();
  await deliverer?.stop();
  for (const file of scripts) rmSync(file, { force: true });
  if (work) rmSync(work, { recursive: true, force: true });
  await t?.close();
});

describe('docs/integration.md', () => {
  it('has its examples in order, numbered', () => {
    const sh = blocks(doc).filter((b) => b.lang === 'sh' && !b.skip);
    expect(sh.map((b) => b.name)).toEqual(Array.from({ length: sh.length }, (_, i) => String(i + 1)));
    expect(blocks(doc).filter((b) => b.lang !== 'sh').map((b) => b.name)).toEqual(['lookup.ts', 'verify.mjs', 'receiver.mjs']);
  });

  it('runs, block by block, with the outputs the guide describes', async () => {
    for (const block of blocks(doc).filter((b) => b.lang === 'sh' && !b.skip)) {
      outputs.set(block.name, await runShell(block));
      if (block.name === '6') {
        const verified = await run(process.execPath, [program('verify.mjs')], { cwd: work, env: { ...process.env, ...env } });
        expect(verified.status, verified.stderr).toBe(0);
        outputs.set('verify.mjs', verified.stdout);
        // The typed client (@certbridge/client, a workspace of this repository) makes the same lookup.
        const system = JSON.parse(readFileSync(join(work, 'client.json'), 'utf8')) as { clientId: string; clientSecret: string };
        const typed = await run(process.execPath, ['--import', import.meta.resolve('tsx'), program('lookup.ts')], {
          cwd: work,
          env: { ...process.env, ...env, CLIENT_ID: system.clientId, CLIENT_SECRET: system.clientSecret },
        });
        expect(typed.status, typed.stderr).toBe(0);
        outputs.set('lookup.ts', typed.stdout);
      }
      if (block.name === '11') {
        // The receiver of the guide got the event and checked its signature.
        await eventually(() => receiverOutput.includes('verified cn.gov.certbridge.license.amended'), 'the amended event at the receiver');
        await eventually(async () => {
          const rows = await t.platform.store.query("select 1 from outbox where status = 'delivered' and event_type = 'cn.gov.certbridge.license.amended'");
          return rows.rows.length > 0;
        }, 'the delivery to be recorded');
      }
    }

    const holder = env.HOLDER;
    expect(json('1')).toEqual({ clientId: expect.stringMatching(/^cb-/), roles: ['consumer'] });
    expect(Number(/token of (\d+) characters/.exec(outputs.get('2')!)![1])).toBeGreaterThan(100);
    expect(json('3')).toMatchObject({ id: 'business-license', owner: t.issuer.department.code, sharingClass: 'conditional' });
    expect(lines('3')[1]).toBe('tax-administration  税收征管  Tax administration');
    expect(json('4')).toMatchObject({ status: 'submitted', dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(json('5')).toEqual({ status: 'active', grantedFields: ['name', 'registeredCapital'] });
    const looked = json('6');
    expect(looked).toMatchObject({ version: 1, status: 'valid', basis: 'agreement' });
    expect(Object.keys(looked.fields).sort()).toEqual(['name', 'registeredCapital']);
    expect(JSON.parse(outputs.get('verify.mjs')!)).toMatchObject({ holder, fields: looked.fields, identifier: looked.identifier });
    expect(JSON.parse(outputs.get('lookup.ts')!)).toEqual({ accessId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'valid', fields: looked.fields });
    expect(json('7')).toEqual({ status: 403, code: 'no-agreement', resourceId: 'business-license', purpose: 'credit-supervision' });
    expect(json('8')).toEqual({ found: 1, notFound: 1, invalid: 1, forbidden: 0 });
    expect(json('8', 1).map((r: { result: string }) => r.result)).toEqual(['found', 'not-found', 'invalid']);
    expect(json('9')).toEqual({ valid: true, status: 'valid', fields: { ...looked.fields, legalRepresentative: null } });
    expect(json('10')).toEqual({ status: 'active', resourceId: 'business-license', holders: [holder], fields: ['name', 'registeredCapital'] });
    expect(json('11')).toEqual({ version: 2, status: 'valid' });
    const received = receiverOutput.split('\n').find((l) => l.startsWith('verified cn.gov.certbridge.license.amended'))!;
    expect(JSON.parse(received.split(' ').slice(3).join(' '))).toEqual({ name: looked.fields.name, registeredCapital: '500万元人民币' });
    expect(json('12')).toEqual({ type: 'cn.gov.certbridge.license.amended', status: 'delivered', attempts: 1 });
    expect(json('12', 1)).toEqual({ type: 'cn.gov.certbridge.license.amended', status: 'pending' });
    expect(json('13')).toEqual({ url: env.CALLBACK_URL });
    expect(json('14')).toEqual({ holderCode: holder });
    expect(json('14', 1)).toMatchObject({ status: 'active', purpose: 'bank-account-opening', fields: ['name', 'legalRepresentative'] });
    expect(json('14', 2)).toMatchObject({ basis: 'authorisation', fields: { name: looked.fields.name } });
    expect(Object.keys(json('14', 2).fields).sort()).toEqual(['legalRepresentative', 'name']);
    // The redelivery is deduplicated by the receiver (same CloudEvents id).
    await eventually(async () => {
      const rows = await t.platform.store.query("select 1 from outbox where status = 'pending'");
      return rows.rows.length === 0;
    }, 'the redelivery');
    expect(receiverOutput.split('\n').filter((l) => l.startsWith('verified cn.gov.certbridge.license.amended'))).toHaveLength(1);
  });
});
