/**
 * Holder-keyed reads of the current license, for the exchange's hot path: one indexed join
 * (licenses (type_key, holder_code) unique → license_versions primary key) per holder, as
 * prepared statements — and, through `currentLicenses(platform)`, from memory when the license was
 * read lately, with the lookups of concurrent requests that miss the memory read together.
 */
import type { Platform } from '../../platform/platform.ts';
import { perPlatform } from '../../platform/platform.ts';
import type { Queryable } from '../../platform/store/store.ts';
import type { LicenseStatus } from '../lifecycle/lifecycle.ts';
import { chinaDate } from '../../platform/chinaTime.ts';


export interface CurrentLicense {
  holderCode: string;
  identifier: string;
  version: number;
  /** The effective status: a valid license whose term has ended reads as expired even before the expiry job ran. */
  status: LicenseStatus;
  issuerCode: string;
  typeKey: string;
  /** The SD-JWT VC of the current version, with every disclosure (never sent as is). */
  credential: string;
}

interface Row {
  holder_code: string;
  identifier: string;
  current_version: number;
  status: LicenseStatus;
  issuer_code: string;
  valid_until: string | null;
  credential: string;
}

const SELECT = `select l.holder_code, v.identifier, l.current_version, l.status, l.issuer_code, l.valid_until, v.credential
  from licenses l join license_versions v on v.license_id = l.id and v.version = l.current_version`;

// Prepared statements on PostgreSQL: planning costs several times what running this lookup does.
const ONE = `${SELECT} where l.type_key = $1 and l.holder_code = $2`;
const MANY = `${SELECT} where l.type_key = $1 and l.holder_code = any($2::text[])`;

function toLicense(row: Row, typeKey: string, today: string): CurrentLicense {
  const ended = row.valid_until !== null && row.valid_until < today;
  const status: LicenseStatus = ended && (row.status === 'valid' || row.status === 'suspended') ? 'expired' : row.status;
  return {
    holderCode: row.holder_code,
    identifier: row.identifier,
    version: row.current_version,
    status,
    issuerCode: row.issuer_code,
    typeKey,
    credential: row.credential,
  };
}

/**
 * Announced on the change feed, after commit, whenever a license's current version or status
 * changes: `<type>|<holder code>`, or `*` for many at once.
 */
export const CURRENT_LICENSE_CHANGES = 'licenses.current';

/** How long a remembered license may be served without a change heard: a bound in case an announcement is lost. */
const MAX_AGE_MS = 60_000;
/** Holders per coalesced read (the statement's array). */
const MAX_COALESCED = 500;

interface Remembered {
  row: Row;
  at: number;
}

