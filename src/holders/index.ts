// The holders capability (being built: see its issue).
import type { Capability } from '../platform/capability.ts';
import { holdersRoutes } from './routes.ts';

export const holdersCapability: Capability = { name: 'holders', migrations: [], routes: holdersRoutes };
