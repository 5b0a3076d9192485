/**
 * `certbridge report monthly --month YYYY-MM [--department <code>] --format pdf|csv --out <file>`:
 * the operator writes a monthly report to a file (after sequencing what is committed, so it
 * counts every lookup made so far). The file is written whole or not at all.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { sequence } from '../audit/index.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { Platform } from '../platform/platform.ts';
import { monthlyReport, type ReportFormat } from './index.ts';

export async function runMonthlyReport(platform: Platform, principal: Principal, options: { month: string; department?: string; format: string; out: string }): Promise<void> {
  await sequence(platform);
  const file = await monthlyReport(platform, principal, { month: options.month, department: options.department, format: options.format as ReportFormat }, { month: '--month', department: '--department', format: '--format' });
  const partial = `${options.out}.partial`;
  writeFileSync(partial, file.body);
  renameSync(partial, options.out);
  process.stdout.write(`wrote ${options.out} (${file.body.length} bytes, ${file.contentType.split(';')[0]})\n`);
}
