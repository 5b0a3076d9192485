import { describe, expect, it } from 'vitest';
import type { DepartmentFigures } from './figures.ts';
import { INDICATORS, scoreDepartments, scoreOf, type Weights } from './scoring.ts';

const equal = Object.fromEntries(INDICATORS.map((k) => [k, 10])) as Weights;

function figures(code: string, over: Partial<Omit<DepartmentFigures, 'code' | 'name' | 'nameEn'>> = {}): DepartmentFigures {
  return {
    code,
    name: code,
    nameEn: code,
    catalog: { published: 0, unconditional: 0, conditional: 0, notShared: 0 },
    requests: { due: 0, answered: 0, onTime: 0, medianHoursToAnswer: null },
    lookups: { served: 0, consumed: 0, requestedAccess: false },
    quality: null,
    objections: { due: 0, answered: 0, onTime: 0, open: 0 },
    deliveries: { delivered: 0, failed: 0 },
    ...over,
  };
}

describe('scoring', () => {
  it('leaves out the weights of marks that do not apply instead of counting them as zero', () => {
    const marks = { ...Object.fromEntries(INDICATORS.map((k) => [k, null])), quality: 80, requestsOnTime: 50 } as Record<(typeof INDICATORS)[number], number | null>;
    expect(scoreOf(marks, { ...equal, quality: 30, requestsOnTime: 10 })).toBe(72.5);
    expect(scoreOf(Object.fromEntries(INDICATORS.map((k) => [k, null])) as never, equal)).toBeNull();
  });

  it('marks openness by sharing class, timeliness as a share, and counts relative to the best department', () => {
    const [provider, other] = scoreDepartments(
      [
        figures('A', { catalog: { published: 4, unconditional: 2, conditional: 1, notShared: 1 }, lookups: { served: 40, consumed: 0, requestedAccess: false }, requests: { due: 4, answered: 4, onTime: 3, medianHoursToAnswer: 5 } }),
        figures('B', { catalog: { published: 2, unconditional: 0, conditional: 0, notShared: 2 }, lookups: { served: 10, consumed: 0, requestedAccess: false }, objections: { due: 2, answered: 1, onTime: 1, open: 1 } }),
      ],
      equal,
    );
    expect(provider.marks).toMatchObject({ catalogPublished: 100, catalogOpenness: 62.5, requestsOnTime: 75, lookupsServed: 100, lookupsConsumed: null, objectionsOnTime: null });
    expect(other.marks).toMatchObject({ catalogPublished: 50, catalogOpenness: 0, lookupsServed: 25, objectionsOnTime: 50 });
    expect(provider.rank).toBe(1);
    expect(other.rank).toBe(2);
  });

  it('gives equal scores one rank (1, 1, 3) and no rank without a score', () => {
    const ranked = scoreDepartments(
      [figures('C', { quality: 90 }), figures('A', { quality: 90 }), figures('D'), figures('B', { quality: 70 })],
      equal,
    );
    expect(ranked.map((d) => [d.code, d.score, d.rank])).toEqual([
      ['A', 90, 1],
      ['C', 90, 1],
      ['B', 70, 3],
      ['D', null, null],
    ]);
  });
});
