/**
 * The exchange API's domain: a consumer system asks for holders' licenses of a type, for a
 * purpose; it gets the issuer-signed credential with only the disclosures its agreement (or the
 * holder's authorisation) grants, and every call, allowed or not, is recorded before it is answered.
 */
import { randomUUID } from 'node:crypto';
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { findActiveAuthorisations, type ActiveAuthorisation } from '../holders/index.ts';
import { creditCodeFailure, presentCredential, readsAsCreditCode } from '../licenses/index.ts';
import type { LicenseStatus } from '../licenses/index.ts';
import { DomainError, invalid, statusOf, type FailureReason } from '../platform/errors.ts';
import type { StaffPrincipal } from '../policy/index.ts';
import { actorOf } from '../platform/auth/principal.ts';
import { checkCreditCode, findLicenseType, licenseTypeFields } from '../standards/index.ts';
import { decide } from '../policy/index.ts';
import type { ActiveGrant } from './grantCache.ts';
import { currentLicenses, type CurrentLicense } from '../licenses/index.ts';
import { isPurpose } from '../agreements/index.ts';
import { licensesUnderObjection } from '../objections/index.ts';
import { remaining, type QuotaCharge } from './quota.ts';
import type { AccessOutcome, AccessRecord } from './recorder.ts';
import type { ExchangeRuntime } from './exchangeState.ts';
import type { Platform } from '../platform/platform.ts';
import { chinaDate, secondsToChinaMidnight } from '../platform/chinaTime.ts';
import { isPracticeCode } from '../platform/practiceCodes.ts';

export const MAX_BATCH = 1000;

/** Holder codes are 18 characters of the credit-code alphabet (a citizen id's digits and X fit it too). */
// A credit code or a citizen id (18 characters), or an organisation code (GB 11714, 9).
const HOLDER_CODE = /^(?:[0-9A-HJ-NPQRTUWXY]{18}|[0-9A-Z]{8}[0-9X])$/;

export interface Basis {
  kind: 'agreement' | 'authorisation';
  ids: string[];
}

export interface PresentedLicense {
  holderCode: string;
  type: string;
  identifier: string;
  version: number;
  status: LicenseStatus;
  /** SD-JWT VC: the issuer's JWT with only the granted disclosures. */
  credential: string;
  /** The granted fields' values, as disclosed in `credential`. */
  fields: Record<string, unknown>;
  /** Present (true) while the license is under an open objection (数据异议): its values are disputed. */
  underObjection?: true;
}

export interface LookupAnswer extends PresentedLicense {
  purpose: string;
  basis: Basis;
  accessId: string;
}

export type BatchResult =
  | ({ result: 'found' } & PresentedLicense)
  | { holderCode: string; result: 'not-found' }
  | { holderCode: string; result: 'invalid' | 'forbidden'; problem: { code: string; detail: string } };

export interface BatchAnswer {
  type: string;
  purpose: string;
  accessId: string;
  basis: Basis;
  summary: { found: number; notFound: number; invalid: number; forbidden: number };
  results: BatchResult[];
}

/**
 * Presentations made lately, per credential (a license version's, which never changes) and set of
 * granted fields: the same consumer asks for the same licenses again and again, and a presentation
 * (the disclosures decoded and chosen) is the costliest part of an answer. Bounded; the oldest go first.
 */
const presentations = new Map<string, { credential: string; fields: Record<string, unknown> }>();
const MAX_PRESENTATIONS = 20_000;

function presentationOf(credential: string, fields: readonly string[]): { credential: string; fields: Record<string, unknown> } {
  const key = `${fields.join('\u0000')}\u0001${credential}`;
  let presented = presentations.get(key);
  if (!presented) {
    presented = presentCredential(credential, fields);
    if (presentations.size >= MAX_PRESENTATIONS) presentations.delete(presentations.keys().next().value!);
    presentations.set(key, presented);
  }
  // The caller may change what it gets (it is serialised once): a shallow copy of the values.
  return { credential: presented.credential, fields: { ...presented.fields } };
}

/** A license as the exchange answers it: the presented credential and the granted fields. */
export function present(license: CurrentLicense, fields: readonly string[]): PresentedLicense {
  const { credential, fields: values } = presentationOf(license.credential, fields);
  return {
    holderCode: license.holderCode,
    type: license.typeKey,
    identifier: license.identifier,
    version: license.version,
    status: license.status,
    credential,
    fields: values,
  };
}

