/**
 * `certbridge evaluation run --month YYYY-MM`: computes a month's scoreboard now (after sequencing
 * what is committed, so the board counts every lookup made so far) and keeps it.
 */
import { sequence } from '../audit/index.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { CliOutput } from '../platform/cliOutput.ts';
import type { Platform } from '../platform/platform.ts';
import { recomputeScoreboard } from './index.ts';

export async function runEvaluation(platform: Platform, principal: Principal, options: { month: string; json?: boolean }, out: CliOutput): Promise<void> {
  await sequence(platform);
  const board = await recomputeScoreboard(platform, principal, options.month);
  if (options.json) {
    out.write(`${JSON.stringify(board)}\n`);
    return;
  }
  const lines = board.departments.map((d) => `${String(d.rank ?? '-').padStart(3)}  ${d.score === null ? '   -  ' : d.score.toFixed(1).padStart(6)}  ${d.code}  ${d.name}`);
  out.write(`scoreboard of ${board.month}${board.provisional ? ' (provisional: the month is not over)' : ''}, computed in ${board.tookMs} ms\nrank  score  department\n${lines.join('\n')}\n`);
}
