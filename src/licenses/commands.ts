/**
 * `certbridge import <file> --type <license type> [...]`: the import with a progress display
 * on stderr and a summary on stdout. Exit code 0: every row accepted; 1: some rows rejected
 * (the valid ones were still issued); 2: a problem with the file, the mapping or the options.
 */
import cliProgress from 'cli-progress';
import type { Platform } from '../platform/platform.ts';
import { ImportFileError } from './import/errors.ts';
import { ImportAbortedError, type ImportProgress, type ImportSummary } from './import/importer.ts';
import { importLicenseFile } from './index.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { CliOutput } from '../platform/cliOutput.ts';

export interface ImportCommandOptions {
  type: string;
  mapping?: string;
  acceptLegacyCodes?: boolean;
  issuer?: string;
  report?: string;
  batchSize: number;
  json?: boolean;
}

const NON_TTY_INTERVAL_MS = 5000;

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const perSecond = (rows: number, ms: number) => (ms > 0 ? Math.round((rows * 1000) / ms) : 0);

interface ProgressDisplay {
  update(progress: ImportProgress): void;
  stop(): void;
}

/** A bar when a person watches (stderr is a terminal); otherwise a line every few seconds for logs. */
function progressDisplay(file: string, err: CliOutput): ProgressDisplay {
  if (err.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'importing |{bar}| {percentage}% | {read}/{size} | {rows} rows, {rate} rows/s | issued {issued}, skipped {skipped}, rejected {rejected} | ETA {eta_formatted}',
        stream: err,
        hideCursor: true,
        fps: 5,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = {
          read: megabytes(p.bytesRead),
          size: megabytes(p.totalBytes),
          rows: p.rows,
          rate: perSecond(p.rows, p.elapsedMs),
          issued: p.issued,
          skipped: p.alreadyIssued,
          rejected: p.rejected,
        };
        if (!started) {
          started = true;
          bar.start(Math.max(p.totalBytes, 1), p.bytesRead, payload);
        } else bar.update(p.bytesRead, payload);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = performance.now();
  return {
    update(p) {
      const now = performance.now();
      if (now - last < NON_TTY_INTERVAL_MS) return;
      last = now;
      const percent = p.totalBytes > 0 ? Math.floor((p.bytesRead * 100) / p.totalBytes) : 100;
      err.write(
        `import ${file}: ${percent}% (${megabytes(p.bytesRead)} of ${megabytes(p.totalBytes)}), ${p.rows} rows, ${perSecond(p.rows, p.elapsedMs)} rows/s, issued ${p.issued}, already issued ${p.alreadyIssued}, rejected ${p.rejected}\n`,
      );
    },
    stop: () => undefined,
  };
}

function summaryText(s: ImportSummary): string {
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `imported ${s.file}`,
    `  rows read        ${s.rows}`,
    `  issued           ${s.issued}`,
    `  already issued   ${s.alreadyIssued}${s.alreadyIssued > 0 ? ' (skipped: these holders already have a license)' : ''}`,
    `  rejected rows    ${s.rejected}`,
    `  warnings         ${s.warnings}`,
    `  elapsed          ${seconds.toFixed(1)} s (${perSecond(s.rows, s.elapsedMs)} rows/s)`,
    `  report           ${s.report ?? 'none (nothing to report)'}`,
  ];
  if (s.report) lines.push('                   (row = data row, header not counted; line = line in the file)');
  return `${lines.join('\n')}\n`;
}

/** The JSON summary: exactly these keys, for scripts. */
function summaryJson(s: ImportSummary): string {
  const { file, rows, issued, alreadyIssued, rejected, warnings, report, elapsedMs } = s;
  return `${JSON.stringify({ file, rows, issued, alreadyIssued, rejected, warnings, report, elapsedMs })}\n`;
}

/** Runs the import for the CLI: progress and problems on `err`, the summary on `out`; returns the exit code. */
export async function runImportCommand(platform: Platform, principal: Principal, file: string, options: ImportCommandOptions, out: CliOutput, err: CliOutput): Promise<number> {
  const display = progressDisplay(file, err);
  try {
    const summary = await importLicenseFile(
      platform,
      principal,
      file,
      {
        type: options.type,
        mapping: options.mapping,
        acceptLegacyCodes: options.acceptLegacyCodes,
        issuer: options.issuer,
        report: options.report,
        batchSize: options.batchSize,
      },
      (p) => display.update(p),
    );
    display.stop();
    out.write(options.json ? summaryJson(summary) : summaryText(summary));
    return summary.rejected > 0 ? 1 : 0;
  } catch (error) {
    display.stop();
    if (!(error instanceof ImportFileError)) throw error; // the CLI reports it, with exit code 2
    if (error instanceof ImportAbortedError) out.write(options.json ? summaryJson(error.summary) : summaryText(error.summary));
    err.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
}
