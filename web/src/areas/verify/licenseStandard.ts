/**
 * The license type's standard (GET /api/v1/standards/license-types/{key}, public): the titles of
 * its business fields in both languages and their order, so the page shows any license type the
 * platform knows without a word of its own. Fetched once per page load.
 */
import { api } from '../../app/api.ts';

interface FieldSchema {
  title?: string;
  'x-title-en'?: string;
}

export interface LicenseStandard {
  key: string;
  name: string;
  nameEn: string;
  typeCode: string;
  vct: string;
  dataSchema: { properties: Record<string, FieldSchema> };
}

type Summary = Pick<LicenseStandard, 'key' | 'typeCode' | 'vct'> & { href: string };

let summaries: Promise<Summary[]> | undefined;
const standards = new Map<string, Promise<LicenseStandard>>();

/** The standard of the license a verification shows (by `vct` or `licenseTypeCode`), or undefined. */
export async function standardOf(license: Record<string, unknown>): Promise<LicenseStandard | undefined> {
  summaries ??= api<Summary[]>('/api/v1/standards/license-types').catch((error: unknown) => {
    summaries = undefined;
    throw error;
  });
  const summary = (await summaries).find((s) => s.vct === license.vct || s.typeCode === license.licenseTypeCode);
  if (!summary) return undefined;
  if (!standards.has(summary.key)) standards.set(summary.key, api<LicenseStandard>(summary.href));
  return standards.get(summary.key);
}
