/**
 * 360-degree review (360度绩效评估), DOMAIN §3: which rater groups a reviewee may see, the
 * overall score with the weights of hidden groups redistributed, and where others rate the
 * reviewee differently from how they rate themselves.
 *
 * A group with fewer raters than its minimum is hidden to protect the raters' anonymity: it is
 * returned with no numbers at all and never folded into "others" or the overall score.
 */
import { WEIGHT_SUM_TOLERANCE, mean, weightedMean } from "./weights";

/** Who rates a reviewee. */
export type RaterGroup = "self" | "supervisor" | "peers" | "subordinates" | "customers";

/** All rater groups, in report order. */
export const RATER_GROUPS: readonly RaterGroup[] = ["self", "supervisor", "peers", "subordinates", "customers"];

/** A competency rated, e.g. `"communication"`. */
export type CompetencyId = string;

/** Default competencies: 沟通技巧, 人际关系, 业务能力. */
export const DEFAULT_COMPETENCIES: readonly CompetencyId[] = ["communication", "interpersonal", "business"];

/** Weight of each rater group in the overall score; self always counts 0. */
export type RaterWeights = Readonly<Record<RaterGroup, number>>;

/** Default group weights (sum 1; self 0). */
export const DEFAULT_RATER_WEIGHTS: RaterWeights = {
  self: 0,
  supervisor: 0.3,
  peers: 0.3,
  subordinates: 0.1,
  customers: 0.3,
};

/** Fewest raters a group needs to be shown. */
export type MinRaters = Readonly<Record<RaterGroup, number>>;

/** Default minimum raters per group. */
export const DEFAULT_MIN_RATERS: MinRaters = {
  self: 1,
  supervisor: 1,
  peers: 3,
  subordinates: 3,
  customers: 3,
};

/** Something wrong with a set of rater-group weights. */
export type RaterWeightProblem =
  | { readonly code: "sum-off"; readonly sum: number }
  | { readonly code: "negative-weight"; readonly group: RaterGroup; readonly weight: number }
  | { readonly code: "not-finite"; readonly group: RaterGroup }
  | { readonly code: "self-weighted"; readonly weight: number };

/**
 * Problems with a set of rater-group weights, empty when usable: finite, non-negative, self 0, and
 * summing to 1 within {@link WEIGHT_SUM_TOLERANCE}.
 *
 * @example
 * validateRaterWeights({ self: 0.1, supervisor: 0.3, peers: 0.3, subordinates: 0, customers: 0.3 });
 * // [{ code: "self-weighted", weight: 0.1 }]
 */
export function validateRaterWeights(weights: RaterWeights): RaterWeightProblem[] {
  const problems: RaterWeightProblem[] = [];
  let sum = 0;
  for (const group of RATER_GROUPS) {
    const weight = weights[group];
    if (!Number.isFinite(weight)) {
      problems.push({ code: "not-finite", group });
      continue;
    }
    if (weight < 0) problems.push({ code: "negative-weight", group, weight });
    sum += weight;
  }
  if (Number.isFinite(weights.self) && weights.self !== 0) {
    problems.push({ code: "self-weighted", weight: weights.self });
  }
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) problems.push({ code: "sum-off", sum });
  return problems;
}

/** What one rater group gave a reviewee. */
export interface RaterGroupRatings {
  /** How many raters of the group submitted. */
  readonly raters: number;
  /** The group's mean per competency; `null` when none of them rated it. */
  readonly means: Readonly<Record<CompetencyId, number | null>>;
}

/** Input of {@link review360}. */
export interface Review360Props {
  /** Ratings per group; leave a group out when the review has no such raters (e.g. no subordinates). */
  readonly groups: Readonly<Partial<Record<RaterGroup, RaterGroupRatings>>>;
  readonly competencies?: readonly CompetencyId[];
  readonly weights?: RaterWeights;
  readonly minRaters?: MinRaters;
}

/** A rater group as the reviewee may see it. */
export type RaterGroupView =
  | {
      readonly group: RaterGroup;
      readonly status: "visible";
      readonly raters: number;
      readonly means: Readonly<Record<CompetencyId, number | null>>;
      /** Weight in the overall score after redistribution (0 for self). */
      readonly effectiveWeight: number;
    }
  /** Too few raters: nothing about the group is revealed, not even how many rated. */
  | { readonly group: RaterGroup; readonly status: "hidden" }
  /** The review has no raters of this kind. */
  | { readonly group: RaterGroup; readonly status: "absent" };

/** One competency: self, others and the gap between them. */
export interface CompetencyComparison {
  readonly competency: CompetencyId;
  /** Self rating; `null` when self did not rate or is hidden. */
  readonly self: number | null;
  /** Weighted mean of the visible non-self groups; `null` when none rated it. */
  readonly others: number | null;
  /** self − others (positive: rates themself higher than others do); `null` unless both exist. */
  readonly gap: number | null;
}

