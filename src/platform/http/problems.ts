/**
 * The one place where failures become HTTP: every error the platform answers is an RFC 9457
 * problem (`application/problem+json`) with a stable `code`, the `field` at fault where there is
 * one, and the request id under which the server logged it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, statusOf } from '../errors.ts';

export const PROBLEM_JSON = 'application/problem+json';
const MAX_DETAIL = 1000;

export { statusOf };

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
  requestId?: string;
  [extension: string]: unknown;
}

/** Human titles of the stable codes, so a reader of the problem sees what kind of error it is. */
export const TITLES: Readonly<Record<string, string>> = {
  'malformed-json': 'Malformed JSON body',
  'validation-failed': 'Request does not match the schema',
  'unknown-field': 'Unknown field',
  'missing-field': 'Missing required field',
  'invalid-characters': 'Text with characters that are not allowed (NUL, unpaired surrogates)',
  'out-of-range': 'Number out of range',
  'invalid-credit-code': 'Invalid unified social credit code',
  'invalid-license-identifier': 'Invalid e-license identifier',
  'invalid-license-data': 'License data does not match the standard',
  'unknown-license-type': 'Unknown license type',
  'license-not-found': 'License not found',
  'license-exists': 'A license of this type already exists for this holder',
  'invalid-transition': 'This lifecycle change is not allowed in the current state',
  'malformed-credential': 'Not an SD-JWT credential',
  unauthenticated: 'Authentication required',
  'invalid-token': 'Access token invalid or expired',
  'invalid-client': 'Client authentication failed',
  'client-disabled': 'The system (client) is disabled',
  'unsupported-grant-type': 'Unsupported grant type',
  'too-many-attempts': 'Too many attempts: try again later',
  'locked-out': 'Temporarily locked after repeated failures',
  'rate-limited': 'Too many requests: try again later',
  forbidden: 'Not allowed',
  'backup-not-embedded': 'PostgreSQL is backed up with its own tools',
  'metrics-forbidden': 'Metrics are served on this machine or with the metrics token',
  'not-an-authorised-issuer': 'The department is not an authorised issuer of this license type',
  'not-found': 'Not found',
  'department-not-found': 'Department not found',
  'department-exists': 'Department already registered',
  'issuer-not-found': 'No such authorised issuer',
  'issuer-exists': 'The department is already an authorised issuer of this license type',
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
  'invalid-credentials': 'Wrong username (or holder code) or password',
  'sign-in-locked': 'Signing in is locked for a while after repeated failures',
  'not-signed-in': 'Not signed in, or the session has ended',
  'csrf-failed': 'The X-CSRF-Token header of the session is missing or wrong',
  'person-not-found': 'No such staff account',
  'username-taken': 'The username is already taken',
  'oidc-not-configured': 'Sign-in through an OpenID Connect provider is not configured',
  'oidc-failed': 'Sign-in through the OpenID Connect provider failed',
  'oidc-unknown-account': 'The identity provider named no staff account of CertBridge',
  'invalid-cursor': 'Not a cursor this list gave',
  'field-not-objected': 'The decision changes a field the objection did not name',
  'purpose-required': 'Name the purpose (or agreement) the subscription is delivered under',
  'token-revoked': 'The token was issued before the password was changed',
  'invalid-amount': 'Not an amount in whole fen within the bounds',
  'invalid-period': 'The validity period is not a period of China days',
  'invalid-month': 'Not a month (YYYY-MM)',
  'month-closed': 'The month is closed to corrections',
  'unknown-resource': 'No such catalog resource',
  'unknown-department': 'No such department',
  'unknown-journal': 'No such ledger journal',
  'same-department': 'A journal needs two different departments',
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
  'store-unavailable': 'The database is unavailable: try again shortly',
  'invalid-verification-code': 'Not the verification code of this license version',
  'headers-too-large': 'Request headers too large',
  'request-timeout': 'Request not received in time',
  'malformed-request': 'Not a valid HTTP request',
  'too-deep': 'Nested too deeply',
  'internal-error': 'Internal error',
  'already-escalated': 'Already passed to the coordination office',
  'audit-tile-not-found': 'Audit log tile or bundle not found',
  'bad-request': 'Bad request',
  'department-not-evaluated': 'Department not evaluated in this period',
  'empty-upload': 'Empty upload',
  'evidence-not-found': 'Evidence not found',
  'evidence-too-large': 'Evidence file too large',
  'field-not-granted': 'Field not granted by the agreement',
  'field-not-shared': 'Field not shared',
  'finding-not-explainable': 'Finding cannot be explained away',
  'finding-not-found': 'Quality finding not found',
  'finding-not-open': 'Quality finding already dealt with',
  'finding-not-suspected': 'Finding is not awaiting confirmation',
  'holder-code-type-not-accepted': 'Holder code type not accepted by this license type',
  'import-not-found': 'Import not found',
  'import-report-not-found': 'Import report not found',
  'import-running': 'Import still running',
  'imports-busy': 'Too many imports running',
  'invalid-license-number': 'Invalid license number',
  'invalid-tile-path': 'Invalid tlog-tiles path',
  'invalid-type-definition': 'Invalid license type definition',
  'month-in-future': 'Month has not begun',
  'month-out-of-range': 'Month out of range',
  'not-a-recipient': 'Department is not a recipient',
  'not-rejected': 'Only a rejected request can be appealed',
  'nothing-changes': 'Nothing to change',
  'objection-closed': 'Objection closed',
  'objection-decided': 'Objection already decided',
  'objection-escalated': 'Objection passed to the coordination office',
  'objection-not-found': 'Objection not found',
  'practice-boundary': 'Practice mode reaches practice data only',
  'report-rate-exceeded': 'Too many reports this hour',
  'too-many-evidence-files': 'Too many evidence files',
  'type-version-not-found': 'License type version not found',
  'type-version-published': 'License type version already published',
  'unknown-indicator': 'Unknown evaluation indicator',
  'upload-failed': 'Upload failed',
};

