// The agreements capability (being built: see its issue).
import type { Capability } from '../platform/capability.ts';
import { agreementsRoutes } from './routes.ts';

export const agreementsCapability: Capability = { name: 'agreements', migrations: [], routes: agreementsRoutes };
