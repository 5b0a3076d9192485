/** A new license's form, before the clerk types: plain functions (tested without a browser). */
import type { LicenseData } from './LicenseDataForm.tsx';

/**
 * What a new license's form starts with: the type's defaults as the issuing clerk would write them —
 * `$today` the date in China, `$issuerName` the signed-in department's name, plain values as they
 * are. Defaults the platform derives from other fields (`$data.…`) or leaves empty (null) are not
 * shown: the platform applies them when the field is left empty.
 */
export function formDefaults(defaults: Record<string, string | number | boolean | null> | undefined, issuer: { departmentName: string; today: string }): LicenseData {
  const start: LicenseData = {};
  for (const [name, value] of Object.entries(defaults ?? {})) {
    if (value === '$today') start[name] = issuer.today;
    else if (value === '$issuerName') start[name] = issuer.departmentName;
    else if (value !== null && !(typeof value === 'string' && value.startsWith('$'))) start[name] = value;
  }
  return start;
}
