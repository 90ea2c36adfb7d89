/**
 * Monthly KPI of service staff (绩效考核), DOMAIN §4: a scheme's monthly total, the rule that a
 * total never reaches full marks nor exceeds the standard score, grades, the KPI value that feeds
 * pay, and the check that flags a scheme under which most staff score below 1.
 *
 * One scheme shape serves both kinds of staff: field engineers are scored on key indicators with
 * key-behaviour deductions (关键行为考核法); technical support on their performance agreement
 * (绩效协议) and a daily-work score, as two indicators.
 */
import { WEIGHT_SUM_TOLERANCE } from "./weights";

/** Key indicators of field service engineers (关键指标). */
export const FIELD_ENGINEER_INDICATORS: readonly string[] = [
  "compliance", // 工作服从性
  "fault-response", // 故障处理响应情况
  "customer-communication", // 客户交流
  "information-feedback", // 信息反馈
];

/** Indicators of technical support staff: the monthly work plan and the daily-work score. */
export const SUPPORT_INDICATORS: readonly string[] = ["work-plan", "daily-work"];

/** Lowest KPI value (实际绩效KPI值). */
export const KPI_VALUE_MIN = 0.5;
/** Highest KPI value. */
export const KPI_VALUE_MAX = 5;
/** A scheme is unreasonable when at least this share of employees has a KPI value below 1. */
export const UNREASONABLE_SHARE = 0.8;

/** Totals within this distance of full marks count as reaching them. */
export const TOTAL_TOLERANCE = 1e-9;

/** One indicator of a scheme. */
export interface KpiIndicator {
  readonly id: string;
  /** Share of the scheme's full marks this indicator carries; the weights of a scheme sum to 1. */
  readonly weight: number;
  /** Top of the indicator's own rating scale (e.g. 10): a score of `max` earns the whole weight. */
  readonly max: number;
}

/** A grade and the lowest total that earns it. */
export interface GradeBand {
  readonly grade: string;
  /** Lowest total in the band (inclusive). */
  readonly min: number;
  /** KPI value of a total in the band, when KPI values are set by band. */
  readonly kpiValue: number;
}

/**
 * Default grades (our choice; DOMAIN only says results are classified): A ≥ 90, B ≥ 75, C ≥ 60,
 * D below, on a 100-point scheme.
 */
export const DEFAULT_GRADE_BANDS: readonly GradeBand[] = [
  { grade: "A", min: 90, kpiValue: 1.5 },
  { grade: "B", min: 75, kpiValue: 1 },
  { grade: "C", min: 60, kpiValue: 0.8 },
  { grade: "D", min: 0, kpiValue: 0.5 },
];

/** A KPI scheme (考核方案). */
export interface KpiScheme {
  readonly indicators: readonly KpiIndicator[];
  /** Full marks (满分): the total of a perfect month, e.g. 100. */
  readonly fullMarks: number;
  /** Standard score (标准分): a total may not exceed it; usually equal to full marks. */
  readonly standardScore: number;
  readonly bands: readonly GradeBand[];
}

/** A key bad behaviour and the points it costs. */
export interface KeyBehaviourDeduction {
  readonly behaviour: string;
  /** Points taken off the total (> 0). */
  readonly points: number;
}

/** A monthly total and how it was reached. */
export interface SchemeTotal {
  /** fullMarks × Σ weight × score ÷ max. */
  readonly indicatorPoints: number;
  /** Sum of the deductions. */
  readonly deductionPoints: number;
  /** indicatorPoints − deductionPoints, never below 0. */
  readonly total: number;
}

/** Something wrong with a scheme. */
export type KpiSchemeProblem =
  | { readonly code: "sum-off"; readonly sum: number }
  | { readonly code: "negative-weight"; readonly indicator: string }
  | { readonly code: "bad-max"; readonly indicator: string }
  | { readonly code: "duplicate-indicator"; readonly indicator: string }
  | { readonly code: "bad-full-marks" }
  | { readonly code: "standard-above-full-marks" }
  | { readonly code: "no-bands" }
  | { readonly code: "bands-not-covering-zero" }
  | { readonly code: "duplicate-band-min"; readonly min: number }
  | { readonly code: "band-kpi-out-of-range"; readonly grade: string };

/**
 * Problems with a scheme, empty when usable: indicator weights non-negative and summing to 1,
 * positive maxima, unique ids, 0 < standard score ≤ full marks, bands with distinct lower bounds
 * down to 0 and KPI values within 0.5–5.
 *
 * @example
 * validateKpiScheme({ indicators: [{ id: "a", weight: 0.5, max: 10 }], fullMarks: 100,
 *   standardScore: 100, bands: DEFAULT_GRADE_BANDS });
 * // [{ code: "sum-off", sum: 0.5 }]
 */
