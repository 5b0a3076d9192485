/**
 * Imports over HTTP (the console's 批量导入): a department's staff upload a CSV, JSON or XML file;
 * it is written to a private temporary folder and imported by the same importer as the CLI
 * (`importLicenses`) in the background, while the caller polls the job for its progress and then
 * downloads the report of rejected rows.
 *
 * Jobs live in the memory of the process that took the upload (a job is not visible from another
 * process behind the same load balancer), bounded: at most MAX_RUNNING imports run at once per
 * process, at most MAX_JOBS are remembered, and a finished job is forgotten (with its report)
 * after KEEP_MS. An upload is at most IMPORT_MAX_BYTES; larger loads go through the CLI.
 *
 * Who may start or read a job is decided by the policy `license:import`: the staff (issuer role)
 * of the issuing department, in its own name, while it is an authorised issuer of the type.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { actorNamesOf, nameIn } from '../../platform/actorNames.ts';
import { actorOf, isStaff, type Principal } from '../../platform/auth/principal.ts';
import { conflict, DomainError, forbidden, invalid, notFound, rateLimited } from '../../platform/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import { chinaDate } from '../../platform/chinaTime.ts';
import { issuerRegistry } from '../../standards/index.ts';
import { ImportAbortedError, ImportFileError, importLicenses, type ImportProgress, type ImportSummary } from './index.ts';
import { authorizeImport } from '../licenses.ts';

/** The largest file the console uploads (32 MiB, some 60,000 business licenses); the CLI takes any size. */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
/** Imports running at once in one process (each signs; a large one uses worker threads). */
export const IMPORT_MAX_RUNNING = 2;
/** Jobs remembered per process; the oldest finished ones are forgotten first. */
export const IMPORT_MAX_JOBS = 100;
/** How long a finished job and its report are kept. */
export const IMPORT_KEEP_MS = 6 * 3600_000;

export const IMPORT_FORMATS = ['csv', 'json', 'ndjson', 'xml'] as const;
export type ImportJobFormat = (typeof IMPORT_FORMATS)[number];

const MEDIA_TYPES: Record<string, ImportJobFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/vnd.ms-excel': 'csv', // what Windows browsers call a .csv
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/xml': 'xml',
  'text/xml': 'xml',
};
const EXTENSIONS: Record<string, ImportJobFormat> = { csv: 'csv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', xml: 'xml' };

export type ImportJobStatus = 'running' | 'finished' | 'failed';

/** A job as its department sees it (GET /api/v1/licenses/imports/{id}). */
export interface ImportJobView extends ImportProgress {
  id: string;
  status: ImportJobStatus;
  type: string;
  format: ImportJobFormat;
  fileName: string;
  issuerCode: string;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** Why the import stopped (a problem with the file as a whole), when it failed. */
  error: string | null;
  /** GET this for the rejected rows and warnings (CSV), once the job is over and there is something to report. */
  reportUrl: string | null;
}

/** A job as it is answered: who started it, by name beside the actor. */
export type NamedImportJob = ImportJobView & { createdByName: string | null };

async function named(platform: Platform, views: readonly ImportJobView[]): Promise<NamedImportJob[]> {
  const names = await actorNamesOf(platform, views.map((v) => v.createdBy));
  return views.map((v) => ({ ...v, createdByName: nameIn(names, v.createdBy) }));
}

interface Job {
  view: ImportJobView;
  folder: string;
  report: string | null;
  done: Promise<void>;
}

interface Registry {
  jobs: Map<string, Job>;
  running: number;
}

const registries = new WeakMap<Platform, Registry>();

function registryOf(platform: Platform): Registry {
  let registry = registries.get(platform);
  if (!registry) {
    registry = { jobs: new Map(), running: 0 };
    registries.set(platform, registry);
  }
  return registry;
}

/** The format: the `format` parameter, else the media type, else the file name's extension. */
export function importFormatOf(format: string | undefined, contentType: string | undefined, fileName: string | undefined): ImportJobFormat {
  if (format !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw invalid('validation-failed', `format must be one of ${IMPORT_FORMATS.join(', ')}`, '/format');
    return format as ImportJobFormat;
  }
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (MEDIA_TYPES[media]) return MEDIA_TYPES[media];
  const extension = /\.([A-Za-z]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (extension && EXTENSIONS[extension]) return EXTENSIONS[extension];
  throw new DomainError(
    'unsupported-media-type',
    'unsupported-media-type',
    `cannot tell the format of the upload: send Content-Type text/csv, application/json, application/x-ndjson or application/xml, or give format=${IMPORT_FORMATS.join('|')}`,
  );
}

const tooLarge = () =>
  new DomainError('too-large', 'payload-too-large', `an uploaded file is at most ${IMPORT_MAX_BYTES / 1024 / 1024} MiB: import larger files with the CLI (certbridge import)`, {
    details: { limit: IMPORT_MAX_BYTES },
  });

/** Writes the body to `path`, refusing it past `max` bytes (the rest of the body is read and dropped, so the answer reaches the client). */
function spool(body: Readable, path: string, max: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    let settled = false;
    let ended = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      out.destroy();
      body.resume(); // read to the end and drop
      reject(error);
    };
    out.on('error', fail);
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      if (bytes > max) {
        fail(tooLarge());
        return;
      }
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    });
    body.on('end', () => {
      ended = true;
      if (settled) return;
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve(bytes);
      });
    });
    body.on('error', (error) => fail(invalid('upload-failed', `the upload did not arrive whole: ${error.message}`)));
    body.on('close', () => {
      if (!ended) fail(invalid('upload-failed', 'the upload did not arrive whole'));
    });
  });
}

