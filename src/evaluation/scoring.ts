/**
 * Scoring (评分): each indicator of a department is a mark from 0 to 100, or null when it does not
 * apply to the department that month (a department that publishes nothing serves no lookups; one
 * whose licenses met no objection is not marked on objections). The score is the weighted mean of
 * the marks that apply — the weights of those that do not are left out rather than counted as
 * zero — rounded to one decimal; a department with no mark at all has no score and no rank. Ranks
 * are competition ranks (1, 2, 2, 4): equal scores share a rank.
 */
import type { DepartmentFigures } from './figures.ts';

export const INDICATORS = ['catalogPublished', 'catalogOpenness', 'requestsOnTime', 'lookupsServed', 'lookupsConsumed', 'quality', 'objectionsOnTime', 'deliverySuccess'] as const;
export type Indicator = (typeof INDICATORS)[number];
export type Weights = Record<Indicator, number>;

/** The highest weight of one indicator. */
export const MAX_WEIGHT = 100;

export interface ScoredDepartment {
  code: string;
  name: string;
  nameEn: string;
  /** 0–100, one decimal; null when no indicator applies. */
  score: number | null;
  rank: number | null;
  marks: Record<Indicator, number | null>;
  figures: Omit<DepartmentFigures, 'code' | 'name' | 'nameEn'>;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const share = (part: number, whole: number) => (whole > 0 ? round1((100 * part) / whole) : null);

/** Marks of one department; `best` are the month's highest counts, for the indicators marked relative to the best department. */
export function marksOf(f: DepartmentFigures, best: { published: number; served: number; consumed: number }): Record<Indicator, number | null> {
  const publishes = f.catalog.published > 0;
  return {
    catalogPublished: best.published > 0 ? round1((100 * f.catalog.published) / best.published) : null,
    // Unconditional sharing (无条件共享) counts whole, conditional (有条件共享) half, not shared (不予共享) nothing.
    catalogOpenness: publishes ? round1((100 * f.catalog.unconditional + 50 * f.catalog.conditional) / f.catalog.published) : null,
    requestsOnTime: share(f.requests.onTime, f.requests.due),
    lookupsServed: publishes && best.served > 0 ? round1((100 * f.lookups.served) / best.served) : null,
    lookupsConsumed: f.lookups.requestedAccess && best.consumed > 0 ? round1((100 * f.lookups.consumed) / best.consumed) : null,
    quality: f.quality === null ? null : round1(f.quality),
    objectionsOnTime: share(f.objections.onTime, f.objections.due),
    deliverySuccess: share(f.deliveries.delivered, f.deliveries.delivered + f.deliveries.failed),
  };
}

/** The weighted mean of the marks that apply, or null. */
export function scoreOf(marks: Record<Indicator, number | null>, weights: Weights): number | null {
  let sum = 0;
  let weight = 0;
  for (const indicator of INDICATORS) {
    const mark = marks[indicator];
    if (mark === null || weights[indicator] <= 0) continue;
    sum += mark * weights[indicator];
    weight += weights[indicator];
  }
  return weight > 0 ? round1(sum / weight) : null;
}

/** Scores and ranks every department of the month, best first (unscored last, by code). */
export function scoreDepartments(figures: readonly DepartmentFigures[], weights: Weights): ScoredDepartment[] {
  const best = {
    published: Math.max(0, ...figures.map((f) => f.catalog.published)),
    served: Math.max(0, ...figures.map((f) => f.lookups.served)),
    consumed: Math.max(0, ...figures.map((f) => f.lookups.consumed)),
  };
  const scored = figures.map(({ code, name, nameEn, ...rest }) => {
    const marks = marksOf({ code, name, nameEn, ...rest }, best);
    return { code, name, nameEn, score: scoreOf(marks, weights), rank: null as number | null, marks, figures: rest };
  });
  scored.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.code.localeCompare(b.code));
  scored.forEach((d, i) => {
    if (d.score === null) return;
    d.rank = i > 0 && scored[i - 1].score === d.score ? scored[i - 1].rank : i + 1;
  });
  return scored;
}
