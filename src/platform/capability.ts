import type { FastifyPluginAsync } from 'fastify';
import type { ReadinessCheck } from './http/health.ts';
import type { Follower } from './followers.ts';
import type { BackgroundJob } from './jobs.ts';
import type { Platform } from './platform.ts';
import type { Migration } from './store/migrate.ts';

/**
 * What each capability folder hands the platform: its tables, its routes, and what it hooks
 * into or runs in the background. The platform knows capabilities only through this.
 */
export interface Capability {
  name: string;
  migrations: readonly Migration[];
  /** A Fastify plugin with the capability's routes and schemas. */
  routes?: FastifyPluginAsync<{ platform: Platform }>;
  /** Registers event listeners; runs in every process that opens the platform (server and CLI). */
  attach?: (platform: Platform) => void;
  /** Loads what the capability keeps in memory before the platform is used (every process), after every capability attached. */
  open?: (platform: Platform) => Promise<void>;
  /** Background work the kernel runs in the server (one process at a time unless a job says otherwise). */
  jobs?: readonly BackgroundJob[];
  /** Followers of the audit log the kernel runs in the server (each a leased job, its place in `follower_cursors`). */
  followers?: readonly Follower<never>[];
  /** Starts background work that runs its own loop (delivery, sequencing) in the server only; returns its stop. */
  start?: (platform: Platform) => () => Promise<void>;
  /** Requests the platform sends to departments' systems (its events), as OpenAPI 3.1 `webhooks` entries. */
  webhooks?: Record<string, unknown>;
  /** Registers the capability's metrics on `platform.metrics` (server only, once). */
  metrics?: (platform: Platform) => void;
  /** A check `/health/ready` runs (is its background work alive?). */
  readiness?: ReadinessCheck;
}
