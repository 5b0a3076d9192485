// The agreements capability (its facade; each function takes the principal and decides): sharing requests (共享申请), decisions with working-day deadlines,
// escalation to the coordination office, appeals, comments, and the grants the exchange checks.

export {
  AGREEMENT_CHANGES,
  AGREEMENT_STATUSES,
  addComment,
  appealAgreement,
  changeAgreementStatus,
  decideAgreement,
  decideAppeal,
  escalateOverdue,
  expireAgreements,
  listAgreements,
  listComments,
  readAgreement,
  submitAgreement,
} from './agreements.ts';
export type { Agreement, AgreementQuery, AgreementRequest, AgreementStatus, Comment, Decision, HistoryEntry, SharingContext } from './agreements.ts';
export { activeGrantsForLicenseType, findActiveGrant, findActiveGrantsForResource, grantEndsAt, grantsForResource, type ActiveGrant } from './grants.ts';
export { PURPOSES, findPurpose, isPurpose, type Purpose } from './purposes.ts';
export { agreementStatistics, requestTimelinessByOwner, requestingDepartments, type AgreementStatistics, type RequestTimeliness } from './statistics.ts';
export type { AgreementEvent } from './events.ts';
