/**
 * Imports a department's own file of license data: reads it as a stream, maps and checks
 * every row, issues the valid ones in signed batches, and reports every rejected row.
 * Re-running the same file issues nothing twice: holders that already have a license of the
 * type are found before their rows are checked (one query per chunk of rows), skipped and counted
 * as already issued, so a re-run costs a read of the file; bulk.ts checks again before writing.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { findDepartment } from '../../departments/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { findLicenseType, licenseTypesOf, listIssuers, type LicenseTypeStandard } from '../../standards/index.ts';
import { existingHolders, issueInBulk, type ValidatedLicense } from '../lifecycle/bulk.ts';
import { chinaDate } from '../../platform/chinaTime.ts';
import type { Issuer, LicenseContext } from '../lifecycle/licenseRecords.ts';
import { inlineSigner, workerSigner, type LicenseSigner, type RowCheckJob } from '../credentials/signing.ts';
import { ImportFileError } from './errors.ts';
import { holderFieldOf, HOLDER_NAME_FIELD, loadMapping, RecordMapper, validateMapping, type Mapping } from './mapping.ts';
import { formatOf, readRecords, type ImportFormat, type SourceRow } from './readers.ts';
import { RejectedRowsReport } from './report.ts';
import { checkRowAlone, settleRow, type RowCheck, type RowCheckOptions } from './validate.ts';

export interface ImportOptions {
  /** License type key (GET /api/v1/license-types). */
  type: string;
  /** Path of a mapping file, or the mapping itself. */
  mapping?: string | Mapping;
  /** Accept credit codes that fail only the final check character, with a warning. */
  acceptLegacyCodes?: boolean;
  /** Credit code of the issuing department; default: the only department with an issuer system. */
  issuer?: string;
  /** Where the report goes; default `<file>.rejected.csv`. */
  report?: string;
  /** Rows per signed batch (default 1000). */
  batchSize?: number;
  /** Where signing happens; `auto` uses worker threads for large files. */
  signer?: 'auto' | 'inline' | 'workers';
}

export interface ImportSummary {
  file: string;
  rows: number;
  issued: number;
  /** Rows whose holder already had a license of the type: skipped, never issued twice. */
  alreadyIssued: number;
  /** Rows rejected (each has at least one error line in the report). */
  rejected: number;
  /** Warning lines in the report (legacy credit codes accepted). */
  warnings: number;
  report: string | null;
  elapsedMs: number;
}

export interface ImportProgress {
  /** Bytes of the file read by the importer so far, of totalBytes. */
  bytesRead: number;
  totalBytes: number;
  rows: number;
  issued: number;
  alreadyIssued: number;
  rejected: number;
  warnings: number;
  elapsedMs: number;
}

/** Above this size signing moves to worker threads: their start-up pays off from a few thousand rows. */
export const WORKER_SIGNING_BYTES = 2 * 1024 * 1024;
const DEFAULT_BATCH_SIZE = 1000;
/** Chunks of rows being checked ahead of the one settled. */
const CHECKS_AHEAD = 2;
const MAX_BATCH_SIZE = 50_000;

/** A file error found after rows were processed: carries what was done up to there. */
export class ImportAbortedError extends ImportFileError {
  constructor(
    message: string,
    readonly summary: ImportSummary,
  ) {
    super(message);
    this.name = 'ImportAbortedError';
  }
}

/**
 * The issuing department: the one named, or else the only authorised issuer of the license type
 * today (the registry the coordination office keeps). A department that is not one is refused,
 * whatever roles its systems have.
 */
export async function resolveIssuer(platform: Platform, type: string, code?: string): Promise<Issuer> {
  const today = chinaDate();
  const current = (await listIssuers(platform, type)).filter((i) => i.validFrom <= today && (i.validUntil === null || today <= i.validUntil));
  if (code !== undefined) {
    const department = await findDepartment(platform.store, code);
    if (!department) throw new ImportFileError(`no department with code ${code} (see: certbridge departments list)`);
    if (!current.some((i) => i.department === code)) {
      throw new ImportFileError(
        `department ${code} (${department.name}) is not an authorised issuer of ${type} (the coordination office keeps the registry: GET /api/v1/standards/license-types/${type}/issuers)`,
      );
    }
    return { code, name: department.name };
  }
  if (current.length === 1) return { code: current[0].department, name: current[0].departmentName ?? current[0].department };
  if (current.length === 0) throw new ImportFileError(`no department is an authorised issuer of ${type} today: the coordination office registers one first`);
  throw new ImportFileError(
    `several departments issue ${type} (${current.map((d) => `${d.departmentName ?? ''} ${d.department}`.trim()).join(', ')}): choose one with --issuer <credit code>`,
  );
}

