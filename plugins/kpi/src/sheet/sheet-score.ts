/**
 * A sheet's numbers from its inputs, with the scoring package doing the arithmetic: the work-plan
 * score of technical support from the plan items, the total (schemeTotal), the refusal of totals
 * at full marks or above the standard score (checkMonthlyTotal), the grade and the KPI value.
 */
import { checkMonthlyTotal, gradeBand, kpiValue, schemeTotal, type MonthlyTotalProblem } from "@aftercare/scoring";
import { toKpiScheme, toKpiValueRule, WORK_PLAN, type SchemeDefinition } from "../scheme/definition";

/** A plan item as scored: weight in percent (items sum to 100), completion in percent (0–100). */
export interface ScoredPlanItem {
  readonly weight: number;
  readonly completion: number;
}

/**
 * The work-plan indicator's score: max × Σ weight% × completion% ÷ 10 000.
 *
 * @example
 * workPlanScore([{ weight: 60, completion: 90 }, { weight: 40, completion: 50 }], 100); // 54 + 20 = 74
 */
export function workPlanScore(items: readonly ScoredPlanItem[], max: number): number {
  let sum = 0;
  for (const item of items) sum += item.weight * item.completion;
  return (max * sum) / 10_000;
}

/** Totals are stored and shown to two decimals; the stored figure is the one checked. */
export function roundPoints(value: number): number {
  return Math.round(value * 100) / 100;
}

export type SheetScore =
  | {
      readonly ok: true;
      /** Score per indicator, the work plan's computed from the items. */
      readonly scores: Readonly<Record<string, number>>;
      readonly indicatorPoints: number;
      readonly deductionPoints: number;
      readonly total: number;
      readonly grade: string | null;
      readonly kpiValue: number;
    }
  | { readonly ok: false; readonly reason: MonthlyTotalProblem; readonly total: number };

/**
 * Scores a month. `scores` holds every indicator's score except the work plan's for technical
 * support, which comes from `planItems`. Refused when the total reaches full marks or exceeds the
 * standard score (DOMAIN §4: 每月员工总分不可能出现满分和超过标准分).
 *
 * @example
 * scoreSheet(DEFAULT_FIELD_SCHEME, { compliance: 9, "fault-response": 8, "customer-communication": 7,
 *   "information-feedback": 10 }, [], [3]);
 * // 100 × (0.3×0.9 + 0.3×0.8 + 0.2×0.7 + 0.2×1) − 3 = 82 → grade B, KPI value 1
 */
export function scoreSheet(def: SchemeDefinition, scores: Readonly<Record<string, number>>, planItems: readonly ScoredPlanItem[], deductionPoints: readonly number[]): SheetScore {
  const all: Record<string, number> = { ...scores };
  if (def.kind === "support") {
    const plan = def.indicators.find((i) => i.id === WORK_PLAN);
    if (plan) all[WORK_PLAN] = roundPoints(workPlanScore(planItems, plan.max));
  }
  const raw = schemeTotal(toKpiScheme(def), all, deductionPoints.map((points, i) => ({ behaviour: String(i), points })));
  const total = roundPoints(raw.total);
  const check = checkMonthlyTotal(total, def);
  if (!check.ok) return { ok: false, reason: check.reason, total };
  return {
    ok: true,
    scores: all,
    indicatorPoints: roundPoints(raw.indicatorPoints),
    deductionPoints: roundPoints(raw.deductionPoints),
    total,
    grade: gradeBand(total, def.bands)?.grade ?? null,
    kpiValue: kpiValue(total, toKpiValueRule(def)),
  };
}
