/**
 * Which agreement lets a department read a license type for a purpose — asked on every lookup.
 *
 * Cached per (department, license type, purpose), both found and not found, because the
 * answer changes rarely and the question comes thousands of times a second. What keeps the
 * cache honest:
 * - every `agreement.*` and `catalog.*` event (published inside the transaction of the change)
 *   empties it in this process, and for `QUIET_MS` afterwards nothing is cached (so an answer
 *   read while the change was still committing cannot linger);
 * - an entry lives at most `ttlMs` (default 1 s): the bound for changes made by another process;
 * - an agreement whose validUntil has passed is never used, cached or not.
 * With a single server process, a revocation stops access from the moment it commits.
 */
import { findActiveGrant, findActiveGrantsForResource, type ActiveGrant } from '../agreements/index.ts';
import { findResourceForLicenseType, type CatalogResource } from '../catalog/index.ts';
import type { Queryable } from '../platform/store/store.ts';
import { parseValidUntil } from '../platform/chinaTime.ts';

export type { ActiveGrant };

const QUIET_MS = 2_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  loadedAt: number;
}

/** The moment an agreement's validity ends (validUntil is a date: valid through that Shanghai day). */
export function grantEndsAt(grant: Pick<ActiveGrant, 'validUntil'>): number {
  return parseValidUntil(grant.validUntil)?.getTime() ?? Date.parse(grant.validUntil);
}

export class GrantCache {
  private readonly grants = new Map<string, Entry<ActiveGrant | undefined>>();
  private readonly resources = new Map<string, Entry<CatalogResource | undefined>>();
  private generation = 0;
  private quietUntil = 0;

  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = 1_000,
  ) {}

  /** An agreement or catalog change: forget everything, and cache nothing while it commits. */
  invalidate(): void {
    this.generation++;
    this.grants.clear();
    this.resources.clear();
    this.quietUntil = Date.now() + QUIET_MS;
  }

  private async cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>, usable: (value: T, now: number) => boolean): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && now - hit.loadedAt < this.ttlMs && usable(hit.value, now)) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (this.ttlMs > 0 && generation === this.generation && Date.now() >= this.quietUntil) {
      if (map.size >= MAX_ENTRIES) map.clear();
      map.set(key, { value, loadedAt: now });
    }
    return value;
  }

  /** The active agreement of the department for the license type and purpose, if any. */
  findGrant(departmentCode: string, licenseType: string, purpose: string): Promise<ActiveGrant | undefined> {
    return this.cached(
      this.grants,
      `${departmentCode}|${licenseType}|${purpose}`,
      () => findActiveGrant(this.db, { departmentCode, licenseType, purpose }),
      (grant, now) => grant === undefined || grantEndsAt(grant) > now,
    );
  }

  /** The catalog resource that exposes a license type (named in a no-agreement problem). */
  resourceFor(licenseType: string): Promise<CatalogResource | undefined> {
    return this.cached(this.resources, licenseType, () => findResourceForLicenseType(this.db, licenseType), () => true);
  }
}

/** Active agreements of a department for a resource (subscriptions): never cached. */
export async function grantsForResource(db: Queryable, departmentCode: string, resourceId: string, purpose?: string | null): Promise<ActiveGrant[]> {
  const now = Date.now();
  const grants = await findActiveGrantsForResource(db, { departmentCode, resourceId });
  return grants.filter((g) => grantEndsAt(g) > now && (!purpose || g.purpose === purpose));
}
