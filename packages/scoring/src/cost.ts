/**
 * Service cost (客户满意成本), DOMAIN §6, for reports. Money is integer cents.
 *
 *   customer-satisfaction cost      = conforming-product quality cost + service-quality cost
 *   service-quality cost            = routine service cost + nonconforming-product service cost
 *   nonconforming-product service cost = routine service cost × amplification factor
 */
import { assertCents, multiplyCents } from "./money";

/** Input of {@link satisfactionCost}. */
export interface SatisfactionCostProps {
  /** Quality cost of conforming products (合格产品质量成本), in cents. */
  readonly conformingQualityCents: number;
  /** Routine service cost (常规服务成本), in cents. */
  readonly routineServiceCents: number;
  /** Service-cost amplification factor (服务成本放大系数), ≥ 0; taken to six decimal places. */
  readonly amplificationFactor: number;
}

/** The cost breakdown, in cents. */
export interface SatisfactionCost {
  readonly routineServiceCents: number;
  /** round(routine × factor), half away from zero. */
  readonly nonconformingServiceCents: number;
  /** routine + nonconforming. */
  readonly serviceQualityCents: number;
  readonly conformingQualityCents: number;
  /** conforming quality + service quality. */
  readonly totalCents: number;
}

/**
 * Customer-satisfaction cost. The nonconforming-product service cost is rounded to the nearest
 * cent, half away from zero, from exact integer arithmetic; the sums are exact.
 *
 * @example
 * satisfactionCost({ conformingQualityCents: 500_000, routineServiceCents: 120_000, amplificationFactor: 1.5 });
 * // nonconforming 180 000, service quality 300 000, total 800 000
 * @throws RangeError when an amount is not whole, non-negative cents or the factor is negative.
 */
export function satisfactionCost(props: SatisfactionCostProps): SatisfactionCost {
  const { conformingQualityCents, routineServiceCents, amplificationFactor } = props;
  assertCents(conformingQualityCents, "conformingQualityCents");
  assertCents(routineServiceCents, "routineServiceCents");
  if (conformingQualityCents < 0 || routineServiceCents < 0) throw new RangeError("costs must be ≥ 0");
  if (!Number.isFinite(amplificationFactor) || amplificationFactor < 0) {
    throw new RangeError(`amplificationFactor must be ≥ 0, got ${amplificationFactor}`);
  }
  const nonconformingServiceCents = multiplyCents(routineServiceCents, amplificationFactor);
  const serviceQualityCents = routineServiceCents + nonconformingServiceCents;
  return {
    routineServiceCents,
    nonconformingServiceCents,
    serviceQualityCents,
    conformingQualityCents,
    totalCents: conformingQualityCents + serviceQualityCents,
  };
}
