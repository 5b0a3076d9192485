/**
 * Which agreement lets a department read a license type for a purpose — asked on every lookup.
 *
 * Cached per (department, license type, purpose), both found and not found, because the
 * answer changes rarely and the question comes thousands of times a second. What keeps the
 * cache honest:
 * - an agreement or catalog change empties it the moment the change commits, in this process
 *   and (through the change feed) in every other; an answer loaded while a change committed is
 *   not kept (the generation moved);
 * - an entry lives at most `ttlMs` (default 1 s) in any case;
 * - an agreement whose validUntil has passed is never used, cached or not.
 */
import { findActiveGrant, grantEndsAt, type ActiveGrant } from '../agreements/index.ts';
import { findResourceForLicenseType, type CatalogResource } from '../catalog/index.ts';
import type { Queryable } from '../platform/store/store.ts';

export type { ActiveGrant };

const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  loadedAt: number;
}

export class GrantCache {
  private readonly grants = new Map<string, Entry<ActiveGrant | undefined>>();
  private readonly resources = new Map<string, Entry<CatalogResource | undefined>>();
  private generation = 0;

  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = 1_000,
  ) {}

  /** An agreement or catalog change committed: forget everything. */
  invalidate(): void {
    this.generation++;
    this.grants.clear();
    this.resources.clear();
  }

  private async cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>, usable: (value: T, now: number) => boolean): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && now - hit.loadedAt < this.ttlMs && usable(hit.value, now)) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (this.ttlMs > 0 && generation === this.generation) {
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
