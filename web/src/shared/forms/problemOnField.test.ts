import { describe, expect, it } from 'vitest';
import { formFieldOf } from './problemOnField.ts';

describe('formFieldOf', () => {
  const fields = { '/validUntil': 'validUntil', '/grantee/department': 'department', '/fields': 'fields', '/month': 'month' };

  it('names the form field a body pointer stands for', () => {
    expect(formFieldOf('/validUntil', fields)).toBe('validUntil');
    expect(formFieldOf('/grantee/department', fields)).toBe('department');
  });

  it('names a list field for a pointer into one of its items', () => {
    expect(formFieldOf('/fields/2', fields)).toBe('fields');
  });

  it('reads located inputs as the pointer they carry', () => {
    expect(formFieldOf('querystring:/month', fields)).toBe('month');
    expect(formFieldOf('body:/validUntil', fields)).toBe('validUntil');
  });

  it('names nothing for a field the form does not have, a header, or no field', () => {
    expect(formFieldOf('/purpose', fields)).toBeUndefined();
    expect(formFieldOf('/grantee/holder', fields)).toBeUndefined();
    expect(formFieldOf('header:x-purpose', fields)).toBeUndefined();
    expect(formFieldOf(undefined, fields)).toBeUndefined();
    expect(formFieldOf('/', fields)).toBeUndefined();
  });
});
