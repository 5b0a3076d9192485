/** The rows the quality rules read (a license's current version) and the version they make. */
import type { CurrentVersionRow } from '../licenses/index.ts';
import type { LicenseTypeStandard } from '../standards/index.ts';
import type { CheckedVersion } from './rules.ts';

/** The type version a license version was issued under, as the caller knows them (the platform's registry; a worker's copy). */
export type TypeOf = (key: string, version: string) => LicenseTypeStandard | undefined;

/** A license's current version as the licenses' facade reads it for the rules. */
export type VersionRow = CurrentVersionRow;

export const toVersion = (r: VersionRow, typeOf: TypeOf): CheckedVersion => ({
  licenseId: Number(r.id),
  version: r.current_version,
  identifier: r.identifier,
  licenseType: r.type_key,
  standard: typeOf(r.type_key, r.type_version),
  department: r.issuer_code,
  holderCode: r.holder_code,
  holderCodeType: r.holder_code_type,
  status: r.status,
  data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
  publishedAt: new Date(r.created_at),
});

/** As toVersion, the data parsed only when something reads it (the main thread of a pass whose rules ran in a worker). */
export function lazyVersion(r: VersionRow, typeOf: TypeOf): CheckedVersion {
  let data: Record<string, unknown> | undefined;
  return {
    licenseId: Number(r.id),
    version: r.current_version,
    identifier: r.identifier,
    licenseType: r.type_key,
    standard: typeOf(r.type_key, r.type_version),
    department: r.issuer_code,
    holderCode: r.holder_code,
    holderCodeType: r.holder_code_type,
    status: r.status,
    get data() {
      data ??= typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data;
      return data;
    },
    publishedAt: new Date(r.created_at),
  };
}
