/**
 * Pure helpers of the 360 report that `@aftercare/scoring` does not have (yet): where self and
 * others disagree, and how much raters agree among themselves.
 */

/** How a self rating compares with the others' mean. */
export type GapKind = "blind-spot" | "hidden-strength" | "aligned";

/**
 * A blind spot when self rates higher than others by more than ⅓ of the scale's range, a hidden
 * strength when lower by more than as much (issue 4).
 *
 * @example
 * classifyGap(4.5, 3, { min: 1, max: 5 }); // "blind-spot": 1.5 > 4 / 3
 * classifyGap(3, 4, { min: 1, max: 5 });   // "aligned": 1 ≤ 4 / 3
 */
export function classifyGap(self: number | null, others: number | null, scale: { min: number; max: number }): GapKind | null {
  if (self === null || others === null) return null;
  const limit = (scale.max - scale.min) / 3;
  const gap = self - others;
  if (gap > limit) return "blind-spot";
  if (gap < -limit) return "hidden-strength";
  return "aligned";
}

/** Sums that let a spread be computed in SQL without keeping individual answers. */
export interface ScoreSums {
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/**
 * Population standard deviation of scores from their count, sum and sum of squares; `null` for
 * fewer than two scores.
 *
 * @example
 * spread({ n: 3, sum: 9, sumSquares: 29 }); // scores 2, 3, 4 → √(2/3) ≈ 0.816
 */
export function spread(s: ScoreSums): number | null {
  if (s.n < 2) return null;
  const mean = s.sum / s.n;
  return Math.sqrt(Math.max(0, s.sumSquares / s.n - mean * mean));
}
