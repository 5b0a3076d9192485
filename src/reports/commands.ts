/**
 * `certbridge report monthly --month YYYY-MM [--department <code>] --format pdf|csv [--lang zh|en] --out <file>`:
 * the operator writes a monthly report to a file (after sequencing what is committed, so it
 * counts every lookup made so far), or — beside a server holding the embedded store — the file the
 * server's API answers. The file is written whole or not at all.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { sequence } from '../audit/index.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { CliOutput } from '../platform/cliOutput.ts';
import type { Platform } from '../platform/platform.ts';
import { monthlyReport, type ReportFormat } from './index.ts';
import type { ReportLanguage } from './labels.ts';

export async function runMonthlyReport(platform: Platform, principal: Principal, options: { month: string; department?: string; format: string; lang?: string; out: string }, output: CliOutput): Promise<void> {
  await sequence(platform);
  const file = await monthlyReport(platform, principal, { month: options.month, department: options.department, format: options.format as ReportFormat, lang: (options.lang ?? 'zh') as ReportLanguage }, { month: '--month', department: '--department', format: '--format', lang: '--lang' });
  writeReportFile(options.out, file, output);
}

/** The API path of the same report, for the CLI beside a running server. */
export const monthlyReportPath = (options: { month: string; department?: string; format: string; lang?: string }): string =>
  `/api/v1/reports/monthly?${new URLSearchParams({ month: options.month, format: options.format, ...(options.department ? { department: options.department } : {}), ...(options.lang ? { lang: options.lang } : {}) })}`;

export function writeReportFile(out: string, file: { contentType: string; body: Buffer }, output: CliOutput): void {
  const partial = `${out}.partial`;
  writeFileSync(partial, file.body);
  renameSync(partial, out);
  output.write(`wrote ${out} (${file.body.length} bytes, ${file.contentType.split(';')[0]})\n`);
}
