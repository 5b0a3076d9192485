/**
 * `certbridge types validate|publish|list` and `certbridge check number` (docs/license-types.md),
 * run as an operator would: the compiled CLI (`npm test` builds dist/ first), on the embedded store's
 * folder or the test's PostgreSQL database.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { numberCheckCharacter, shippedLicenseType } from '../../src/standards/index.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { createTestStore, testStoreKind } from '../support/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'certbridge-types-cli-'));
let env: Record<string, string> = {};
let drop = async () => undefined as void;

function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { CERTBRIDGE_MASTER_KEY: 'ef'.repeat(32), ...env });
}

beforeAll(async () => {
  if (testStoreKind() === 'postgres') {
    const test = await createTestStore();
    await test.store.close();
    drop = test.drop;
    env = { DATABASE_URL: test.url!, CERTBRIDGE_DATA_DIR: join(dir, 'data') };
  } else {
    env = { DATABASE_URL: '', CERTBRIDGE_DATA_DIR: join(dir, 'data') };
  }
});
afterAll(async () => {
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

const food = shippedLicenseType('food-business-license');
const made = (body: string) => body + numberCheckCharacter(food.number!, body);

it('types validate: exit 0 for a valid definition; exit 1 naming every error by its JSON pointer', async () => {
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ ...food.definition, key: 'cli-permit', typeCode: '11100000MB0143028R903' }));
  const valid = await cli(['types', 'validate', good]);
  expect(valid.code).toBe(0);
  expect(valid.stdout).toContain('valid: cli-permit 1.0.0');

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...food.definition, key: 'Bad Key', publicFields: ['nothing'] }));
  const invalid = await cli(['types', 'validate', bad, '--json']);
  expect(invalid.code).toBe(1);
  const report = JSON.parse(invalid.stdout) as { valid: boolean; errors: { pointer: string }[] };
  expect(report.valid).toBe(false);
  expect(report.errors.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/key']));
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{ nope');
  expect((await cli(['types', 'validate', notJson])).code).toBe(1);
});

it('types publish, types list and check number on the store: a published type is served and its numbers checked', async () => {
  const doc = join(dir, 'permit.json');
  writeFileSync(doc, JSON.stringify({ ...food.definition, key: 'cli-food-permit', name: '命令行许可证', typeCode: '11100000MB0143028R904', issuers: [] }));
  // Commands never migrate: the operator makes the schema first.
  const migrated = await cli(['migrate']);
  expect(migrated.code, migrated.stderr).toBe(0);
  const published = await cli(['types', 'publish', doc, '--json']);
  expect(published.code, published.stderr).toBe(0);
  expect(JSON.parse(published.stdout)).toMatchObject({ key: 'cli-food-permit', version: '1.0.0', status: 'published' });
  const again = await cli(['types', 'publish', doc]);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain('published');

  const list = await cli(['types', 'list', '--json']);
  expect(JSON.parse(list.stdout).map((t: { key: string }) => t.key)).toEqual(expect.arrayContaining(['business-license', 'food-business-license', 'cli-food-permit']));

  const number = made('JY1370102000123');
  const ok = await cli(['check', 'number', '--type', 'cli-food-permit', number.toLowerCase()]);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toContain(`valid: ${number}`);
  const wrong = await cli(['check', 'number', '--type', 'food-business-license', `${number.slice(0, 15)}${(Number(number[15]) + 1) % 10}`, '--json']);
  expect(wrong.code).toBe(1);
  expect(JSON.parse(wrong.stdout)).toMatchObject({ valid: false, problems: [{ code: 'check-character', at: 15 }] });
  // A type numbered by its holder's code checks the credit code.
  expect((await cli(['check', 'number', '--type', 'business-license', '91350100M000100Y43'])).code).toBe(0);
  expect((await cli(['check', 'number', '--type', 'no-such-type', 'x'])).code).not.toBe(0);
  // Eight CLI runs, each opening the store: ~50 s on a quiet two-core machine.
}, 180_000);
