import { hkdfSync } from 'node:crypto';
import type { Queryable } from '../store/store.ts';
import {
  decryptAtRest,
  encryptAtRest,
  generateSigningKey,
  loadSigningKey,
  verificationKeyFromJwk,
  type PublicJwk,
  type SigningAlgorithm,
  type SigningKey,
  type StoredKeyMaterial,
  type VerificationKey,
} from './keys.ts';

/** `event`: the platform's key that signs webhook and subscription deliveries (published in the JWKS). */
export type KeyPurpose = 'license' | 'status' | 'token' | 'audit' | 'event';

export interface PlatformVerificationKey extends VerificationKey {
  purpose: KeyPurpose;
  /** The department a license key belongs to. */
  owner?: string;
  /** Retired keys still verify what they signed while they were active. */
  retired: boolean;
}

interface KeyRow {
  kid: string;
  alg: SigningAlgorithm;
  public_jwk: PublicJwk;
  private_key_enc: string;
  retired_at: Date | null;
}

const KID = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Keys with ids and rotation: a purpose (and owner) has one active key; rotating retires it
 * but keeps its public half so that everything it signed still verifies.
 */
export class KeyStore {
  private readonly active = new Map<string, SigningKey>();
  private readonly verification = new Map<string, PlatformVerificationKey>();
  private readonly derived = new Map<string, Buffer>();

  constructor(
    private readonly db: Queryable,
    private readonly masterKey: Buffer,
  ) {}

  /** The active key, created on first use. */
  async activeKey(purpose: KeyPurpose, alg: SigningAlgorithm, owner = ''): Promise<SigningKey> {
    const cacheKey = `${purpose}:${owner}`;
    const cached = this.active.get(cacheKey);
    if (cached) return cached;
    const row = (
      await this.db.query<KeyRow>(
        `select kid, alg, public_jwk, private_key_enc, retired_at from signing_keys
          where purpose = $1 and coalesce(owner, '') = $2 and retired_at is null
          order by created_at desc limit 1`,
        [purpose, owner],
      )
    ).rows[0];
    const key = row
      ? loadSigningKey(
          { kid: row.kid, alg: row.alg, publicJwk: row.public_jwk, privateKeyEncrypted: row.private_key_enc },
          this.masterKey,
        )
      : await this.create(purpose, alg, owner);
    this.active.set(cacheKey, key);
    return key;
  }

  /**
   * The active key still sealed, with what unseals it: for worker threads that sign in bulk
   * and must load the key themselves. Never log or persist the result.
   */
  async sealedActiveKey(purpose: KeyPurpose, alg: SigningAlgorithm, owner = ''): Promise<{ stored: StoredKeyMaterial; masterKey: Buffer }> {
    const key = await this.activeKey(purpose, alg, owner);
    const row = (
      await this.db.query<KeyRow>('select kid, alg, public_jwk, private_key_enc, retired_at from signing_keys where kid = $1', [key.kid])
    ).rows[0];
    return {
      stored: { kid: row.kid, alg: row.alg, publicJwk: row.public_jwk, privateKeyEncrypted: row.private_key_enc },
      masterKey: this.masterKey,
    };
  }

  /** Retires the active key of a purpose and makes a new one. */
  async rotate(purpose: KeyPurpose, alg: SigningAlgorithm, owner = ''): Promise<SigningKey> {
    await this.db.query(
      `update signing_keys set retired_at = now() where purpose = $1 and coalesce(owner, '') = $2 and retired_at is null`,
      [purpose, owner],
    );
    this.active.delete(`${purpose}:${owner}`);
    const key = await this.create(purpose, alg, owner);
    this.active.set(`${purpose}:${owner}`, key);
    return key;
  }

