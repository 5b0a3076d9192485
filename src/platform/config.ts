/**
 * Every setting of the platform, in one table: its environment variable (and command-line flag),
 * its default, its bounds and what it means. Read and validated once at start (`loadConfig`);
 * nothing else reads the environment. The README's configuration table is generated from this
 * table (`npm run docs:config`), and a test keeps the two the same.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { SigningAlgorithm } from './crypto/keys.ts';

/** A setting that cannot be used as given, with every reason at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

interface Setting<T> {
  /** Environment variables, first found wins. */
  env: readonly string[];
  /** The command-line flag that overrides it, where there is one. */
  flag?: string;
  /** What the README shows as the default. */
  shown: string;
  doc: string;
  /** The value when unset (given the settings read before this one). */
  fallback: (earlier: Record<string, unknown>) => T;
  /** Turns the text into the value; throws a message when it cannot. */
  parse: (text: string) => T;
  /** Group heading in the README. */
  group: string;
}

const integer =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new Error(`must be a whole number, not "${text}"`);
    if (value < min || value > max) throw new Error(`must be between ${min} and ${max}, not ${value}`);
    return value;
  };

const decimal =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`must be a number, not "${text}"`);
    if (value < min || value > max) throw new Error(`must be between ${min} and ${max}, not ${value}`);
    return value;
  };

const oneOf =
  <T extends string>(...values: T[]) =>
  (text: string): T => {
    const found = values.find((v) => v.toLowerCase() === text.trim().toLowerCase());
    if (!found) throw new Error(`must be one of ${values.join(', ')}, not "${text}"`);
    return found;
  };

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const text = (s: string): string => s;
const optionalText = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());

