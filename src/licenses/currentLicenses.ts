/**
 * Holder-keyed reads of the current license, for the exchange's hot path: one indexed join
 * (licenses (type_key, holder_code) unique → license_versions primary key) per lookup, or per
 * batch of up to 1,000 holders, as prepared statements.
 */
import type { Queryable } from '../platform/store/store.ts';
import type { LicenseStatus } from './lifecycle.ts';
import { chinaDate } from '../platform/chinaTime.ts';


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

/** The holder's current license of the type, or undefined. */
export async function findCurrentLicense(db: Queryable, typeKey: string, holderCode: string): Promise<CurrentLicense | undefined> {
  const row = (await db.query<Row>(ONE, [typeKey, holderCode], { name: 'exchange.license' })).rows[0];
  return row ? toLicense(row, typeKey, chinaDate()) : undefined;
}

/** The current licenses of the type of many holders, by holder code (absent: no license). */
export async function findCurrentLicenses(db: Queryable, typeKey: string, holderCodes: readonly string[]): Promise<Map<string, CurrentLicense>> {
  const found = new Map<string, CurrentLicense>();
  if (holderCodes.length === 0) return found;
  const rows = await db.query<Row>(MANY, [typeKey, holderCodes], { name: 'exchange.licenses' });
  const day = chinaDate();
  for (const row of rows.rows) found.set(row.holder_code, toLicense(row, typeKey, day));
  return found;
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
