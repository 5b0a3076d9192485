/**
 * Writing findings, set-based: a batch of licenses is checked in one transaction with a handful of
 * statements whatever its size — the new findings in one insert from arrays, the findings the batch
 * no longer fails resolved in one update, the checked licenses (the scores' denominator and the
 * uniqueness keys) in one upsert. Never one statement per license: the full pass runs over
 * millions.
 */
import { versionIdentifiers } from '../licenses/index.ts';
import type { Queryable } from '../platform/store/store.ts';
import type { LicenseTypeStandard } from '../standards/index.ts';
import { evaluateVersion, formatMessage, holderKey, identityKey, normalizeValue, ruleWithCheck, type Check, type CheckedVersion } from './rules.ts';

export interface NewFinding {
  licenseId: number;
  version: number;
  identifier: string;
  licenseType: string;
  department: string;
  holderCode: string;
  ruleId: string;
  dimension: string;
  severity: string;
  fields: string[];
  messageZh: string;
  messageEn: string;
  reportId?: number | null;
  reportedBy?: string | null;
  /** A department's report: suspected (not counting) until confirmed or corroborated. */
  suspected?: boolean;
}

export interface Written {
  opened: number;
  resolved: number;
}

// A finding counts in the scores from `counted_from`: at once for the rules' own, never while suspected.
const INSERT = `insert into quality_findings (license_id, version, identifier, license_type, department, holder_code, rule_id, dimension, severity, fields, message_zh, message_en, report_id, reported_by, status, counted_from)
  select t.license_id, t.version, t.identifier, t.license_type, t.department, t.holder_code, t.rule_id, t.dimension, t.severity, string_to_array(t.fields, ','), t.message_zh, t.message_en, t.report_id, t.reported_by,
         case when t.suspected then 'suspected' else 'open' end, case when t.suspected then null else now() end
    from unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[], $15::boolean[])
      as t(license_id, version, identifier, license_type, department, holder_code, rule_id, dimension, severity, fields, message_zh, message_en, report_id, reported_by, suspected)
  on conflict (license_id, rule_id, (coalesce(report_id, 0))) where status <> 'resolved' do nothing
  returning id`;

/** Inserts findings (one already open for the license, rule and report is kept as it is); their ids. */
export async function insertFindings(tx: Queryable, findings: readonly NewFinding[]): Promise<number[]> {
  if (findings.length === 0) return [];
  const col = <T>(f: (x: NewFinding) => T) => findings.map(f);
  const rows = await tx.query<{ id: string }>(
    INSERT,
    [
      col((f) => f.licenseId),
      col((f) => f.version),
      col((f) => f.identifier),
      col((f) => f.licenseType),
      col((f) => f.department),
      col((f) => f.holderCode),
      col((f) => f.ruleId),
      col((f) => f.dimension),
      col((f) => f.severity),
      col((f) => f.fields.join(',')),
      col((f) => f.messageZh),
      col((f) => f.messageEn),
      col((f) => f.reportId ?? null),
      col((f) => f.reportedBy ?? null),
      col((f) => f.suspected === true),
    ],
    { name: 'quality.insert-findings-v2' },
  );
  return rows.rows.map((r) => Number(r.id));
}

// The open per-version findings of a batch's licenses, with the unresolved index's predicate spelled
// out. A batch of the full pass is a run of consecutive ids: read by that range alone (a range scan of
// the index; the caller drops what is not the batch's). Otherwise (a follower's scattered licenses) by
// the ids. Prepared, joined from an unnest of the ids, the generic plan repeated the 5,000-id array in
// the index condition of every loop (2 s a batch at 1,000,000 licenses); before that it compared every
// open finding of the table with every failure of the batch.
const OPEN_VERSION_FINDINGS_RANGE = `select id, license_id, rule_id from quality_findings
   where license_id between $1 and $2 and status <> 'resolved' and status = 'open' and dimension in ('completeness', 'validity', 'timeliness')`;
const OPEN_VERSION_FINDINGS_IDS = `select id, license_id, rule_id from quality_findings
   where license_id = any($1::bigint[]) and status <> 'resolved' and status = 'open' and dimension in ('completeness', 'validity', 'timeliness')`;

/** Whether ids are dense enough to be read as their range (at most twice as many ids in the range as asked for). */
function rangeOf(ids: readonly number[]): [number, number] | undefined {
  let low = ids[0];
  let high = ids[0];
  for (const id of ids) {
    if (id < low) low = id;
    if (id > high) high = id;
  }
  return high - low < 2 * ids.length ? [low, high] : undefined;
}

const RESOLVE = `update quality_findings f set status = 'resolved', resolved_at = now(), resolved_version = x.version
    from unnest($1::bigint[], $2::int[]) as x(id, version) where f.id = x.id and f.status in ('open', 'suspected')`;

const UPSERT_CHECKED = `insert into quality_checked (license_id, version, license_type, department, holder_code, is_current, holder_key, identity_key)
  select * from unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[])
  on conflict (license_id) do update set version = excluded.version, department = excluded.department, holder_code = excluded.holder_code,
     is_current = excluded.is_current, holder_key = excluded.holder_key, identity_key = excluded.identity_key
   where (quality_checked.version, quality_checked.is_current, quality_checked.holder_key, quality_checked.identity_key)
         is distinct from (excluded.version, excluded.is_current, excluded.holder_key, excluded.identity_key)`;

