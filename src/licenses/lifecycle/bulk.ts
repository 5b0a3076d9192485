import type { Queryable } from '../../platform/store/store.ts';
import type { LicenseTypeStandard } from '../../standards/index.ts';
import type { LicenseData } from './licenseData.ts';
import { allocateLicenseIds, insertIssuedLicenses, signingTypeOf, type Holder, type Issuer, type LicenseContext, type PreparedLicense } from './licenseRecords.ts';
import type { LicenseSigner } from '../credentials/signing.ts';

/** A license to issue whose data already passed the standard's checks. */
export interface ValidatedLicense {
  holder: Holder;
  data: LicenseData;
  /** Where it came from (a file's row number), for the caller's report. */
  source?: number;
}

export interface BulkOutcome {
  issued: number;
  /** Holders that already had a license of the type: skipped, never issued twice. */
  existing: number;
}

/** Which of `codes` already hold a license of the type. */
export async function existingHolders(db: Queryable, typeKey: string, codes: string[]): Promise<Set<string>> {
  const rows = await db.query<{ holder_code: string }>('select holder_code from licenses where type_key = $1 and holder_code = any($2)', [
    typeKey,
    codes,
  ]);
  return new Set(rows.rows.map((r) => r.holder_code));
}

/**
 * Issues one batch: skips holders that already have a license (before signing, so re-runs are
 * cheap), allocates serials, signs, and writes the batch in one transaction.
 */
export async function issueBatch(
  ctx: Pick<LicenseContext, 'store' | 'events'>,
  standard: LicenseTypeStandard,
  issuer: Issuer,
  batch: readonly ValidatedLicense[],
  signer: LicenseSigner,
  actor: string,
): Promise<BulkOutcome> {
  const known = await existingHolders(ctx.store, standard.key, batch.map((l) => l.holder.code));
  const fresh = batch.filter((l) => !known.has(l.holder.code));
  if (fresh.length === 0) return { issued: 0, existing: batch.length };
  const ids = await allocateLicenseIds(ctx.store, fresh.length);
  const issuedAt = Date.now();
  const type = signingTypeOf(standard);
  const signed = await signer.sign(fresh.map((l, i) => ({ id: ids[i], version: 1, type, issuer, holder: l.holder, data: l.data, issuedAt })));
  const prepared: PreparedLicense[] = fresh.map((l, i) => ({
    id: ids[i],
    standard: type,
    issuer,
    holder: l.holder,
    data: l.data,
    identifier: signed[i].identifier,
    credential: signed[i].credential,
    kid: signer.kid,
  }));
  const written = await ctx.store.transaction((tx) => insertIssuedLicenses(tx, prepared, actor, ctx.events));
  return { issued: written.length, existing: batch.length - written.length };
}

/**
 * Issues batches from an async source with a few batches in flight, so that signing (on
 * worker threads) and writing (in PostgreSQL) overlap.
 */
export async function issueInBulk(
  ctx: Pick<LicenseContext, 'store' | 'events'>,
  standard: LicenseTypeStandard,
  issuer: Issuer,
  batches: AsyncIterable<ValidatedLicense[]>,
  signer: LicenseSigner,
  actor: string,
  onBatch: (outcome: BulkOutcome, batch: readonly ValidatedLicense[]) => void = () => undefined,
  inFlight = 4,
): Promise<BulkOutcome> {
  const total: BulkOutcome = { issued: 0, existing: 0 };
  const running = new Set<Promise<void>>();
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const job = issueBatch(ctx, standard, issuer, batch, signer, actor).then((outcome) => {
      total.issued += outcome.issued;
      total.existing += outcome.existing;
      onBatch(outcome, batch);
    });
    const tracked = job.finally(() => running.delete(tracked));
    running.add(tracked);
    if (running.size >= inFlight) await Promise.race(running);
  }
  await Promise.all(running);
  return total;
}
