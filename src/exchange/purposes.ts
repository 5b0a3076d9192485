// Purposes come from the agreements capability's controlled list (GET /api/v1/purposes).
import { findPurpose } from '../agreements/index.ts';
import type { Queryable } from '../platform/store/store.ts';

/** Whether `code` is a purpose code of GET /api/v1/purposes. */
export function isPurpose(code: string): boolean {
  return findPurpose(code) !== undefined;
}

/** The same, for callers written against a store-backed list. */
export async function isPurposeCode(_db: Queryable, code: string): Promise<boolean> {
  return isPurpose(code);
}