const OUTCOME_BY_REASON: Partial<Record<FailureReason, AccessOutcome>> = { invalid: 'invalid', forbidden: 'denied', 'not-found': 'not-found', 'rate-limited': 'rate-limited' };

const grantContext = (grant: ActiveGrant): CedarValueJson => ({
  agreementId: grant.agreementId,
  consumerDepartment: grant.consumerDepartment,
  licenseType: grant.licenseType,
  purpose: grant.purpose,
  resourceId: grant.resourceId,
});

const authorisationContext = (a: ActiveAuthorisation): CedarValueJson => ({
  id: a.id,
  holderCode: a.holderCode,
  licenseType: a.licenseType,
  purpose: a.purpose,
  granteeKind: a.granteeClient ? 'client' : 'department',
  granteeId: a.granteeClient ?? a.granteeDepartment!,
});

/**
 * Who called, as the record names it: a system by its client id, a person (a clerk at a counter,
 * through the console) as `person:<username>` — so the audit log names the person, not a system.
 */
const callerId = (principal: StaffPrincipal): string => (principal.kind === 'client' ? principal.clientId : actorOf(principal));

/** One call of the exchange: what it is recorded as, whatever its outcome. */
class Call {
  readonly record: AccessRecord;
  charge?: QuotaCharge;

  constructor(
    private readonly rt: ExchangeRuntime,
    readonly principal: StaffPrincipal,
    operation: 'lookup' | 'batch',
    type: string,
    purpose: string | undefined,
    holderCodes: string[],
  ) {
    this.record = {
      accessId: randomUUID(),
      at: new Date(),
      departmentCode: principal.departmentCode,
      clientId: callerId(principal),
      operation,
      licenseType: type,
      purpose: purpose ?? null,
      holderCodes,
      fields: [],
      basis: null,
      basisIds: [],
      outcome: 'allowed',
      status: 200,
      problem: null,
    };
  }

  /** Records the call, committed, before its answer (or its problem) leaves. */
  async finish<T>(work: () => Promise<T>): Promise<T> {
    let answer: T;
    try {
      answer = await work();
    } catch (error) {
      const problem = error instanceof DomainError ? error : undefined;
      Object.assign(this.record, {
        fields: [],
        status: problem ? statusOf(problem.reason) : 500,
        outcome: problem ? (OUTCOME_BY_REASON[problem.reason] ?? 'denied') : 'error',
        problem: problem?.code ?? 'internal-error',
      });
      // A lookup that found no license was still a lookup: it counts against the quota.
      if (this.charge && problem?.reason !== 'not-found') {
        this.rt.quotas.release(this.charge);
        this.charge = undefined;
      }
      try {
        await this.rt.recorder.record(this.record, this.charge);
      } catch (recordError) {
        if (problem) throw recordError;
      }
      throw error;
    }
    await this.rt.recorder.record(this.record, this.charge);
    return answer;
  }

  checkCommon(): { type: string; purpose: string } {
    const { licenseType: type, purpose } = this.record;
    const call = decide(this.principal, 'exchange:call', { type: 'LicenseType', id: type!, attrs: { key: type! } });
    if (!call.allowed) throw new DomainError('forbidden', 'forbidden', "the exchange is for consumer departments' systems (role consumer)", { details: { action: 'exchange:call' } });
    if (!purpose) {
      throw new DomainError('invalid', 'missing-purpose', 'declare the purpose of the call: a code of the controlled list of purposes', { field: 'purpose' });
    }
    if (!isPurpose(purpose)) {
      throw new DomainError('invalid', 'unknown-purpose', `${purpose} is not a code of the controlled list of purposes`, { field: 'purpose' });
    }
    if (!findLicenseType(this.rt.platform, type!)) throw invalid('unknown-license-type', `unknown license type ${type}`, 'type');
    return { type: type!, purpose };
  }

