// The audit capability (being built: see its issue).
import type { Capability } from '../platform/capability.ts';
import { auditRoutes } from './routes.ts';

export const auditCapability: Capability = { name: 'audit', migrations: [], routes: auditRoutes };
