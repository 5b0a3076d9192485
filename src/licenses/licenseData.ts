import { chinaDate } from '../platform/chinaTime.ts';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DomainError } from '../platform/errors.ts';
import { normalizeRegisteredCapital, type LicenseTypeStandard } from '../standards/index.ts';

/** The business fields of a license, as the standard names them. */
export type LicenseData = Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats.default(ajv);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
const partialValidators = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorFor(standard: LicenseTypeStandard, partial: boolean) {
  const cache = partial ? partialValidators : validators;
  const key = `${standard.key}@${standard.version}`;
  let validate = cache.get(key);
  if (!validate) {
    // A selectively disclosed credential shows only some fields: each must still be valid.
    const schema = partial
      ? { ...standard.dataSchema, $id: `${String(standard.dataSchema.$id ?? key)}:disclosed`, required: [] }
      : standard.dataSchema;
    validate = ajv.compile(schema);
    cache.set(key, validate);
  }
  return validate;
}

/** A schema error as a problem pointing at the field, e.g. `/data/establishedOn`. */
export function dataProblem(error: ErrorObject, prefix: string): DomainError {
  if (error.keyword === 'additionalProperties') {
    const field = `${prefix}${error.instancePath}/${String(error.params.additionalProperty)}`;
    return new DomainError('invalid', 'unknown-field', `${field} is not a field of this license type`, { field });
  }
  if (error.keyword === 'required') {
    const field = `${prefix}${error.instancePath}/${String(error.params.missingProperty)}`;
    return new DomainError('invalid', 'missing-field', `${field} is required`, { field });
  }
  const field = `${prefix}${error.instancePath}`;
  return new DomainError('invalid', 'invalid-license-data', `${field} ${error.message ?? 'is invalid'}`, { field });
}

export function schemaErrors(standard: LicenseTypeStandard, data: unknown, partial = false): ErrorObject[] {
  const validate = validatorFor(standard, partial);
  return validate(data) ? [] : [...(validate.errors ?? [])];
}


/**
 * Checks license data against its standard and fills what the platform may default:
 * the issue date (today), the start of the business term (the founding date), an open-ended
 * term (长期), the registration authority (the issuing department). Throws a problem naming
 * the first field at fault.
 */
export function prepareLicenseData(
  standard: LicenseTypeStandard,
  input: unknown,
  defaults: { registrationAuthority: string; today?: string },
  prefix = '/data',
): LicenseData {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DomainError('invalid', 'invalid-license-data', `${prefix} must be an object`, { field: prefix });
  }
  const data: LicenseData = { ...(input as LicenseData) };
  if ('registeredCapital' in data && (typeof data.registeredCapital === 'string' || typeof data.registeredCapital === 'number')) {
    const capital = normalizeRegisteredCapital(data.registeredCapital);
    if (!capital.ok) {
      throw new DomainError('invalid', 'invalid-license-data', `${prefix}/registeredCapital: ${capital.message}`, {
        field: `${prefix}/registeredCapital`,
      });
    }
    data.registeredCapital = capital.value;
  }
  data.issuedOn ??= defaults.today ?? chinaDate();
  data.registrationAuthority ??= defaults.registrationAuthority;
  if (data.businessTermFrom === undefined && typeof data.establishedOn === 'string') data.businessTermFrom = data.establishedOn;
  if (data.businessTermTo === undefined || data.businessTermTo === '') data.businessTermTo = null;
  const [first] = schemaErrors(standard, data);
  if (first) throw dataProblem(first, prefix);
  if (typeof data.businessTermTo === 'string' && typeof data.businessTermFrom === 'string' && data.businessTermTo < data.businessTermFrom) {
    throw new DomainError('invalid', 'invalid-license-data', `${prefix}/businessTermTo is before businessTermFrom`, {
      field: `${prefix}/businessTermTo`,
    });
  }
  return data;
}
