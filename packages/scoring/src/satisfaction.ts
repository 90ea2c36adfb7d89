/**
 * Customer satisfaction survey (顾客满意度调查表), DOMAIN §1: a customer's weighted score, whether
 * they are satisfied, the satisfaction index of a campaign, the product/service split, the
 * coverage × recovery target and the weakest items for the analysis report.
 *
 * Scores are on a 0–100 scale. Items are identified by string ids so a template can rename or add
 * them; the defaults below are the five items of the source document.
 */
import { WEIGHT_SUM_TOLERANCE, mean, weightedMean } from "./weights";

/** An item of a survey template, e.g. `"quality"`. */
export type ItemId = string;

/** Weight of each item in a customer's score; the weights of a template sum to 1. */
export type ItemWeights = Readonly<Record<ItemId, number>>;

/** One customer's answers: points per item, `null` for an item they skipped. */
export type ItemPoints = Readonly<Record<ItemId, number | null>>;

/** The default items, in form order: 产品质量, 产品价格, 产品交货期, 产品包装, 售后服务. */
export const DEFAULT_ITEMS: readonly ItemId[] = ["quality", "price", "delivery", "packaging", "service"];

/** The default answer scale, best first. */
export const DEFAULT_SCALE_POINTS: readonly number[] = [100, 80, 60, 40, 20];

/** The default item weights (sum 1). */
export const DEFAULT_ITEM_WEIGHTS: ItemWeights = {
  quality: 0.3,
  price: 0.15,
  delivery: 0.2,
  packaging: 0.1,
  service: 0.25,
};

/** A customer is satisfied (满意) at or above this weighted score. */
export const DEFAULT_SATISFIED_THRESHOLD = 85;

/** Weight of product-quality satisfaction in overall satisfaction (w_product); service gets the rest. */
export const DEFAULT_PRODUCT_WEIGHT = 0.8;

/** Which items feed product-quality and which service-quality satisfaction. */
export interface SatisfactionGroups {
  readonly product: readonly ItemId[];
  readonly service: readonly ItemId[];
}

/** Default split: quality, price, packaging → product; delivery, after-sales service → service. */
export const DEFAULT_SATISFACTION_GROUPS: SatisfactionGroups = {
  product: ["quality", "price", "packaging"],
  service: ["delivery", "service"],
};

/** Coverage × recovery must reach this share (发放覆盖率 × 回收率 ≥ 75%). */
export const DEFAULT_COVERAGE_TARGET = 0.75;

/**
 * Scores within this distance below a threshold count as reaching it, so floating-point noise from
 * weighting (84.99999999999999) never turns an 85 into "not satisfied".
 */
export const SCORE_TOLERANCE = 1e-9;

/** Something wrong with a set of item weights. */
export type WeightProblem =
  | { readonly code: "sum-off"; readonly sum: number }
  | { readonly code: "negative-weight"; readonly item: ItemId; readonly weight: number }
  | { readonly code: "not-finite"; readonly item: ItemId }
  | { readonly code: "unknown-item"; readonly item: ItemId }
  | { readonly code: "missing-item"; readonly item: ItemId };

/**
 * Problems with a set of item weights, empty when they are usable: every weight finite and
 * non-negative, no weight for an item outside `items`, a weight for every item in `items`, and a
 * sum of 1 within {@link WEIGHT_SUM_TOLERANCE}.
 *
 * @example
 * validateWeights({ quality: 0.5, price: 0.6 }, ["quality", "price"]);
 * // [{ code: "sum-off", sum: 1.1 }]
 */
export function validateWeights(
  weights: ItemWeights,
  items: readonly ItemId[] = DEFAULT_ITEMS,
): WeightProblem[] {
  const problems: WeightProblem[] = [];
  const known = new Set(items);
  let sum = 0;
  for (const [item, weight] of Object.entries(weights)) {
    if (!known.has(item)) problems.push({ code: "unknown-item", item });
    if (!Number.isFinite(weight)) {
      problems.push({ code: "not-finite", item });
      continue;
    }
    if (weight < 0) problems.push({ code: "negative-weight", item, weight });
    sum += weight;
  }
  for (const item of items) {
    if (!Object.hasOwn(weights, item)) problems.push({ code: "missing-item", item });
  }
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) problems.push({ code: "sum-off", sum });
  return problems;
}

/**
 * A customer's weighted score on 0–100. Skipped (`null` or absent) items are left out and the
 * remaining weights renormalised, so a customer who skips "price" is scored on the other four.
 * `null` when no weighted item was answered.
 *
 * @example
 * customerScore({ quality: 100, price: 80, delivery: 60, packaging: 100, service: 80 });
 * // 0.3×100 + 0.15×80 + 0.2×60 + 0.1×100 + 0.25×80 = 84
 * @throws RangeError when points fall outside 0–100 or name an item without a weight.
 */
