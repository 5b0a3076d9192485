/**
 * Public verifications are counted in the audit log — aggregated, not one entry per request: per
 * license holder and type, how many times in the last minute the license was verified by its
 * identifier alone, with its verification code, or from a presented credential, plus one count
 * of identifiers that matched no license (what enumeration looks like to the coordination office).
 * The holder sees the counts in "who used my data". At most a minute of counts is lost with a
 * killed process.
 */
import type { Platform } from '../../platform/platform.ts';
import { perPlatform } from '../../platform/platform.ts';
import { verificationEvent, type PublicVerificationCounts } from '../events.ts';

export type VerificationKind = 'identifier' | 'code' | 'credential' | 'not-found';

/** A line of the tally: the event's counts, before the minute they cover is known. */
type Counts = Omit<PublicVerificationCounts, 'from' | 'to'>;

const MAX_KEYS = 50_000;

export class VerificationTally {
  private counts = new Map<string, Counts>();
  private since = new Date();

  constructor(private readonly platform: Platform) {}

  count(kind: VerificationKind, license?: { holderCode: string; licenseType: string }): void {
    const key = license ? `${license.licenseType}|${license.holderCode}` : '';
    let counts = this.counts.get(key);
    if (!counts) {
      // A flood of distinct holders cannot grow this without bound: past the cap, counts go to the anonymous line.
      if (this.counts.size >= MAX_KEYS && key !== '') return this.count(kind);
      counts = { holderCode: license?.holderCode ?? null, licenseType: license?.licenseType ?? null, byIdentifier: 0, withCode: 0, withCredential: 0, notFound: 0 };
      this.counts.set(key, counts);
    }
    if (kind === 'identifier') counts.byIdentifier += 1;
    else if (kind === 'code') counts.withCode += 1;
    else if (kind === 'credential') counts.withCredential += 1;
    else counts.notFound += 1;
  }

  /** Writes what was counted since the last flush as audit entries; returns how many. */
  async flush(now = new Date()): Promise<number> {
    if (this.counts.size === 0) {
      this.since = now;
      return 0;
    }
    const counts = [...this.counts.values()];
    const from = this.since;
    this.counts = new Map();
    this.since = now;
    try {
      await this.platform.store.transaction((tx) =>
        this.platform.events.publish(
          tx,
          counts.map((c) => verificationEvent({ ...c, from: from.toISOString(), to: now.toISOString() }, now)),
        ),
      );
    } catch (error) {
      // The store is unavailable: keep the counts for the next flush.
      for (const c of counts) {
        const key = c.holderCode ? `${c.licenseType}|${c.holderCode}` : '';
        const known = this.counts.get(key);
        if (!known) this.counts.set(key, c);
        else for (const k of ['byIdentifier', 'withCode', 'withCredential', 'notFound'] as const) known[k] += c[k];
      }
      this.since = from;
      throw error;
    }
    return counts.length;
  }
}

export const verificationTally = perPlatform((platform) => new VerificationTally(platform));
