/** The rows the quality rules read (a license's current version) and the version they make. */
import type { CheckedVersion } from './rules.ts';

export interface VersionRow {
  id: string;
  type_key: string;
  issuer_code: string;
  holder_code: string;
  holder_code_type: string;
  status: string;
  current_version: number;
  identifier: string;
  data: Record<string, unknown> | string;
  created_at: Date | string;
}

export const toVersion = (r: VersionRow): CheckedVersion => ({
  licenseId: Number(r.id),
  version: r.current_version,
  identifier: r.identifier,
  licenseType: r.type_key,
  department: r.issuer_code,
  holderCode: r.holder_code,
  holderCodeType: r.holder_code_type,
  status: r.status,
  data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
  publishedAt: new Date(r.created_at),
});

/** As toVersion, the data parsed only when something reads it (the main thread of a pass whose rules ran in a worker). */
export function lazyVersion(r: VersionRow): CheckedVersion {
  let data: Record<string, unknown> | undefined;
  return {
    licenseId: Number(r.id),
    version: r.current_version,
    identifier: r.identifier,
    licenseType: r.type_key,
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
