import { Command, Option } from 'commander';
import { checkCreditCode, parseLicenseIdentifier } from '../standards/index.ts';
import { createClient, listDepartments } from '../departments/index.ts';
import { demoCredentials, seedDemo } from '../demo/seed.ts';
import { loadConfig, type ConfigOverrides } from '../platform/config.ts';
import type { Platform } from '../platform/platform.ts';
import { openPlatform, startBackgroundWork } from './platform.ts';
import { buildServer } from './server.ts';

/** Options every command takes, so each honours --data-dir, CERTBRIDGE_DATA_DIR and DATABASE_URL alike. */
interface StoreOptions {
  dataDir?: string;
  databaseUrl?: string;
}

const storeOptions = (command: Command) =>
  command
    .addOption(new Option('--data-dir <dir>', 'folder of the embedded store').env('CERTBRIDGE_DATA_DIR'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL connection URL (instead of the embedded store)').env('DATABASE_URL'));

async function withPlatform<T>(options: StoreOptions & ConfigOverrides, work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await openPlatform(loadConfig(options));
  try {
    return await work(platform);
  } finally {
    await platform.store.close();
  }
}

const bar = (fraction: number, width = 30) => `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}]`;

const program = new Command('certbridge')
  .description('CertBridge: sharing electronic certificates and licenses (电子证照) between departments')
  .showHelpAfterError();

storeOptions(
  program
    .command('serve')
    .description('start the platform (HTTP API, docs at /docs)')
    .option('--port <n>', 'port to listen on', (v) => Number(v))
    .option('--host <host>', 'address to listen on')
    .option('--demo', 'seed the demo province (S Province) when the store is empty'),
).action(async (options: StoreOptions & { port?: number; host?: string; demo?: boolean }) => {
  const config = loadConfig(options);
  const store = config.databaseUrl ? `PostgreSQL (${new URL(config.databaseUrl).host})` : `embedded PGlite in ${config.dataDir}`;
  process.stdout.write(`CertBridge: opening the store: ${store}\n`);
  const platform = await openPlatform(config);
  if (options.demo) {
    const tty = process.stdout.isTTY;
    const seeded = await seedDemo(platform, 5000, (done, total) => {
      if (tty) process.stdout.write(`\rseeding the demo province: ${bar(done / total)} ${done}/${total} business licenses${done === total ? '\n' : ''}`);
      else if (done === total || done % 2500 === 0) process.stdout.write(`seeding the demo province: ${done}/${total} business licenses\n`);
    });
    if (!seeded) process.stdout.write('the store already holds data: demo not seeded again\n');
  }
  const app = await buildServer(platform);
  await app.listen({ host: config.host, port: config.port });
  const stopBackgroundWork = startBackgroundWork(platform);
  const base = config.publicUrl;
  process.stdout.write(`\nCertBridge is running at ${base}\n  API docs (OpenAPI 3.1): ${base}/docs\n  public keys: ${base}/.well-known/jwks.json\n`);
  if (options.demo) {
    process.stdout.write('\nDemo clients (client credentials for POST /oauth/token; demo only):\n');
    for (const c of demoCredentials()) {
      process.stdout.write(`  ${c.department} [${c.roles.join(', ')}]\n      client id: ${c.clientId}   client secret: ${c.clientSecret}\n`);
    }
  }
  const stop = async () => {
    await stopBackgroundWork();
    await app.close();
    await platform.store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

const departments = program.command('departments').description('the registry of departments');
storeOptions(departments.command('list').description('list the departments').option('--json', 'print JSON')).action(
  async (options: StoreOptions & { json?: boolean }) =>
    withPlatform(options, async (platform) => {
      const list = await listDepartments(platform.store);
      if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else for (const d of list) process.stdout.write(`${d.code}  ${d.name}  (${d.nameEn})\n`);
    }),
);

const clients = program.command('clients').description("departments' systems (OAuth clients)");
storeOptions(
  clients
    .command('create')
    .description('register a system of a department and print its credentials (the secret is shown once)')
    .requiredOption('--department <code>', "the department's credit code")
    .requiredOption('--roles <roles>', 'comma-separated: issuer, consumer, coordinator')
    .option('--name <name>', 'name of the system')
    .option('--json', 'print JSON'),
).action(async (options: StoreOptions & { department: string; roles: string; name?: string; json?: boolean }) =>
  withPlatform(options, async (platform) => {
    const client = await createClient(platform.store, {
      departmentCode: options.department,
      roles: options.roles.split(',').map((r) => r.trim()).filter(Boolean),
      name: options.name,
    });
    if (options.json) process.stdout.write(`${JSON.stringify({ clientId: client.clientId, clientSecret: client.clientSecret })}\n`);
    else process.stdout.write(`client id:     ${client.clientId}\nclient secret: ${client.clientSecret}\n(the secret is not stored and will not be shown again)\n`);
  }),
);

const check = program.command('check').description('check codes against their standards (exit 0 valid, 1 invalid)');
check
  .command('uscc <code>')
  .description('check a unified social credit code (GB 32100-2015)')
  .action((code: string) => {
    const result = checkCreditCode(code);
    if (result.valid) {
      process.stdout.write(`valid: ${code}\n`);
      return;
    }
    for (const p of result.problems) process.stdout.write(`invalid: ${p.message} (${p.messageZh}) [${p.rule}${p.position ? ` at ${p.position}` : ''}]\n`);
    process.exitCode = 1;
  });
check
  .command('license-id <identifier>')
  .description('check an e-license identifier (GB/T 36904)')
  .action((identifier: string) => {
    const result = parseLicenseIdentifier(identifier);
    if (result.ok) {
      const p = result.parts;
      process.stdout.write(`valid: type ${p.typeCode}, issuer ${p.issuerCode}, serial ${p.serial}, version ${p.version}, check ${p.check}\n`);
      return;
    }
    for (const p of result.problems) process.stdout.write(`invalid: ${p.message} (${p.messageZh}) [${p.rule}]\n`);
    process.exitCode = 1;
  });

storeOptions(
  program
    .command('import <file>')
    .description("issue licenses from a department's CSV, JSON or XML file")
    .requiredOption('--type <type>', 'license type', 'business-license')
    .option('--mapping <file>', "JSON file mapping the department's column names and code values onto the standard")
    .option('--accept-legacy-codes', 'accept credit codes that fail only the final check character, with a warning')
    .option('--issuer <code>', 'issuing department (default: the only department with an issuer system)')
    .option('--report <file>', 'where rejected rows are written (default: <file>.rejected.csv)')
    .option('--batch-size <n>', 'rows per signed batch', (v) => Number(v), 1000)
    .option('--json', 'print the summary as JSON'),
).action(async (file: string, options) => {
  const { runImportCommand } = await import('../licenses/import/command.ts');
  return withPlatform(options, (platform) => runImportCommand(platform, file, options));
});

const audit = program.command('audit').description('the tamper-evident log of every access and change (RFC 9162 Merkle tree)');
storeOptions(
  audit
    .command('verify')
    .description('recompute the log from storage, check every hash and signed tree head; exit 1 naming the first entry that differs')
    .option('--from-tree-head <file>', 'also check the log is consistent with a tree head exported earlier (what a witness does)')
    .option('--json', 'print the report as JSON'),
).action(async (options: StoreOptions & { fromTreeHead?: string; json?: boolean }) => {
  const { runAuditVerify } = await import('../audit/cli.ts');
  return withPlatform(options, (platform) => runAuditVerify(platform, options));
});
storeOptions(audit.command('export-tree-head').description('write the newest signed tree head (with the log key) for a witness').option('--out <file>', 'file to write (default: stdout)')).action(
  async (options: StoreOptions & { out?: string }) => {
    const { runExportTreeHead } = await import('../audit/cli.ts');
    return withPlatform(options, (platform) => runExportTreeHead(platform, options));
  },
);
storeOptions(audit.command('sequence').description('put committed entries into the tree now and sign a tree head (the server does it continuously)').option('--json', 'print JSON')).action(
  async (options: StoreOptions & { json?: boolean }) => {
    const { runSequence } = await import('../audit/cli.ts');
    return withPlatform(options, (platform) => runSequence(platform, options));
  },
);

program.parseAsync(process.argv).catch((error: unknown) => {
  const problem = error as { code?: string; message?: string; field?: string };
  process.stderr.write(`error: ${problem.message ?? String(error)}${problem.field ? ` (${problem.field})` : ''}\n`);
  process.exitCode = 2;
});
