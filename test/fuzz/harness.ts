/**
 * Plumbing for the fuzz tests: a raw HTTP client that sends exactly the bytes it is given (paths
 * with %00 or %ED%A0%80, JSON text with "\ud800" or 1e309, bodies of 2 MB) with a hard per-request
 * timeout; a capture of the server's "unhandled error" log lines, so that a 500 can be reported with
 * its cause; and a snapshot of the row counts of every table.
 */
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import pino from 'pino';
import type { Logger } from 'pino';
import type { Queryable } from '../../src/platform/store/store.ts';

export interface RawRequest {
  method: string;
  /** Exactly what goes on the request line: already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  /** The body as text (at most the first 64 KB). */
  body: string;
  ms: number;
  /** The request did not complete within the timeout. */
  timedOut?: boolean;
  /** A transport error before any response came (connection reset, …). */
  error?: string;
}

const KEEP = 8 * 1024 * 1024;

/** One HTTP/1.1 request (on a keep-alive connection of `agent`, or a fresh one); never rejects. */
export function sendRaw(base: URL, agent: Agent | false, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    let status = 0;
    let contentType = '';
    const chunks: Buffer[] = [];
    let kept = 0;
    const finish = (extra: Partial<RawResponse> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, contentType, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started, ...extra });
    };
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    let outgoing: ReturnType<typeof httpRequest>;
    try {
      outgoing = httpRequest(
        { host: base.hostname, port: Number(base.port), method: req.method, path: req.path, headers, agent },
        (res) => {
          status = res.statusCode ?? 0;
          contentType = String(res.headers['content-type'] ?? '');
          res.on('data', (chunk: Buffer) => {
            if (kept < KEEP) chunks.push(chunk);
            kept += chunk.length;
          });
          res.on('end', () => finish());
          res.on('error', () => finish());
          res.on('close', () => finish());
        },
      );
    } catch (error) {
      // e.g. a header value Node refuses to send: not something the server ever saw
      resolve({ status: -1, contentType: '', body: '', ms: 0, error: `client refused to send: ${(error as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ timedOut: true });
    }, timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer (413) and close before a large body is written: that answer counts.
      if (status !== 0) finish();
      else finish({ error: error.code ?? error.message });
    });
    if (req.body !== undefined) outgoing.end(req.body);
    else outgoing.end();
  });
}

/**
 * Sends `text` as-is on a fresh TCP connection (for what no HTTP client library lets through, e.g.
 * NUL in a header). `halfClose` ends the sending side after it, so that a server waiting for more
 * of a body sees the end of it (a server may then also drop a pending answer: use it only for that).
 */
export function sendSocket(base: URL, text: Buffer, timeoutMs: number, halfClose = false): Promise<RawResponse> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect(Number(base.port), base.hostname);
    const finish = (extra: Partial<RawResponse> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '';
      resolve({ status, contentType, body: Buffer.from(rest.join('\r\n\r\n'), 'latin1').toString('utf8'), ms: performance.now() - started, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (error: NodeJS.ErrnoException) => (chunks.length > 0 ? finish() : finish({ error: error.code ?? error.message })));
    if (halfClose) socket.end(text);
    else socket.write(text);
  });
}

/** Runs `work` over `items` with at most `limit` in flight, in order of start. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  });
  await Promise.all(runners);
  return results;
}

export interface LoggedError {
  requestId?: string;
  message: string;
  /** The SQL of a database error, when there is one. */
  query?: string;
  stack?: string;
}

/**
 * Captures the server's error log lines (level ≥ 50), keyed by request id, by putting a tee in
 * front of the pino destination of `log` (request loggers are pino children: they inherit it).
 * Lines below error level still go to the original destination; captured ones are not printed
 * (the fuzz report prints them with the request that caused them).
 */
export function captureErrorLogs(log: Logger): { byRequest: Map<string, LoggedError>; all: LoggedError[]; restore: () => void } {
  const byRequest = new Map<string, LoggedError>();
  const all: LoggedError[] = [];
  const sym = pino.symbols.streamSym as unknown as string;
  const target = log as unknown as Record<string, { write: (line: string) => unknown }>;
  const original = target[sym];
  if (!original || typeof original.write !== 'function') return { byRequest, all, restore: () => undefined };
  const tee = {
    ...original,
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { level?: number; requestId?: string; msg?: string; err?: { message?: string; query?: string; stack?: string } };
        if ((entry.level ?? 0) >= 50) {
          const logged: LoggedError = { requestId: entry.requestId, message: entry.err?.message ?? entry.msg ?? '', query: entry.err?.query, stack: entry.err?.stack };
          all.push(logged);
          if (entry.requestId) byRequest.set(entry.requestId, logged);
          return true;
        }
      } catch {
        // not one JSON line: pass it on
      }
      return original.write(line);
    },
  };
  Object.setPrototypeOf(tee, Object.getPrototypeOf(original) as object);
  target[sym] = tee;
  return { byRequest, all, restore: () => void (target[sym] = original) };
}

/**
 * Tables whose rows legitimately record rejected calls (the audit log, which holds the access records, and its
 * tree, sign-in failures, rate counters): a rejected request may add rows to these.
 */
export function recordsRejectedCalls(table: string): boolean {
  const listed = [
    'audit_bundles',
    'audit_bundle_parts',
    'audit_tiles',
    'audit_tree_heads',
    'audit_state',
    'audit_indexer',
    'audit_postings',
    'audit_days',
    'audit_access_counts',
    'audit_access_daily',
    'audit_alerts',
  ];
  return listed.includes(table) || /sign_in|lockout|rate/.test(table);
}

/**
 * Tables a read fills with what it computed and keeps (a closed month's scoreboard is computed once, on the
 * first read after the month closed or the weights changed): a GET that was answered 2xx may add rows to these.
 */
export function keepsWhatReadsComputed(table: string): boolean {
  return table === 'evaluation_boards';
}

export type RowCounts = Record<string, number>;

/** The public tables other than those that record rejected calls. */
export async function watchedTables(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name",
  );
  return rows.rows.map((r) => r.table_name).filter((name) => !recordsRejectedCalls(name));
}

/** count(*) of every table of `tables`, in one round trip. */
export async function rowCounts(db: Queryable, tables: readonly string[]): Promise<RowCounts> {
  if (tables.length === 0) return {};
  const sql = `select ${tables.map((name, i) => `(select count(*) from "${name.replace(/"/g, '""')}")::int as c${i}`).join(', ')}`;
  const row = (await db.query<Record<string, number>>(sql)).rows[0];
  return Object.fromEntries(tables.map((name, i) => [name, Number(row[`c${i}`])]));
}

/** The tables whose row counts differ, but for those `allowed` lets change. */
export function countChanges(before: RowCounts, after: RowCounts, allowed: (table: string) => boolean = () => false): string[] {
  return Object.keys(after)
    .filter((name) => before[name] !== after[name] && !allowed(name))
    .map((name) => `${name}: ${before[name]} → ${after[name]}`);
}

/** Waits until the row counts stop moving (background deliveries, sweeps) for `stableMs`, at most `maxMs`. */
export async function quiescent(db: Queryable, tables: readonly string[], stableMs = 600, maxMs = 15_000): Promise<RowCounts> {
  const deadline = Date.now() + maxMs;
  let last = await rowCounts(db, tables);
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await rowCounts(db, tables);
    if (countChanges(last, now).length > 0) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) {
      return now;
    }
  }
  return last;
}
