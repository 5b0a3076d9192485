// The audit capability (its facade): an append-only Merkle log (RFC 9162) of every access and
// change, signed tree heads, inclusion and consistency proofs, verification, the holder's "who used
// my data" view and oversight alerts. Readers take the principal and decide through the policies;
// tree heads are public. See docs/audit.md.
export type { TreeHead } from './treeHead.ts';
export type { Alert } from './oversight.ts';
export { sequence } from './sequencing.ts';
export { logSize } from './size.ts';
export { followLog, type FollowedEntry, type FollowedPage } from './follow.ts';
export { verifyLog, type VerifyReport } from './verifyLog.ts';
export { inclusionProof, consistencyProof, latestTreeHead, rootAt } from './log.ts';
export { accessCounts, type AccessCount } from './counts.ts';
export { currentCheckpoint, logVerifierKey, readBundle, readTile } from './tileReaders.ts';
export { accessAlerts, currentTreeHead, holderAccessLog, proveConsistency, proveInclusion, readEntry, searchEntries, treeHeads, type EntrySearch } from './logReaders.ts';
export { AUDIT_ENTRY_TYPES, type AuditEntryType } from './entryTypes.ts';
