/** `certbridge clients create|disable|enable|rotate-secret`: directly, or through the running server. */
import type { CliOutput } from '../../platform/cliOutput.ts';
import type { Config } from '../../platform/config.ts';
import { callServer, operator, runningServer, withPlatform } from './store.ts';

interface Printed {
  clientId: string;
  departmentCode: string;
  enabled?: boolean;
  clientSecret?: string;
}

function print(out: CliOutput, result: Printed, json: boolean | undefined, what: string): void {
  if (json) {
    out.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines = [`${what}: ${result.clientId} (department ${result.departmentCode})`];
  if (result.clientSecret) lines.push(`client secret: ${result.clientSecret}`, '(the secret is not stored and will not be shown again)');
  out.write(`${lines.join('\n')}\n`);
}

export async function createClientCommand(config: Config, o: { department: string; roles: string; name?: string; json?: boolean }, out: CliOutput, err: CliOutput): Promise<void> {
  const roles = o.roles.split(',').map((r) => r.trim()).filter(Boolean);
  const server = runningServer(config);
  const created = server
    ? await callServer<Printed>(server, 'POST', `/api/v1/departments/${encodeURIComponent(o.department)}/clients`, { roles, ...(o.name ? { name: o.name } : {}) })
    : await withPlatform(config, 'clients create', err, async (platform) => {
        const { createClient } = await import('../../departments/index.ts');
        return createClient(platform, operator(), { departmentCode: o.department, roles, name: o.name });
      });
  if (o.json) out.write(`${JSON.stringify({ clientId: created.clientId, clientSecret: created.clientSecret })}\n`);
  else out.write(`client id:     ${created.clientId}\nclient secret: ${created.clientSecret}\n(the secret is not stored and will not be shown again)\n`);
}

export async function changeClientCommand(config: Config, change: 'disable' | 'enable' | 'rotate-secret', clientId: string, o: { reason?: string; json?: boolean }, out: CliOutput, err: CliOutput): Promise<void> {
  const server = runningServer(config);
  let result: Printed;
  if (server) {
    const { departmentCode } = await callServer<{ departmentCode: string }>(server, 'GET', `/api/v1/clients/${encodeURIComponent(clientId)}`);
    const path = `/api/v1/departments/${encodeURIComponent(departmentCode)}/clients/${encodeURIComponent(clientId)}/${change}`;
    result = await callServer<Printed>(server, 'POST', path, change === 'disable' && o.reason ? { reason: o.reason } : {});
  } else {
    result = await withPlatform(config, `clients ${change}`, err, async (platform) => {
      const departments = await import('../../departments/index.ts');
      const department = await departments.departmentOfClient(platform.store, clientId);
      if (change === 'disable') return departments.disableClient(platform, operator(), department, clientId, o.reason);
      if (change === 'enable') return departments.enableClient(platform, operator(), department, clientId);
      return departments.rotateClientSecret(platform, operator(), department, clientId);
    });
  }
  print(
    out,
    { clientId: result.clientId, departmentCode: result.departmentCode, enabled: result.enabled, ...(result.clientSecret ? { clientSecret: result.clientSecret } : {}) },
    o.json,
    change === 'disable' ? 'disabled' : change === 'enable' ? 'enabled' : 'new secret for',
  );
}
