/**
 * The generated forms' validator: a license type's dataSchema (JSON Schema 2020-12) checked in the
 * browser by @cfworker/json-schema, which interprets the schema instead of compiling it to code
 * (@rjsf/validator-ajv8 compiles with `new Function`, which the console's Content-Security-Policy,
 * script-src 'self', forbids; and a type published at run time cannot be precompiled). Messages in
 * the user's language, each on its field. The platform checks everything again on submit.
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { ErrorSchemaBuilder, type RJSFSchema, type RJSFValidationError, type ValidationData, type ValidatorType } from '@rjsf/utils';
import type { TFunction } from 'i18next';

/** Errors that only say "a part below failed": the part's own error says what. */
const SUMMARIES = new Set(['properties', 'additionalProperties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', '$ref', 'if', 'then', 'else', 'dependentSchemas', 'unevaluatedProperties']);

const validators = new WeakMap<object, Validator>();

function validatorOf(schema: RJSFSchema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as Schema, '2020-12', false);
    validators.set(schema, validator);
  }
  return validator;
}

const pathOf = (unit: OutputUnit): string[] =>
  unit.instanceLocation
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')));

/** A validator for rjsf that speaks the user's language through `t` (namespace licenseTypes). */
export function schemaValidator(t: TFunction, title: (field: string) => string): ValidatorType {
  const errorsOf = (schema: RJSFSchema, formData: unknown): RJSFValidationError[] => {
    const result = validatorOf(schema).validate(formData ?? {});
    if (result.valid) return [];
    return result.errors
      .filter((unit) => !SUMMARIES.has(unit.keyword) && unit.keyword !== 'false')
      .map((unit) => {
        const path = pathOf(unit);
        if (unit.keyword === 'required') {
          const missing = /"([^"]+)"/.exec(unit.error)?.[1];
          if (missing) path.push(missing);
        }
        const field = path.join('.');
        const message = t(`licenseTypes:validation.${unit.keyword}`, { field: title(field), defaultValue: t('licenseTypes:validation.other') });
        return { name: unit.keyword, property: `.${field}`, message, stack: `${title(field)}: ${message}`, schemaPath: unit.keywordLocation };
      });
  };
  return {
    validateFormData(formData, schema): ValidationData<unknown> {
      const errors = errorsOf(schema, formData);
      const builder = new ErrorSchemaBuilder();
      for (const error of errors) builder.addErrors(error.message ?? '', (error.property ?? '.').slice(1) || undefined);
      return { errors, errorSchema: builder.ErrorSchema };
    },
    isValid(schema, formData) {
      return validatorOf(schema).validate(formData ?? {}).valid;
    },
    rawValidation(schema, formData) {
      const result = validatorOf(schema).validate(formData ?? {});
      return { errors: result.valid ? undefined : (result.errors as never) };
    },
  };
}
