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
  'resource-not-found': 'Catalog resource not found',
  'resource-exists': 'The catalog already has this resource',
  'resource-not-shared': 'This resource is not shared (不予共享) under its legal basis',
  'field-not-in-standard': 'Not a field of the license type',
  'field-not-in-resource': 'Not a field of the catalog resource',
  'field-not-requested': 'Only fields that were asked for can be granted',
  'version-conflict': 'Edited version is not the current one',
  'unknown-purpose': 'Unknown purpose code (see GET /api/v1/purposes)',
  'agreement-not-found': 'Agreement not found',
  'agreement-pending': 'An open request for this resource and purpose already exists',
  'appeal-exists': 'This rejection has already been appealed',
  'notification-not-found': 'Notification not found',
  'audit-entry-not-found': 'The audit log has no such entry',
  'invalid-tree-size': 'Tree size beyond the audit log',
  'invalid-index': 'Entry index not within the tree size',
  'no-agreement': 'No active sharing agreement for this resource and purpose',
  'quota-exceeded': "The agreement's daily quota is used up",
  'missing-purpose': 'Declare the purpose of the call (X-Purpose)',
  'invalid-holder-code': 'Not a holder code',
  'holder-account-exists': 'The holder already has an account',
  'invalid-credentials': 'Wrong holder code or password',
  'weak-password': 'Password too short',
  'client-not-found': 'No such system (client)',
  'authorisation-not-found': 'Authorisation not found',
  'authorisation-revoked': 'The authorisation was already revoked',
  'subscription-not-found': 'Subscription not found',
  'not-a-license-resource': 'The resource exposes no license type',
  'invalid-callback-url': 'Callback URL not accepted',
  'webhook-not-configured': 'The department has no webhook',
  'delivery-not-found': 'Delivery not found',
  'delivery-pending': 'The delivery is still pending',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  'internal-error': 'Internal error',
};

export const badRequest = (code: string, detail: string, field?: string) => new Problem(400, code, detail, { field });
export const notFound = (code: string, detail: string) => new Problem(404, code, detail);
export const conflict = (code: string, detail: string, field?: string) => new Problem(409, code, detail, { field });
export const forbidden = (detail: string, extensions?: Record<string, unknown>) =>
  new Problem(403, 'forbidden', detail, { extensions });