/** What a reviewee's 360 report shows. */
export interface Review360Result {
  /** Every rater group, in {@link RATER_GROUPS} order. */
  readonly groups: readonly RaterGroupView[];
  /** Σ effectiveWeight × the group's mean over competencies; `null` when no weighted group is visible. */
  readonly overall: number | null;
  readonly competencies: readonly CompetencyComparison[];
}

/**
 * A reviewee's 360 report. A group is visible when its raters reach the group's minimum (self
 * needs one: its own form). Self never counts in the overall score or in "others". The weights of
 * hidden and absent groups are redistributed among the visible weighted groups in proportion to
 * their weights; "others" per competency is the weighted mean of the visible non-self groups only.
 *
 * @example
 * review360({ groups: {
 *   self: { raters: 1, means: { communication: 5, interpersonal: 4, business: 4 } },
 *   supervisor: { raters: 1, means: { communication: 4, interpersonal: 4, business: 3 } },
 *   peers: { raters: 2, means: { communication: 1, interpersonal: 1, business: 1 } }, // hidden (< 3)
 *   customers: { raters: 3, means: { communication: 3, interpersonal: 4, business: 5 } },
 * } });
 * // supervisor and customers each get 0.3 / 0.6 = 0.5; others.communication = (4 + 3) / 2 = 3.5,
 * // gap = 5 − 3.5 = 1.5; overall = 0.5 × 11/3 + 0.5 × 4 = 3.83…
 * @throws RangeError on fractional or negative rater counts, minimums below 1, or non-finite means.
 */
export function review360(props: Review360Props): Review360Result {
  const competencies = props.competencies ?? DEFAULT_COMPETENCIES;
  const weights = props.weights ?? DEFAULT_RATER_WEIGHTS;
  const minRaters = props.minRaters ?? DEFAULT_MIN_RATERS;

  const visible = new Map<RaterGroup, RaterGroupRatings>();
  for (const group of RATER_GROUPS) {
    const min = minRaters[group];
    if (!Number.isInteger(min) || min < 1) {
      throw new RangeError(`minimum raters for ${group} must be a whole number ≥ 1, got ${min}`);
    }
    const ratings = props.groups[group];
    if (ratings === undefined) continue;
    if (!Number.isInteger(ratings.raters) || ratings.raters < 0) {
      throw new RangeError(`raters for ${group} must be a whole number ≥ 0, got ${ratings.raters}`);
    }
    for (const value of Object.values(ratings.means)) {
      if (value !== null && !Number.isFinite(value)) {
        throw new RangeError(`means for ${group} must be finite, got ${value}`);
      }
    }
    if (ratings.raters >= min) visible.set(group, ratings);
  }

  // Redistribute: each visible weighted group gets weight ÷ (sum of visible weights).
  const counted = [...visible.keys()].filter((g) => g !== "self" && weightOf(weights, g) > 0);
  const visibleWeight = counted.reduce((sum, g) => sum + weightOf(weights, g), 0);
  const effectiveWeight = (group: RaterGroup): number =>
    counted.includes(group) ? weightOf(weights, group) / visibleWeight : 0;

  const groups: RaterGroupView[] = RATER_GROUPS.map((group) => {
    const ratings = visible.get(group);
    if (ratings !== undefined) {
      return {
        group,
        status: "visible",
        raters: ratings.raters,
        means: pick(ratings.means, competencies),
        effectiveWeight: effectiveWeight(group),
      };
    }
    return props.groups[group] === undefined ? { group, status: "absent" } : { group, status: "hidden" };
  });

  const overall = weightedMean(
    counted.flatMap((group) => {
      const groupMean = mean(valuesOf(visible.get(group)?.means ?? {}, competencies));
      return groupMean === null ? [] : [{ value: groupMean, weight: effectiveWeight(group) }];
    }),
  );

  const self = visible.get("self");
  const comparisons = competencies.map((competency): CompetencyComparison => {
    const others = weightedMean(
      counted.flatMap((group) => {
        const value = visible.get(group)?.means[competency];
        return value === null || value === undefined ? [] : [{ value, weight: effectiveWeight(group) }];
      }),
    );
    const selfValue = self?.means[competency] ?? null;
    return {
      competency,
      self: selfValue,
      others,
      gap: selfValue === null || others === null ? null : selfValue - others,
    };
  });

  return { groups, overall, competencies: comparisons };
}

function weightOf(weights: RaterWeights, group: RaterGroup): number {
  const weight = weights[group];
  if (!Number.isFinite(weight) || weight < 0) {
    throw new RangeError(`weight for ${group} must be finite and ≥ 0, got ${weight}`);
  }
  return weight;
}

function pick(
  means: Readonly<Record<CompetencyId, number | null>>,
  competencies: readonly CompetencyId[],
): Record<CompetencyId, number | null> {
  return Object.fromEntries(competencies.map((c) => [c, means[c] ?? null]));
}

function valuesOf(
  means: Readonly<Record<CompetencyId, number | null>>,
  competencies: readonly CompetencyId[],
): number[] {
  return competencies.flatMap((c) => {
    const value = means[c];
    return value === null || value === undefined ? [] : [value];
  });
}