  private async create(purpose: KeyPurpose, alg: SigningAlgorithm, owner: string): Promise<SigningKey> {
    const { key, stored } = generateSigningKey(alg, this.masterKey);
    // Two processes may race to create the first key: the one whose insert lands wins.
    const inserted = await this.db.query(
      `insert into signing_keys (kid, purpose, owner, alg, public_jwk, private_key_enc)
       values ($1, $2, nullif($3, ''), $4, $5, $6)
       on conflict do nothing`,
      [stored.kid, purpose, owner, stored.alg, stored.publicJwk, stored.privateKeyEncrypted],
    );
    if (inserted.rowCount === 1) return key;
    this.active.delete(`${purpose}:${owner}`);
    return this.activeKey(purpose, alg, owner);
  }

  /**
   * A key that verifies, retired or not, with what it is for and whose it is; undefined for a
   * kid we never issued. Cached: a key's public half and owner never change.
   */
  /** `db`: a transaction to read it in (a reader of one consistent snapshot, such as `audit verify`). */
  async verificationKey(kid: string, db: Queryable = this.db): Promise<PlatformVerificationKey | undefined> {
    // Our kids are RFC 7638 thumbprints (base64url): anything else is not ours, and is not asked of the store.
    if (!KID.test(kid)) return undefined;
    const cached = this.verification.get(kid);
    if (cached) return cached;
    const row = (
      await db.query<KeyRow & { purpose: KeyPurpose; owner: string | null }>(
        'select kid, alg, public_jwk, private_key_enc, retired_at, purpose, owner from signing_keys where kid = $1',
        [kid],
      )
    ).rows[0];
    if (!row) return undefined;
    const key = { ...verificationKeyFromJwk(row.public_jwk), purpose: row.purpose, owner: row.owner ?? undefined, retired: row.retired_at !== null };
    this.verification.set(kid, key);
    return key;
  }

  /**
   * A secret for one use (`purpose`), derived from the master key (HKDF-SHA256): the same in every
   * process that shares the master key, never stored.
   */
  derivedSecret(purpose: string): Buffer {
    let secret = this.derived.get(purpose);
    if (!secret) {
      secret = Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.alloc(0), `certbridge:${purpose}`, 32));
      this.derived.set(purpose, secret);
    }
    return secret;
  }

  /** The oldest sealed key, to check a master key against before anything is signed; undefined on a store that holds none. */
  static async oldestSealedKey(db: Queryable): Promise<StoredKeyMaterial | undefined> {
    const row = (await db.query<KeyRow>('select kid, alg, public_jwk, private_key_enc, retired_at from signing_keys order by created_at limit 1')).rows[0];
    return row && { kid: row.kid, alg: row.alg, publicJwk: row.public_jwk, privateKeyEncrypted: row.private_key_enc };
  }

  /**
   * Seals every stored private key again under `next` (master key rotation), in one transaction:
   * all of them move, or none does. Every process must then use `next`; one still running with
   * the old key would seal a new key under it (so the nodes are stopped first).
   */
  static async reseal(db: Queryable, current: Buffer, next: Buffer): Promise<number> {
    const rows = (await db.query<{ kid: string; private_key_enc: string }>('select kid, private_key_enc from signing_keys order by created_at for update')).rows;
    for (const row of rows) {
      const raw = decryptAtRest(current, row.private_key_enc, row.kid);
      try {
        await db.query('update signing_keys set private_key_enc = $2 where kid = $1', [row.kid, encryptAtRest(next, raw, row.kid)]);
      } finally {
        raw.fill(0);
      }
    }
    return rows.length;
  }

  /** Whether `masterKey` unseals `stored` (AES-GCM cannot tell a wrong key from a damaged one: both refuse). */
  static unseals(stored: StoredKeyMaterial, masterKey: Buffer): boolean {
    try {
      loadSigningKey(stored, masterKey);
      return true;
    } catch {
      return false;
    }
  }

  /** Public halves for a JWKS document. */
  async publicKeys(purposes: KeyPurpose[]): Promise<PublicJwk[]> {
    const rows = await this.db.query<{ public_jwk: PublicJwk }>(
      'select public_jwk from signing_keys where purpose = any($1) order by created_at',
      [purposes],
    );
    return rows.rows.map((r) => r.public_jwk);
  }
}
