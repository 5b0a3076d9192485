import { describe, expect, it } from 'vitest';
import { diffData } from './licenseDiff.ts';

describe('the field-by-field diff of two versions', () => {
  const v1 = { name: '济南华信科技有限公司', domicile: '历下区经十路100号', registeredCapital: '100万元人民币', businessTermTo: null, issuedOn: '2018-03-09' };

  it('lists only what changed, in the standard’s order, then other fields by name', () => {
    const v2 = { ...v1, registeredCapital: '500万元人民币', domicile: '高新区舜华路1号', issuedOn: '2026-11-30', zeta: 'new' };
    expect(diffData(v1, v2, ['name', 'registeredCapital', 'domicile', 'businessTermTo', 'issuedOn'])).toEqual([
      { field: 'registeredCapital', before: '100万元人民币', after: '500万元人民币' },
      { field: 'domicile', before: '历下区经十路100号', after: '高新区舜华路1号' },
      { field: 'issuedOn', before: '2018-03-09', after: '2026-11-30' },
      { field: 'zeta', before: undefined, after: 'new' },
    ]);
  });

  it('an open-ended term that gets an end date is a change; nothing changed is no change', () => {
    expect(diffData(v1, { ...v1, businessTermTo: '2048-03-08' })).toEqual([{ field: 'businessTermTo', before: null, after: '2048-03-08' }]);
    expect(diffData(v1, { ...v1 })).toEqual([]);
  });
});