function url(s: string): string {
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    throw new Error(`must be an absolute URL, not "${s}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('must be an http or https URL');
  return s.replace(/\/+$/, '');
}

/** An OpenID Connect issuer: https, or http on a loopback address (a provider on this machine, in tests). */
function oidcIssuer(s: string): string | undefined {
  if (s.trim() === '') return undefined;
  // Kept exactly as given: the provider's metadata must name the very same issuer (a trailing slash counts).
  const value = s.trim();
  url(value);
  const parsed = new URL(value);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (parsed.protocol !== 'https:' && !loopback) throw new Error('must be an https URL (http only on a loopback address)');
  if (parsed.search || parsed.hash) throw new Error('must have no query or fragment');
  return value;
}

function databaseUrl(s: string): string | undefined {
  if (s.trim() === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(s)) throw new Error('must be a postgres:// URL');
  return s;
}

function masterKey(s: string): string | undefined {
  if (s === '') return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(s)) throw new Error('must be 64 hexadecimal characters');
  return s;
}

/** Host patterns (`hooks.example.gov.cn`, `*.example.gov.cn`) and CIDRs (`10.1.0.0/16`, `::1/128`). */
function allowList(s: string): string[] {
  const entries = list(s);
  for (const entry of entries) {
    if (entry.includes('/')) {
      const [address, bits] = entry.split('/');
      const family = isIP(address);
      const max = family === 6 ? 128 : 32;
      if (!family || !/^\d+$/.test(bits) || Number(bits) > max) throw new Error(`"${entry}" is not a CIDR (address/bits)`);
    } else if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry) && !isIP(entry)) {
      throw new Error(`"${entry}" is neither a host name, a *.domain pattern, an address nor a CIDR`);
    }
  }
  return entries;
}

function origins(s: string): string[] {
  const entries = list(s);
  for (const entry of entries) {
    if (entry === '*') throw new Error('"*" is not accepted: name each origin (credentials are never shared with any origin)');
    url(entry);
  }
  return entries.map((e) => e.replace(/\/+$/, ''));
}

function setting<T>(s: Omit<Setting<T>, 'env'> & { env: string | readonly string[] }): Setting<T> {
  return { ...s, env: typeof s.env === 'string' ? [s.env] : s.env };
}

const SERVER = 'Server and store';
const SECURITY = 'Security';
const PEOPLE = 'People: sign-in, sessions, OpenID Connect';
const SHARING = 'Sharing and exchange';
const DELIVERY = 'Event deliveries (subscriptions, webhooks)';
const AUDIT = 'Audit log';

function provinceName(v: string): string {
  const name = v.trim();
  if (name === '' || name.length > 40) throw new Error(`must be 1 to 40 characters, not "${v}"`);
  return name;
}

export const SETTINGS = {
  dataDir: setting({
    group: SERVER,
    env: 'CERTBRIDGE_DATA_DIR',
    flag: '--data-dir',
    shown: '`./data`',
    doc: 'folder of the embedded store and of `master.key`; locked by the process that opens it',
    fallback: () => resolve('data'),
    parse: (s) => resolve(s),
  }),
  databaseUrl: setting<string | undefined>({
    group: SERVER,
    env: 'DATABASE_URL',
    flag: '--database-url',
    shown: 'unset',
    doc: 'use this PostgreSQL (≥ 15) instead of the embedded store',
    fallback: () => undefined,
    parse: databaseUrl,
  }),
  databasePoolSize: setting({
    group: SERVER,
    env: 'CERTBRIDGE_DB_POOL_SIZE',
    shown: '`10`',
    doc: 'connections the server keeps to PostgreSQL (the access recorder has its own, see `CERTBRIDGE_ACCESS_FLUSHES`)',
    fallback: () => 10,
    parse: integer(1, 200),
  }),
  port: setting({
    group: SERVER,
    env: ['PORT', 'CERTBRIDGE_PORT'],
    flag: '--port',
    shown: '`3000`',
    doc: 'HTTP port',
    fallback: () => 3000,
    parse: integer(0, 65535),
  }),
  host: setting({
    group: SERVER,
    env: 'CERTBRIDGE_HOST',
    flag: '--host',
    shown: '`127.0.0.1`',
    doc: 'listen address (`0.0.0.0` for every interface)',
    fallback: () => '127.0.0.1',
    parse: text,
  }),
  publicUrl: setting({
    group: SERVER,
    env: 'CERTBRIDGE_PUBLIC_URL',
    shown: '`http://localhost:<port>`',
    doc: 'the address credentials, QR codes and links point at; set it to the address phones and other departments reach',
    fallback: (earlier) => `http://localhost:${String(earlier.port)}`,
    parse: url,
  }),
  logLevel: setting({
    group: SERVER,
    env: 'CERTBRIDGE_LOG_LEVEL',
    shown: '`info`',
    doc: '`fatal`, `error`, `warn`, `info`, `debug` (one line per request), `trace` or `silent`; credentials are redacted',
    fallback: () => 'info' as const,
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  }),
  masterKey: setting<string | undefined>({
    group: SECURITY,
    env: 'CERTBRIDGE_MASTER_KEY',
    shown: 'file',
    doc: '64 hex chars; seals the signing keys at rest (else read from CERTBRIDGE_MASTER_KEY_FILE)',
    fallback: () => undefined,
    parse: masterKey,
  }),
  masterKeyFile: setting<string | undefined>({
    group: SECURITY,
    env: 'CERTBRIDGE_MASTER_KEY_FILE',
    shown: '`<data-dir>/master.key`',
    doc: 'file holding the master key (64 hex chars), best outside the data folder so that its backups do not carry it; created on the first start of an empty store, never beside sealed keys',
    fallback: () => undefined,
    parse: (s) => (s.trim() === '' ? undefined : resolve(s.trim())),
  }),
  signingAlgorithm: setting<SigningAlgorithm>({
    group: SECURITY,
    env: 'CERTBRIDGE_SIGNING_ALG',
    shown: '`EdDSA`',
    doc: '`EdDSA` (Ed25519) or `SM2` (GB/T 32918 with SM3) for new license keys',
    fallback: () => 'EdDSA',
    parse: oneOf<SigningAlgorithm>('EdDSA', 'SM2'),
  }),
  tokenTtlSeconds: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_TOKEN_TTL',
    shown: '`300`',
    doc: 'lifetime of access tokens, seconds',
    fallback: () => 300,
    parse: integer(30, 86_400),
  }),
  trustProxy: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_TRUST_PROXY',
    shown: 'unset',
    doc: 'addresses or CIDRs of reverse proxies whose `X-Forwarded-For` names the client (for rate limits and logs) and whose `X-Forwarded-Proto` says the browser came over TLS (session cookies are then `Secure`); unset trusts none',
    fallback: () => [] as string[],
    parse: allowList,
  }),
  metricsToken: setting<string | undefined>({
    group: SECURITY,
    env: 'CERTBRIDGE_METRICS_TOKEN',
    shown: 'unset',
    doc: 'bearer token that lets a scraper read `/metrics` from another machine (at least 32 characters); unset, `/metrics` answers only direct loopback requests',
    fallback: () => undefined,
    parse: (s) => {
      if (s.trim().length < 32) throw new Error('must be at least 32 characters');
      return s.trim();
    },
  }),
  corsOrigins: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_CORS_ORIGINS',
    shown: 'unset (off)',
    doc: 'comma-separated origins (`https://portal.example.gov.cn`) whose pages may call the API from a browser; unset allows none',
    fallback: () => [] as string[],
    parse: origins,
  }),
  callbackAllow: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_CALLBACK_ALLOW',
    shown: 'unset (public addresses only)',
    doc: 'where subscriptions and webhooks may deliver besides public addresses: host names, `*.domain` patterns and CIDRs, comma-separated (e.g. `*.zwww.sd.gov.cn,10.20.0.0/16`); checked on the resolved address at every send ([docs/security.md](docs/security.md))',
    fallback: () => [] as string[],
    parse: allowList,
  }),
  signInMaxFailures: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_SIGNIN_MAX_FAILURES',
    shown: '`10`',
    doc: "failed sign-ins of a person's or holder's account in a row before each further attempt must wait (systems' client ids are limited per address only)",
    fallback: () => 10,
    parse: integer(1, 1000),
  }),
  signInDelaySeconds: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_SIGNIN_DELAY_SECONDS',
    shown: '`1`',
    doc: 'the first such wait, seconds; it doubles with each further failure (never for the addresses the account last signed in from)',
    fallback: () => 1,
    parse: integer(1, 3600),
  }),
  signInMaxDelaySeconds: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_SIGNIN_MAX_DELAY_SECONDS',
    shown: '`300`',
    doc: 'the longest wait between attempts on one account, seconds (a slowing, never a lock-out)',
    fallback: () => 300,
    parse: integer(1, 86_400),
  }),
  signInAddressFailures: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_SIGNIN_ADDRESS_FAILURES',
    shown: '`30`',
    doc: "failed sign-ins from one client address (an IPv6 one by its /64) per 10 minutes before that address must wait; people's and systems' failures counted apart",
    fallback: () => 30,
    parse: integer(1, 100_000),
  }),
  redisUrl: setting<string | undefined>({
    group: SECURITY,
    env: 'CERTBRIDGE_REDIS_URL',
    shown: 'unset',
    doc: 'a Redis (`redis://host:6379/0`) through which every server process counts the per-address request limits together (public verification, number checks); unset, each process counts its own. Failed sign-ins are counted in the database, shared by every process either way. If Redis is unreachable the limits are not applied rather than requests refused',
    fallback: () => undefined,
    parse: (s) => {
      const url = new URL(s.trim());
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('must be a redis:// or rediss:// URL');
      return url.toString();
    },
  }),
  verifyRatePerMinute: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_VERIFY_RATE',
    shown: '`120`',
    doc: 'public verifications per client address per minute (`GET` and `POST /api/v1/verify…`)',
    fallback: () => 120,
    parse: integer(1, 1_000_000),
  }),
  qualityReportsPerHour: setting({
    group: SECURITY,
    env: 'CERTBRIDGE_QUALITY_REPORTS_PER_HOUR',
    shown: '`300`',
    doc: 'consistency reports (`POST /api/v1/quality/reports`) one department may send per hour, counted over all the platform’s processes',
    fallback: () => 300,
    parse: integer(1, 1_000_000),
  }),
  sessionIdleMinutes: setting({
    group: PEOPLE,
    env: 'CERTBRIDGE_SESSION_IDLE_MINUTES',
    shown: '`30`',
    doc: 'a signed-in session (the console) ends after this many minutes without a request ([docs/people.md](docs/people.md))',
    fallback: () => 30,
    parse: integer(1, 1440),
  }),
  sessionMaxHours: setting({
    group: PEOPLE,
    env: 'CERTBRIDGE_SESSION_MAX_HOURS',
    shown: '`12`',
    doc: 'and after this many hours whatever happens (sign in again)',
    fallback: () => 12,
    parse: integer(1, 720),
  }),
  oidcIssuer: setting<string | undefined>({
    group: PEOPLE,
    env: 'CERTBRIDGE_OIDC_ISSUER',
    shown: 'unset (off)',
    doc: "issuer URL of an OpenID Connect provider (a province's unified identity service, 统一身份认证) staff may sign in with; `https`, or `http` on a loopback address only",
    fallback: () => undefined,
    parse: oidcIssuer,
  }),
  oidcClientId: setting<string | undefined>({
    group: PEOPLE,
    env: 'CERTBRIDGE_OIDC_CLIENT_ID',
    shown: 'unset',
    doc: 'the client id CertBridge is registered under at that provider (required with the issuer)',
    fallback: () => undefined,
    parse: optionalText,
  }),
  oidcClientSecret: setting<string | undefined>({
    group: PEOPLE,
    env: 'CERTBRIDGE_OIDC_CLIENT_SECRET',
    shown: 'unset',
    doc: 'its client secret (`client_secret_basic`); unset for a public client (PKCE only)',
    fallback: () => undefined,
    parse: optionalText,
  }),
  oidcRedirectUrl: setting<string | undefined>({
    group: PEOPLE,
    env: 'CERTBRIDGE_OIDC_REDIRECT_URL',
    shown: '`<public URL>/api/v1/session/oidc/callback`',
    doc: 'the redirect URI registered at the provider',
    fallback: () => undefined,
    parse: url,
  }),
  oidcUsernameClaim: setting({
    group: PEOPLE,
    env: 'CERTBRIDGE_OIDC_USERNAME_CLAIM',
    shown: '`preferred_username`',
    doc: "the ID token (or UserInfo) claim whose value is the staff account's username; an unknown value signs no one in (no account is created)",
    fallback: () => 'preferred_username',
    parse: (s) => {
      if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(s.trim())) throw new Error('must be a claim name (letters, digits, _ . : -)');
      return s.trim();
    },
  }),
  oidcLabel: setting<string | undefined>({
    group: PEOPLE,
    env: 'CERTBRIDGE_OIDC_LABEL',
    shown: 'unset',
    doc: 'what the sign-in page calls that provider (e.g. `山东省统一身份认证`)',
    fallback: () => undefined,
    parse: optionalText,
  }),
  holidaysFile: setting<string | undefined>({
    group: SHARING,
    env: 'CERTBRIDGE_HOLIDAYS',
    shown: 'built-in',
    doc: 'a JSON file of public holidays and worked weekend days (调休) for the working-day deadlines; its years replace or add to the built-in calendar ([docs/sharing.md](docs/sharing.md))',
    fallback: () => undefined,
    parse: optionalText,
  }),
  responseWorkingDays: setting({
    group: SHARING,
    env: 'CERTBRIDGE_RESPONSE_WORKING_DAYS',
    shown: '`10`',
    doc: 'working days a provider has to answer a sharing request',
    fallback: () => 10,
    parse: integer(1, 250),
  }),
  objectionWorkingDays: setting({
    group: SHARING,
    env: 'CERTBRIDGE_OBJECTION_WORKING_DAYS',
    shown: '`5`',
    doc: 'working days an issuer has to answer an objection (数据异议) before it escalates to the coordination office by itself ([docs/objections.md](docs/objections.md))',
    fallback: () => 5,
    parse: integer(1, 250),
  }),
  ledgerClosingDay: setting({
    group: SHARING,
    env: 'CERTBRIDGE_LEDGER_CLOSING_DAY',
    shown: '`10`',
    doc: 'the day of the month (China time) through which the previous month stays open to ledger corrections; after it only the current month is ([docs/ledger.md](docs/ledger.md))',
    fallback: () => 10,
    parse: integer(1, 28),
  }),
  provinceName: setting({
    group: SHARING,
    env: 'CERTBRIDGE_PROVINCE_NAME',
    shown: '`S省`',
    doc: 'the name of the province the platform serves, as the monthly reports title it ([docs/evaluation.md](docs/evaluation.md)); the demo (`serve --demo`) says `山东省` unless set',
    fallback: () => 'S省',
    parse: provinceName,
  }),
  provinceNameEn: setting({
    group: SHARING,
    env: 'CERTBRIDGE_PROVINCE_NAME_EN',
    shown: '`Province S`',
    doc: 'the same name in English, for the reports asked for in English (`lang=en`); the demo says `Shandong Province` unless set',
    fallback: () => 'Province S',
    parse: provinceName,
  }),
  agreementSweepSeconds: setting({
    group: SHARING,
    env: 'CERTBRIDGE_AGREEMENT_SWEEP_SECONDS',
    shown: '`300`',
    doc: 'how often overdue requests are escalated and ended agreements expired',
    fallback: () => 300,
    parse: integer(1, 86_400),
  }),
  accessFlushes: setting({
    group: SHARING,
    env: 'CERTBRIDGE_ACCESS_FLUSHES',
    shown: '`3`',
    doc: 'access-record group commits in flight at once (each on its own connection, writing its own quota-counter shard)',
    fallback: () => 3,
    parse: integer(1, 64),
  }),
  accessBatch: setting({
    group: SHARING,
    env: 'CERTBRIDGE_ACCESS_BATCH',
    shown: '`1000`',
    doc: 'access records written by one group commit at most',
    fallback: () => 1000,
    parse: integer(1, 10_000),
  }),
  grantCacheMs: setting({
    group: SHARING,
    env: 'CERTBRIDGE_GRANT_CACHE_MS',
    shown: '`1000`',
    doc: 'how long the exchange may reuse an agreement it looked up (emptied at once on any agreement change in the process; the bound for other processes)',
    fallback: () => 1000,
    parse: integer(0, 600_000),
  }),
  licenseCacheEntries: setting({
    group: SHARING,
    env: 'CERTBRIDGE_LICENSE_CACHE',
    shown: '`100000`',
    doc: 'current licenses the exchange keeps in memory (about 2 KB each; forgotten the moment a change to one commits, in every process; 0 reads every lookup from the store)',
    fallback: () => 100_000,
    parse: integer(0, 10_000_000),
  }),
  deliveryBackoffMs: setting({
    group: DELIVERY,
    env: 'CERTBRIDGE_DELIVERY_BACKOFF_MS',
    shown: '`5000`',
    doc: 'first retry delay (doubling, with jitter)',
    fallback: () => 5_000,
    parse: integer(1, 86_400_000),
  }),
  deliveryBackoffMaxMs: setting({
    group: DELIVERY,
    env: 'CERTBRIDGE_DELIVERY_BACKOFF_MAX_MS',
    shown: '`3600000`',
    doc: 'longest retry delay',
    fallback: () => 3_600_000,
    parse: integer(1, 604_800_000),
  }),
  deliveryMaxAttempts: setting({
    group: DELIVERY,
    env: 'CERTBRIDGE_DELIVERY_MAX_ATTEMPTS',
    shown: '`10`',
    doc: 'attempts before a delivery is dead-lettered',
    fallback: () => 10,
    parse: integer(1, 1000),
  }),
  deliveryTimeoutMs: setting({
    group: DELIVERY,
    env: 'CERTBRIDGE_DELIVERY_TIMEOUT_MS',
    shown: '`10000`',
    doc: 'timeout of one delivery request',
    fallback: () => 10_000,
    parse: integer(100, 600_000),
  }),
  deliveryPollMs: setting({
    group: DELIVERY,
    env: 'CERTBRIDGE_DELIVERY_POLL_MS',
    shown: '`1000`',
    doc: 'how often the outbox is polled when idle',
    fallback: () => 1_000,
    parse: integer(10, 600_000),
  }),
  deliveryConcurrency: setting({
    group: DELIVERY,
    env: 'CERTBRIDGE_DELIVERY_CONCURRENCY',
    shown: '`16`',
    doc: 'deliveries sent at once',
    fallback: () => 16,
    parse: integer(1, 1000),
  }),
  auditIntervalMs: setting({
    group: AUDIT,
    env: 'CERTBRIDGE_AUDIT_INTERVAL_MS',
    shown: '`200`',
    doc: 'how often the audit log\'s indexer reads what was appended (postings, oversight counts, a signed tree head)',
    fallback: () => 200,
    parse: integer(10, 600_000),
  }),
  auditTreeHeadSeconds: setting({
    group: AUDIT,
    env: 'CERTBRIDGE_AUDIT_TREE_HEAD_SECONDS',
    shown: '`300`',
    doc: 'the longest time without a freshly signed tree head',
    fallback: () => 300,
    parse: integer(1, 86_400),
  }),
  auditAlertFactor: setting({
    group: AUDIT,
    env: 'CERTBRIDGE_AUDIT_ALERT_FACTOR',
    shown: '`3`',
    doc: "an access alert when a system's day exceeds this factor × its trailing 7-day mean… ([docs/audit.md](docs/audit.md))",
    fallback: () => 3,
    parse: decimal(1, 1000),
  }),
  auditAlertFloor: setting({
    group: AUDIT,
    env: 'CERTBRIDGE_AUDIT_ALERT_FLOOR',
    shown: '`200`',
    doc: '…and this many accesses',
    fallback: () => 200,
    parse: integer(0, 100_000_000),
  }),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never } & {
  /** Whether the public URL was set (QR codes pointing at localhost reach no phone). */
  publicUrlConfigured: boolean;
};

