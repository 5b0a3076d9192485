/**
 * The example files under deploy/ are checked by the tools that will read them: systemd's own
 * verifier for the service units and timer, HAProxy's configuration check (Debian's haproxy, which
 * .ci/run installs) with a throwaway certificate. A tool that is not on the machine skips its test,
 * saying so in the test's name.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../support/serverProcess.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const SYSTEMD = has('systemd-analyze');
const HAPROXY = has('haproxy') || has('/usr/sbin/haproxy');

it.skipIf(!SYSTEMD)(`systemd-analyze verify accepts every unit under deploy/systemd${SYSTEMD ? '' : ' (skipped: systemd-analyze is not installed)'}`, () => {
  const dir = join(REPO_ROOT, 'deploy', 'systemd');
  const units = readdirSync(dir).filter((f) => /\.(service|timer)$/.test(f));
  expect(units.sort()).toEqual(['certbridge-backup.service', 'certbridge-backup.timer', 'certbridge-migrate.service', 'certbridge.service']);
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...units.map((u) => join(dir, u))], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  // Warnings (an unknown setting, a wrong section) do not fail the verifier: they must not be there either.
  expect(result.stderr.trim()).toBe('');
});

it.skipIf(!HAPROXY)(`haproxy -c accepts deploy/haproxy/haproxy.cfg${HAPROXY ? '' : ' (skipped: haproxy is not installed)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-haproxy-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=certbridge.test'], { stdio: 'ignore' });
    const pem = join(dir, 'tls.pem');
    writeFileSync(pem, execFileSync('cat', [cert, key]));
    const haproxy = has('haproxy') ? 'haproxy' : '/usr/sbin/haproxy';
    const result = spawnSync(haproxy, ['-c', '-f', join(REPO_ROOT, 'deploy', 'haproxy', 'haproxy.cfg')], { encoding: 'utf8', env: { ...process.env, CERTBRIDGE_TLS_CERT: pem } });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/\[WARNING\]|\[ALERT\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
