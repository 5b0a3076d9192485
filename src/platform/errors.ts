/**
 * How domain code fails: with a reason (what kind of failure), a stable code (which one) and,
 * where one input is at fault, the field. Domain code knows nothing of HTTP; one mapper at the
 * edge (`http/problems.ts`) turns a reason into a status and the error into an RFC 9457 problem.
 */
export const FAILURE_REASONS = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not-found',
  'conflict',
  'too-large',
  'unsupported-media-type',
  'rate-limited',
  'unavailable',
  'internal',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * The status an answer failing for this reason carries: the problem mapper at the edge answers it,
 * and records that keep what a caller was answered (the exchange's access records) store it, so
 * neither asks the HTTP layer.
 */
const STATUS: Record<FailureReason, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  unavailable: 503,
  internal: 500,
};

export const statusOf = (reason: FailureReason): number => STATUS[reason];

export interface FailureOptions {
  /** The input at fault, as a JSON pointer (`/data/name`) or `<where>:<pointer>` (`querystring:/limit`). */
  field?: string;
  /** Facts a caller can act on (the agreement that is missing, the quota's limit); they become problem members. */
  details?: Record<string, unknown>;
  /** When trying again makes sense (rate limits, an unavailable store). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The one base error type of the platform. */
export class DomainError extends Error {
  readonly reason: FailureReason;
  readonly code: string;
  readonly field?: string;
  readonly details: Record<string, unknown>;
  readonly retryAfterSeconds?: number;

  constructor(reason: FailureReason, code: string, detail: string, options: FailureOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.reason = reason;
    this.code = code;
    this.field = options.field;
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The same failure with another field name (a route naming where a value came from). */
  withField(field: string | undefined): DomainError {
    return new DomainError(this.reason, this.code, this.message, { field, details: this.details, retryAfterSeconds: this.retryAfterSeconds, cause: this.cause });
  }
}

export const invalid = (code: string, detail: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', code, detail, { field, details });
export const notFound = (code: string, detail: string, details?: Record<string, unknown>) => new DomainError('not-found', code, detail, { details });
export const conflict = (code: string, detail: string, field?: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, detail, { field, details });
export const forbidden = (detail: string, details?: Record<string, unknown>, code = 'forbidden') => new DomainError('forbidden', code, detail, { details });
export const unauthenticated = (code: string, detail: string, details?: Record<string, unknown>) => new DomainError('unauthenticated', code, detail, { details });
export const rateLimited = (code: string, detail: string, retryAfterSeconds: number, details?: Record<string, unknown>) =>
  new DomainError('rate-limited', code, detail, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), details });

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
