/**
 * The composition root: the list of capabilities, in the order they depend on each other. Adding
 * a capability is adding its folder and one line here. Nothing imports this folder but entry
 * points (the CLI, tests, benchmarks).
 */
import { agreementsCapability } from '../agreements/capability.ts';
import { auditCapability } from '../audit/capability.ts';
import { catalogCapability } from '../catalog/capability.ts';
import { departmentsCapability } from '../departments/capability.ts';
import { deliveriesCapability } from '../deliveries/capability.ts';
import { evaluationCapability } from '../evaluation/capability.ts';
import { exchangeCapability } from '../exchange/capability.ts';
import { holdersCapability } from '../holders/capability.ts';
import { ledgerCapability } from '../ledger/capability.ts';
import { licensesCapability } from '../licenses/capability.ts';
import { notificationsCapability } from '../notifications/capability.ts';
import { objectionsCapability } from '../objections/capability.ts';
import { peopleCapability } from '../people/capability.ts';
import { practiceCapability } from '../practice/capability.ts';
import { reportsCapability } from '../reports/capability.ts';
import { qualityCapability } from '../quality/capability.ts';
import { PRACTICE_KIT } from '../demo/practiceKit.ts';
import type { Capability } from '../platform/capability.ts';
import type { Config } from '../platform/config.ts';
import { followerJobs } from '../platform/followers.ts';
import { startJobs } from '../platform/jobs.ts';
import { KERNEL_MIGRATIONS, openKernel, type OpenOptions, type Platform } from '../platform/platform.ts';
import type { Migration } from '../platform/store/migrate.ts';
import type { Store } from '../platform/store/store.ts';
import { standardsCapability } from '../standards/capability.ts';

export const CAPABILITIES: readonly Capability[] = [
  departmentsCapability,
  standardsCapability,
  notificationsCapability,
  licensesCapability,
  holdersCapability,
  peopleCapability,
  catalogCapability,
  agreementsCapability,
  objectionsCapability,
  exchangeCapability,
  deliveriesCapability,
  ledgerCapability,
  qualityCapability,
  evaluationCapability,
  reportsCapability,
  auditCapability,
  practiceCapability(PRACTICE_KIT),
];

/** Every capability's followers of the audit log. */
export const FOLLOWERS = CAPABILITIES.flatMap((c) => c.followers ?? []);

/** Every migration, kernel first, in the order they run. */
export const MIGRATIONS: readonly Migration[] = [...KERNEL_MIGRATIONS, ...CAPABILITIES.flatMap((c) => c.migrations)];

/** Opens the kernel with every capability's tables and lets each capability attach its listeners. */
export async function openPlatform(config: Config, options: Store | OpenOptions = {}): Promise<Platform> {
  const opened = 'kind' in options ? { store: options } : options;
  const platform = await openKernel(config, CAPABILITIES.flatMap((c) => c.migrations), opened);
  for (const capability of CAPABILITIES) capability.attach?.(platform);
  for (const capability of CAPABILITIES) await capability.open?.(platform);
  return platform;
}

/**
 * Starts every capability's background work (server only): the jobs and followers the kernel runs,
 * then the capabilities' own loops. The one stop for all ends the jobs first, then the loops one after
 * another in the list's order: the audit log, last, sequences what the others wrote while stopping.
 */
export function startBackgroundWork(platform: Platform): () => Promise<void> {
  platform.changes.start();
  const stopJobs = startJobs(platform, [...CAPABILITIES.flatMap((c) => c.jobs ?? []), ...followerJobs(FOLLOWERS)]);
  const stops = CAPABILITIES.flatMap((c) => (c.start ? [c.start(platform)] : []));
  return async () => {
    await stopJobs();
    for (const stop of stops) await stop();
    await platform.changes.stop();
  };
}
