/**
 * The web console (`web/`, built into `web/dist` by `npm install` / `npm run build`) is served by
 * the platform on the API's port, so `npm start` needs nothing else and the console calls the API
 * on its own origin (cookies stay same-site, the CSP stays `'self'`):
 * - the hashed files under `/assets/` are cached for a year (`immutable`): a new build has new names;
 * - the app's one page (`index.html`) is never cached stale (`no-cache` with an ETag), so a new build
 *   is picked up on the next visit; it is the answer to `/` and to every browser navigation that is
 *   not an API, docs, health, well-known or OAuth path (the app routes itself by the URL);
 * - precompressed copies (`.br`, `.gz`, written by the build) are sent to clients that accept them:
 *   the QR link is opened on phones, often over a slow network.
 * A capability whose public URL people open in a browser (the QR code's verification link) answers
 * the page too when the client prefers HTML, through `answersWithConsole` and `sendConsolePage`,
 * and keeps answering JSON to everyone else.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Where the build puts the console: web/dist at the root of the checkout (the same from src/ and from dist/). */
export const WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths that belong to the API and the platform's own pages: never answered with the console. */
const RESERVED_PREFIXES = ['/api', '/docs', '/health', '/.well-known', '/oauth'];

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Files at the root of the build (the icon): short-lived, their names carry no hash. */
const UNHASHED = 'public, max-age=3600';

interface ConsolePage {
  html: Buffer;
  etag: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The console's page, or null when the console was not built (then only the API is served). */
    consolePage?: ConsolePage | null;
  }
}

/**
 * How much a client's `Accept` header wants `type`: the q of the most specific range that matches
 * it (RFC 9110 §12.5.1), 0 when none does. No header at all is `*\/*`.
 */
export function acceptQuality(accept: string | undefined, type: string): number {
  const [major] = type.split('/');
  let best = -1;
  let quality = 0;
  for (const part of (accept ?? '*/*').split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best) continue;
    best = specificity;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    quality = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
  }
  return quality;
}

/**
 * Whether the client prefers HTML to JSON: a browser's navigation (`text/html,…,*\/*;q=0.8`) does;
 * `application/json`, `*\/*` or no Accept at all (programs, curl) do not — a tie goes to JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  return acceptQuality(accept, 'text/html') > acceptQuality(accept, 'application/json');
}

/** Whether this request is to be answered with the console's page: a GET or HEAD that prefers HTML, with the console built. */
export function answersWithConsole(request: FastifyRequest): boolean {
  return Boolean(request.server.consolePage) && (request.method === 'GET' || request.method === 'HEAD') && prefersHtml(request.headers.accept);
}

const reserved = (path: string) => RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** The not-found handler's question: is this a browser navigation to one of the app's own pages (`/verify`, `/issuer/…`)? */
export function isConsoleNavigation(request: FastifyRequest): boolean {
  return answersWithConsole(request) && !reserved(request.url.split('?')[0]);
}

/** Adds `Accept` to the response's Vary (keeping what CORS put there): the answer depends on it. */
export function varyOnAccept(reply: FastifyReply): FastifyReply {
  const current = reply.getHeader('vary');
  const names = (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((name) => name.trim()).filter(Boolean);
  return names.some((name) => name.toLowerCase() === 'accept' || name === '*') ? reply : reply.header('vary', [...names, 'Accept'].join(', '));
}

/** Answers the console's page (200, or 304 when the client has it). */
export function sendConsolePage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const page = request.server.consolePage;
  if (!page) throw new Error('the web console is not built');
  varyOnAccept(reply).header('cache-control', 'no-cache').header('etag', page.etag);
  if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
  return reply.code(200).type('text/html; charset=utf-8').send(page.html);
}

/** Serves the built console; without a build (a checkout that was never built) it logs why and serves the API alone. */
export const webConsole = fp<{ root?: string }>(
  async (app, { root = WEB_ROOT }) => {
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      app.log.warn({ root }, 'the web console is not built (npm run build): serving the API only');
      app.decorate('consolePage', null);
      return;
    }
    const html = readFileSync(index);
    app.decorate('consolePage', { html, etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 32)}"` });
    for (const path of ['/', '/index.html']) app.get(path, { schema: { hide: true } }, (request, reply) => sendConsolePage(request, reply));
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file, found at start: an unknown path goes to the not-found handler
      // (the SPA fallback or a problem), never to the disk.
      wildcard: false,
      index: false,
      globIgnore: ['index.html', '**/*.br', '**/*.gz'],
      preCompressed: true,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply, path) => reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? IMMUTABLE : UNHASHED),
    });
  },
  { name: 'web-console' },
);
