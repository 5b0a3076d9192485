/**
 * The faults of an operator's worst day, each as one function with its size as parameters: the
 * short forms (in `npm test`) and the long forms (`npm run test:faults`) run the same code.
 *
 * - killNine: the server is killed with SIGKILL under issuance load and restarted on the same
 *   store; every license acknowledged with 201 exists and verifies, and the audit log verifies.
 * - postgresRestart: the private PostgreSQL cluster is restarted (`pg_ctl restart -m fast`) under
 *   load, has no free connection slot for a moment, then is stopped for a while with the server
 *   idle: the server never dies, answers 503 `store-unavailable` with Retry-After (never 500)
 *   meanwhile, and is back within about a second of the database (issuance, the exchange,
 *   subscriptions); nothing acknowledged is lost.
 * - webhookDown: a subscription's receiver is down while licenses change; once it is back, every
 *   event arrives, in order per license.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import pg from 'pg';
import { expect } from 'vitest';
import { agreementRequest, businessLicenseResource } from '../agreements/support.ts';
import { freePort, postgresBinDir as postgresBinDirOf } from '../support/pgCluster.ts';
import { licenseRequest } from '../support/platform.ts';
import { startServer, type ServerProcess } from '../support/serverProcess.ts';
import {
  auditVerify,
  call,
  cli,
  checkSurvivors,
  createClientWithCli,
  issueOnce,
  ms,
  newDepartment,
  now,
  MASTER_KEY,
  prepareStore,
  printFigures,
  registerDepartments,
  sleep,
  startLoad,
  tally,
  token,
  type Answer,
  type FaultStore,
  type Issued,
  type StoreKind,
} from './harness.ts';

/** On a failure, what the server logged (its errors carry the stack of any 500) goes to stdout with it. */
function showServerOutput(server: ServerProcess | undefined, error: unknown) {
  if (!server) return;
  process.stdout.write(`\n--- failure: ${(error as Error)?.message?.split('\n')[0]}\n${server.output().slice(-30_000)}\n--- end of server output\n`);
}

/** Fails with the server's output when it died. */
function expectAlive(server: ServerProcess, when: string) {
  expect(server.alive(), `the server died ${when}: ${JSON.stringify(server.exit())}\n${server.output().slice(-20_000)}`).toBe(true);
}

/** The issuer's department (an authorised issuer of the business license) with a system made by `certbridge clients create`. */
async function issuerOn(store: FaultStore) {
  const department = newDepartment('山东省市场监督管理局', 'Shandong AMR');
  await registerDepartments(store, [department], { issuers: [department] });
  return createClientWithCli(store, department, ['issuer']);
}