export function customerScore(
  points: ItemPoints,
  weights: ItemWeights = DEFAULT_ITEM_WEIGHTS,
): number | null {
  for (const [item, value] of Object.entries(points)) {
    if (!Object.hasOwn(weights, item)) throw new RangeError(`no weight for item "${item}"`);
    if (value !== null) assertPoints(value, item);
  }
  const pairs = Object.entries(weights).flatMap(([item, weight]) => {
    const value = points[item];
    return value === null || value === undefined ? [] : [{ value, weight }];
  });
  return weightedMean(pairs);
}

/**
 * Whether a weighted score counts as satisfied (满意): score ≥ threshold, with
 * {@link SCORE_TOLERANCE} for floating-point noise.
 *
 * @example
 * isSatisfied(85); // true
 * isSatisfied(84.9); // false
 */
export function isSatisfied(score: number, threshold: number = DEFAULT_SATISFIED_THRESHOLD): boolean {
  return score >= threshold - SCORE_TOLERANCE;
}

/**
 * Satisfaction index (顾客满意度) = total of scores ÷ number of customers surveyed. `null` when no
 * customer was surveyed.
 *
 * @example
 * satisfactionIndex(430, 5); // 86
 * satisfactionIndex(0, 0); // null
 * @throws RangeError when the count is negative or not a whole number.
 */
export function satisfactionIndex(totalOfScores: number, customersSurveyed: number): number | null {
  assertCount(customersSurveyed, "customersSurveyed");
  return customersSurveyed === 0 ? null : totalOfScores / customersSurveyed;
}

/** A campaign's headline numbers. */
export interface SatisfactionSummary {
  /** Customers with a score (blank forms, scored `null`, are not counted). */
  readonly respondents: number;
  readonly totalOfScores: number;
  /** totalOfScores ÷ respondents; `null` with no respondents. */
  readonly index: number | null;
  readonly satisfied: number;
  /** satisfied ÷ respondents; `null` with no respondents. */
  readonly shareSatisfied: number | null;
}

/**
 * Index and share satisfied of a campaign from each returned form's score. The divisor is the
 * number of customers whose form was scored (按照实际回收 — the forms actually returned).
 *
 * @example
 * summarizeSatisfaction([90, 84, 85, null]);
 * // { respondents: 3, totalOfScores: 259, index: 86.33…, satisfied: 2, shareSatisfied: 0.66… }
 */
export function summarizeSatisfaction(
  scores: readonly (number | null)[],
  threshold: number = DEFAULT_SATISFIED_THRESHOLD,
): SatisfactionSummary {
  const answered = scores.filter((s): s is number => s !== null);
  let totalOfScores = 0;
  let satisfied = 0;
  for (const score of answered) {
    totalOfScores += score;
    if (isSatisfied(score, threshold)) satisfied += 1;
  }
  const respondents = answered.length;
  return {
    respondents,
    totalOfScores,
    index: satisfactionIndex(totalOfScores, respondents),
    satisfied,
    shareSatisfied: respondents === 0 ? null : satisfied / respondents,
  };
}

/** An item's average over the customers who answered it. */
export interface ItemAverage {
  readonly item: ItemId;
  /** `null` when nobody answered the item. */
  readonly average: number | null;
  readonly answers: number;
}

/**
 * Per-item averages over the answers given (skips excluded), in the order of `items`.
 *
 * @example
 * itemAverages([{ quality: 100, price: null }, { quality: 80, price: 60 }], ["quality", "price"]);
 * // [{ item: "quality", average: 90, answers: 2 }, { item: "price", average: 60, answers: 1 }]
 * @throws RangeError when points fall outside 0–100.
 */
export function itemAverages(
  responses: readonly ItemPoints[],
  items: readonly ItemId[] = DEFAULT_ITEMS,
): ItemAverage[] {
  return items.map((item) => {
    const values: number[] = [];
    for (const response of responses) {
      const value = response[item];
      if (value === null || value === undefined) continue;
      assertPoints(value, item);
      values.push(value);
    }
    return { item, average: mean(values), answers: values.length };
  });
}

/** Product-quality, service-quality and overall satisfaction. */
export interface GroupSatisfaction {
  readonly product: number | null;
  readonly service: number | null;
  /** product × w_product + service × (1 − w_product); `null` unless both groups have a value. */
  readonly overall: number | null;
}

/** Options of {@link groupSatisfaction}. */
export interface GroupSatisfactionProps {
  readonly weights?: ItemWeights;
  readonly groups?: SatisfactionGroups;
  readonly productWeight?: number;
}

