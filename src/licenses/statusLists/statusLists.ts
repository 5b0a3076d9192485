import type { Config } from '../../platform/config.ts';
import { perPlatform } from '../../platform/platform.ts';
import type { Queryable } from '../../platform/store/store.ts';
import type { KeyStore } from '../../platform/crypto/keyStore.ts';
import { signStatusListToken, STATUS } from './statusList.ts';
import type { LicenseStatus } from '../lifecycle/lifecycle.ts';

/**
 * Licenses are spread over status lists of 65,536 entries by their id, so a list is never
 * larger than 16 KB before compression, and a license's place never changes.
 */
export const STATUS_LIST_SIZE = 65_536;
const TOKEN_TTL_SECONDS = 300;

export const statusListOf = (licenseId: number) => Math.floor(licenseId / STATUS_LIST_SIZE);
export const statusIndexOf = (licenseId: number) => licenseId % STATUS_LIST_SIZE;
export const statusListUri = (publicUrl: string, listId: number) => `${publicUrl}/api/v1/status-lists/${listId}`;

/**
 * The value a license status takes in the list. An expired license is published as INVALID (1)
 * too: its older versions may carry no `exp` (a 长期 term shortened by amendment), so the
 * validity window alone would not stop them. Our own verifier tells the two apart by the
 * status the list was built from.
 */
export function statusValue(status: LicenseStatus): number {
  switch (status) {
    case 'revoked':
    case 'expired':
      return STATUS.revoked;
    case 'suspended':
      return STATUS.suspended;
    case 'cancelled':
      return STATUS.cancelled;
    default:
      return STATUS.valid;
  }
}

/** Moves a list's revision; call inside the transaction that changes a license on it. */
export async function touchStatusList(tx: Queryable, listId: number): Promise<void> {
  await tx.query(
    `insert into status_lists (id, revision) values ($1, 1)
     on conflict (id) do update set revision = status_lists.revision + 1, updated_at = now()`,
    [listId],
  );
}

interface CachedList {
  revision: number;
  statuses: Map<number, LicenseStatus>;
  token?: string;
  tokenExpiresAt?: number;
}

/** Builds status lists from the licenses table and keeps them until their revision moves. */
export class StatusLists {
  private readonly cache = new Map<number, CachedList>();

  constructor(
    private readonly db: Queryable,
    private readonly keys: KeyStore,
    private readonly config: Pick<Config, 'publicUrl'>,
  ) {}

  private async current(listId: number, knownRevision?: number): Promise<CachedList> {
    const revision =
      knownRevision ??
      Number((await this.db.query<{ revision: number }>('select revision from status_lists where id = $1', [listId])).rows[0]?.revision ?? 0);
    const cached = this.cache.get(listId);
    if (cached && cached.revision === revision) return cached;
    const rows = await this.db.query<{ status_idx: number; status: LicenseStatus }>(
      `select status_idx, status from licenses where status_list = $1 and status <> 'valid'`,
      [listId],
    );
    const fresh: CachedList = { revision, statuses: new Map(rows.rows.map((r) => [r.status_idx, r.status])) };
    this.cache.set(listId, fresh);
    return fresh;
  }

  /**
   * The status a list gives an index, as a verifier reading the published list would see it.
   * `knownRevision`: the list's revision when the caller read it already (saves a round trip).
   */
  async statusAt(listId: number, index: number, knownRevision?: number): Promise<LicenseStatus> {
    return (await this.current(listId, knownRevision)).statuses.get(index) ?? 'valid';
  }

  /** The signed list token (IETF Token Status List), served publicly. */
  async token(listId: number): Promise<string> {
    const list = await this.current(listId);
    if (list.token && (list.tokenExpiresAt ?? 0) > Date.now()) return list.token;
    const key = await this.keys.activeKey('status', 'EdDSA');
    list.token = signStatusListToken({
      key,
      uri: statusListUri(this.config.publicUrl, listId),
      size: STATUS_LIST_SIZE,
      entries: [...list.statuses].map(([idx, status]) => [idx, statusValue(status)] as [number, number]),
      issuedAt: new Date(),
      ttlSeconds: TOKEN_TTL_SECONDS,
    });
    // Refresh well before the token's own expiry so that no client is handed a nearly dead one.
    list.tokenExpiresAt = Date.now() + (TOKEN_TTL_SECONDS * 1000) / 2;
    return list.token;
  }
}

/** The platform's status lists (one cache per process). */
export const statusListsOf = perPlatform((platform) => new StatusLists(platform.store, platform.keys, platform.config));
