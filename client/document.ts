/**
 * The platform's OpenAPI document as the server serves it at /docs/json, made without listening:
 * the whole platform on a throwaway embedded store, its routes registered, the document asked for.
 * `servers` is left out (it names where one server runs, not the contract).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPlatform } from '../src/app/platform.ts';
import { buildServer } from '../src/app/server.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openStore } from '../src/platform/store/store.ts';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certbridge-openapi-'));
  const config = loadConfig({ dataDir, port: 0 }, { ...process.env, CERTBRIDGE_MASTER_KEY: '00'.repeat(32), DATABASE_URL: '', CERTBRIDGE_LOG_LEVEL: 'warn' });
  const platform = await openPlatform(config, await openStore({}));
  try {
    const app = await buildServer(platform);
    await app.ready();
    const { servers: _servers, ...document } = app.swagger() as unknown as Record<string, unknown>;
    await app.close();
    return document;
  } finally {
    await platform.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