/** Command-line flags (they win over the environment). */
export interface ConfigOverrides {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
}

/**
 * The store's flags of a command, each from its variable when not given: the command line's rule
 * (commander's `.env()`), where a variable that is set counts even empty and is taken unchecked.
 */
export function storeFlagsOf(flags: Pick<ConfigOverrides, 'dataDir' | 'databaseUrl'>, env: NodeJS.ProcessEnv = process.env): Pick<ConfigOverrides, 'dataDir' | 'databaseUrl'> {
  const given = (flag: string | undefined, name: string) => flag ?? (name in env ? env[name] : undefined);
  return { dataDir: given(flags.dataDir, 'CERTBRIDGE_DATA_DIR'), databaseUrl: given(flags.databaseUrl, 'DATABASE_URL') };
}

/** Reads every setting from `env` (and the flags), checks each, and fails with every problem at once. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const config: Partial<Record<keyof Settings, unknown>> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(SETTINGS) as [keyof Settings, Setting<unknown>][]) {
    const override = (overrides as Record<string, unknown>)[key];
    if (override !== undefined) {
      config[key] = key === 'dataDir' ? resolve(String(override)) : override;
      continue;
    }
    const name = s.env.find((n) => env[n] !== undefined && env[n] !== '');
    if (name === undefined) {
      config[key] = s.fallback(config);
      continue;
    }
    try {
      config[key] = s.parse(env[name]!);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}`);
      config[key] = s.fallback(config);
    }
  }
  if (config.oidcIssuer && !config.oidcClientId) problems.push('CERTBRIDGE_OIDC_ISSUER needs CERTBRIDGE_OIDC_CLIENT_ID (the client CertBridge is registered as at the provider)');
  if (problems.length > 0) throw new ConfigError(problems);
  const publicUrlConfigured = overrides.publicUrl !== undefined || SETTINGS.publicUrl.env.some((n) => env[n]);
  return { ...(config as Omit<Config, 'publicUrlConfigured'>), publicUrlConfigured };
}

/** The README's configuration table, generated from SETTINGS (`npm run docs:config`). */
export function configTable(): string {
  const rows: string[] = ['| setting | meaning | default |', '|---|---|---|'];
  let group = '';
  for (const s of Object.values(SETTINGS) as Setting<unknown>[]) {
    if (!s.doc) continue;
    if (s.group !== group) {
      group = s.group;
      rows.push(`| **${group}** | | |`);
    }
    const names = [...(s.flag ? [`\`${s.flag}\``] : []), ...s.env.map((e) => `\`${e}\``)].join(' / ');
    rows.push(`| ${names} | ${s.doc} | ${s.shown} |`);
  }
  return rows.join('\n');
}

/** The master key is missing or is not the one the stored signing keys were sealed with: the server must not start. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/**
 * The key that encrypts signing keys at rest. It never lives in the database: it comes from
 * CERTBRIDGE_MASTER_KEY, or from a file (CERTBRIDGE_MASTER_KEY_FILE, else `<dataDir>/master.key`).
 * A new key is made only for a store that holds no sealed key yet (`sealedKeysExist` false): a
 * key made beside sealed keys could never unseal them, and the next start would fail far from the cause.
 */
export function loadMasterKey(config: Pick<Config, 'dataDir' | 'masterKey' | 'masterKeyFile'>, sealedKeysExist: boolean): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'hex');
  const file = config.masterKeyFile ?? join(config.dataDir, 'master.key');
  if (existsSync(file)) return readKeyFile(file);
  if (sealedKeysExist) {
    throw new MasterKeyError(`the store holds sealed signing keys but no master key was given (no ${file}): set CERTBRIDGE_MASTER_KEY or CERTBRIDGE_MASTER_KEY_FILE to the key they were sealed with`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeyFile(file);
  }
}

function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new MasterKeyError(`${file} does not hold a master key (64 hexadecimal characters)`);
  return Buffer.from(text, 'hex');
}
