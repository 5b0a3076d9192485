// The audit capability: an append-only Merkle log (RFC 9162) of every access and change, signed
// tree heads, inclusion and consistency proofs, verification, the holder's "who used my data"
// view and oversight alerts. See docs/audit.md.
import type { Capability } from '../platform/capability.ts';
import { sqlMigration } from '../platform/store/migrate.ts';
import { appendListener } from './append.ts';
import { auditRoutes } from './routes.ts';
import { startSequencer } from './sequencing.ts';

export type { TreeHead } from './treeHead.ts';
export type { Alert } from './oversight.ts';
export { sequence } from './sequencing.ts';
export { verifyLog, type VerifyReport } from './verifyLog.ts';
export { inclusionProof, consistencyProof, latestTreeHead, rootAt } from './log.ts';

export const auditCapability: Capability = {
  name: 'audit',
  migrations: [sqlMigration('audit', '001_audit', import.meta.url)],
  routes: auditRoutes,
  attach: (platform) => platform.events.on('', appendListener),
  start: startSequencer,
};
