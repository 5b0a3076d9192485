import { readdirSync, readFileSync } from 'node:fs';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../src/policy/', import.meta.url);
const schema = readFileSync(new URL('schema.cedarschema', dir), 'utf8');
const files = readdirSync(dir).filter((f) => f.endsWith('.cedar'));

describe('the policies against their schema', () => {
  it('the schema parses', () => {
    expect(cedar.checkParseSchema(schema)).toMatchObject({ type: 'success' });
  });

  it.each(files)('%s validates in strict mode: every entity, attribute and action exists and is used with its type', (file) => {
    const answer = cedar.validate({ schema, policies: { staticPolicies: readFileSync(new URL(file, dir), 'utf8') }, validationSettings: { mode: 'strict' } });
    expect(answer.type).toBe('success');
    if (answer.type === 'success') expect(answer.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`)).toEqual([]);
  });

  it('a policy that names an attribute the schema does not have is refused (the check can fail)', () => {
    const answer = cedar.validate({
      schema,
      policies: { staticPolicies: 'permit (principal, action == CertBridge::Action::"license:read", resource is CertBridge::License) when { resource.colour == "red" };' },
      validationSettings: { mode: 'strict' },
    });
    expect(answer.type === 'success' && answer.validationErrors.length).toBeGreaterThan(0);
  });
});
