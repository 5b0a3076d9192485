/**
 * Millions of synthetic business licenses on PostgreSQL, for bench:scale and bench:soak.
 *
 * Signing 20 million SD-JWT credentials would take this 2-core machine an hour and ~60 GB of disk
 * for credentials nobody reads in a measurement, so the load is split:
 * - every `signedEvery`-th license (by id, spread over the whole table) is issued as the platform
 *   issues: its own data, signed by the issuer's key on the signing workers, written by
 *   `insertIssuedLicenses` with its event and audit log entry — these are the ones looked up,
 *   verified and presented in the measurements;
 * - the others are written by the database itself from 5,000 enterprise templates (the name and
 *   domicile made their own by the serial), each with a valid credit code unique by construction
 *   and its own GB/T 36904 identifier, and carry the credential of the signed license before them
 *   (the same length as a real one, so sizes and I/O are a real table's).
 * The secondary indexes of the license tables are dropped for the load and built after it, as a
 * bulk load into an empty table is done; building them is part of the load time reported.
 */
import { performance } from 'node:perf_hooks';
import type { Platform } from '../src/platform/platform.ts';
import { seededRandom, syntheticEnterprise, syntheticEnterprises } from '../src/demo/synthetic.ts';
import { insertIssuedLicenses, signingTypeOf, type PreparedLicense } from '../src/licenses/lifecycle/licenseRecords.ts';
import { prepareLicenseData } from '../src/licenses/lifecycle/licenseData.ts';
import { workerSigner } from '../src/licenses/credentials/signing.ts';
import { STATUS_LIST_SIZE } from '../src/licenses/statusLists/statusLists.ts';
import { buildLicenseIdentifier, creditCodeCheckChar, organizationCodeCheckChar, shippedLicenseType } from '../src/standards/index.ts';
import { fmt } from './common.ts';

const BUSINESS_LICENSE = shippedLicenseType('business-license');
const TEMPLATES = 5000;
const CHUNK = 100_000;
/** The cities of the demo province (GB/T 2260), cycled through by the credit codes. */
const CITIES = ['370100', '370200', '370300', '370400', '370500', '370600', '370700', '370800', '370900', '371000', '371100', '371300', '371400', '371500', '371600', '371700'];

/**
 * A valid credit code unique to the serial: the 8 characters of the organisation code are a
 * bijection of the serial (× a number prime to 10^8), so no two serials share one.
 */
export function creditCodeOf(serial: number): string {
  const body = String((serial * 48_271) % 100_000_000).padStart(8, '0');
  const first17 = `91${CITIES[serial % CITIES.length]}${body}${organizationCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

interface IndexDefinition {
  name: string;
  definition: string;
}

/** The secondary indexes of the license tables that a bulk load builds afterwards (primary keys and unique constraints stay: the writes rely on them). */
async function secondaryIndexes(platform: Platform): Promise<IndexDefinition[]> {
  const rows = await platform.store.query<{ indexname: string; indexdef: string }>(
    `select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = current_schema() and i.tablename in ('licenses', 'license_versions', 'license_events')
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  return rows.rows.map((r) => ({ name: r.indexname, definition: r.indexdef }));
}

export interface LoadReport {
  licenses: number;
  signed: number;
  rowsSeconds: number;
  indexSeconds: number;
}

/**
 * Loads `count` business licenses of `issuer` (ids 1…count, into an empty license table), every
 * `signedEvery`-th signed. Reports progress through `say` every million.
 */