const sanitizeFileName = (name: string | undefined, format: ImportJobFormat) => {
  const cleaned = [...(name ?? '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c !== '\u007f' && c !== '/' && c !== '\\')
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned || `upload.${format}`;
};

/** Forgets finished jobs past their time, and the oldest finished ones beyond the bound. */
async function prune(registry: Registry, now: number): Promise<void> {
  const finished = [...registry.jobs.values()].filter((j) => j.view.status !== 'running');
  const old = finished.filter((j) => now - Date.parse(j.view.finishedAt!) > IMPORT_KEEP_MS);
  const excess = Math.max(0, registry.jobs.size - old.length - (IMPORT_MAX_JOBS - 1));
  const evict = [...old, ...finished.filter((j) => !old.includes(j)).slice(0, excess)];
  for (const job of evict) {
    registry.jobs.delete(job.view.id);
    await rm(job.folder, { recursive: true, force: true });
  }
}

export interface StartImport {
  /** The license type; may be left out by a department that issues one type only. */
  type?: string;
  format?: string;
  fileName?: string;
  /** The issuing department; default: the caller's own. */
  issuer?: string;
  acceptLegacyCodes?: boolean;
  contentType?: string;
  contentLength?: number;
}

const withCounts = (view: ImportJobView, counts: ImportProgress | ImportSummary) => {
  view.rows = counts.rows;
  view.issued = counts.issued;
  view.alreadyIssued = counts.alreadyIssued;
  view.rejected = counts.rejected;
  view.warnings = counts.warnings;
  view.elapsedMs = Math.round(counts.elapsedMs);
};

/** Without a type named: the one type the department may issue today, when it issues one only. */
async function onlyTypeIssuedBy(platform: Platform, department: string): Promise<string> {
  const today = chinaDate();
  const types = [...new Set((await issuerRegistry(platform).all()).filter((i) => i.department === department && i.validFrom <= today && (i.validUntil === null || today <= i.validUntil)).map((i) => i.licenseType))];
  if (types.length === 1) return types[0];
  if (types.length === 0) throw forbidden(`department ${department} is an authorised issuer of no license type today`, {}, 'not-an-authorised-issuer');
  throw invalid('missing-field', `department ${department} issues ${types.join(', ')}: name the license type (type)`, '/type');
}

/**
 * Takes an upload and starts importing it: the job (202), which the caller polls. Decided before
 * a byte of the body is read; a body over IMPORT_MAX_BYTES is refused (413).
 */
export async function startLicenseImport(platform: Platform, principal: Principal, input: StartImport, body: Readable): Promise<NamedImportJob> {
  const issuerCode = input.issuer ?? (isStaff(principal) ? principal.departmentCode : undefined);
  if (issuerCode === undefined) throw invalid('missing-field', 'name the issuing department (issuer)', '/issuer');
  const type = input.type ?? (await onlyTypeIssuedBy(platform, issuerCode));
  await authorizeImport(platform, principal, type, issuerCode);
  const format = importFormatOf(input.format, input.contentType, input.fileName);
  if (input.contentLength !== undefined && input.contentLength > IMPORT_MAX_BYTES) throw tooLarge();
  const registry = registryOf(platform);
  if (registry.running >= IMPORT_MAX_RUNNING) {
    throw rateLimited('imports-busy', `${IMPORT_MAX_RUNNING} imports are running on this server: try again when one has finished`, 30);
  }
  await prune(registry, Date.now());

  const folder = await mkdtemp(join(tmpdir(), 'certbridge-import-'));
  const file = join(folder, `upload.${format}`);
  let size: number;
  registry.running++; // the upload counts: two large uploads at once are two imports
  try {
    size = await spool(body, file, IMPORT_MAX_BYTES);
    if (size === 0) throw invalid('empty-upload', 'the uploaded file is empty');
  } catch (error) {
    registry.running--;
    await rm(folder, { recursive: true, force: true });
    throw error;
  }

  const id = randomUUID();
  const view: ImportJobView = {
    id,
    status: 'running',
    type,
    format,
    fileName: sanitizeFileName(input.fileName, format),
    issuerCode,
    createdBy: actorOf(principal),
    createdAt: new Date().toISOString(),
    finishedAt: null,
    bytesRead: 0,
    totalBytes: size,
    rows: 0,
    issued: 0,
    alreadyIssued: 0,
    rejected: 0,
    warnings: 0,
    elapsedMs: 0,
    error: null,
    reportUrl: null,
  };
  const job: Job = { view, folder, report: null, done: Promise.resolve() };
  const finish = (report: string | null) => {
    job.report = report;
    view.reportUrl = report ? `/api/v1/licenses/imports/${id}/rejected.csv` : null;
    view.finishedAt = new Date().toISOString();
  };
  job.done = importLicenses(
    platform,
    file,
    { type, issuer: issuerCode, acceptLegacyCodes: input.acceptLegacyCodes, report: join(folder, 'rejected.csv') },
    (progress) => {
      view.bytesRead = progress.bytesRead;
      view.totalBytes = progress.totalBytes;
      withCounts(view, progress);
    },
    actorOf(principal),
  )
    .then((summary) => {
      withCounts(view, summary);
      view.bytesRead = view.totalBytes;
      view.status = 'finished';
      finish(summary.report);
    })
    .catch((error: unknown) => {
      view.status = 'failed';
      if (error instanceof ImportAbortedError) {
        withCounts(view, error.summary);
        finish(error.summary.report);
      } else finish(null);
      if (error instanceof ImportFileError) view.error = error.message.replaceAll(file, view.fileName);
      else {
        view.error = 'the import failed on the server (logged)';
        platform.log.error({ err: error, importJob: id }, 'licenses: an import job failed');
      }
    })
    .finally(async () => {
      registry.running--;
      await rm(file, { force: true });
    });
  registry.jobs.set(id, job);
  return (await named(platform, [view]))[0];
}

async function jobFor(platform: Platform, principal: Principal, id: string): Promise<Job> {
  const job = registryOf(platform).jobs.get(id);
  if (!job) throw notFound('import-not-found', `no import ${id} on this server (jobs are kept ${IMPORT_KEEP_MS / 3600_000} hours after they finish)`);
  await authorizeImport(platform, principal, job.view.type, job.view.issuerCode);
  return job;
}

/** One job: its progress while it runs, its summary once it is over. */
export async function readLicenseImport(platform: Platform, principal: Principal, id: string): Promise<NamedImportJob> {
  return (await named(platform, [(await jobFor(platform, principal, id)).view]))[0];
}

/** The jobs this server remembers that the caller may see, newest first. */
export async function listLicenseImports(platform: Platform, principal: Principal): Promise<NamedImportJob[]> {
  const allowed = new Map<string, boolean>();
  const views: ImportJobView[] = [];
  for (const job of registryOf(platform).jobs.values()) {
    const key = `${job.view.type}|${job.view.issuerCode}`;
    if (!allowed.has(key)) {
      allowed.set(
        key,
        await authorizeImport(platform, principal, job.view.type, job.view.issuerCode).then(
          () => true,
          (error: unknown) => {
            if (error instanceof DomainError && error.reason === 'forbidden') return false;
            throw error;
          },
        ),
      );
    }
    if (allowed.get(key)) views.push(job.view);
  }
  return named(platform, views.reverse());
}

/** The report of rejected rows and warnings of a finished job: its path and the name to download it as. */
export async function licenseImportReport(platform: Platform, principal: Principal, id: string): Promise<{ path: string; fileName: string; size: number }> {
  const job = await jobFor(platform, principal, id);
  if (job.view.status === 'running') throw conflict('import-running', 'the import is still running: its report is ready when it has finished');
  if (!job.report) throw notFound('import-report-not-found', 'this import rejected no row and warned of none: there is no report');
  const info = await stat(job.report).catch(() => undefined);
  if (!info) throw notFound('import-report-not-found', 'the report is gone');
  return { path: job.report, fileName: `${job.view.fileName.replace(/\.[A-Za-z]+$/, '')}.rejected.csv`, size: info.size };
}

/** Waits for the running imports and removes every job's files (the server stops). */
export async function closeLicenseImports(platform: Platform): Promise<void> {
  const registry = registries.get(platform);
  if (!registry) return;
  const jobs = [...registry.jobs.values()];
  await Promise.all(jobs.map((j) => j.done));
  await Promise.all(jobs.map((j) => rm(j.folder, { recursive: true, force: true })));
  registry.jobs.clear();
}
