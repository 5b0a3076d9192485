/**
 * The audit log at run time: its settings, the on-demand `sequence` and the background indexer
 * (postings, oversight, tree heads; see indexer.ts), and where alerts go.
 */
import { findDepartment } from '../departments/index.ts';
import { notifyCoordinationOffice } from '../notifications/index.ts';
import type { Config } from '../platform/config.ts';
import { perPlatform, type Platform } from '../platform/platform.ts';
import type { Alert, AlertSink } from './oversight.ts';
import { appendMigratedPending, DEFAULT_INDEXER, indexBatch, type IndexerOptions } from './indexer.ts';
import { latestTreeHead } from './log.ts';
import type { TreeHead } from './treeHead.ts';

/** What `sequence` and the background indexer take (the indexer's options). */
export type SequencerOptions = IndexerOptions;

/** Settings: how often the indexer runs, how often a tree head is re-signed, alert thresholds. */
function settings(config: Config): SequencerOptions & { intervalMs: number } {
  return {
    ...DEFAULT_INDEXER,
    intervalMs: config.auditIntervalMs,
    treeHeadIntervalMs: config.auditTreeHeadSeconds * 1000,
    oversight: { factor: config.auditAlertFactor, floor: config.auditAlertFloor },
  };
}

/** Alerts go to the coordination office's inbox (the notifications capability), in the indexer's transaction. */
function inboxSink(platform: Platform): AlertSink {
  return async (tx, alerts) => {
    for (const alert of alerts) {
      const department = await findDepartment(tx, alert.department);
      await notifyCoordinationOffice(tx, platform, alertNotice(alert, department?.name ?? alert.department, department?.nameEn ?? alert.department));
    }
  };
}

export function alertNotice(alert: Alert, name: string, nameEn: string) {
  const who = `${name}（系统 ${alert.clientId || '未知'}）`;
  const whoEn = `${nameEn} (system ${alert.clientId || 'unknown'})`;
  const text =
    alert.kind === 'volume-exceeded'
      ? {
          title: `数据访问超出协议预期：${who} 于 ${alert.day} 访问 ${alert.count} 次，协议预期日访问量 ${alert.threshold}`,
          titleEn: `Access beyond the agreement: ${whoEn} made ${alert.count} lookups on ${alert.day}, the agreement expects ${alert.threshold} a day`,
        }
      : {
          title: `数据访问异常：${who} 于 ${alert.day} 访问 ${alert.count} 次，远超其近 7 日日均 ${Number(alert.detail.trailingMean).toFixed(1)} 次`,
          titleEn: `Unusual access volume: ${whoEn} made ${alert.count} lookups on ${alert.day}, against a 7-day mean of ${Number(alert.detail.trailingMean).toFixed(1)}`,
        };
  const from = new Date(`${alert.day}T00:00:00+08:00`);
  const to = new Date(from.getTime() + 86_400_000);
  const query = new URLSearchParams({ department: alert.department, from: from.toISOString(), to: to.toISOString() });
  return {
    kind: 'audit.alert',
    ...text,
    body: JSON.stringify({ alertId: alert.id, ...alert }),
    link: `/api/v1/audit/entries?${query.toString()}`,
    agreementId: alert.agreementId,
  };
}

const optionsOf = (platform: Platform, overrides: Partial<SequencerOptions> = {}): SequencerOptions & { intervalMs: number } => ({
  ...settings(platform.config),
  alertSink: inboxSink(platform),
  ...overrides,
});

/** Per platform: one pass at a time in this process (the advisory lock covers other processes). */
const running = new WeakMap<Platform, Promise<unknown>>();

function exclusive<T>(platform: Platform, work: () => Promise<T>): Promise<T> {
  const previous = running.get(platform) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  running.set(platform, next);
  return next;
}

/** Indexes what the log holds (waiting for another process's pass rather than skipping it, when `wait`). */
async function catchUp(platform: Platform, options: SequencerOptions, wait: boolean): Promise<TreeHead | undefined> {
  await appendMigratedPending(platform);
  for (;;) {
    const pass = await indexBatch(platform, options, wait);
    if (!pass.ran || pass.indexedSize >= pass.treeSize) return pass.treeHead;
  }
}

/**
 * Brings every entry appended so far under a signed tree head, indexed for the log's searches and
 * counted for oversight, and returns the newest tree head (signing the first one if the log has
 * none yet); `sequenced` is how many entries the new head covers beyond the one before. The server
 * does this in the background every ~200 ms; tests, the CLI and benchmarks call it on demand.
 */
export function sequence(platform: Platform, overrides: Partial<SequencerOptions> = {}): Promise<{ sequenced: number; treeHead: TreeHead }> {
  return exclusive(platform, async () => {
    const before = (await latestTreeHead(platform.store))?.treeSize ?? 0;
    const treeHead = (await catchUp(platform, optionsOf(platform, overrides), true))!;
    return { sequenced: Math.max(0, treeHead.treeSize - before), treeHead };
  });
}

/** When the background sequencer last completed a pass (for /health/ready). */
export const sequencerHealth = perPlatform((): { running: boolean; lastPassAt: number; lastError: string | null } => ({ running: false, lastPassAt: 0, lastError: null }));

export function startSequencer(platform: Platform): () => Promise<void> {
  const options = optionsOf(platform);
  const health = sequencerHealth(platform);
  health.running = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = exclusive(platform, () => catchUp(platform, options, false))
      .then(() => {
        health.lastPassAt = Date.now();
        health.lastError = null;
      })
      .catch((error: unknown) => {
        health.lastError = error instanceof Error ? error.message : String(error);
        platform.log.warn({ err: error }, 'audit: indexing failed; trying again at the next interval');
      })
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, options.intervalMs);
        // The server's socket keeps the process alive; this timer alone must not.
        timer.unref();
      });
  };
  tick();
  return async () => {
    stopped = true;
    health.running = false;
    if (timer) clearTimeout(timer);
    await current;
    // What the other capabilities wrote while stopping (they stop first) is indexed and under a tree head too.
    await exclusive(platform, () => catchUp(platform, options, false)).catch((error: unknown) =>
      platform.log.warn({ err: error }, 'audit: the last indexing pass failed; the next start catches up'),
    );
  };
}

