/**
 * The command line, as a function of its arguments, environment and output streams that returns the
 * exit code: src/app/cli.ts runs it for an operator's process, and the tests run it in their own
 * process (test/support/cli.ts). Each call builds its own program. Each command loads only what it
 * needs (checking a code loads the standards, not the server), so a person pasting codes into a
 * terminal, or a script calling it per row, gets an answer at once.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CliOutput } from '../platform/cliOutput.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import type { StoreFlags } from './commands/store.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface CliIo {
  /** The environment the configuration is read from; the process's when not given. */
  env?: NodeJS.ProcessEnv;
  out: CliOutput;
  err: CliOutput;
}

// The store options' variables are read with the configuration (storeFlagsOf), from io.env; commander's
// `.env()` would read the process's. The help names them as commander does.
const storeOptions = (command: Command) =>
  command
    .addOption(new Option('--data-dir <dir>', 'folder of the embedded store (env: CERTBRIDGE_DATA_DIR)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL connection URL (instead of the embedded store) (env: DATABASE_URL)'));

/** Runs `certbridge <args>` and returns its exit code; a failed command prints `error: …` and exits 2. */
export async function runCommandLine(args: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = commandLine(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help, the version, or a mistake in the arguments: commander has printed it.
    if (error instanceof CommanderError) return error.exitCode;
    const problem = error as { message?: string; field?: string };
    io.err.write(`error: ${problem.message ?? String(error)}${problem.field ? ` (${problem.field})` : ''}\n`);
    return 2;
  }
}

