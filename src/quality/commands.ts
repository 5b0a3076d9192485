/**
 * `certbridge quality run`: the full pass of the quality rules over every license, for operators
 * (the server runs one a day, and checks each change as the audit log sequences it). Changes
 * committed but not yet sequenced are sequenced first and checked by the follower, then the full
 * pass runs. A progress bar on a terminal; `--json` prints the result as JSON.
 */
import cliProgress from 'cli-progress';
import { sequence } from '../audit/index.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { CliOutput } from '../platform/cliOutput.ts';
import type { Platform } from '../platform/platform.ts';
import { checkChanges, runFullPass } from './index.ts';

export async function runQualityPass(platform: Platform, principal: Principal, options: { json?: boolean }, out: CliOutput, err: CliOutput): Promise<void> {
  await sequence(platform);
  await checkChanges(platform, principal);
  const bar = err.isTTY && !options.json ? new cliProgress.SingleBar({ format: 'checking |{bar}| {percentage}% | {value}/{total} licenses | ETA {eta_formatted}', stream: err, hideCursor: true, fps: 5 }, cliProgress.Presets.shades_classic) : undefined;
  let started = false;
  const result = await runFullPass(platform, principal, (p) => {
    if (!bar) return;
    if (!started) bar.start(p.total, 0);
    started = true;
    bar.update(p.checked);
  });
  bar?.stop();
  out.write(
    options.json
      ? `${JSON.stringify(result)}\n`
      : `checked ${result.licenses} licenses in ${(result.ms / 1000).toFixed(1)} s: ${result.opened} findings opened, ${result.resolved} resolved\n`,
  );
}