/** Maps Fastify's own errors (schema, parsing, size) onto our stable problem codes. */
function fromFastify(error: FastifyError): DomainError | undefined {
  if (error.validation && error.validation.length > 0) {
    const [first] = error.validation;
    const where = error.validationContext ?? 'body';
    const base = where === 'body' ? '' : `${where}:`;
    const params = first.params as Record<string, unknown>;
    if (first.keyword === 'additionalProperties') {
      const field = `${base}${first.instancePath}/${String(params.additionalProperty)}`;
      return new DomainError('invalid', 'unknown-field', `${field} is not a known field`, { field });
    }
    if (first.keyword === 'required') {
      const field = `${base}${first.instancePath}/${String(params.missingProperty)}`;
      return new DomainError('invalid', 'missing-field', `${field} is required`, { field });
    }
    const field = `${base}${first.instancePath}` || `${where}`;
    return new DomainError('invalid', 'validation-failed', `${field} ${first.message ?? 'is invalid'}`, { field });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('invalid', 'malformed-json', `the request body is not valid JSON: ${error.message}`, { field: '/' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError('unsupported-media-type', 'unsupported-media-type', error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('too-large', 'payload-too-large', error.message);
  }
  if (error instanceof SyntaxError) return new DomainError('invalid', 'malformed-json', error.message, { field: '/' });
  if (error.statusCode === 413) return new DomainError('too-large', 'payload-too-large', error.message);
  if (error.statusCode === 415) return new DomainError('unsupported-media-type', 'unsupported-media-type', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new DomainError('invalid', 'bad-request', error.message);
  return undefined;
}

/** The domain failure an error stands for; anything unknown is an internal error. */
export function failureOf(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return fromFastify(error as FastifyError) ?? new DomainError('internal', 'internal-error', 'an unexpected error occurred; it has been logged under the request id', { cause: error });
}

/** A code without a title of its own, read as words (`month-in-future` → "Month in future"), not shown as a key. */
export function titleOfCode(code: string): string {
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function problemBody(failure: DomainError, requestId?: string): ProblemDetails {
  return {
    type: `https://certbridge.dev/problems/${failure.code}`,
    title: TITLES[failure.code] ?? titleOfCode(failure.code),
    status: statusOf(failure.reason),
    code: failure.code,
    // Bounded: a detail may quote the input, and the input may be 60 KB of hostile text.
    detail: failure.message.length > MAX_DETAIL ? `${failure.message.slice(0, MAX_DETAIL)}…` : failure.message,
    ...(failure.field ? { field: failure.field } : {}),
    ...failure.details,
    ...(failure.retryAfterSeconds !== undefined ? { retryAfter: failure.retryAfterSeconds } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

type PropertiesOf = { properties?: Record<string, unknown> } | undefined;
const has = (schema: unknown, name: string) => Object.hasOwn((schema as PropertiesOf)?.properties ?? {}, name);

/**
 * Where a domain field came from on the wire. The domain names its inputs (`/month`, `/type`,
 * `/purpose`) and knows nothing of HTTP; the route's schema says whether that input was the body's,
 * the path's, the query's or a header (`purpose` ← `X-Purpose`), so the problem names
 * `querystring:/month`, `params:/type` or `header:x-purpose`. Fields the edge already located, and
 * body pointers, stay as they are.
 */
export function wireField(request: FastifyRequest, field: string | undefined): string | undefined {
  if (!field?.startsWith('/')) return field;
  const name = field.slice(1).split('/')[0];
  const schema = request.routeOptions?.schema as Record<string, unknown> | undefined;
  if (!schema || !name || has(schema.body, name)) return field;
  if (has(schema.params, name)) return `params:${field}`;
  if (has(schema.querystring, name)) return `querystring:${field}`;
  const header = `x-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (has(schema.headers, header)) return `header:${header}`;
  return field;
}

/** Answers `error` as a problem: the status of its reason, Retry-After and WWW-Authenticate where they apply. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const found = failureOf(error);
  const field = wireField(request, found.field);
  const failure = field === found.field ? found : found.withField(field);
  const status = statusOf(failure.reason);
  if (failure.reason === 'internal') request.log.error({ err: error, requestId: request.id }, 'unhandled error');
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  if (status === 401) reply.header('www-authenticate', failure.code === 'invalid-client' ? 'Basic realm="certbridge"' : 'Bearer realm="certbridge"');
  return reply.status(status).type(PROBLEM_JSON).send(problemBody(failure, request.id));
}