function commandLine(io: CliIo, exit: (code: number) => void): Command {
  const print = (line: string) => io.out.write(`${line}\n`);

  /** The configuration of a command: flags over the environment, validated once. */
  async function configOf(flags: StoreFlags & ConfigOverrides) {
    const { commandConfig } = await import('./commands/store.ts');
    return commandConfig(flags, io.env);
  }

  const program = new Command('certbridge')
    .description('CertBridge: sharing electronic certificates and licenses (电子证照) between departments')
    // Before the subcommands, which inherit both: commander returns instead of exiting the process, and writes to io.
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out.write(text), writeErr: (text) => io.err.write(text) })
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError();

  storeOptions(
    program
      .command('serve')
      .description('start the platform (HTTP API, docs at /docs, health at /health/ready)')
      .option('--port <n>', 'port to listen on', (v) => Number(v))
      .option('--host <host>', 'address to listen on')
      .option('--demo', 'seed the demo province (S Province) when the store is empty')
      .option('--migrate', 'apply pending migrations before serving (default on the embedded store, off on PostgreSQL)')
      .option('--no-migrate', 'refuse to start on a schema with pending migrations'),
  ).action(async (options: StoreFlags & { port?: number; host?: string; demo?: boolean; migrate?: boolean }) => {
    const { serve } = await import('./commands/serve.ts');
    await serve(await configOf(options), options, io.out);
  });

  storeOptions(
    program
      .command('migrate')
      .description('upgrade the schema: apply the pending migrations (one node, once, before the new release serves); commands never migrate')
      .option('--dry-run', 'list the migrations that would be applied, apply none')
      .option('--json', 'print JSON'),
  ).action(async (options: StoreFlags & { dryRun?: boolean; json?: boolean }) => {
    const { migrateCommand } = await import('./commands/migrate.ts');
    await migrateCommand(await configOf(options), options, print);
  });

  storeOptions(
    program
      .command('backup')
      .description('write a consistent copy of the embedded store to a file, also while the server runs (without the master key; PostgreSQL: pg_dump)')
      .requiredOption('--out <file>', 'the file to write (a gzip-compressed tar)'),
  ).action(async (options: StoreFlags & { out: string }) => {
    const { backupCommand } = await import('./commands/backup.ts');
    await backupCommand(await configOf(options), options, print);
  });
  storeOptions(program.command('restore <file>').description('restore a backup into the data folder (--data-dir), which must be new or empty')).action(async (file: string, options: StoreFlags) => {
    const { restoreCommand } = await import('./commands/backup.ts');
    await restoreCommand(await configOf(options), file, print);
  });

  const masterKey = program.command('master-key').description('the key that seals the signing keys at rest');
  storeOptions(
    masterKey
      .command('rotate')
      .description('seal every signing key again under a new master key (every server stopped); the new key is read from the file, or made there')
      .requiredOption('--new-key-file <file>', 'the new master key (64 hex characters), made when the file does not exist'),
  ).action(async (options: StoreFlags & { newKeyFile: string }) => {
    const { rotateMasterKeyCommand } = await import('./commands/masterKey.ts');
    await rotateMasterKeyCommand(await configOf(options), options, print, io.err);
  });

  const departments = program.command('departments').description('the registry of departments');
  storeOptions(departments.command('list').description('list the departments').option('--json', 'print JSON')).action(async (options: StoreFlags & { json?: boolean }) => {
    const { callServer, runningServer, withPlatform } = await import('./commands/store.ts');
    const config = await configOf(options);
    const server = runningServer(config);
    type Listed = { code: string; name: string; nameEn: string };
    const list = server
      ? await callServer<Listed[]>(server, 'GET', '/api/v1/departments')
      : await withPlatform(config, 'departments list', io.err, async (platform) => (await import('../departments/index.ts')).listDepartments(platform.store));
    if (options.json) print(JSON.stringify(list, null, 2));
    else for (const d of list) print(`${d.code}  ${d.name}  (${d.nameEn})`);
  });

  const clients = program.command('clients').description("departments' systems (OAuth clients)");
  storeOptions(
    clients
      .command('create')
      .description('register a system of a department and print its credentials (the secret is shown once)')
      .requiredOption('--department <code>', "the department's credit code")
      .requiredOption('--roles <roles>', 'comma-separated: issuer, consumer, coordinator')
      .option('--name <name>', 'name of the system')
      .option('--json', 'print JSON'),
  ).action(async (options: StoreFlags & { department: string; roles: string; name?: string; json?: boolean }) => {
    const { createClientCommand } = await import('./commands/clients.ts');
    await createClientCommand(await configOf(options), options, io.out, io.err);
  });
  for (const [change, description] of [
    ['disable', 'disable a system: its tokens are refused at once, and it gets no new ones'],
    ['enable', 'enable a disabled system again'],
    ['rotate-secret', 'give a system a new secret (printed once); the old secret and its tokens stop working'],
  ] as const) {
    const command = clients.command(`${change} <clientId>`).description(description).option('--json', 'print JSON');
    if (change === 'disable') command.option('--reason <text>', 'why (kept with the system and in the audit log)');
    storeOptions(command).action(async (clientId: string, options: StoreFlags & { reason?: string; json?: boolean }) => {
      const { changeClientCommand } = await import('./commands/clients.ts');
      await changeClientCommand(await configOf(options), change, clientId, options, io.out, io.err);
    });
  }

  const users = program.command('users').description('staff accounts of departments (people who sign in to the console)');
  storeOptions(
    users
      .command('create')
      .description("open a staff account of a department with a role and print its username and password (the password is shown once)")
      .requiredOption('--department <code>', "the department's credit code (certbridge departments list)")
      .addOption(new Option('--role <role>', 'what the person does').choices(['issuer', 'consumer', 'coordinator']).makeOptionMandatory())
      .option('--name <name>', "the person's name, as the console shows it")
      .option('--username <username>', 'the username (default: generated from the role)')
      .option('--json', 'print {"username","password"} as JSON'),
  ).action(async (options: StoreFlags & { department: string; role: string; name?: string; username?: string; json?: boolean }) => {
    const [{ callServer, operator, runningServer, withPlatform }, { runUsersCreate }] = await Promise.all([import('./commands/store.ts'), import('../people/commands.ts')]);
    const config = await configOf(options);
    const server = runningServer(config);
    await runUsersCreate(options, (input) =>
      server
        ? callServer(server, 'POST', `/api/v1/departments/${encodeURIComponent(input.departmentCode)}/people`, { role: input.role, name: input.name, username: input.username })
        : withPlatform(config, 'users create', io.err, async (platform) => (await import('../people/index.ts')).createPerson(platform, operator(), input)),
      (text) => io.out.write(text),
    );
  });

  const check = program.command('check').description('check codes against their standards (exit 0 valid, 1 invalid)');
  check
    .command('uscc <code>')
    .description('check a unified social credit code (GB 32100-2015)')
    .action(async (code: string) => {
      const { checkUsccCommand } = await import('../standards/commands.ts');
      exit(checkUsccCommand(code, print));
    });
  check
    .command('license-id <identifier>')
    .description('check an e-license identifier (GB/T 36904)')
    .action(async (identifier: string) => {
      const { checkLicenseIdCommand } = await import('../standards/commands.ts');
      exit(checkLicenseIdCommand(identifier, print));
    });

  storeOptions(
    check
      .command('number <number>')
      .description("check a license number against its type's rule (docs/license-types.md); exit 0 valid, 1 invalid")
      .requiredOption('--type <key>', 'the license type (certbridge types list)')
      .option('--json', 'print {"valid","normalised","problems"} as JSON'),
  ).action(async (number: string, options: StoreFlags & { type: string; json?: boolean }) => {
    const [{ callServer, runningServer, withPlatform }, { printNumberCheck }] = await Promise.all([import('./commands/store.ts'), import('../standards/commands.ts')]);
    const config = await configOf(options);
    const server = runningServer(config);
    const path = `/api/v1/license-types/${encodeURIComponent(options.type)}/numbers/${encodeURIComponent(number)}`;
    const result = server
      ? await callServer<import('../standards/index.ts').NumberCheck>(server, 'GET', path)
      : await withPlatform(config, 'check number', io.err, async (platform) => {
          const standards = await import('../standards/index.ts');
          const standard = standards.findLicenseType(platform, options.type);
          if (!standard) throw new Error(`no license type ${options.type} (certbridge types list)`);
          return standards.checkNumberOfType(standard, number);
        });
    exit(printNumberCheck(options.type, number, result, options.json === true, print));
  });

  const types = program.command('types').description('license types as documents (证照类型定义): validate, publish, list');
  types
    .command('validate <file>')
    .description('check a license type definition (JSON) offline; exit 1 listing every error by JSON pointer')
    .option('--json', 'print {"valid","errors"} as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { validateDefinitionFile } = await import('../standards/commands.ts');
      exit(await validateDefinitionFile(file, options.json === true, print));
    });
  storeOptions(
    types
      .command('publish <file>')
      .description('draft and publish a license type definition (as the operator); every running server serves it within a second')
      .option('--json', 'print the published version as JSON'),
  ).action(async (file: string, options: StoreFlags & { json?: boolean }) => {
    const [{ callServer, operator, runningServer, withPlatform }, { readDefinition }] = await Promise.all([import('./commands/store.ts'), import('../standards/commands.ts')]);
    const read = await readDefinition(file);
    if (!read.ok) throw new Error(read.errors[0].message);
    const document = read.document as { key?: unknown; version?: unknown };
    const config = await configOf(options);
    const server = runningServer(config);
    type Published = { key: string; version: string; name: string; status: string };
    const published = server
      ? await callServer<Published>(server, 'POST', '/api/v1/license-types', document).then((draft) =>
          callServer<Published>(server, 'POST', `/api/v1/license-types/${encodeURIComponent(draft.key)}/versions/${encodeURIComponent(draft.version)}/publish`),
        )
      : await withPlatform(config, 'types publish', io.err, async (platform) => {
          const standards = await import('../standards/index.ts');
          const draft = await standards.draftLicenseType(platform, operator(), document);
          return standards.publishLicenseType(platform, operator(), draft.key, draft.version);
        });
    if (options.json) print(JSON.stringify(published, null, 2));
    else print(`published: ${published.key} ${published.version} (${published.name})`);
  });
  storeOptions(types.command('list').description('the license types the platform serves (newest published versions)').option('--json', 'print JSON')).action(
    async (options: StoreFlags & { json?: boolean }) => {
      const { callServer, runningServer, withPlatform } = await import('./commands/store.ts');
      const config = await configOf(options);
      const server = runningServer(config);
      type Listed = { key: string; version: string; name: string; nameEn: string; typeCode: string };
      const list = server
        ? await callServer<Listed[]>(server, 'GET', '/api/v1/license-types')
        : await withPlatform(config, 'types list', io.err, async (platform) =>
            (await import('../standards/index.ts')).licenseTypesOf(platform).map(({ key, version, name, nameEn, typeCode }) => ({ key, version, name, nameEn, typeCode })),
          );
      if (options.json) print(JSON.stringify(list, null, 2));
      else for (const t of list) print(`${t.key}  ${t.version}  ${t.name}  (${t.nameEn})  ${t.typeCode}`);
    },
  );

  storeOptions(
    program
      .command('import <file>')
      .description("issue licenses from a department's CSV, JSON or XML file")
      .requiredOption('--type <type>', 'license type (certbridge types list)')
      .option('--mapping <file>', "JSON file mapping the department's column names and code values onto the standard")
      .option('--accept-legacy-codes', 'accept credit codes that fail only the final check character, with a warning')
      .option('--issuer <code>', 'issuing department (default: the only authorised issuer of the type)')
      .option('--report <file>', 'where rejected rows are written (default: <file>.rejected.csv)')
      .option('--batch-size <n>', 'rows per signed batch', (v) => Number(v), 1000)
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, options) => {
    const [{ withPlatform }, { runImportCommand }] = await Promise.all([import('./commands/store.ts'), import('../licenses/commands.ts')]);
    exit(await withPlatform(await configOf(options), 'import', io.err, async (platform) => runImportCommand(platform, (await import('./commands/store.ts')).operator(), file, options, io.out, io.err)));
  });

  const audit = program.command('audit').description('the tamper-evident log of every access and change (RFC 9162 Merkle tree)');
  storeOptions(
    audit
      .command('verify')
      .description('recompute the log from storage, check every hash and signed tree head; exit 1 naming the first entry that differs')
      .option('--from-tree-head <file>', 'also check the log is consistent with a tree head exported earlier (what a witness does)')
      .option('--json', 'print the report as JSON'),
  ).action(async (options: StoreFlags & { fromTreeHead?: string; json?: boolean }) => {
    const [{ withPlatform }, { runAuditVerify }] = await Promise.all([import('./commands/store.ts'), import('../audit/commands.ts')]);
    exit(await withPlatform(await configOf(options), 'audit verify', io.err, (platform) => runAuditVerify(platform, options, io.out, io.err)));
  });
  storeOptions(audit.command('export-tree-head').description('write the newest signed tree head (with the log key) for a witness').option('--out <file>', 'file to write (default: stdout)')).action(
    async (options: StoreFlags & { out?: string }) => {
      const [{ withPlatform }, { runExportTreeHead }] = await Promise.all([import('./commands/store.ts'), import('../audit/commands.ts')]);
      return withPlatform(await configOf(options), 'audit export-tree-head', io.err, (platform) => runExportTreeHead(platform, options, io.out));
    },
  );
  storeOptions(audit.command('sequence').description('index what was appended to the log and sign a tree head of it now (the server does it continuously)').option('--json', 'print JSON')).action(
    async (options: StoreFlags & { json?: boolean }) => {
      const [{ withPlatform }, { runSequence }] = await Promise.all([import('./commands/store.ts'), import('../audit/commands.ts')]);
      return withPlatform(await configOf(options), 'audit sequence', io.err, (platform) => runSequence(platform, options, io.out));
    },
  );

  const quality = program.command('quality').description('data quality (数据质量): the rules over every license, findings, scores');
  storeOptions(quality.command('run').description('run the quality rules over every license (the server does it once a day and on every change)').option('--json', 'print JSON')).action(
    async (options: StoreFlags & { json?: boolean }) => {
      const [{ operator, withPlatform }, { runQualityPass }] = await Promise.all([import('./commands/store.ts'), import('../quality/commands.ts')]);
      return withPlatform(await configOf(options), 'quality run', io.err, (platform) => runQualityPass(platform, operator(), options, io.out, io.err));
    },
  );

  const ledger = program.command('ledger').description('the compensation ledger (共享补偿): postings of lookups, prices, statements');
  storeOptions(ledger.command('post').description('post the lookups the audit log holds since the last pass (the server does it continuously)').option('--json', 'print JSON')).action(
    async (options: StoreFlags & { json?: boolean }) => {
      const [{ operator, withPlatform }, { runLedgerPost }] = await Promise.all([import('./commands/store.ts'), import('../ledger/commands.ts')]);
      return withPlatform(await configOf(options), 'ledger post', io.err, (platform) => runLedgerPost(platform, operator(), options, io.out));
    },
  );

  const evaluation = program.command('evaluation').description('departmental evaluation (考核): scoreboards per month');
  storeOptions(
    evaluation
      .command('run')
      .description("compute a month's scoreboard now and keep it (the server recomputes the current month hourly)")
      .requiredOption('--month <YYYY-MM>', 'the month (China time)')
      .option('--json', 'print JSON'),
  ).action(async (options: StoreFlags & { month: string; json?: boolean }) => {
    const [{ operator, withPlatform }, { runEvaluation }] = await Promise.all([import('./commands/store.ts'), import('../evaluation/commands.ts')]);
    return withPlatform(await configOf(options), 'evaluation run', io.err, (platform) => runEvaluation(platform, operator(), options, io.out));
  });

  const report = program.command('report').description('monthly reports (月度报告): a department’s or the province’s, as PDF or CSV');
  storeOptions(
    report
      .command('monthly')
      .description('write the monthly report of a department (--department) or of the province to a file')
      .requiredOption('--month <YYYY-MM>', 'the month (China time)')
      .option('--department <code>', "a department's code (default: the province's report)")
      .addOption(new Option('--format <format>', 'pdf or csv').choices(['pdf', 'csv']).default('pdf'))
      .addOption(new Option('--lang <lang>', 'the language of the file: zh (Chinese) or en (English)').choices(['zh', 'en']).default('zh'))
      .requiredOption('--out <file>', 'the file to write'),
  ).action(async (options: StoreFlags & { month: string; department?: string; format: string; lang: string; out: string }) => {
    const [{ downloadFromServer, operator, runningServer, withPlatform }, { monthlyReportPath, runMonthlyReport, writeReportFile }] = await Promise.all([
      import('./commands/store.ts'),
      import('../reports/commands.ts'),
    ]);
    const config = await configOf(options);
    const server = runningServer(config);
    if (server) return writeReportFile(options.out, await downloadFromServer(server, monthlyReportPath(options)), io.out);
    return withPlatform(config, 'report monthly', io.err, (platform) => runMonthlyReport(platform, operator(), options, io.out));
  });

  return program;
}
