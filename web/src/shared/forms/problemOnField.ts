/**
 * The platform's reason on the field it names (issue 18: "the server's reason on the field after
 * it"): a problem's `field` is a JSON pointer into the request's body (`/validUntil`,
 * `/grantee/department`) or a located input (`querystring:/month`); a form says which of its
 * fields each pointer stands for. The reason then shows under that field, which is highlighted and
 * scrolled into view; a problem that names no field of the form stays where the form shows its
 * other errors.
 */
import type { FormInstance } from 'antd';
import { ApiError } from '../../app/api.ts';

/** A form field's name path (antd's NamePath, as strings and list positions). */
export type FieldPath = string | (string | number)[];

/**
 * The form field a problem's `field` names, or undefined. `fields` maps the body's pointers the
 * form sends to its field names; a pointer not listed, but whose first segment is one of them,
 * names that field (`/fields/2` → `fields`).
 */
export function formFieldOf(problemField: string | undefined, fields: Readonly<Record<string, FieldPath>>): FieldPath | undefined {
  if (!problemField) return undefined;
  const pointer = problemField.replace(/^(body|querystring|params):/, '');
  if (Object.hasOwn(fields, pointer)) return fields[pointer];
  const first = pointer.split('/')[1];
  return first !== undefined && Object.hasOwn(fields, `/${first}`) ? fields[`/${first}`] : undefined;
}

/**
 * Shows `text` (the problem said in the user's language) on the field the problem names, and
 * answers true; false when it names none of `fields` (the caller shows it with the form's errors).
 */
export function problemOnField(form: FormInstance, error: unknown, text: string, fields: Readonly<Record<string, FieldPath>>): boolean {
  const name = error instanceof ApiError ? formFieldOf(error.problem.field, fields) : undefined;
  if (name === undefined) return false;
  form.setFields([{ name, errors: [text] }]);
  form.scrollToField(name, { block: 'center', behavior: 'smooth', focus: true });
  return true;
}

/** The usual case: each named form field is sent as the body's property of the same name. */
export const bodyFields = (...names: string[]): Record<string, FieldPath> => Object.fromEntries(names.map((name) => [`/${name}`, name]));