function licenseType(platform: Platform, type: string): LicenseTypeStandard {
  const standard = findLicenseType(platform, type);
  if (!standard) throw new ImportFileError(`unknown license type ${type} (known: ${licenseTypesOf(platform).map((t) => t.key).join(', ')})`);
  return standard;
}

async function inputSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ImportFileError(`${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function checkReportPath(file: string, report: string): Promise<void> {
  if (resolve(report) === resolve(file)) throw new ImportFileError('the report cannot be the imported file itself');
  const folder = await stat(dirname(resolve(report))).catch(() => undefined);
  if (!folder?.isDirectory()) throw new ImportFileError(`the folder of the report ${report} does not exist`);
}

async function openSigner(ctx: LicenseContext, issuer: Issuer, useWorkers: boolean): Promise<LicenseSigner> {
  if (useWorkers) {
    const { stored, masterKey } = await ctx.keys.sealedActiveKey('license', ctx.config.signingAlgorithm, issuer.code);
    return workerSigner(stored, masterKey, ctx.config.publicUrl);
  }
  return inlineSigner(await ctx.keys.activeKey('license', ctx.config.signingAlgorithm, issuer.code), ctx.config.publicUrl);
}

/**
 * Imports `file` and returns what happened. Throws ImportFileError (exit code 2) for a problem
 * with the file, the mapping or the options; rejected rows are not errors but part of the summary.
 */
export async function importLicenses(
  ctx: Platform,
  file: string,
  options: ImportOptions,
  onProgress: (progress: ImportProgress) => void = () => undefined,
  actor = `import:${basename(file)}`,
): Promise<ImportSummary> {
  const started = performance.now();
  const standard = licenseType(ctx, options.type);
  const format: ImportFormat = formatOf(file);
  const totalBytes = await inputSize(file);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new ImportFileError(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}, not ${String(options.batchSize)}`);
  }
  const mapping =
    typeof options.mapping === 'string' ? await loadMapping(options.mapping, standard) : options.mapping && validateMapping(options.mapping, standard);
  const reportPath = options.report ?? `${file}.rejected.csv`;
  await checkReportPath(file, reportPath);
  const issuer = await resolveIssuer(ctx, standard.key, options.issuer);
  const mapper = new RecordMapper(standard, mapping);
  const required = [holderFieldOf(standard), ...(standard.holder.nameField ? [] : [HOLDER_NAME_FIELD]), ...(standard.dataSchema.required ?? [])];

  const counts = { rows: 0, issued: 0, alreadyIssued: 0, rejected: 0, warnings: 0 };
  let bytesRead = 0;
  const progress = () => onProgress({ bytesRead, totalBytes, ...counts, elapsedMs: performance.now() - started });
  const rows = readRecords(file, format, {
    // Only a CSV header promises that every row has the column; the first JSON/XML record does not.
    onColumns: (columns) => mapper.checkColumns(columns, { complete: format === 'csv', required }),
    onBytes: (n) => (bytesRead = n),
  });
  // Reading the first row reads the header and refuses a bad file (unknown columns, a DOCTYPE)
  // before a signing key is touched, a worker started or a report replaced.
  const first = await rows.next();

  const report = new RejectedRowsReport(reportPath);
  const checkOptions: RowCheckOptions = {
    standard,
    mapper,
    issuerName: issuer.name,
    today: chinaDate(),
    acceptLegacyCodes: options.acceptLegacyCodes ?? false,
  };
  const { issuerName, today, acceptLegacyCodes } = checkOptions;
  const job: Omit<RowCheckJob, 'rows'> = { definition: standard.definition, mapping, issuerName, today, acceptLegacyCodes };
  const settling = { standard, mapper, seen: new Map<string, number>() };
  let fatal: unknown;

  const holderCodeColumn = mapper.columnOf(holderFieldOf(standard));
  /** The holder code a row names, as it would be mapped (trimmed, upper case), before any check. */
  const rawCode = (row: SourceRow): string | undefined => {
    const value = row.malformed ? undefined : row.record[holderCodeColumn];
    return typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase() : undefined;
  };

  interface CheckedChunk {
    rows: SourceRow[];
    known: Set<string>;
    /** The checks of the rows whose holders have no license yet, in file order. */
    checks: RowCheck[];
  }

  /** Looks up a chunk's holders that already have a license, and checks the other rows (on the signing threads when they sign). */
  async function checkChunk(rows: SourceRow[], signer: LicenseSigner): Promise<CheckedChunk> {
    const codes = [...new Set(rows.map(rawCode).filter((c): c is string => c !== undefined))];
    const known = codes.length > 0 ? await existingHolders(ctx.store, standard.key, codes) : new Set<string>();
    const fresh = rows.filter((row) => !known.has(rawCode(row) ?? ''));
    const checks = signer.check ? await signer.check({ ...job, rows: fresh }) : fresh.map((row) => checkRowAlone(checkOptions, row));
    return { rows, known, checks };
  }

  /** Settles a chunk's rows in file order (duplicates depend on it), and yields the valid ones in batches. */
  async function* settleChunk({ rows, known, checks }: CheckedChunk, pending: ValidatedLicense[]): AsyncGenerator<ValidatedLicense[]> {
    let next = 0;
    for (const row of rows) {
      counts.rows++;
      const code = rawCode(row);
      if (code !== undefined && known.has(code) && !settling.seen.has(code)) {
        settling.seen.set(code, row.rowNumber);
        counts.alreadyIssued++;
      } else {
        // A later row of a holder already issued was not sent to be checked: it is checked here.
        const outcome = settleRow(settling, code !== undefined && known.has(code) ? checkRowAlone(checkOptions, row) : checks[next++]);
        if (outcome.problems.length > 0) {
          await report.add(row, outcome.holderCode, outcome.problems);
          counts.warnings += outcome.problems.filter((p) => p.severity === 'warning').length;
        }
        if (outcome.license) pending.push(outcome.license);
        else counts.rejected++;
        if (pending.length >= batchSize) yield pending.splice(0, pending.length);
      }
      if (counts.rows % 1000 === 0) progress();
    }
  }

  async function* batches(signer: LicenseSigner): AsyncGenerator<ValidatedLicense[]> {
    const pending: ValidatedLicense[] = [];
    // The next chunks are checked while this one is settled and signed: checking waits on workers.
    const checking: Promise<CheckedChunk>[] = [];
    const startCheck = (rows: SourceRow[]) => {
      const checked = checkChunk(rows, signer);
      checked.catch(() => undefined); // awaited in turn below; a failure is not unhandled meanwhile
      checking.push(checked);
    };
    let chunk: SourceRow[] = [];
    try {
      for (let next = first; !next.done; next = await rows.next()) {
        chunk.push(next.value);
        if (chunk.length >= batchSize) {
          startCheck(chunk);
          chunk = [];
        }
        if (checking.length > CHECKS_AHEAD) yield* settleChunk(await checking.shift()!, pending);
      }
      if (chunk.length > 0) startCheck(chunk);
    } catch (error) {
      // Stop reading, but let the batches in flight finish: what was valid up to here is issued.
      fatal = error;
    }
    try {
      for (let checked = checking.shift(); checked; checked = checking.shift()) yield* settleChunk(await checked, pending);
    } catch (error) {
      fatal ??= error;
    }
    if (pending.length > 0) yield pending;
  }

  const useWorkers = options.signer === 'workers' || (options.signer !== 'inline' && totalBytes > WORKER_SIGNING_BYTES);
  let reportFile: string | null = null;
  try {
    const signer = await openSigner(ctx, issuer, useWorkers);
    try {
      await issueInBulk(ctx, standard, issuer, batches(signer), signer, actor, (outcome) => {
        counts.issued += outcome.issued;
        counts.alreadyIssued += outcome.existing;
        progress();
      });
    } finally {
      await signer.close();
    }
  } finally {
    await rows.return(undefined);
    reportFile = await report.finish();
  }
  progress();
  const summary: ImportSummary = { file, ...counts, report: reportFile, elapsedMs: Math.round(performance.now() - started) };
  if (fatal !== undefined) {
    const message = fatal instanceof Error ? fatal.message : String(fatal);
    if (fatal instanceof ImportFileError) throw new ImportAbortedError(`${message} (stopped after row ${counts.rows})`, summary);
    throw fatal;
  }
  return summary;
}
