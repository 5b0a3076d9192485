// The exchange capability (being built: see its issue).
import type { Capability } from '../platform/capability.ts';
import { exchangeRoutes } from './routes.ts';

export const exchangeCapability: Capability = { name: 'exchange', migrations: [], routes: exchangeRoutes };
