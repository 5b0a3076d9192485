/** Asia/Shanghai is UTC+8 all year (no DST since 1991): quotas count per Shanghai calendar day. */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

let cached = { day: '', from: 0, until: 0 };

/** The Shanghai calendar day of `at`, YYYY-MM-DD. */
export function shanghaiDay(at: number = Date.now()): string {
  if (at >= cached.from && at < cached.until) return cached.day;
  const shifted = at + OFFSET_MS;
  const from = Math.floor(shifted / DAY_MS) * DAY_MS - OFFSET_MS;
  cached = { day: new Date(shifted).toISOString().slice(0, 10), from, until: from + DAY_MS };
  return cached.day;
}

/** Whole seconds until the next 00:00 Asia/Shanghai (at least 1): a Retry-After for a daily quota. */
export function secondsToShanghaiMidnight(at: number = Date.now()): number {
  const shifted = at + OFFSET_MS;
  const next = (Math.floor(shifted / DAY_MS) + 1) * DAY_MS;
  return Math.max(1, Math.ceil((next - shifted) / 1000));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An end of validity given as a calendar date (valid through that whole Shanghai day, i.e. until
 * the next 00:00 +08:00) or as an RFC 3339 date-time. Undefined when it is neither.
 */
export function parseValidUntil(value: string): Date | undefined {
  const m = DATE.exec(value);
  if (m) {
    const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const check = new Date(utc);
    if (check.getUTCFullYear() !== Number(m[1]) || check.getUTCMonth() !== Number(m[2]) - 1 || check.getUTCDate() !== Number(m[3])) return undefined;
    return new Date(utc + DAY_MS - OFFSET_MS);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t) : undefined;
}