/**
 * Customer satisfaction split into product-quality and service-quality satisfaction. Each group is
 * the weighted mean of its items' averages, the item weights renormalised within the group (items
 * nobody answered are left out); overall = product × w_product + service × (1 − w_product).
 *
 * @example
 * groupSatisfaction([
 *   { item: "quality", average: 90, answers: 4 }, { item: "price", average: 70, answers: 4 },
 *   { item: "delivery", average: 80, answers: 4 }, { item: "packaging", average: 60, answers: 4 },
 *   { item: "service", average: 90, answers: 4 },
 * ]);
 * // product = (0.3×90 + 0.15×70 + 0.1×60) / 0.55 = 79.09…, service = (0.2×80 + 0.25×90) / 0.45 = 85.55…
 * // overall = 0.8 × 79.09… + 0.2 × 85.55… = 80.38…
 * @throws RangeError when a group names an item without a weight or w_product is outside 0–1.
 */
export function groupSatisfaction(
  averages: readonly ItemAverage[],
  props: GroupSatisfactionProps = {},
): GroupSatisfaction {
  const weights = props.weights ?? DEFAULT_ITEM_WEIGHTS;
  const groups = props.groups ?? DEFAULT_SATISFACTION_GROUPS;
  const productWeight = props.productWeight ?? DEFAULT_PRODUCT_WEIGHT;
  if (!(productWeight >= 0 && productWeight <= 1)) {
    throw new RangeError(`productWeight must be within 0–1, got ${productWeight}`);
  }
  const byItem = new Map(averages.map((a) => [a.item, a.average]));
  const groupMean = (items: readonly ItemId[]): number | null => {
    const pairs = items.flatMap((item) => {
      const weight = weights[item];
      if (weight === undefined) throw new RangeError(`no weight for item "${item}"`);
      const value = byItem.get(item);
      return value === null || value === undefined ? [] : [{ value, weight }];
    });
    return weightedMean(pairs);
  };
  const product = groupMean(groups.product);
  const service = groupMean(groups.service);
  const overall =
    product === null || service === null
      ? null
      : product * productWeight + service * (1 - productWeight);
  return { product, service, overall };
}

/** Survey counts of a campaign. */
export interface CoverageCounts {
  /** Customers the campaign should reach. */
  readonly inScope: number;
  /** Forms sent. */
  readonly sent: number;
  /** Forms returned. */
  readonly returned: number;
}

/** Coverage and recovery of a campaign. */
export interface CoverageRecovery {
  /** sent ÷ inScope (发放覆盖率); `null` when nobody is in scope. */
  readonly coverage: number | null;
  /** returned ÷ sent (回收率); `null` when no form was sent. */
  readonly recovery: number | null;
  /** coverage × recovery (= returned ÷ inScope); 0 when nothing was sent, `null` when nobody is in scope. */
  readonly product: number | null;
  /** product ≥ target (within {@link SCORE_TOLERANCE}); false when product is `null`. */
  readonly meetsTarget: boolean;
}

/**
 * Coverage × recovery of a campaign and whether it reaches the 75 % target. Zero denominators give
 * `null` rates, never NaN.
 *
 * @example
 * coverageRecovery({ inScope: 40, sent: 36, returned: 30 });
 * // { coverage: 0.9, recovery: 0.833…, product: 0.75, meetsTarget: true }
 * @throws RangeError when a count is negative or fractional, or returned > sent, or sent > inScope.
 */
export function coverageRecovery(
  counts: CoverageCounts,
  target: number = DEFAULT_COVERAGE_TARGET,
): CoverageRecovery {
  const { inScope, sent, returned } = counts;
  assertCount(inScope, "inScope");
  assertCount(sent, "sent");
  assertCount(returned, "returned");
  if (sent > inScope) throw new RangeError(`sent (${sent}) exceeds inScope (${inScope})`);
  if (returned > sent) throw new RangeError(`returned (${returned}) exceeds sent (${sent})`);
  const coverage = inScope === 0 ? null : sent / inScope;
  const recovery = sent === 0 ? null : returned / sent;
  // coverage × recovery = (sent/inScope) × (returned/sent) = returned/inScope: one exact division.
  const product = inScope === 0 ? null : returned / inScope;
  return {
    coverage,
    recovery,
    product,
    meetsTarget: product !== null && product >= target - SCORE_TOLERANCE,
  };
}

/**
 * The `n` lowest-scoring items (the areas to improve), lowest first; equal averages keep the
 * input order. Items nobody answered are left out.
 *
 * @example
 * weakestItems([
 *   { item: "quality", average: 70, answers: 3 }, { item: "price", average: 60, answers: 3 },
 *   { item: "delivery", average: 70, answers: 3 },
 * ], 2);
 * // [price (60), quality (70)]
 */
export function weakestItems(averages: readonly ItemAverage[], n: number): ItemAverage[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number, got ${n}`);
  return averages
    .filter((a) => a.average !== null)
    .sort((a, b) => (a.average as number) - (b.average as number)) // stable: ties keep input order
    .slice(0, n);
}

function assertPoints(value: number, item: ItemId): void {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw new RangeError(`points for "${item}" must be within 0–100, got ${value}`);
  }
}

function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  }
}
