import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configTable, loadConfig } from '../../src/platform/config.ts';

describe('configuration', () => {
  it('the README table is the one generated from the settings table (npm run docs:config)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(configTable());
  });

  it('defaults, and every bad value reported at once with its variable', () => {
    const config = loadConfig({}, {});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.publicUrlConfigured).toBe(false);
    expect(config.callbackAllow).toEqual([]);
    expect(loadConfig({}, { CERTBRIDGE_PUBLIC_URL: 'https://zw.example.gov.cn/' }).publicUrl).toBe('https://zw.example.gov.cn');
    let error: unknown;
    try {
      loadConfig({}, { PORT: 'eighty', CERTBRIDGE_TOKEN_TTL: '1e9', CERTBRIDGE_SIGNING_ALG: 'RSA', CERTBRIDGE_CALLBACK_ALLOW: '10.0.0.0/99', CERTBRIDGE_CORS_ORIGINS: '*' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'CERTBRIDGE_TOKEN_TTL', 'CERTBRIDGE_SIGNING_ALG', 'CERTBRIDGE_CALLBACK_ALLOW', 'CERTBRIDGE_CORS_ORIGINS']) expect(problems).toContain(name);
  });

  it('nothing but the configuration module reads the environment', () => {
    const hits = execFileSync('git', ['grep', '-l', 'process\\.env', '--', 'src'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.endsWith('.test.ts'));
    expect(hits).toEqual(['src/platform/config.ts']);
  });
});