const isCurrent = (status: string) => status === 'valid' || status === 'suspended';

/** A batch of versions evaluated (CPU only, nothing read or written): what writeBatch records. */
export interface EvaluatedBatch {
  checked: CheckedVersion[];
  findings: NewFinding[];
  /** Each checked version's identityKey, when already computed (by the full pass's worker thread). */
  identityKeys?: (string | null)[];
}

/** Evaluates a batch with the per-version rules; nothing is read or written (the full pass does it while the previous batch is written). */
export function evaluateBatch(versions: readonly CheckedVersion[]): EvaluatedBatch {
  const checked = versions.filter((v) => v.standard !== undefined);
  const findings: NewFinding[] = [];
  for (const v of checked) {
    for (const failure of evaluateVersion(v)) {
      findings.push({
        licenseId: v.licenseId,
        version: v.version,
        identifier: v.identifier,
        licenseType: v.licenseType,
        department: v.department,
        holderCode: v.holderCode,
        ruleId: failure.rule.id,
        dimension: failure.rule.dimension,
        severity: failure.rule.severity,
        fields: failure.fields,
        messageZh: failure.messageZh,
        messageEn: failure.messageEn,
      });
    }
  }
  return { checked, findings };
}

/**
 * Checks a batch of current versions with the per-version rules, writes what they found and
 * resolved, re-compares the open consistency findings with the new values, and records the
 * licenses as checked. Returns the keys the licenses had before (for the uniqueness of a change).
 */
export async function checkVersions(tx: Queryable, versions: readonly CheckedVersion[]): Promise<Written & { previousKeys: { holderKeys: string[]; identityKeys: string[] } }> {
  const written = await writeBatch(tx, evaluateBatch(versions), { previousKeys: true });
  return { ...written, previousKeys: written.previousKeys ?? { holderKeys: [], identityKeys: [] } };
}

/**
 * Writes an evaluated batch: the findings, the resolutions, the consistency re-comparison, the
 * checked licenses; with `previousKeys`, first reads the keys the licenses had (a change's
 * uniqueness needs them; the full pass, which groups everything at the end, does not).
 */
export async function writeBatch(
  tx: Queryable,
  { checked, findings, identityKeys }: EvaluatedBatch,
  options: { previousKeys: boolean },
): Promise<Written & { previousKeys?: { holderKeys: string[]; identityKeys: string[] } }> {
  if (checked.length === 0) return { opened: 0, resolved: 0, previousKeys: { holderKeys: [], identityKeys: [] } };
  const ids = checked.map((v) => v.licenseId);
  const opened = (await insertFindings(tx, findings)).length;
  // Open per-version findings of the batch that the versions just checked no longer fail: resolved.
  const failing = new Set(findings.map((f) => `${f.licenseId} ${f.ruleId}`));
  const versionOf = new Map(checked.map((v) => [v.licenseId, v.version]));
  const range = rangeOf(ids);
  const open = range
    ? await tx.query<{ id: string; license_id: string; rule_id: string }>(OPEN_VERSION_FINDINGS_RANGE, range, { name: 'quality.open-version-findings-range' })
    : await tx.query<{ id: string; license_id: string; rule_id: string }>(OPEN_VERSION_FINDINGS_IDS, [ids], { name: 'quality.open-version-findings' });
  const noLonger = open.rows.filter((f) => versionOf.has(Number(f.license_id)) && !failing.has(`${f.license_id} ${f.rule_id}`));
  let resolved =
    noLonger.length === 0
      ? 0
      : (await tx.query(RESOLVE, [noLonger.map((f) => f.id), noLonger.map((f) => versionOf.get(Number(f.license_id)))], { name: 'quality.resolve-findings' })).rowCount;
  resolved += await recompareReports(tx, checked);

  const previous = options.previousKeys
    ? await tx.query<{ holder_key: string | null; identity_key: string | null }>('select holder_key, identity_key from quality_checked where license_id = any($1::bigint[])', [ids], {
        name: 'quality.previous-keys',
      })
    : undefined;
  await tx.query(
    UPSERT_CHECKED,
    [
      ids,
      checked.map((v) => v.version),
      checked.map((v) => v.licenseType),
      checked.map((v) => v.department),
      checked.map((v) => v.holderCode),
      checked.map((v) => isCurrent(v.status)),
      checked.map((v) => holderKey(v.holderCode, v.holderCodeType)),
      identityKeys ?? checked.map((v) => identityKey(v.standard, v.data)),
    ],
    { name: 'quality.upsert-checked' },
  );
  return {
    opened,
    resolved,
    previousKeys: previous && {
      holderKeys: previous.rows.flatMap((r) => (r.holder_key ? [r.holder_key] : [])),
      identityKeys: previous.rows.flatMap((r) => (r.identity_key ? [r.identity_key] : [])),
    },
  };
}