export async function loadSyntheticLicenses(
  platform: Platform,
  issuer: { code: string; name: string },
  count: number,
  signedEvery: number,
  say: (line: string) => void,
): Promise<LoadReport> {
  const db = platform.store;
  const type = signingTypeOf(BUSINESS_LICENSE);
  const started = performance.now();
  const indexes = await secondaryIndexes(platform);
  for (const index of indexes) await db.query(`drop index ${index.name}`);
  await db.query('create table if not exists bench_templates (n int primary key, data jsonb not null)');
  await db.query('truncate bench_templates');
  const templates = [...syntheticEnterprises(TEMPLATES, 2026)].map((e) => prepareLicenseData(BUSINESS_LICENSE, { ...e.data, businessTermTo: null }, { issuerName: issuer.name }));
  await db.query('insert into bench_templates select n - 1, d from unnest($1::jsonb[]) with ordinality as t(d, n)', [templates.map((t) => JSON.stringify(t))]);

  const sealed = await platform.keys.sealedActiveKey('license', platform.config.signingAlgorithm, issuer.code);
  const signer = workerSigner(sealed.stored, sealed.masterKey, platform.config.publicUrl);
  const random = seededRandom(20261205);
  let signed = 0;
  try {
    for (let first = 1; first <= count; first += CHUNK) {
      const last = Math.min(count, first + CHUNK - 1);
      // The signed ones first: the others of the chunk carry their credentials.
      const tasks = [];
      for (let id = Math.ceil(first / signedEvery) * signedEvery; id <= last; id += signedEvery) {
        const e = syntheticEnterprise(random, id);
        const data = prepareLicenseData(BUSINESS_LICENSE, { ...e.data, businessTermTo: null }, { issuerName: issuer.name });
        tasks.push({ id, version: 1, type, issuer, holder: { code: creditCodeOf(id), codeType: '001', name: e.data.name }, data, issuedAt: Date.now() });
      }
      if (tasks.length > 0) {
        const versions = await signer.sign(tasks);
        const prepared: PreparedLicense[] = tasks.map((t, i) => ({ ...t, standard: type, identifier: versions[i].identifier, credential: versions[i].credential, kid: signer.kid }));
        await db.transaction((tx) => insertIssuedLicenses(tx, prepared, 'bench', platform.events));
        signed += tasks.length;
      }
      const ids: number[] = [];
      for (let id = first; id <= last; id++) if (id % signedEvery !== 0) ids.push(id);
      await db.transaction(async (tx) => {
        await tx.query(
          `insert into licenses (id, type_key, type_version, type_code, issuer_code, holder_code, holder_code_type, holder_name, current_version, status, valid_from, status_list, status_idx, issued_on)
           select c.id, $3, $4, $5, $6, c.code, '001', (t.data ->> 'name') || c.id, 1, 'valid', (t.data ->> 'issuedOn')::date, c.id / $7, c.id % $7, (t.data ->> 'issuedOn')::date
             from unnest($1::bigint[], $2::text[]) as c(id, code) join bench_templates t on t.n = c.id % ${TEMPLATES}`,
          [ids, ids.map(creditCodeOf), type.key, type.version, type.typeCode, issuer.code, STATUS_LIST_SIZE],
        );
        await tx.query(
          `insert into license_versions (license_id, version, identifier, data, credential, kid, change, created_by, type_version)
           select c.id, 1, c.identifier,
                  t.data || jsonb_build_object('name', (t.data ->> 'name') || c.id, 'domicile', (t.data ->> 'domicile') || c.id || '室'),
                  s.credential, s.kid, 'issue', 'bench', $3
             from unnest($1::bigint[], $2::text[]) as c(id, identifier)
             join bench_templates t on t.n = c.id % ${TEMPLATES}
             join license_versions s on s.license_id = greatest($4::bigint, c.id - c.id % $4) and s.version = 1`,
          [ids, ids.map((id) => buildLicenseIdentifier({ typeCode: type.typeCode, issuerCode: issuer.code, serial: id, version: 1 })), type.version, signedEvery],
        );
      });
      if (Math.floor(last / 1_000_000) > Math.floor((first - 1) / 1_000_000) || last === count) {
        const seconds = (performance.now() - started) / 1000;
        say(`  loaded ${fmt(last)} / ${fmt(count)} licenses (${fmt(signed)} signed) in ${seconds.toFixed(0)} s, ${fmt(last / seconds)}/s`);
      }
    }
  } finally {
    await signer.close();
  }
  await db.query(`select setval('license_serial_seq', $1)`, [count]);
  const rowsSeconds = (performance.now() - started) / 1000;
  const indexStarted = performance.now();
  for (const index of indexes) {
    const t0 = performance.now();
    await db.query(index.definition);
    say(`  index ${index.name} built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await db.query('vacuum analyze licenses');
  await db.query('vacuum analyze license_versions');
  return { licenses: count, signed, rowsSeconds, indexSeconds: (performance.now() - indexStarted) / 1000 };
}
