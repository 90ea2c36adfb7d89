/**
 * Pay model of service staff (KPI考核公式), DOMAIN §4. Money is integer cents.
 *
 *   base pay                  = last month's average pay × base coefficient (0.5–0.8)
 *   standard performance pay  = last month's average pay × (1 − base coefficient)
 *   actual performance pay    = standard performance pay × KPI value (0.5–5)
 *   actual pay                = base pay + actual performance pay
 */
import { KPI_VALUE_MAX, KPI_VALUE_MIN } from "./kpi";
import { FACTOR_SCALE, multiplyCentsByMillionths, toMillionths } from "./money";

/** Lowest base coefficient (基本工资分配系数). */
export const BASE_COEFFICIENT_MIN = 0.5;
/** Highest base coefficient. */
export const BASE_COEFFICIENT_MAX = 0.8;

/** Input of {@link computePay}. */
export interface PayProps {
  /** Last month's average pay (上一月平均工资), in cents. */
  readonly averagePayCents: number;
  /** Base coefficient, 0.5–0.8; the performance coefficient is 1 − it. */
  readonly baseCoefficient: number;
  /** Actual KPI value, 0.5–5. */
  readonly kpiValue: number;
}

/** A month's pay, in cents. */
export interface PayBreakdown {
  readonly baseCents: number;
  readonly standardPerformanceCents: number;
  readonly actualPerformanceCents: number;
  /** baseCents + actualPerformanceCents. */
  readonly actualPayCents: number;
}

/** Something wrong with a pay input. */
export type PayProblem =
  | "average-pay-not-whole-cents"
  | "average-pay-negative"
  | "base-coefficient-out-of-range"
  | "kpi-value-out-of-range";

/**
 * Problems with a pay input, empty when usable: average pay a whole, non-negative number of cents;
 * base coefficient within 0.5–0.8; KPI value within 0.5–5 (bounds inclusive).
 *
 * @example
 * validatePay({ averagePayCents: 800_000, baseCoefficient: 0.9, kpiValue: 1 });
 * // ["base-coefficient-out-of-range"]
 */
export function validatePay(props: PayProps): PayProblem[] {
  const problems: PayProblem[] = [];
  if (!Number.isSafeInteger(props.averagePayCents)) problems.push("average-pay-not-whole-cents");
  else if (props.averagePayCents < 0) problems.push("average-pay-negative");
  if (!inRange(props.baseCoefficient, BASE_COEFFICIENT_MIN, BASE_COEFFICIENT_MAX)) {
    problems.push("base-coefficient-out-of-range");
  }
  if (!inRange(props.kpiValue, KPI_VALUE_MIN, KPI_VALUE_MAX)) problems.push("kpi-value-out-of-range");
  return problems;
}

/**
 * A month's pay. Rounding: the coefficient and KPI value are taken to six decimal places, every
 * product is computed exactly in integers, and each money figure is rounded once to the nearest
 * cent, half away from zero:
 * - base = round(avg × c), standard performance = round(avg × (1 − c)), each rounded on its own
 *   (so at two exact half cents, base + standard performance can exceed avg by 1 cent);
 * - actual performance = round(rounded standard performance × KPI value), so a payslip's figures
 *   can be checked from one another;
 * - actual pay = rounded base + rounded actual performance (no further rounding).
 *
 * @example
 * computePay({ averagePayCents: 800_000, baseCoefficient: 0.6, kpiValue: 1.25 });
 * // base 480 000, standard performance 320 000, actual performance 400 000, actual pay 880 000
 * @throws RangeError with the problems of {@link validatePay}.
 */
export function computePay(props: PayProps): PayBreakdown {
  const problems = validatePay(props);
  if (problems.length > 0) throw new RangeError(`invalid pay input: ${problems.join(", ")}`);
  const baseMillionths = toMillionths(props.baseCoefficient);
  const baseCents = multiplyCentsByMillionths(props.averagePayCents, baseMillionths);
  const standardPerformanceCents = multiplyCentsByMillionths(
    props.averagePayCents,
    FACTOR_SCALE - baseMillionths,
  );
  const actualPerformanceCents = multiplyCentsByMillionths(
    standardPerformanceCents,
    toMillionths(props.kpiValue),
  );
  return {
    baseCents,
    standardPerformanceCents,
    actualPerformanceCents,
    actualPayCents: baseCents + actualPerformanceCents,
  };
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isFinite(value) && value >= min && value <= max;
}