/** The business license in the catalog (owned by the issuer) and an approved agreement of the consumer for it. */
async function shareBusinessLicense(base: string, issuerToken: string, consumerToken: string) {
  const resource = await call(base, 'POST', '/api/v1/catalog', { token: issuerToken, body: businessLicenseResource() });
  expect(resource.status, JSON.stringify(resource.body)).toBe(201);
  const submitted = await call(base, 'POST', '/api/v1/agreements', { token: consumerToken, body: agreementRequest({ fields: ['name', 'registeredCapital', 'domicile'] }) });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  if (submitted.body.status !== 'active') {
    const approved = await call(base, 'POST', `/api/v1/agreements/${submitted.body.id}/decision`, { token: issuerToken, body: { decision: 'approve', reason: 'ok' } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  }
}

/** Stops the server gracefully and checks it exits 0. */
async function stopGracefully(server: ServerProcess) {
  const exit = await server.kill('SIGTERM', 20_000);
  expect(exit, `the server did not stop cleanly on SIGTERM\n${server.output().slice(-20_000)}`).toEqual({ code: 0, signal: null });
}

// ---------------------------------------------------------------------------------------------

export interface KillNineOptions {
  /** Kill/restart rounds. */
  cycles: number;
  /** Licenses acknowledged in each round before the kill. */
  acknowledgedPerCycle: number;
  concurrency: number;
}

export async function killNine(kind: StoreKind, options: KillNineOptions): Promise<Record<string, unknown>> {
  const store = await prepareStore(kind);
  let server: ServerProcess | undefined;
  let load: ReturnType<typeof startLoad> | undefined;
  try {
    const client = await issuerOn(store);
    server = await startServer({ env: store.env });
    let bearer = await token(server.url, client);
    load = startLoad({ url: () => server!.url, token: () => bearer }, { concurrency: options.concurrency, pauseOnFailureMs: 100 });
    const rounds: { acknowledgedBeforeKill: number; answeredAfterKill: number; restartMs: number; firstIssueAfterLiveMs: number }[] = [];
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      await load.untilAcknowledged(cycle * options.acknowledgedPerCycle, 120_000);
      expectAlive(server, `before kill ${cycle}`);
      const killedAt = now();
      const exit = await server.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      const acknowledgedBeforeKill = load.results.filter((r) => r.status === 201 && r.endedAt <= killedAt).length;
      server = await startServer({ env: store.env });
      const liveAt = now();
      bearer = await token(server.url, client);
      // The load picks the new address up by itself; wait for its first license on the restarted server.
      const seen = load.results.length;
      const deadline = now() + 60_000;
      while (!load.results.slice(seen).some((r) => r.status === 201)) {
        if (now() > deadline) throw new Error(`no license issued within 60 s of the restart: ${JSON.stringify(tally(load.results.slice(seen)))}`);
        await sleep(10);
      }
      const firstAfter = load.results.slice(seen).find((r) => r.status === 201)!;
      rounds.push({
        acknowledgedBeforeKill,
        answeredAfterKill: load.results.filter((r) => r.startedAt < killedAt && r.endedAt > killedAt).length,
        restartMs: Math.round(liveAt - killedAt),
        firstIssueAfterLiveMs: Math.round(firstAfter.endedAt - liveAt),
      });
    }
    await load.stop();
    const results = load.results;
    load = undefined;
    const acknowledged = results.filter((r) => r.status === 201);

    const survival = await checkSurvivors(server.url, bearer, acknowledged);
    expectAlive(server, 'while checking the acknowledged licenses');
    await stopGracefully(server);
    server = undefined;
    const audit = await auditVerify(store);

    const figures = printFigures(`kill -9 under load (${kind} store)`, {
      store: kind === 'embedded' ? `embedded PGlite in a data dir` : `PostgreSQL ${store.cluster!.url('certbridge')} (private cluster)`,
      'kills (SIGKILL)': options.cycles,
      'concurrent issuers': options.concurrency,
      'requests sent': results.length,
      answers: tally(results),
      'acknowledged (201) in all': acknowledged.length,
      'acknowledged before each kill': rounds.map((r) => r.acknowledgedBeforeKill),
      'requests cut off by each kill': rounds.map((r) => r.answeredAfterKill),
      'restart (kill → /health/live)': rounds.map((r) => ms(r.restartMs)),
      'first 201 after /health/live': rounds.map((r) => ms(r.firstIssueAfterLiveMs)),
      'acknowledged and found again': `${survival.checked - survival.missing.length} of ${acknowledged.length}`,
      'acknowledged and verifying valid': `${survival.checked - survival.notValid.length} of ${acknowledged.length}`,
      'audit verify --json': `exit ${audit.code}, ${audit.report?.treeSize} entries in the tree, ${audit.report?.pending} pending, ${audit.report?.treeHeadsChecked} tree heads`,
    });
    // Only two kinds of answer are acceptable: acknowledged, or no answer at all (the server was gone).
    const unexpected = results.filter((r) => r.status !== 201 && r.status !== 0);
    expect(unexpected.map((r) => `${r.status} ${r.code ?? ''}`), 'answers other than 201 or a dropped connection').toEqual([]);
    expect(survival.checked).toBe(acknowledged.length);
    expect(survival.missing, 'acknowledged licenses missing after kill -9').toEqual([]);
    expect(survival.notValid, 'acknowledged licenses that do not verify after kill -9').toEqual([]);
    expect(audit.code, `audit verify failed:\n${audit.raw.stdout}\n${audit.raw.stderr}`).toBe(0);
    expect(audit.report).toMatchObject({ ok: true });
    // Every acknowledged issuance wrote its audit entry in its own transaction.
    expect(audit.report.treeSize + audit.report.pending).toBeGreaterThanOrEqual(acknowledged.length);
    return figures;
  } catch (error) {
    showServerOutput(server, error);
    throw error;
  } finally {
    await load?.stop().catch(() => undefined);
    await server?.kill('SIGKILL');
    await store.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Resolves with the moment (performance.now()) the first connection to a postmaster started after
 * `sinceEpochMs` succeeded: when "the database accepts connections again".
 */
function databaseBack(url: string, sinceEpochMs: number, timeoutMs = 90_000): { promise: Promise<number>; cancel: () => void } {
  let cancelled = false;
  const promise = (async () => {
    const deadline = now() + timeoutMs;
    while (!cancelled) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query<{ started: number }>('select (extract(epoch from pg_postmaster_start_time()) * 1000)::float8 as started');
        const at = now();
        // The old postmaster may still answer before it shuts down: only the new one counts.
        if (rows[0].started >= sinceEpochMs - 5) return at;
      } catch {
        // down, shutting down or starting up
      } finally {
        await client.end().catch(() => undefined);
      }
      if (now() > deadline) throw new Error('the database did not come back');
      await sleep(5);
    }
    return Number.NaN;
  })();
  return { promise, cancel: () => (cancelled = true) };
}

/** Problems with the 503s: each must carry Retry-After and the problem code store-unavailable. */
function badUnavailable(answers: { status: number; code?: string; retryAfter?: string | null }[]) {
  return answers.filter((a) => a.status === 503 && (a.code !== 'store-unavailable' || !a.retryAfter || !(Number(a.retryAfter) > 0)));
}

const asIssued = (a: Answer, holder = ''): Issued => ({
  holder,
  status: a.status,
  code: a.body?.code,
  retryAfter: a.headers.get('retry-after'),
  identifier: a.status === 201 ? a.body.identifier : undefined,
  credential: a.status === 201 ? a.body.credential : undefined,
  error: a.error,
  startedAt: a.startedAt,
  endedAt: a.endedAt,
});

export interface PostgresRestartOptions {
  /** `pg_ctl restart -m fast` rounds under load. */
  restarts: number;
  /** Licenses acknowledged before each restart. */
  acknowledgedBeforeRestart: number;
  concurrency: number;
  /** How long the cluster stays stopped with the server idle. */
  stoppedMs: number;
  /** The bound on "first successful request after the database is back". */
  recoveryBoundMs: number;
}

export async function postgresRestart(options: PostgresRestartOptions): Promise<Record<string, unknown>> {
  const store = await prepareStore('postgres', {
    CERTBRIDGE_CALLBACK_ALLOW: '127.0.0.1/32',
    CERTBRIDGE_DELIVERY_BACKOFF_MS: '50',
    CERTBRIDGE_DELIVERY_BACKOFF_MAX_MS: '400',
    CERTBRIDGE_DELIVERY_POLL_MS: '50',
  }, { max_connections: 40 });
  const cluster = store.cluster!;
  let server: ServerProcess | undefined;
  let load: ReturnType<typeof startLoad> | undefined;
  try {
    const client = await issuerOn(store);
    // A consumer with an agreement, whose FIRST exchange lookup comes while the database is stopped.
    const consumerDepartment = newDepartment('国家税务总局山东省税务局', 'Shandong Tax');
    const [consumer] = await registerDepartments(store, [consumerDepartment], { clients: [{ department: consumerDepartment, roles: ['consumer'] }] });
    server = await startServer({ env: store.env });
    const running = server;
    const bearer = await token(server.url, client);
    const consumerToken = await token(server.url, consumer);
    await shareBusinessLicense(running.url, bearer, consumerToken);
    const lookup = (holder: string) =>
      call(running.url, 'GET', `/api/v1/exchange/licenses/${holder}?type=business-license`, { token: consumerToken, headers: { 'x-purpose': 'tax-administration' } });

    // ---- restart under load
    load = startLoad({ url: () => running.url, token: () => bearer }, { concurrency: options.concurrency, pauseOnFailureMs: 10 });
    const restarts: { restartMs: number; recoveryMs: number; answersWhileDown: Record<string, number> }[] = [];
    for (let round = 1; round <= options.restarts; round++) {
      await load.untilAcknowledged(load.acknowledged().length + options.acknowledgedBeforeRestart, 60_000);
      const began = now();
      const back = databaseBack(cluster.url(), Date.now());
      await cluster.restart('fast');
      const restartedAt = now();
      const upAt = await back.promise;
      const deadline = now() + 30_000;
      let first: Issued | undefined;
      while (!(first = load.results.find((r) => r.status === 201 && r.endedAt > upAt))) {
        expectAlive(running, `after restart ${round} of the database`);
        if (now() > deadline) throw new Error(`no license issued within 30 s of the database accepting connections again: ${JSON.stringify(tally(load.results.filter((r) => r.endedAt > began)))}`);
        await sleep(5);
      }
      restarts.push({
        restartMs: Math.round(restartedAt - began),
        recoveryMs: first.endedAt - upAt,
        answersWhileDown: tally(load.results.filter((r) => r.endedAt > began && r.endedAt <= first!.endedAt)),
      });
      expectAlive(running, `after restart ${round} of the database`);
    }
    await load.untilAcknowledged(load.acknowledged().length + 5, 30_000);
    await load.stop();
    const underLoad = load.results;
    load = undefined;
    const someLicense = underLoad.find((r) => r.status === 201)!;

    // ---- no free connection slot ("sorry, too many clients already"), briefly: the server keeps the
    // connections it pooled under load, but any connection it opens now is refused. The first
    // exchange lookup of the server's life comes now (the access recorder opens its own connections
    // on first use), then the slots are freed: the exchange must be back at once.
    const fillers: pg.Client[] = [];
    let exhaustedLookup: Issued | undefined;
    let exhaustedIssue: Issued | undefined;
    try {
      for (;;) {
        const filler = new pg.Client({ connectionString: cluster.url(), connectionTimeoutMillis: 5_000 });
        filler.on('error', () => undefined);
        try {
          await filler.connect();
          fillers.push(filler);
        } catch (error) {
          if ((error as { code?: string }).code === '53300') break;
          throw error;
        }
        if (fillers.length > 100) throw new Error('could not exhaust the connection slots of the private cluster');
      }
      exhaustedLookup = asIssued(await lookup(someLicense.holder));
      const body = licenseRequest();
      exhaustedIssue = asIssued(await call(running.url, 'POST', '/api/v1/licenses', { token: bearer, body }), body.holder.code);
    } finally {
      await Promise.all(fillers.map((f) => f.end().catch(() => undefined)));
    }
    const slotsFreedAt = now();
    const exchangeAfterSlots: Issued[] = [];
    for (;;) {
      const answer = asIssued(await lookup(someLicense.holder));
      exchangeAfterSlots.push(answer);
      if (answer.status === 200 || now() - slotsFreedAt > 10_000) break;
      await sleep(50);
    }
    const firstExchangeAfterSlots = exchangeAfterSlots.find((r) => r.status === 200);

    // ---- stopped for a while, server idle
    const probes: { what: string; answer: Issued }[] = [];
    // Verification may answer from what it holds in memory (200) or 503, never anything else.
    const verifyProbes: { what: string; answer: Issued }[] = [];
    const readyAnswers: Answer[] = [];
    const liveAnswers: Answer[] = [];
    await cluster.stop('fast');
    const stoppedAt = now();
    while (now() - stoppedAt < options.stoppedMs) {
      const body = licenseRequest();
      const [issue, read, signIn, exchange, ready, live, verifyPost, verifyGet] = await Promise.all([
        call(running.url, 'POST', '/api/v1/licenses', { token: bearer, body }),
        call(running.url, 'GET', `/api/v1/licenses/${someLicense.identifier}`, { token: bearer }),
        call(running.url, 'POST', '/oauth/token', {
          body: 'grant_type=client_credentials',
          headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        }),
        lookup(someLicense.holder),
        call(running.url, 'GET', '/health/ready'),
        call(running.url, 'GET', '/health/live'),
        call(running.url, 'POST', '/api/v1/verify', { body: { credential: someLicense.credential } }),
        call(running.url, 'GET', `/api/v1/verify/${someLicense.identifier}`),
      ]);
      probes.push({ what: 'POST /api/v1/licenses', answer: asIssued(issue, body.holder.code) });
      probes.push({ what: 'GET /api/v1/licenses/{id}', answer: asIssued(read) });
      probes.push({ what: 'POST /oauth/token', answer: asIssued(signIn) });
      probes.push({ what: 'GET /api/v1/exchange/licenses/{holder}', answer: asIssued(exchange) });
      verifyProbes.push({ what: 'POST /api/v1/verify', answer: asIssued(verifyPost) }, { what: 'GET /api/v1/verify/{id}', answer: asIssued(verifyGet) });
      readyAnswers.push(ready);
      liveAnswers.push(live);
      await sleep(200);
    }
    expectAlive(running, 'while the database was stopped');
    const back = databaseBack(cluster.url(), Date.now());
    const startBegan = now();
    const recovery: Issued[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const body = licenseRequest();
        const answer = asIssued(await call(running.url, 'POST', '/api/v1/licenses', { token: bearer, body }), body.holder.code);
        recovery.push(answer);
        if (answer.status === 201) return;
        await sleep(10);
      }
    })();
    await cluster.start();
    const startedAt = now();
    const upAt = await back.promise;
    const deadline = now() + 30_000;
    while (!recovery.some((r) => r.status === 201 && r.endedAt > upAt) && now() < deadline) await sleep(5);
    polling = false;
    await poller;
    const firstAfterStart = recovery.find((r) => r.status === 201 && r.endedAt > upAt);
    expectAlive(running, 'after the database came back');
    // The exchange (whose access recorder has connections of its own) must be back too.
    const exchangeAfter: Issued[] = [];
    const acknowledgedAfter: Issued[] = [];
    const exchangeDeadline = now() + 10_000;
    for (;;) {
      const answer = asIssued(await lookup(someLicense.holder));
      exchangeAfter.push(answer);
      if (answer.status === 200 || now() > exchangeDeadline) break;
      await sleep(50);
    }
    const firstExchangeAfterStart = exchangeAfter.find((r) => r.status === 200);
    // Subscriptions too: an event of a license issued now reaches the consumer's receiver (each
    // delivery is recorded as an access by the same recorder as the lookups).
    const receiver = await switchableReceiver();
    let eventAfterMs: number | undefined;
    try {
      const body = licenseRequest();
      const subscribed = await call(running.url, 'POST', '/api/v1/subscriptions', {
        token: consumerToken,
        body: { resourceId: 'business-license', callbackUrl: receiver.url, holders: [body.holder.code] },
      });
      expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
      const issued = await issueOnce(running.url, bearer, body);
      acknowledgedAfter.push({ holder: body.holder.code, status: 201, identifier: issued.identifier, credential: issued.credential, startedAt: now(), endedAt: now() });
      const issuedAt = now();
      while (receiver.accepted.length === 0 && now() - issuedAt < 10_000) await sleep(20);
      if (receiver.accepted.length > 0) eventAfterMs = now() - issuedAt;
    } finally {
      await receiver.down();
    }

    // ---- nothing acknowledged was lost; the audit log is intact (the CLI may share PostgreSQL with the server)
    const acknowledged = [...underLoad, exhaustedIssue!, ...recovery, ...acknowledgedAfter].filter((r) => r.status === 201);
    const survival = await checkSurvivors(running.url, bearer, acknowledged);
    const audit = await auditVerify(store);
    expectAlive(running, 'at the end');
    await stopGracefully(running);
    server = undefined;

    const probesByRoute = Object.fromEntries([...new Set(probes.map((p) => p.what))].map((what) => [what, tally(probes.filter((p) => p.what === what).map((p) => p.answer))]));
    const figures = printFigures('PostgreSQL restart and stop (private cluster)', {
      cluster: cluster.url('certbridge'),
      'restarts (pg_ctl restart -m fast) under load': options.restarts,
      'concurrent issuers': options.concurrency,
      'requests sent under load': underLoad.length,
      'answers under load': tally(underLoad),
      'acknowledged (201) under load': underLoad.filter((r) => r.status === 201).length,
      'pg_ctl restart took': restarts.map((r) => ms(r.restartMs)),
      'answers from restart to recovery': restarts.map((r) => r.answersWhileDown),
      'first 201 after database accepts (restart)': restarts.map((r) => ms(r.recoveryMs)),
      'no free connection slot: exchange lookup': `${exhaustedLookup!.status} ${exhaustedLookup!.code ?? ''}`.trim(),
      'no free connection slot: issuance': `${exhaustedIssue!.status} ${exhaustedIssue!.code ?? ''}`.trim(),
      'exchange lookups after the slots were freed': tally(exchangeAfterSlots),
      'first exchange 200 after the slots were freed': firstExchangeAfterSlots ? ms(firstExchangeAfterSlots.endedAt - slotsFreedAt) : 'none within 10 s',
      'stopped with the server idle for': ms(options.stoppedMs),
      'answers while stopped': probesByRoute,
      'verification while stopped': Object.fromEntries([...new Set(verifyProbes.map((p) => p.what))].map((what) => [what, tally(verifyProbes.filter((p) => p.what === what).map((p) => p.answer))])),
      '/health/ready while stopped': tally(readyAnswers.map((a) => ({ status: a.status, code: a.body?.code, error: a.error }))),
      '/health/live while stopped': tally(liveAnswers.map((a) => ({ status: a.status, error: a.error }))),
      'pg_ctl start took': ms(startedAt - startBegan),
      'answers while starting': tally(recovery),
      'first 201 after database accepts (start)': firstAfterStart ? ms(firstAfterStart.endedAt - upAt) : 'none within 30 s',
      'exchange lookups after the start': tally(exchangeAfter),
      'first exchange 200 after database accepts': firstExchangeAfterStart ? ms(firstExchangeAfterStart.endedAt - upAt) : 'none within 10 s',
      'subscription event of a license issued then': eventAfterMs === undefined ? 'not delivered within 10 s' : `delivered in ${ms(eventAfterMs)}`,
      'acknowledged and found again': `${survival.checked - survival.missing.length} of ${acknowledged.length}`,
      'acknowledged and verifying valid': `${survival.checked - survival.notValid.length} of ${acknowledged.length}`,
      'audit verify --json': `exit ${audit.code}, ${audit.report?.treeSize} entries in the tree, ${audit.report?.pending} pending, ${audit.report?.treeHeadsChecked} tree heads`,
      'server process': 'never died',
    });

    const everything = [...underLoad, exhaustedLookup!, exhaustedIssue!, ...exchangeAfterSlots, ...probes.map((p) => p.answer), ...recovery, ...exchangeAfter];
    expect(everything.filter((r) => r.status >= 500 && r.status !== 503).map((r) => `${r.status} ${r.code}`), 'never a 5xx other than 503').toEqual([]);
    expect(everything.filter((r) => r.status === 0).map((r) => r.error), 'no dropped connections').toEqual([]);
    expect(
      everything.filter((r) => r.status !== 201 && r.status !== 200 && r.status !== 503).map((r) => `${r.status} ${r.code}`),
      'only 201/200 or 503',
    ).toEqual([]);
    expect(badUnavailable(everything), '503s need Retry-After and code store-unavailable').toEqual([]);
    // While the database was stopped, every route that needs it answered 503.
    for (const p of probes) expect(p.answer.status, `${p.what} while the database was stopped`).toBe(503);
    for (const p of verifyProbes) expect([200, 503], `${p.what} while the database was stopped: ${p.answer.status} ${p.answer.code}`).toContain(p.answer.status);
    expect(badUnavailable(verifyProbes.map((p) => p.answer)), 'verification 503s need Retry-After and code store-unavailable').toEqual([]);
    expect(readyAnswers.every((a) => a.status === 503)).toBe(true);
    expect(liveAnswers.every((a) => a.status === 200)).toBe(true);
    for (const r of restarts) {
      expect(r.answersWhileDown['503 store-unavailable'] ?? 0, 'requests during the restart got 503 store-unavailable').toBeGreaterThan(0);
      expect(r.recoveryMs, 'first 201 after the restarted database accepts connections').toBeLessThanOrEqual(options.recoveryBoundMs);
    }
    expect(firstAfterStart, 'a license issued after the database was started again').toBeDefined();
    expect(firstAfterStart!.endedAt - upAt, 'first 201 after the started database accepts connections').toBeLessThanOrEqual(options.recoveryBoundMs);
    expect(survival.checked).toBe(acknowledged.length);
    expect(survival.missing, 'acknowledged licenses missing after the database restart').toEqual([]);
    expect(survival.notValid, 'acknowledged licenses that do not verify after the database restart').toEqual([]);
    expect(audit.code, `audit verify failed:\n${audit.raw.stdout}\n${audit.raw.stderr}`).toBe(0);
    expect(audit.report).toMatchObject({ ok: true });
    expect(audit.report.treeSize + audit.report.pending).toBeGreaterThanOrEqual(acknowledged.length);
    // Last, so that a failure here leaves every check above evaluated.
    expect(
      firstExchangeAfterSlots,
      `an exchange lookup answered 200 once connection slots were free again (answers: ${JSON.stringify(tally(exchangeAfterSlots))}, last: ${JSON.stringify(exchangeAfterSlots.at(-1))})`,
    ).toBeDefined();
    expect(firstExchangeAfterSlots!.endedAt - slotsFreedAt, 'first exchange 200 after the slots were freed').toBeLessThanOrEqual(options.recoveryBoundMs);
    expect(
      firstExchangeAfterStart,
      `an exchange lookup answered 200 after the database was started again (answers: ${JSON.stringify(tally(exchangeAfter))}, last: ${JSON.stringify(exchangeAfter.at(-1))})`,
    ).toBeDefined();
    expect(firstExchangeAfterStart!.endedAt - upAt, 'first exchange 200 after the started database accepts connections').toBeLessThanOrEqual(options.recoveryBoundMs + 1_000);
    expect(eventAfterMs, 'the subscription event of a license issued after the outage was delivered within 10 s').toBeDefined();
    return figures;
  } catch (error) {
    showServerOutput(server, error);
    throw error;
  } finally {
    await load?.stop().catch(() => undefined);
    await server?.kill('SIGKILL');
    await store.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------

const countBy = (values: string[]) => values.reduce<Record<string, number>>((counts, v) => ({ ...counts, [v]: (counts[v] ?? 0) + 1 }), {});

interface Delivery {
  id: string;
  type: string;
  holderCode: string;
  version: number;
}

/** A CloudEvents receiver on a fixed 127.0.0.1 port that can be taken down and brought back. */
async function switchableReceiver() {
  const port = await freePort();
  const accepted: Delivery[] = [];
  let requests = 0;
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const up = async () => {
    const http = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        try {
          const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          accepted.push({ id: event.id, type: String(event.type).replace('cn.gov.certbridge.license.', ''), holderCode: event.data?.holderCode, version: event.data?.version });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    http.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => resolve());
    });
    server = http;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  // Makes sure nothing listens while down (a refused connection, as when the receiver's host is down).
  const refused = () =>
    new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  await up();
  return { url: `http://127.0.0.1:${port}/events`, accepted, requests: () => requests, up, down, refused };
}