export function validateKpiScheme(scheme: KpiScheme): KpiSchemeProblem[] {
  const problems: KpiSchemeProblem[] = [];
  const seen = new Set<string>();
  let sum = 0;
  for (const { id, weight, max } of scheme.indicators) {
    if (seen.has(id)) problems.push({ code: "duplicate-indicator", indicator: id });
    seen.add(id);
    if (!Number.isFinite(weight) || weight < 0) problems.push({ code: "negative-weight", indicator: id });
    else sum += weight;
    if (!Number.isFinite(max) || max <= 0) problems.push({ code: "bad-max", indicator: id });
  }
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) problems.push({ code: "sum-off", sum });
  if (!Number.isFinite(scheme.fullMarks) || scheme.fullMarks <= 0) problems.push({ code: "bad-full-marks" });
  if (!(scheme.standardScore > 0 && scheme.standardScore <= scheme.fullMarks)) {
    problems.push({ code: "standard-above-full-marks" });
  }
  if (scheme.bands.length === 0) problems.push({ code: "no-bands" });
  else if (Math.min(...scheme.bands.map((b) => b.min)) > 0) problems.push({ code: "bands-not-covering-zero" });
  const mins = new Set<number>();
  for (const band of scheme.bands) {
    if (mins.has(band.min)) problems.push({ code: "duplicate-band-min", min: band.min });
    mins.add(band.min);
    if (!(band.kpiValue >= KPI_VALUE_MIN && band.kpiValue <= KPI_VALUE_MAX)) {
      problems.push({ code: "band-kpi-out-of-range", grade: band.grade });
    }
  }
  return problems;
}

/**
 * A month's total under a scheme: fullMarks × Σ weight × score ÷ max, minus the key-behaviour
 * deductions, floored at 0. Check the result with {@link checkMonthlyTotal} before saving it.
 *
 * @example
 * schemeTotal(scheme, { compliance: 9, "fault-response": 8, "customer-communication": 7,
 *   "information-feedback": 10 }, [{ behaviour: "late report", points: 3 }]);
 * // weights 0.3/0.3/0.2/0.2, max 10: 100 × (0.27 + 0.24 + 0.14 + 0.2) − 3 = 82
 * @throws RangeError when an indicator has no score, a score is outside 0–max, or a deduction ≤ 0.
 */
export function schemeTotal(
  scheme: KpiScheme,
  scores: Readonly<Record<string, number>>,
  deductions: readonly KeyBehaviourDeduction[] = [],
): SchemeTotal {
  let weighted = 0;
  for (const { id, weight, max } of scheme.indicators) {
    const score = scores[id];
    if (score === undefined) throw new RangeError(`no score for indicator "${id}"`);
    if (!Number.isFinite(score) || score < 0 || score > max) {
      throw new RangeError(`score for "${id}" must be within 0–${max}, got ${score}`);
    }
    weighted += (weight * score) / max;
  }
  for (const id of Object.keys(scores)) {
    if (!scheme.indicators.some((i) => i.id === id)) throw new RangeError(`unknown indicator "${id}"`);
  }
  let deductionPoints = 0;
  for (const { behaviour, points } of deductions) {
    if (!Number.isFinite(points) || points <= 0) {
      throw new RangeError(`deduction for "${behaviour}" must be > 0, got ${points}`);
    }
    deductionPoints += points;
  }
  const indicatorPoints = scheme.fullMarks * weighted;
  return { indicatorPoints, deductionPoints, total: Math.max(0, indicatorPoints - deductionPoints) };
}

/** Why a monthly total may not be saved. */
export type MonthlyTotalProblem = "not-finite" | "negative" | "exceeds-standard" | "reaches-full-marks";

/** Result of {@link checkMonthlyTotal}. */
export type MonthlyTotalCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: MonthlyTotalProblem };

/**
 * Whether a monthly total may stand: a total can never reach full marks nor exceed the standard
 * score (每月员工总分不可能出现满分和超过标准分). Checked in this order: not-finite, negative,
 * exceeds-standard (total > standard), reaches-full-marks (total ≥ full marks, within
 * {@link TOTAL_TOLERANCE}).
 *
 * @example
 * checkMonthlyTotal(100, { fullMarks: 100, standardScore: 100 }); // { ok: false, reason: "reaches-full-marks" }
 * checkMonthlyTotal(99.5, { fullMarks: 100, standardScore: 100 }); // { ok: true }
 */
export function checkMonthlyTotal(
  total: number,
  scheme: Pick<KpiScheme, "fullMarks" | "standardScore">,
): MonthlyTotalCheck {
  if (!Number.isFinite(total)) return { ok: false, reason: "not-finite" };
  if (total < 0) return { ok: false, reason: "negative" };
  if (total > scheme.standardScore + TOTAL_TOLERANCE) return { ok: false, reason: "exceeds-standard" };
  if (total >= scheme.fullMarks - TOTAL_TOLERANCE) return { ok: false, reason: "reaches-full-marks" };
  return { ok: true };
}

/**
 * The band a total falls in: the band with the highest lower bound ≤ total. `null` when the total
 * is below every band.
 *
 * @example
 * gradeBand(89.9); // { grade: "B", min: 75, kpiValue: 1 }
 */
export function gradeBand(total: number, bands: readonly GradeBand[] = DEFAULT_GRADE_BANDS): GradeBand | null {
  let best: GradeBand | null = null;
  for (const band of bands) {
    if (total >= band.min && (best === null || band.min > best.min)) best = band;
  }
  return best;
}

