import type { Capability } from '../platform/capability.ts';
import { reportsRoutes } from './routes.ts';

export const reportsCapability: Capability = { name: 'reports', migrations: [], routes: reportsRoutes };