export interface WebhookDownOptions {
  /** Licenses changed while the receiver is down (each: issued, amended, suspended, reinstated). */
  licenses: number;
  /** How long the receiver stays down after the last change. */
  downMs: number;
  /** The bound on delivering everything once it is back. */
  drainBoundMs: number;
}

export async function webhookDown(kind: StoreKind, options: WebhookDownOptions): Promise<Record<string, unknown>> {
  const store = await prepareStore(kind, {
    // The platform may refuse loopback callbacks unless allowed.
    CERTBRIDGE_CALLBACK_ALLOW: '127.0.0.1/32',
    CERTBRIDGE_DELIVERY_BACKOFF_MS: '50',
    CERTBRIDGE_DELIVERY_BACKOFF_MAX_MS: '400',
    CERTBRIDGE_DELIVERY_POLL_MS: '50',
    CERTBRIDGE_DELIVERY_MAX_ATTEMPTS: '1000',
    CERTBRIDGE_DELIVERY_TIMEOUT_MS: '2000',
  });
  let server: ServerProcess | undefined;
  const receiver = await switchableReceiver();
  try {
    const issuerDepartment = newDepartment('山东省市场监督管理局', 'Shandong AMR');
    const consumerDepartment = newDepartment('国家税务总局山东省税务局', 'Shandong Tax');
    const [issuer, consumer] = await registerDepartments(store, [issuerDepartment, consumerDepartment], {
      issuers: [issuerDepartment],
      clients: [
        { department: issuerDepartment, roles: ['issuer'] },
        { department: consumerDepartment, roles: ['consumer'] },
      ],
    });
    server = await startServer({ env: store.env });
    const base = server.url;
    const issuerToken = await token(base, issuer);
    const consumerToken = await token(base, consumer);

    // The business license in the catalog, an approved agreement, a subscription to every holder.
    await shareBusinessLicense(base, issuerToken, consumerToken);
    const subscription = await call(base, 'POST', '/api/v1/subscriptions', { token: consumerToken, body: { resourceId: 'business-license', callbackUrl: receiver.url } });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);

    const expected = new Map<string, string[]>();
    const record = (holder: string, type: string) => expected.set(holder, [...(expected.get(holder) ?? []), type]);
    const total = () => [...expected.values()].reduce((n, list) => n + list.length, 0);
    const waitForAll = async (boundMs: number) => {
      const deadline = now() + boundMs;
      while (receiver.accepted.length < total() && now() < deadline) await sleep(10);
      return now();
    };

    // The path works: one license, its event arrives.
    const warm = await issueOnce(base, issuerToken);
    record(warm.holder.code, 'issued');
    await waitForAll(30_000);
    expect(receiver.accepted.length, 'the first event reached the receiver while it was up').toBe(1);

    // The receiver goes down; licenses change meanwhile.
    await receiver.down();
    const downAt = now();
    expect(await receiver.refused(), 'nothing listens on the receiver port while it is down').toBe(true);
    const change = async (identifier: string, action: string, body: Record<string, unknown>) => {
      const answer = await call(base, 'POST', `/api/v1/licenses/${identifier}/${action}`, { token: issuerToken, body });
      expect(answer.status, `${action}: ${JSON.stringify(answer.body)}`).toBe(200);
      return answer.body as { identifier: string };
    };
    const lifecycle = async () => {
      const license = await issueOnce(base, issuerToken);
      const holder = license.holder.code;
      record(holder, 'issued');
      const v2 = await change(license.identifier, 'amend', { data: { domicile: '山东省济南市历下区经十路100号' }, reason: '住所变更' });
      record(holder, 'amended');
      await change(v2.identifier, 'suspend', { reason: '歇业' });
      record(holder, 'suspended');
      await change(v2.identifier, 'reinstate', { reason: '恢复营业' });
      record(holder, 'reinstated');
    };
    const queue = Array.from({ length: options.licenses }, (_, i) => i);
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (queue.shift() !== undefined) await lifecycle();
    }));
    const changedAt = now();
    await sleep(options.downMs);
    const deliveriesWhileDown = await call(base, 'GET', `/api/v1/subscriptions/${subscription.body.id}/deliveries?limit=1000`, { token: consumerToken });
    const pendingWhileDown = Array.isArray(deliveriesWhileDown.body) ? deliveriesWhileDown.body.filter((d: { status: string }) => d.status !== 'delivered') : [];
    const failedAttemptsWhileDown = pendingWhileDown.reduce((n: number, d: { attempts?: number }) => n + (d.attempts ?? 0), 0);
    const deadWhileDown = pendingWhileDown.filter((d: { status: string }) => d.status === 'dead').length;
    expect(receiver.accepted.length, 'nothing can arrive while the receiver is down').toBe(1);

    // Back up: everything arrives.
    await receiver.up();
    const upAt = now();
    const doneAt = await waitForAll(options.drainBoundMs);
    const drainMs = doneAt - upAt;
    const deliveriesAfter = await call(base, 'GET', `/api/v1/subscriptions/${subscription.body.id}/deliveries?limit=1000`, { token: consumerToken });
    expectAlive(server, 'during the deliveries');
    await stopGracefully(server);
    server = undefined;

    const ids = receiver.accepted.map((d) => d.id);
    const received = new Map<string, string[]>();
    for (const d of receiver.accepted) received.set(d.holderCode, [...(received.get(d.holderCode) ?? []), d.type]);
    const outOfOrder = [...expected].filter(([holder, types]) => JSON.stringify(received.get(holder) ?? []) !== JSON.stringify(types));
    const figures = printFigures(`webhook receiver down (${kind} store)`, {
      store: kind === 'embedded' ? 'embedded PGlite in a data dir' : 'PostgreSQL (private cluster)',
      'licenses changed while down': options.licenses,
      'events caused while down': total() - 1,
      'receiver down for': ms(upAt - downAt),
      '…of which after the last change': ms(upAt - changedAt),
      'failed attempts while down (pending rows)': `${failedAttemptsWhileDown} over ${pendingWhileDown.length} pending deliveries, ${deadWhileDown} dead-lettered`,
      'events expected in all': total(),
      'events accepted by the receiver': receiver.accepted.length,
      'duplicates (same event id twice)': ids.length - new Set(ids).size,
      'licenses whose events came out of order or incomplete': outOfOrder.length,
      'all delivered after the receiver came back in': receiver.accepted.length >= total() ? ms(drainMs) : `not within ${ms(options.drainBoundMs)}`,
      'delivery statuses afterwards': Array.isArray(deliveriesAfter.body) ? countBy(deliveriesAfter.body.map((d: { status: string }) => d.status)) : deliveriesAfter.status,
    });
    expect(deadWhileDown, 'nothing dead-lettered while the receiver was down').toBe(0);
    expect(receiver.accepted.length, 'every event arrived once the receiver was back').toBeGreaterThanOrEqual(total());
    expect(ids.length - new Set(ids).size, 'no event accepted twice').toBe(0);
    expect(outOfOrder, 'events of each license arrive complete and in order').toEqual([]);
    expect(drainMs).toBeLessThanOrEqual(options.drainBoundMs);
    return figures;
  } catch (error) {
    showServerOutput(server, error);
    throw error;
  } finally {
    await receiver.down();
    await server?.kill('SIGKILL');
    await store.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Several nodes as one (issue 19, part 4): two servers on one PostgreSQL behind a real HAProxy
 * (Debian's, health-checking `/health/ready` as deploy/haproxy/haproxy.cfg does, retrying a request
 * whose connection failed on the other node); one node killed with SIGKILL under issuance load
 * through the proxy. The other serves on: every license acknowledged with 201 exists and verifies
 * through the proxy, the background jobs the dead node held are taken over (job_leases), the audit
 * log verifies.
 */
export async function nodeKillBehindProxy(options: { acknowledgedBefore: number; acknowledgedAfter: number; concurrency: number }) {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const store = await prepareStore('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-haproxy-drill-'));
  const nodes: ServerProcess[] = [];
  let proxy: ReturnType<typeof spawn> | undefined;
  let load: ReturnType<typeof startLoad> | undefined;
  let proxyOutput = '';
  try {
    const client = await issuerOn(store);
    nodes.push(...(await Promise.all([0, 1].map(() => startServer({ env: store.env, args: ['--migrate'] })))));
    const port = await freePort();
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(
      config,
      [
        'global',
        '    maxconn 2000',
        'defaults',
        '    mode http',
        '    timeout connect 2s',
        '    timeout client 30s',
        '    timeout server 30s',
        '    retries 3',
        // A request whose connection failed goes to the other node: it was never sent. (Not one cut off
        // mid-answer: it may have been committed, and an issuance is not to be sent twice.)
        '    retry-on conn-failure',
        '    option redispatch 1',
        'frontend certbridge',
        `    bind 127.0.0.1:${port}`,
        '    option forwardfor',
        '    default_backend nodes',
        'backend nodes',
        '    balance roundrobin',
        '    option httpchk GET /health/ready',
        '    http-check expect status 200',
        '    default-server inter 500ms fall 2 rise 2',
        ...nodes.map((n, i) => `    server node${i + 1} 127.0.0.1:${n.port} check`),
        '',
      ].join('\n'),
    );
    proxy = spawn('/usr/sbin/haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stdout!.on('data', (c: Buffer) => (proxyOutput += c.toString()));
    proxy.stderr!.on('data', (c: Buffer) => (proxyOutput += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    const bearer = await token(url, client);
    load = startLoad({ url: () => url, token: () => bearer }, { concurrency: options.concurrency, pauseOnFailureMs: 50 });
    await load.untilAcknowledged(options.acknowledgedBefore, 120_000);

    const db = new pg.Client({ connectionString: store.databaseUrl });
    await db.connect();
    const heldBy = async (name: string) => Number((await db.query<{ holder: string }>('select holder from job_leases where name = $1', [name])).rows[0]?.holder.split(':')[1]);
    // Kill the node that holds the quality follower, so the drill sees its work move too.
    const holder = await heldBy('quality.follow-changes');
    const victim = nodes.find((n) => n.pid === holder) ?? nodes[0];
    const survivor = nodes.find((n) => n !== victim)!;
    const killedAt = now();
    await victim.kill('SIGKILL');
    const acknowledgedAtKill = load.acknowledged().length;
    await load.untilAcknowledged(acknowledgedAtKill + options.acknowledgedAfter, 120_000);
    const afterKill = load.results.filter((r) => r.startedAt >= killedAt);
    const firstAfter = afterKill.filter((r) => r.status === 201).map((r) => r.endedAt).sort((a, b) => a - b)[0];
    let takeoverMs = -1;
    const deadline = now() + 30_000;
    while (now() < deadline) {
      if ((await heldBy('quality.follow-changes')) === survivor.pid) {
        takeoverMs = now() - killedAt;
        break;
      }
      await sleep(100);
    }
    await db.end();
    await load.stop();
    const results = load.results;
    load = undefined;
    const acknowledged = results.filter((r) => r.status === 201);
    const survival = await checkSurvivors(url, bearer, acknowledged);
    expect(survivor.alive()).toBe(true);
    await survivor.kill('SIGTERM', 20_000);
    const audit = await auditVerify(store);

    printFigures('a node killed behind HAProxy (PostgreSQL, private cluster)', {
      nodes: 2,
      'concurrent issuers (through the proxy)': options.concurrency,
      'requests sent': results.length,
      answers: tally(results),
      'answers after the kill': tally(afterKill),
      'acknowledged in all': acknowledged.length,
      'first 201 after the kill': firstAfter === undefined ? 'none' : ms(firstAfter - killedAt),
      'quality follower taken over after': takeoverMs < 0 ? 'not within 30 s' : ms(takeoverMs),
      'acknowledged and found again': `${survival.checked - survival.missing.length} of ${acknowledged.length}`,
      'acknowledged and verifying valid': `${survival.checked - survival.notValid.length} of ${acknowledged.length}`,
      'audit verify --json': `exit ${audit.code}, ${audit.report?.treeSize} entries in the tree, ${audit.report?.pending} pending`,
    });
    // What a client may see: its license acknowledged, or a refusal it can retry (the node died mid-request: 502/503 from the proxy).
    const unexpected = results.filter((r) => ![201, 0, 502, 503].includes(r.status));
    expect(unexpected.map((r) => `${r.status} ${r.code ?? ''}`)).toEqual([]);
    expect(survival.missing, 'acknowledged licenses missing after a node died').toEqual([]);
    expect(survival.notValid, 'acknowledged licenses that do not verify after a node died').toEqual([]);
    expect(takeoverMs, 'the surviving node takes the dead one’s background work over').toBeGreaterThan(0);
    expect(audit.code, `audit verify failed:\n${audit.raw.stdout}\n${audit.raw.stderr}`).toBe(0);
  } catch (error) {
    for (const node of nodes) showServerOutput(node, error);
    process.stdout.write(`--- haproxy\n${proxyOutput.slice(-5000)}\n`);
    throw error;
  } finally {
    await load?.stop().catch(() => undefined);
    proxy?.kill('SIGKILL');
    for (const node of nodes) await node.kill('SIGKILL');
    await store.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The pgBackRest drill (issue 19, part 6): a full backup of a private cluster archiving its WAL
 * through pgBackRest (Debian's package), licenses issued before and after a chosen moment, and a
 * point-in-time restore to that moment into a new data folder on a new port. On the restored
 * database a server proves what an operator must know: `audit verify` passes against the tree
 * head exported before the moment, the licenses of before verify, those of after are not there,
 * new issuance works.
 */
export async function pgBackRestDrill() {
  const { execFileSync } = await import('node:child_process');
  const { appendFileSync, chownSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const store = await prepareStore('postgres', {}, { archive_mode: 'on', wal_level: 'replica', max_wal_senders: 2 });
  const cluster = store.cluster!;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const asPostgres = (tool: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', tool, ...args], { cwd: cluster.dir, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const home = join(cluster.dir, 'pgbackrest');
  for (const sub of ['', 'repo', 'log', 'lock']) {
    mkdirSync(join(home, sub), { recursive: true });
    chownSync(join(home, sub), uid, gid);
  }
  const conf = join(home, 'pgbackrest.conf');
  writeFileSync(
    conf,
    [
      '[global]',
      `repo1-path=${join(home, 'repo')}`,
      `log-path=${join(home, 'log')}`,
      `lock-path=${join(home, 'lock')}`,
      'start-fast=y',
      'log-level-console=warn',
      'log-level-file=off',
      '[drill]',
      `pg1-path=${join(cluster.dir, 'data')}`,
      `pg1-port=${cluster.port}`,
      `pg1-socket-path=${cluster.dir}`,
      '',
    ].join('\n'),
  );
  chownSync(conf, uid, gid);
  const backRest = (...args: string[]) => asPostgres('pgbackrest', [`--config=${conf}`, '--stanza=drill', ...args]);
  const restoredData = join(cluster.dir, 'restored');
  const servers: ServerProcess[] = [];
  let restoredUp = false;
  try {
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query(`alter system set archive_command = 'pgbackrest --config=${conf} --stanza=drill archive-push %p'`);
    await admin.query('select pg_reload_conf()');
    backRest('stanza-create');
    backRest('check');
    const client = await issuerOn(store);
    const backupStarted = now();
    backRest('backup', '--type=full');
    const backupMs = now() - backupStarted;

    const server = await startServer({ env: store.env, args: ['--migrate'] });
    servers.push(server);
    const bearer = await token(server.url, client);
    const before = [];
    for (let i = 0; i < 3; i++) before.push(await issueOnce(server.url, bearer));
    // The log is sequenced every 100 ms here: wait for the tree head to cover what was issued, then export it.
    await sleep(1_000);
    const treeHead = join(home, 'tree-head.json');
    const exported = await cli(['audit', 'export-tree-head', '--out', treeHead], store.env);
    expect(exported.code, exported.stderr).toBe(0);
    await sleep(500);
    const target = (await admin.query<{ t: string }>("select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as t")).rows[0].t;
    await sleep(500);
    const after = [];
    for (let i = 0; i < 2; i++) after.push(await issueOnce(server.url, bearer));
    await admin.query('select pg_switch_wal()');
    backRest('check'); // returns once the switched WAL segment is in the archive
    await admin.end();
    await server.kill('SIGTERM', 20_000);
    servers.length = 0;

    // Restore into a new folder, to the moment, and start it beside the original on its own port.
    mkdirSync(restoredData, { mode: 0o700 });
    chownSync(restoredData, uid, gid);
    const restoreStarted = now();
    backRest('restore', `--pg1-path=${restoredData}`, '--type=time', `--target=${target}`, '--target-action=promote');
    const port = await freePort();
    appendFileSync(restoredData + '/postgresql.auto.conf', `\nport = ${port}\narchive_mode = off\n`);
    asPostgres(join(postgresBinDirOf(), 'pg_ctl'), ['-D', restoredData, 'start', '-w', '-t', '120', '-l', join(home, 'restored.log')]);
    restoredUp = true;
    const restoreMs = now() - restoreStarted;
    const restoredUrl = `postgres://postgres@127.0.0.1:${port}/certbridge`;
    const env = { ...store.env, DATABASE_URL: restoredUrl };

    const verified = await cli(['audit', 'verify', '--json', '--from-tree-head', treeHead], env);
    const again = await startServer({ env });
    servers.push(again);
    const verdicts = [];
    for (const issued of before) {
      const verdict = await call(again.url, 'POST', '/api/v1/verify', { body: { credential: issued.credential } });
      verdicts.push(verdict.body?.valid === true);
    }
    const bearerAgain = await token(again.url, client);
    const afterFound = [];
    for (const issued of after) afterFound.push((await call(again.url, 'GET', `/api/v1/licenses/${issued.identifier}`, { token: bearerAgain })).status);
    const fresh = await call(again.url, 'POST', '/api/v1/licenses', { token: bearerAgain, body: licenseRequest() });

    printFigures('pgBackRest full backup + WAL archive, point-in-time restore (private cluster)', {
      pgbackrest: asPostgres('pgbackrest', ['version']).trim(),
      'full backup took': ms(backupMs),
      'restore to the moment and start took': ms(restoreMs),
      'licenses before the moment, verifying after the restore': `${verdicts.filter(Boolean).length} of ${before.length}`,
      'licenses after the moment, answered after the restore': afterFound.join(', '),
      'audit verify --from-tree-head': `exit ${verified.code}`,
      'new issuance on the restored database': fresh.status,
    });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verdicts).toEqual(before.map(() => true));
    expect(afterFound).toEqual(after.map(() => 404));
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
  } catch (error) {
    for (const server of servers) showServerOutput(server, error);
    throw error;
  } finally {
    for (const server of servers) await server.kill('SIGKILL');
    if (restoredUp) {
      try {
        asPostgres(join(postgresBinDirOf(), 'pg_ctl'), ['-D', restoredData, 'stop', '-m', 'immediate', '-w']);
      } catch {
        // already down
      }
    }
    await store.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * PostgreSQL high availability (issue 19, part 5): Patroni (Debian's) with one etcd managing a
 * primary and a synchronous standby in a temporary folder, HAProxy routing to whichever Patroni
 * says is the primary (GET /primary, as deploy/haproxy does: `pg` has no libpq multi-host), a
 * CertBridge node on it under issuance load; the primary (Patroni and its postmaster) killed with
 * SIGKILL. The standby is promoted, the node reconnects by itself, no acknowledged license is
 * lost (synchronous replication), the audit log verifies; the time without writes is measured.
 */
export async function patroniFailover(options: { acknowledgedBefore: number; acknowledgedAfter: number; concurrency: number }) {
  const { spawn, execFileSync } = await import('node:child_process');
  const { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'certbridge-patroni-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const children: ReturnType<typeof spawn>[] = [];
  const logs = new Map<string, string>();
  const run = (name: string, command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    logs.set(name, '');
    const keep = (c: Buffer) => logs.set(name, (logs.get(name)! + c.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    children.push(child);
    return child;
  };
  const [etcdClient, etcdPeer, haPort] = [await freePort(), await freePort(), await freePort()];
  const members = [];
  for (const name of ['pg1', 'pg2']) members.push({ name, port: await freePort(), rest: await freePort(), data: join(dir, name) });
  const restOf = (m: { rest: number }, path: string) => fetch(`http://127.0.0.1:${m.rest}${path}`).then((r) => r.status).catch(() => 0);
  let server: ServerProcess | undefined;
  let load: ReturnType<typeof startLoad> | undefined;
  try {
    run('etcd', '/usr/bin/etcd', [
      '--name=e1', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=e1=http://127.0.0.1:${etcdPeer}`,
    ]);
    const bin = postgresBinDirOf();
    for (const m of members) {
      const file = join(dir, `${m.name}.yml`);
      writeFileSync(
        file,
        [
          'scope: certbridge-drill',
          `name: ${m.name}`,
          `restapi: { listen: '127.0.0.1:${m.rest}', connect_address: '127.0.0.1:${m.rest}' }`,
          `etcd3: { hosts: '127.0.0.1:${etcdClient}' }`,
          'bootstrap:',
          '  dcs:',
          '    ttl: 10',
          '    loop_wait: 2',
          '    retry_timeout: 5',
          '    synchronous_mode: true',
          '    postgresql:',
          '      use_pg_rewind: false',
          "      parameters: { wal_level: replica, max_wal_senders: 5, max_replication_slots: 5, hot_standby: 'on', max_connections: 100 }",
          '  initdb: [{ encoding: UTF8 }, { locale: C }]',
          "  pg_hba: ['host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust', 'local all all trust']",
          'postgresql:',
          `  listen: '127.0.0.1:${m.port}'`,
          `  connect_address: '127.0.0.1:${m.port}'`,
          `  data_dir: '${m.data}'`,
          `  bin_dir: '${bin}'`,
          `  pgpass: '${join(dir, `pgpass-${m.name}`)}'`,
          '  authentication: { superuser: { username: postgres }, replication: { username: postgres } }',
          `  parameters: { unix_socket_directories: '${dir}' }`,
          '',
        ].join('\n'),
      );
      chownSync(file, uid, gid);
      run(m.name, 'runuser', ['-u', 'postgres', '--', '/usr/bin/patroni', file]);
      // The first bootstraps the cluster; the second then clones it as its standby.
      const deadline = now() + 90_000;
      while ((await restOf(m, m === members[0] ? '/primary' : '/sync')) !== 200) {
        if (now() > deadline) throw new Error(`${m.name} did not come up as ${m === members[0] ? 'primary' : 'synchronous standby'}`);
        await sleep(500);
      }
    }
    const haproxyConfig = join(dir, 'haproxy.cfg');
    writeFileSync(
      haproxyConfig,
      [
        'defaults',
        '    mode tcp',
        '    timeout connect 2s',
        '    timeout client 30m',
        '    timeout server 30m',
        'listen postgres_primary',
        `    bind 127.0.0.1:${haPort}`,
        '    option httpchk GET /primary',
        '    http-check expect status 200',
        '    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions',
        ...members.map((m) => `    server ${m.name} 127.0.0.1:${m.port} check port ${m.rest}`),
        '',
      ].join('\n'),
    );
    run('haproxy', '/usr/sbin/haproxy', ['-db', '-f', haproxyConfig]);
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${members[0].port}/postgres` });
    await admin.connect();
    await admin.query('create database certbridge');
    await admin.end();

    const databaseUrl = `postgres://postgres@127.0.0.1:${haPort}/certbridge`;
    const env = { CERTBRIDGE_MASTER_KEY: MASTER_KEY, CERTBRIDGE_DATA_DIR: join(dir, 'node'), CERTBRIDGE_AUDIT_INTERVAL_MS: '100', CERTBRIDGE_VERIFY_RATE: '1000000', DATABASE_URL: databaseUrl };
    const store: FaultStore = { kind: 'postgres', env, databaseUrl, dataDir: join(dir, 'node'), cleanup: async () => undefined };
    server = await startServer({ env, args: ['--migrate'] });
    const client = await issuerOn(store);
    const bearer = await token(server.url, client);
    const running = server;
    load = startLoad({ url: () => running.url, token: () => bearer }, { concurrency: options.concurrency, pauseOnFailureMs: 100 });
    await load.untilAcknowledged(options.acknowledgedBefore, 120_000);

    // Kill the primary: its Patroni first (so nothing restarts it), then its postmaster.
    const primary = members[0];
    const postmaster = Number(readFileSync(join(primary.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const killedAt = now();
    // (runuser's child, not runuser itself: found by its configuration file)
    execFileSync('pkill', ['-9', '-f', `patroni ${join(dir, `${primary.name}.yml`)}`]);
    execFileSync('kill', ['-9', String(postmaster)]);
    const acknowledgedAtKill = load.acknowledged().length;
    const standby = members[1];
    while ((await restOf(standby, '/primary')) !== 200) {
      if (now() - killedAt > 90_000) throw new Error('the standby was not promoted within 90 s');
      await sleep(200);
    }
    const promotedMs = now() - killedAt;
    await load.untilAcknowledged(acknowledgedAtKill + options.acknowledgedAfter, 180_000);
    await load.stop();
    const results = load.results;
    load = undefined;
    const acknowledged = results.filter((r) => r.status === 201);
    const lastBefore = Math.max(...acknowledged.filter((r) => r.endedAt <= killedAt).map((r) => r.endedAt));
    const firstAfter = Math.min(...acknowledged.filter((r) => r.startedAt >= killedAt).map((r) => r.endedAt));
    const survival = await checkSurvivors(server.url, bearer, acknowledged);
    expect(server.alive(), 'the node survives the failover').toBe(true);
    await server.kill('SIGTERM', 20_000);
    server = undefined;
    const audit = await auditVerify(store);

    printFigures('PostgreSQL primary killed under load (Patroni + etcd, synchronous standby, HAProxy on /primary)', {
      patroni: execFileSync('/usr/bin/patroni', ['--version'], { encoding: 'utf8' }).trim(),
      'concurrent issuers': options.concurrency,
      'requests sent': results.length,
      answers: tally(results),
      'acknowledged before the kill': acknowledgedAtKill,
      'standby promoted after': ms(promotedMs),
      'time without writes (last 201 before → first 201 after)': ms(firstAfter - lastBefore),
      'acknowledged and found again': `${survival.checked - survival.missing.length} of ${acknowledged.length}`,
      'acknowledged and verifying valid': `${survival.checked - survival.notValid.length} of ${acknowledged.length}`,
      'audit verify --json': `exit ${audit.code}, ${audit.report?.treeSize} entries in the tree, ${audit.report?.pending} pending`,
    });
    // While there is no primary the node answers 503 store-unavailable (retry) or the request is cut off; never a 500.
    expect(results.filter((r) => ![201, 0, 503].includes(r.status)).map((r) => `${r.status} ${r.code ?? ''}`)).toEqual([]);
    expect(survival.missing, 'acknowledged licenses lost in the failover').toEqual([]);
    expect(survival.notValid).toEqual([]);
    expect(audit.code, `audit verify failed:\n${audit.raw.stdout}\n${audit.raw.stderr}`).toBe(0);
  } catch (error) {
    showServerOutput(server, error);
    for (const [name, log] of logs) process.stdout.write(`--- ${name}\n${log.slice(-4000)}\n`);
    throw error;
  } finally {
    await load?.stop().catch(() => undefined);
    await server?.kill('SIGKILL');
    for (const m of members) {
      try {
        execFileSync('pkill', ['-9', '-f', `patroni ${join(dir, `${m.name}.yml`)}`]);
      } catch {
        // not running
      }
    }
    for (const child of children.reverse()) child.kill('SIGKILL');
    for (const m of members) {
      try {
        process.kill(Number(readFileSync(join(m.data, 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGKILL');
      } catch {
        // not running
      }
    }
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}
