/**
 * The platform's logger (pino, the one Fastify uses): JSON lines, `info` by default, credentials
 * and secrets redacted wherever they appear; every line names the process and host (several nodes log to one place). Servers log to stdout; one-shot commands to stderr, so
 * that what they print for scripts stays clean.
 */
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/** Never written to a log, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.access_token',
  '*.accessToken',
  '*.token',
  '*.credential',
  '*.masterKey',
  '*.oidcClientSecret',
  '*.csrfToken',
  '*.codeVerifier',
];

/** `destination`: a stream instead of the standard output or error (tests). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination: 'stdout' | 'stderr' | NodeJS.WritableStream = 'stdout'): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'certbridge', pid: process.pid, hostname: hostname() } },
    typeof destination === 'string' ? pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: false }) : destination,
  );
}