/** How a total becomes a KPI value. */
export type KpiValueRule =
  /** The KPI value of the total's grade band. */
  | { readonly kind: "bands"; readonly bands: readonly GradeBand[] }
  /** 1 at `totalForOne`, plus `perPoint` for each point above (minus below). */
  | { readonly kind: "linear"; readonly totalForOne: number; readonly perPoint: number };

/** The default rule: the KPI value of the default grade bands. */
export const DEFAULT_KPI_VALUE_RULE: KpiValueRule = { kind: "bands", bands: DEFAULT_GRADE_BANDS };

/**
 * The KPI value (实际绩效KPI值) of a monthly total, clamped to 0.5–5.
 *
 * @example
 * kpiValue(92); // band A → 1.5
 * kpiValue(90, { kind: "linear", totalForOne: 80, perPoint: 0.05 }); // 1 + 10 × 0.05 = 1.5
 * kpiValue(40, { kind: "linear", totalForOne: 80, perPoint: 0.05 }); // 1 − 2 = −1 → clamped to 0.5
 */
export function kpiValue(total: number, rule: KpiValueRule = DEFAULT_KPI_VALUE_RULE): number {
  if (!Number.isFinite(total)) throw new RangeError(`total must be finite, got ${total}`);
  let value: number;
  if (rule.kind === "bands") {
    value = gradeBand(total, rule.bands)?.kpiValue ?? KPI_VALUE_MIN;
  } else {
    value = 1 + (total - rule.totalForOne) * rule.perPoint;
  }
  return Math.min(KPI_VALUE_MAX, Math.max(KPI_VALUE_MIN, value));
}

/** One employee's month under a scheme, for {@link schemeHealth}. */
export interface EmployeeKpi {
  readonly kpiValue: number;
  /** Score per indicator id (0–max). */
  readonly scores: Readonly<Record<string, number>>;
}

/** How an indicator scored across employees. */
export interface IndicatorRatio {
  readonly indicator: string;
  /** Mean of score ÷ max over the employees scored on it; `null` when none were. */
  readonly meanRatio: number | null;
}

/** Whether a scheme is fair to the people it scores. */
export interface SchemeHealth {
  readonly employees: number;
  /** Employees with a KPI value below 1. */
  readonly belowOne: number;
  /** belowOne ÷ employees; `null` with no employees. */
  readonly shareBelowOne: number | null;
  /** At least 80 % below 1: the indicators or weights must be corrected. */
  readonly unreasonable: boolean;
  /** Indicators by mean ratio of score to max, lowest first (the ones pulling scores down). */
  readonly indicators: readonly IndicatorRatio[];
}

/**
 * Scheme health: if 80 % of employees have a KPI value below 1 the indicators or weights are
 * unreasonable (需要及时修正). Also ranks the indicators by their mean score ÷ max, lowest first
 * (ties in scheme order), to show which pulled the scores down.
 *
 * @example
 * schemeHealth(scheme, [
 *   { kpiValue: 0.8, scores: { plan: 5, daily: 9 } }, { kpiValue: 0.9, scores: { plan: 6, daily: 8 } },
 *   { kpiValue: 0.7, scores: { plan: 4, daily: 9 } }, { kpiValue: 0.8, scores: { plan: 5, daily: 10 } },
 *   { kpiValue: 1.2, scores: { plan: 9, daily: 9 } },
 * ]);
 * // 4 of 5 below 1 = 0.8 → unreasonable; plan (mean 0.58) pulled scores down more than daily (0.9)
 */
export function schemeHealth(
  scheme: Pick<KpiScheme, "indicators">,
  employees: readonly EmployeeKpi[],
  unreasonableShare: number = UNREASONABLE_SHARE,
): SchemeHealth {
  let belowOne = 0;
  for (const { kpiValue: value } of employees) {
    if (!Number.isFinite(value)) throw new RangeError(`KPI value must be finite, got ${value}`);
    if (value < 1) belowOne += 1;
  }
  const shareBelowOne = employees.length === 0 ? null : belowOne / employees.length;
  const indicators = scheme.indicators
    .map(({ id, max }): IndicatorRatio => {
      const ratios = employees.flatMap((e) => {
        const score = e.scores[id];
        return score === undefined ? [] : [score / max];
      });
      const meanRatio = ratios.length === 0 ? null : ratios.reduce((a, b) => a + b, 0) / ratios.length;
      return { indicator: id, meanRatio };
    })
    // Stable sort, lowest first; indicators nobody was scored on go last.
    .sort((a, b) => {
      if (a.meanRatio === null || b.meanRatio === null) return (a.meanRatio === null ? 1 : 0) - (b.meanRatio === null ? 1 : 0);
      return a.meanRatio - b.meanRatio;
    });
  return {
    employees: employees.length,
    belowOne,
    shareBelowOne,
    unreasonable: shareBelowOne !== null && shareBelowOne >= unreasonableShare - TOTAL_TOLERANCE,
    indicators,
  };
}