  /** Under an agreement: the policy decision, with the quota of `count` lookups reserved when allowed. */
  async decideUnderAgreement(grant: ActiveGrant, type: string, purpose: string, count: number): Promise<void> {
    const key = `agreement:${grant.agreementId}`;
    const day = chinaDate();
    const usage = await this.rt.quotas.usage(key, day);
    const resource = { type: 'LicenseType', id: type, attrs: { key: type } };
    const context = { purpose, agreement: grantContext(grant), quotaExceeded: remaining(usage, grant.expectedDailyVolume) < count };
    this.record.basis = 'agreement';
    this.record.basisIds = [grant.agreementId];
    this.record.expectedDailyVolume = grant.expectedDailyVolume;
    if (decide(this.principal, 'exchange:read', resource, context).allowed) {
      usage.pending += count;
      this.charge = { key, day, count };
      return;
    }
    if (context.quotaExceeded && decide(this.principal, 'exchange:read', resource, { ...context, quotaExceeded: false }).allowed) {
      throw new DomainError(
        'rate-limited',
        'quota-exceeded',
        `agreement ${grant.agreementId} allows ${grant.expectedDailyVolume} lookups a day (Asia/Shanghai); ${Math.max(0, grant.expectedDailyVolume - usage.committed - usage.pending)} remain today and this call needs ${count}`,
        { details: { agreementId: grant.agreementId, limit: grant.expectedDailyVolume, requested: count }, retryAfterSeconds: secondsToChinaMidnight() },
      );
    }
    throw new DomainError('forbidden', 'forbidden', `exchange:read of ${type} for purpose ${purpose} is not allowed`, { details: { action: 'exchange:read' } });
  }

  /** The holder's authorisations that the policies accept for this call. */
  allowedAuthorisations(type: string, purpose: string, holderCode: string, candidates: readonly ActiveAuthorisation[]): ActiveAuthorisation[] {
    const resource = { type: 'LicenseType', id: type, attrs: { key: type } };
    return candidates.filter(
      (a) => decide(this.principal, 'exchange:read', resource, { purpose, holderCode, authorisation: authorisationContext(a), quotaExceeded: false }).allowed,
    );
  }

  async noAgreement(type: string, purpose: string, holderCode?: string): Promise<DomainError> {
    const resource = await this.rt.grants.resourceFor(type);
    const what = resource ? `${resource.title} / ${resource.titleEn} (resource ${resource.id})` : `license type ${type}`;
    return new DomainError(
      'forbidden',
      'no-agreement',
      `department ${this.principal.departmentCode} has no active sharing agreement for ${what} with purpose ${purpose}` +
        `${holderCode ? `, and holder ${holderCode} has not authorised this system or department for it` : ''}`,
      {
        details: {
          missing: 'agreement',
          department: this.principal.departmentCode,
          resourceId: resource?.id ?? null,
          licenseType: type,
          purpose,
        },
      },
    );
  }
}

const grantedFields = (platform: Platform, type: string, granted: readonly string[]) => {
  const known = licenseTypeFields(platform, type);
  return granted.filter((f) => known.includes(f));
};

function unionFields(platform: Platform, type: string, authorisations: readonly ActiveAuthorisation[]): string[] {
  return grantedFields(platform, type, [...new Set(authorisations.flatMap((a) => a.fields))]);
}

/** GET /api/v1/exchange/licenses/{holderCode}?type=… with X-Purpose. */
export function lookupLicense(
  rt: ExchangeRuntime,
  principal: StaffPrincipal,
  input: { type: string; holderCode: string; purpose: string | undefined },
): Promise<LookupAnswer> {
  const call = new Call(rt, principal, 'lookup', input.type, input.purpose, [input.holderCode]);
  return call.finish(async () => {
    const { type, purpose } = call.checkCommon();
    if (!HOLDER_CODE.test(input.holderCode)) {
      throw invalid('invalid-holder-code', `${input.holderCode} is not a holder code (a unified social credit code or a citizen id of 18 characters, or an organisation code of 9)`, '/holderCode');
    }
    // A mistyped credit code is named as such (with its check character), not answered "no such license".
    // Only a wrong check character can be a real holder's (early codes, imported with a warning): that
    // one is refused below, after the agreement check, and only when no license is held under it.
    const creditCheck = readsAsCreditCode(rt.platform, type, input.holderCode) ? checkCreditCode(input.holderCode) : undefined;
    if (creditCheck && !creditCheck.valid && !creditCheck.legacy) throw creditCodeFailure(creditCheck, '/holderCode');
    const db = rt.platform.store;
    const grant = await rt.grants.findGrant(principal.departmentCode, type, purpose);
    let fields: string[];
    let basis: Basis;
    if (grant) {
      await call.decideUnderAgreement(grant, type, purpose, 1);
      fields = grantedFields(rt.platform, type, grant.fields);
      basis = { kind: 'agreement', ids: [grant.agreementId] };
    } else {
      const candidates = (await findActiveAuthorisations(db, { holderCodes: [input.holderCode], licenseType: type, purpose, clientId: callerId(principal), departmentCode: principal.departmentCode })).get(input.holderCode) ?? [];
      const allowed = call.allowedAuthorisations(type, purpose, input.holderCode, candidates);
      if (allowed.length === 0) throw await call.noAgreement(type, purpose, input.holderCode);
      fields = unionFields(rt.platform, type, allowed);
      basis = { kind: 'authorisation', ids: allowed.map((a) => a.id) };
      call.record.basis = 'authorisation';
      call.record.basisIds = basis.ids;
    }
    // Practice data (练习模式) is never served: the practice range is not a real holder.
    const license = isPracticeCode(input.holderCode) ? undefined : await currentLicenses(rt.platform).find(type, input.holderCode);
    if (!license && creditCheck?.legacy) throw creditCodeFailure(creditCheck, '/holderCode');
    if (!license) throw new DomainError('not-found', 'license-not-found', `holder ${input.holderCode} has no ${type}`);
    call.record.fields = fields;
    // From memory (no query): the licenses under an open objection.
    const disputed = (await licensesUnderObjection(rt.platform)).has(type, license.holderCode);
    return { ...present(license, fields), ...(disputed ? { underObjection: true as const } : {}), purpose, basis, accessId: call.record.accessId };
  });
}