interface Waiter {
  resolve: (license: CurrentLicense | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * The current licenses that the exchange serves. A license read lately is answered from memory
 * (at most `maxEntries`, least recently read forgotten first); the change feed makes every
 * process forget a license the moment a change to it commits, and a read that raced a change is
 * not remembered. The others are read together: the lookups that miss in one turn of the event
 * loop become one statement per license type, not one each. Holders without a license are not
 * remembered (a new license needs no announcement).
 */
export class CurrentLicenseReader {
  readonly stats = { hits: 0, misses: 0, reads: 0 };
  private readonly remembered = new Map<string, Remembered>();
  private pending = new Map<string, Map<string, Waiter[]>>();
  private scheduled = false;
  private generation = 0;

  constructor(
    private readonly db: Queryable,
    private readonly maxEntries: number,
  ) {}

  /** A change committed: `*` forgets everything, `<type>|<holder>` that license. */
  forget(subject: string): void {
    this.generation++;
    if (subject === '*') this.remembered.clear();
    else this.remembered.delete(subject);
  }

  /** The holder's current license of the type, or undefined. */
  find(typeKey: string, holderCode: string): Promise<CurrentLicense | undefined> {
    const known = this.recall(typeKey, holderCode);
    if (known) return Promise.resolve(toLicense(known, typeKey, chinaDate()));
    return new Promise((resolve, reject) => {
      let holders = this.pending.get(typeKey);
      if (!holders) this.pending.set(typeKey, (holders = new Map()));
      const waiting = holders.get(holderCode);
      if (waiting) waiting.push({ resolve, reject });
      else holders.set(holderCode, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.readPending());
      }
    });
  }

  /** The current licenses of the type of many holders (a batch lookup), by holder code. */
  async findMany(typeKey: string, holderCodes: readonly string[]): Promise<Map<string, CurrentLicense>> {
    const found = new Map<string, CurrentLicense>();
    const missing: string[] = [];
    const day = chinaDate();
    for (const holder of holderCodes) {
      const known = this.recall(typeKey, holder);
      if (known) found.set(holder, toLicense(known, typeKey, day));
      else missing.push(holder);
    }
    if (missing.length > 0) for (const row of await this.read(typeKey, missing)) found.set(row.holder_code, toLicense(row, typeKey, day));
    return found;
  }

  private recall(typeKey: string, holderCode: string): Row | undefined {
    if (this.maxEntries === 0) return undefined;
    const key = `${typeKey}|${holderCode}`;
    const known = this.remembered.get(key);
    if (!known || Date.now() - known.at > MAX_AGE_MS) {
      this.stats.misses++;
      return undefined;
    }
    // Most recently read last: the map's order is the eviction order.
    this.remembered.delete(key);
    this.remembered.set(key, known);
    this.stats.hits++;
    return known.row;
  }

  private async read(typeKey: string, holderCodes: readonly string[]): Promise<Row[]> {
    const generation = this.generation;
    this.stats.reads++;
    const rows = (await this.db.query<Row>(MANY, [typeKey, holderCodes], { name: 'exchange.licenses' })).rows;
    // A change that committed while this read was under way may not be in what it returned.
    if (this.maxEntries > 0 && generation === this.generation) {
      const at = Date.now();
      for (const row of rows) {
        this.remembered.set(`${typeKey}|${row.holder_code}`, { row, at });
        if (this.remembered.size > this.maxEntries) this.remembered.delete(this.remembered.keys().next().value!);
      }
    }
    return rows;
  }

  private readPending(): void {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    for (const [typeKey, holders] of pending) {
      const codes = [...holders.keys()];
      for (let i = 0; i < codes.length; i += MAX_COALESCED) {
        const slice = codes.slice(i, i + MAX_COALESCED);
        this.read(typeKey, slice).then(
          (rows) => {
            const day = chinaDate();
            const byHolder = new Map(rows.map((r) => [r.holder_code, r]));
            for (const code of slice) {
              const row = byHolder.get(code);
              for (const w of holders.get(code)!) w.resolve(row ? toLicense(row, typeKey, day) : undefined);
            }
          },
          (error: unknown) => {
            for (const code of slice) for (const w of holders.get(code)!) w.reject(error);
          },
        );
      }
    }
  }
}

/** The platform's reader of current licenses, which forgets what the change feed says changed. */
export const currentLicenses = perPlatform((platform: Platform): CurrentLicenseReader => {
  const reader = new CurrentLicenseReader(platform.store, platform.config.licenseCacheEntries);
  platform.changes.on(CURRENT_LICENSE_CHANGES, (subject) => reader.forget(subject));
  platform.changes.onReset(() => reader.forget('*'));
  return reader;
});

/** The holder's current license of the type, or undefined: one read, nothing remembered (the benchmarks' bare read). */
export async function findCurrentLicense(db: Queryable, typeKey: string, holderCode: string): Promise<CurrentLicense | undefined> {
  const row = (await db.query<Row>(ONE, [typeKey, holderCode], { name: 'exchange.license' })).rows[0];
  return row ? toLicense(row, typeKey, chinaDate()) : undefined;
}

/** The departments that issued the holder's licenses (any type): they may open its holder account. */
export async function issuersOfHolder(db: Queryable, holderCode: string): Promise<string[]> {
  const rows = await db.query<{ issuer_code: string }>('select distinct issuer_code from licenses where holder_code = $1', [holderCode]);
  return rows.rows.map((r) => r.issuer_code);
}

/** A version's credential (versions are immutable), for event deliveries. */
export async function findVersionCredential(db: Queryable, identifier: string): Promise<string | undefined> {
  const row = (await db.query<{ credential: string }>('select credential from license_versions where identifier = $1', [identifier])).rows[0];
  return row?.credential;
}
