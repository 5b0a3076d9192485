/** `certbridge serve`: the platform's HTTP server with its background work, and the demo when asked. */
import type { CliOutput } from '../../platform/cliOutput.ts';
import type { Config } from '../../platform/config.ts';
import type { Platform } from '../../platform/platform.ts';

const bar = (fraction: number, width = 30) => `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}]`;

async function seedDemoProvince(platform: Platform, out: CliOutput): Promise<void> {
  const { seedDemo } = await import('../../demo/seed.ts');
  const tty = out.isTTY;
  const seeded = await seedDemo(platform, 5000, (done, total) => {
    if (tty) out.write(`\rseeding the demo province: ${bar(done / total)} ${done}/${total} business licenses${done === total ? '\n' : ''}`);
    else if (done === total || done % 2500 === 0) out.write(`seeding the demo province: ${done}/${total} business licenses\n`);
  });
  if (!seeded) out.write('the store already holds data: demo not seeded again\n');
  // The people who sign in to the console (again on a store seeded before the demo had them).
  await (await import('../../demo/accounts.ts')).seedDemoAccounts(platform);
}

/**
 * `migrate`: apply the migrations (default on the embedded store, which one process opens; off on
 * PostgreSQL, where an upgrade is a step of its own, `certbridge migrate`, taken once for all nodes).
 * Runs until SIGINT or SIGTERM, then exits the process: only an operator's own process serves.
 */
export async function serve(configured: Config, options: { demo?: boolean; migrate?: boolean }, out: CliOutput): Promise<void> {
  const config = options.demo ? (await import('../../demo/seed.ts')).withDemoProvince(configured) : configured;
  const [{ openPlatform, startBackgroundWork }, { buildServer }, { openStore }] = await Promise.all([
    import('../platform.ts'),
    import('../server.ts'),
    import('../../platform/store/store.ts'),
  ]);
  const where = config.databaseUrl ? `PostgreSQL (${new URL(config.databaseUrl).host})` : `embedded PGlite in ${config.dataDir}`;
  out.write(`CertBridge: opening the store: ${where}\n`);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, command: 'serve' });
  const migrate = options.migrate ?? !config.databaseUrl;
  // Nodes starting at once on one database take turns to migrate and seed: the first does it, the others wait and find it done.
  const platform = await store
    .exclusive(async () => {
      const opened = await openPlatform(config, { store, command: 'serve', migrate });
      if (options.demo) await seedDemoProvince(opened, out);
      return opened;
    })
    .catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
  const app = await buildServer(platform);
  await app.listen({ host: config.host, port: config.port });
  // The CLI beside this server finds it, and its operator token, in the data folder's lock.
  const lock = platform.store.lock;
  if (lock) platform.tokens.acceptOperatorToken(lock.announceServer(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`));
  const stopBackgroundWork = startBackgroundWork(platform);
  const base = config.publicUrl;
  out.write(`\nCertBridge is running at ${base}\n  API docs (OpenAPI 3.1): ${base}/docs\n  health: ${base}/health/ready\n  public keys: ${base}/.well-known/jwks.json\n`);
  if (!config.publicUrlConfigured) {
    out.write(
      `\nwarning: CERTBRIDGE_PUBLIC_URL is not set: credentials, links and QR codes point at ${base}, which no phone or other department can open.\n` +
        '         Set it to the address they reach, e.g. CERTBRIDGE_PUBLIC_URL=http://192.168.1.20:3000\n',
    );
  }
  if (options.demo) {
    const { demoCredentials } = await import('../../demo/seed.ts');
    out.write('\nDemo clients (client credentials for POST /oauth/token; demo only):\n');
    for (const c of demoCredentials()) {
      out.write(`  ${c.department} [${c.roles.join(', ')}]\n      client id: ${c.clientId}   client secret: ${c.clientSecret}\n`);
    }
    out.write(`\n${(await import('../../demo/accounts.ts')).demoAccountsText(base)}`);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await stopBackgroundWork();
    await platform.store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
