/**
 * Weight arithmetic shared by the satisfaction survey, the 360 review and the KPI scheme.
 */

/** How far a set of weights may sum away from 1 and still count as summing to 1. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

/** A value and the weight it carries in a mean. */
export interface Weighted {
  readonly value: number;
  readonly weight: number;
}

/**
 * Weighted mean of the pairs, dividing by the weights actually present, so weights that sum to
 * less than 1 (because some values were skipped) are renormalised. `null` when there is nothing to
 * average: no pairs, or all their weights are 0.
 *
 * @example
 * weightedMean([{ value: 100, weight: 0.3 }, { value: 50, weight: 0.1 }]); // (30 + 5) / 0.4 = 87.5
 */
export function weightedMean(pairs: readonly Weighted[]): number | null {
  let weightSum = 0;
  let total = 0;
  for (const { value, weight } of pairs) {
    weightSum += weight;
    total += value * weight;
  }
  return weightSum > 0 ? total / weightSum : null;
}

/**
 * Plain mean of the values, `null` for none.
 *
 * @example
 * mean([80, 60]); // 70
 */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/**
 * Whether the weights sum to 1 within {@link WEIGHT_SUM_TOLERANCE}.
 *
 * @example
 * sumsToOne([0.3, 0.15, 0.2, 0.1, 0.25]); // true
 */
export function sumsToOne(weights: readonly number[]): boolean {
  let total = 0;
  for (const w of weights) total += w;
  return Math.abs(total - 1) <= WEIGHT_SUM_TOLERANCE;
}
