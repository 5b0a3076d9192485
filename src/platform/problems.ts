/**
 * Every error the platform answers is an RFC 9457 problem (`application/problem+json`)
 * with a stable machine-readable `code` and, where one field is at fault, its JSON pointer.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
  [extension: string]: unknown;
}

export class Problem extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    detail: string,
    options: { field?: string; extensions?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'Problem';
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.extensions = options.extensions ?? {};
  }

  toJSON(): ProblemDetails {
    return {
      type: `https://certbridge.dev/problems/${this.code}`,
      title: PROBLEM_TITLES[this.code] ?? this.code,
      status: this.status,
      code: this.code,
      detail: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...this.extensions,
    };
  }
}

/** Human titles of the stable codes, so a reader of the problem sees what kind of error it is. */
const PROBLEM_TITLES: Record<string, string> = {
  'malformed-json': 'Malformed JSON body',
  'validation-failed': 'Request does not match the schema',
  'unknown-field': 'Unknown field',
  'missing-field': 'Missing required field',
  'invalid-credit-code': 'Invalid unified social credit code',
  'invalid-license-identifier': 'Invalid e-license identifier',
  'invalid-license-data': 'License data does not match the standard',
  'unknown-license-type': 'Unknown license type',
  'license-not-found': 'License not found',
  'license-exists': 'A license of this type already exists for this holder',
  'invalid-transition': 'This lifecycle change is not allowed in the current state',
  'unauthenticated': 'Authentication required',
  'invalid-token': 'Access token invalid or expired',
  'invalid-client': 'Client authentication failed',
  'unsupported-grant-type': 'Unsupported grant type',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'department-not-found': 'Department not found',
  'department-exists': 'Department already registered',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  'internal-error': 'Internal error',
};

export const badRequest = (code: string, detail: string, field?: string) => new Problem(400, code, detail, { field });
export const notFound = (code: string, detail: string) => new Problem(404, code, detail);
export const conflict = (code: string, detail: string, field?: string) => new Problem(409, code, detail, { field });
export const forbidden = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem(403, 'forbidden', detail, { extensions });