/** POST /api/v1/exchange/licenses:batch with X-Purpose: per-holder results. */
export function lookupBatch(
  rt: ExchangeRuntime,
  principal: StaffPrincipal,
  input: { type: string; holders: readonly string[]; purpose: string | undefined },
): Promise<BatchAnswer> {
  const call = new Call(rt, principal, 'batch', input.type, input.purpose, [...new Set(input.holders)]);
  return call.finish(async () => {
    const { type, purpose } = call.checkCommon();
    if (input.holders.length > MAX_BATCH) throw invalid('validation-failed', `at most ${MAX_BATCH} holders per batch`, '/holders');
    const db = rt.platform.store;
    const valid = [...new Set(input.holders.filter((h) => HOLDER_CODE.test(h)))];
    const grant = await rt.grants.findGrant(principal.departmentCode, type, purpose);
    let basis: Basis;
    let readable: Map<string, string[]>;
    let allFields: string[];
    if (grant) {
      // The quota counts every holder asked for (once each), found or not.
      await call.decideUnderAgreement(grant, type, purpose, valid.length);
      allFields = grantedFields(rt.platform, type, grant.fields);
      readable = new Map(valid.map((h) => [h, allFields]));
      basis = { kind: 'agreement', ids: [grant.agreementId] };
    } else {
      const byHolder = await findActiveAuthorisations(db, { holderCodes: valid, licenseType: type, purpose, clientId: callerId(principal), departmentCode: principal.departmentCode });
      readable = new Map();
      const ids = new Set<string>();
      for (const holder of valid) {
        const allowed = call.allowedAuthorisations(type, purpose, holder, byHolder.get(holder) ?? []);
        if (allowed.length === 0) continue;
        readable.set(holder, unionFields(rt.platform, type, allowed));
        for (const a of allowed) ids.add(a.id);
      }
      if (readable.size === 0) throw await call.noAgreement(type, purpose);
      basis = { kind: 'authorisation', ids: [...ids] };
      allFields = [...new Set([...readable.values()].flat())];
      call.record.basis = 'authorisation';
      call.record.basisIds = basis.ids;
    }
    const licenses = await currentLicenses(rt.platform).findMany(type, [...readable.keys()].filter((h) => !isPracticeCode(h)));
    const disputed = await licensesUnderObjection(rt.platform);
    const summary = { found: 0, notFound: 0, invalid: 0, forbidden: 0 };
    const results: BatchResult[] = input.holders.map((holderCode) => {
      if (!HOLDER_CODE.test(holderCode)) {
        summary.invalid++;
        return { holderCode, result: 'invalid', problem: { code: 'invalid-holder-code', detail: 'not a holder code (18 characters: a unified social credit code or a citizen id)' } };
      }
      const fields = readable.get(holderCode);
      if (!fields) {
        summary.forbidden++;
        return { holderCode, result: 'forbidden', problem: { code: 'no-authorisation', detail: `holder ${holderCode} has not authorised this system or department for purpose ${purpose}` } };
      }
      const license = licenses.get(holderCode);
      if (!license) {
        summary.notFound++;
        return { holderCode, result: 'not-found' };
      }
      summary.found++;
      return { result: 'found', ...present(license, fields), ...(disputed.has(type, holderCode) ? { underObjection: true as const } : {}) };
    });
    call.record.fields = allFields;
    call.record.results = summary;
    return { type, purpose, accessId: call.record.accessId, basis, summary, results };
  });
}