/** An open or suspected consistency finding is resolved by a later version that holds what the department reported. */
async function recompareReports(tx: Queryable, versions: readonly CheckedVersion[]): Promise<number> {
  const byId = new Map(versions.map((v) => [v.licenseId, v]));
  // As the open per-version findings: by the range of a dense batch, else by the ids.
  const range = rangeOf([...byId.keys()]);
  const open = await tx.query<{ id: string; license_id: string; version: number; field: string; reported: string | null }>(
    `select f.id, f.license_id, f.version, f.fields[1] as field, r.fields ->> f.fields[1] as reported
       from quality_findings f join quality_reports r on r.id = f.report_id
      where ${range ? 'f.license_id between $1 and $2' : 'f.license_id = any($1::bigint[])'} and f.status <> 'resolved' and f.status in ('open', 'suspected') and f.dimension = 'consistency'`,
    range ?? [[...byId.keys()]],
    { name: range ? 'quality.open-reports-range' : 'quality.open-reports' },
  );
  const ids: number[] = [];
  const resolvedBy: number[] = [];
  for (const row of open.rows) {
    const v = byId.get(Number(row.license_id));
    if (v && v.version > row.version && normalizeValue(v.data[row.field]) === normalizeValue(row.reported)) {
      ids.push(Number(row.id));
      resolvedBy.push(v.version);
    }
  }
  if (ids.length === 0) return 0;
  return (
    await tx.query(
      RESOLVE,
      [ids, resolvedBy],
      { name: 'quality.resolve-findings' },
    )
  ).rowCount;
}

/** Which licenses a uniqueness check looks at: all (the full pass), or those sharing a key with a change. */
export type UniquenessScope = { licenseIds: number[]; holderKeys: string[]; identityKeys: string[] } | 'all';

const UNIQUENESS: readonly { check: Check; column: 'holder_key' | 'identity_key'; keys: 'holderKeys' | 'identityKeys' }[] = [
  { check: 'one-current-per-holder', column: 'holder_key', keys: 'holderKeys' },
  { check: 'distinct-values', column: 'identity_key', keys: 'identityKeys' },
];

/**
 * The uniqueness rules by grouping the checked licenses on their keys: a finding on each current
 * license of a group of more than one; a finding of a license no longer in such a group resolved.
 */
export async function checkUniqueness(tx: Queryable, licenseTypes: readonly LicenseTypeStandard[], scope: UniquenessScope): Promise<Written> {
  const written: Written = { opened: 0, resolved: 0 };
  for (const standard of licenseTypes) {
    const type = standard.key;
    for (const { check, column, keys } of UNIQUENESS) {
      const rule = ruleWithCheck(standard, check);
      if (!rule) continue;
      const keyFilter = scope === 'all' ? '' : `and ${column} = any($2::text[])`;
      const params = scope === 'all' ? [type] : [type, scope[keys]];
      if (scope !== 'all' && scope[keys].length === 0 && scope.licenseIds.length === 0) continue;
      const groups =
        scope !== 'all' && scope[keys].length === 0
          ? { rows: [] }
          : await tx.query<{ license_id: string; version: number; department: string; holder_code: string; k: string; n: number }>(
              `with g as (select ${column} as k, count(*)::int as n from quality_checked
                           where is_current and license_type = $1 and ${column} is not null ${keyFilter} group by 1 having count(*) > 1)
               select c.license_id, c.version, c.department, c.holder_code, g.k, g.n
                 from g join quality_checked c on c.license_type = $1 and c.is_current and c.${column} = g.k`,
              params,
            );
      const identifiers = await versionIdentifiers(tx, groups.rows.map((r) => ({ licenseId: Number(r.license_id), version: r.version })));
      const findings: NewFinding[] = groups.rows.map((r) => ({
        licenseId: Number(r.license_id),
        version: r.version,
        identifier: identifiers.get(`${r.license_id}:${r.version}`) ?? '',
        licenseType: type,
        department: r.department,
        holderCode: r.holder_code,
        ruleId: rule.id,
        dimension: rule.dimension,
        severity: rule.severity,
        fields: check === 'one-current-per-holder' ? ['holderCode'] : (rule.params.fields as string[]),
        ...formatMessage(rule, standard, check === 'one-current-per-holder' ? ['holderCode'] : (rule.params.fields as string[]), { key: r.k, count: r.n, others: r.n - 1 }),
      }));
      written.opened += (await insertFindings(tx, findings)).length;
      const failing = findings.map((f) => f.licenseId);
      const inScope = scope === 'all' ? '' : `and (c.${column} = any($4::text[]) or c.license_id = any($5::bigint[]))`;
      written.resolved += (
        await tx.query(
          `update quality_findings f set status = 'resolved', resolved_at = now(), resolved_version = c.version
             from quality_checked c
            where f.rule_id = $1 and f.license_type = $2 and f.status = 'open' and c.license_id = f.license_id
              and not (f.license_id = any($3::bigint[])) ${inScope}`,
          scope === 'all' ? [rule.id, type, failing] : [rule.id, type, failing, scope[keys], scope.licenseIds],
        )
      ).rowCount;
    }
  }
  return written;
}

