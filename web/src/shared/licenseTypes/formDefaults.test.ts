import { describe, expect, it } from 'vitest';
import { formDefaults } from './formDefaults.ts';

describe("a new license's form", () => {
  it("starts with the type's defaults as the clerk would write them, leaving derived and empty ones to the platform", () => {
    const defaults = { issuedOn: '$today', registrationAuthority: '$issuerName', businessTermFrom: '$data.establishedOn', businessTermTo: null, entityType: '有限责任公司', shares: 3 };
    expect(formDefaults(defaults, { departmentName: '山东省市场监督管理局', today: '2026-12-05' })).toEqual({
      issuedOn: '2026-12-05',
      registrationAuthority: '山东省市场监督管理局',
      entityType: '有限责任公司',
      shares: 3,
    });
    expect(formDefaults(undefined, { departmentName: 'x', today: '2026-12-05' })).toEqual({});
  });
});
