// The catalog capability (being built: see its issue).
import type { Capability } from '../platform/capability.ts';
import { catalogRoutes } from './routes.ts';

export const catalogCapability: Capability = { name: 'catalog', migrations: [], routes: catalogRoutes };
