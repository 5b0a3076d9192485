/**
 * `certbridge audit …`: verify the log from storage (optionally against a tree head a witness
 * exported earlier), export the current tree head, index and sign what was appended.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CliOutput } from '../platform/cliOutput.ts';
import type { PublicJwk } from '../platform/crypto/keys.ts';
import type { Platform } from '../platform/platform.ts';
import { latestTreeHead } from './log.ts';
import { sequence } from './sequencing.ts';
import { verifyLog, type ExportedTreeHead, type VerifyReport } from './verifyLog.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

function readExported(file: string): ExportedTreeHead {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the tree head in ${file}: ${(error as Error).message}`);
  }
  const head = value as Partial<ExportedTreeHead>;
  if (
    typeof head.treeSize !== 'number' ||
    typeof head.rootHash !== 'string' ||
    typeof head.timestamp !== 'number' ||
    typeof head.signature !== 'string' ||
    typeof head.keyId !== 'string'
  ) {
    throw new Error(`${file} is not a tree head: {"treeSize","rootHash","timestamp","signature","keyId"} expected`);
  }
  return head as ExportedTreeHead;
}

export function describeReport(report: VerifyReport): string {
  const lines: string[] = [];
  if (report.ok) {
    lines.push(
      `audit log verified: ${fmt(report.treeSize)} entries, ${fmt(report.nodesChecked)} stored hashes (leaves and tree nodes) and ${fmt(report.treeHeadsChecked)} signed tree heads check out`,
      `  root at size ${fmt(report.treeSize)}: ${report.rootHash}`,
    );
    if (report.exported) {
      lines.push(`  consistent with the exported tree head of size ${fmt(report.exported.treeSize)} (root ${report.exported.rootHash})`);
    }
  } else {
    const where = report.problem!.index === null ? '' : ` at entry ${report.problem!.index}`;
    lines.push(`audit log verification FAILED${where}:`, `  ${report.problem!.message}`);
    lines.push(`  (${fmt(report.entriesChecked)} of ${fmt(report.treeSize)} entries checked before it)`);
  }
  if (report.pending > 0) lines.push(`  ${fmt(report.pending)} entries are in the log (under its signed checkpoint) but not yet indexed nor under a tree head of the history (the server catches up within a second; or run \`certbridge audit sequence\`)`);
  return `${lines.join('\n')}\n`;
}

/** Returns the exit code: 1 when the log does not verify. */
export async function runAuditVerify(platform: Platform, options: { fromTreeHead?: string; json?: boolean }, out: CliOutput, err: CliOutput): Promise<number> {
  const exported = options.fromTreeHead ? readExported(options.fromTreeHead) : undefined;
  const tty = err.isTTY && !options.json;
  const report = await verifyLog(platform, {
    exported,
    onProgress: tty ? (done, total) => err.write(`\rverifying: ${fmt(done)}/${fmt(total)} entries${done === total ? '\n' : ''}`) : undefined,
  });
  out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
  return report.ok ? 0 : 1;
}

/** Writes the newest tree head with the log key's public JWK, as a witness keeps it. */
export async function runExportTreeHead(platform: Platform, options: { out?: string }, out: CliOutput): Promise<void> {
  const head = (await latestTreeHead(platform.store)) ?? undefined;
  if (!head) throw new Error('the log has no signed tree head yet: run `certbridge audit sequence` or start the server');
  const key = await platform.keys.verificationKey(head.keyId);
  const exported: ExportedTreeHead = { ...head, ...(key ? { jwk: key.publicJwk as PublicJwk } : {}) };
  const text = `${JSON.stringify(exported, null, 2)}\n`;
  if (options.out) {
    writeFileSync(options.out, text);
    out.write(`tree head of size ${fmt(head.treeSize)} (root ${head.rootHash}) written to ${options.out}\n`);
  } else out.write(text);
}

/** Indexes what was appended and signs a tree head of it now (the server does it continuously). */
export async function runSequence(platform: Platform, options: { json?: boolean }, out: CliOutput): Promise<void> {
  const { sequenced, treeHead } = await sequence(platform);
  out.write(options.json ? `${JSON.stringify({ sequenced, treeHead })}\n` : `sequenced ${fmt(sequenced)} entries; tree size ${fmt(treeHead.treeSize)}, root ${treeHead.rootHash}\n`);
}
