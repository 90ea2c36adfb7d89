/**
 * Visit cadence (客户拜访), DOMAIN §5: every customer is visited at least twice a year. Checked
 * over a rolling period: on any day, the visits of the last 12 months (that day included, and the
 * day 12 months back included) must number at least 2.
 *
 * Dates are calendar dates, `YYYY-MM-DD`, in the company's time zone (the caller converts).
 */

/** How often customers must be visited. */
export interface VisitCadencePolicy {
  /** Visits required per rolling period. */
  readonly visitsPerPeriod: number;
  /** Length of the rolling period, in calendar months. */
  readonly periodMonths: number;
  /** A customer turns `due` this many days before the next visit is due (our choice: 30). */
  readonly dueWithinDays: number;
}

/** Twice per 12 months; flag 30 days ahead. */
export const DEFAULT_VISIT_CADENCE: VisitCadencePolicy = {
  visitsPerPeriod: 2,
  periodMonths: 12,
  dueWithinDays: 30,
};

/**
 * - `ok`: enough visits in the period, and the next is not due within `dueWithinDays`;
 * - `due`: a visit is needed by `nextDueOn`, which has not passed;
 * - `overdue`: `nextDueOn` has passed: the period already holds too few visits.
 */
export type VisitStatus = "ok" | "due" | "overdue";

/** Input of {@link visitCadence}. */
export interface VisitCadenceProps {
  /** Dates of the customer's visits, any order; dates after `today` (planned visits) are ignored. */
  readonly visits: readonly string[];
  readonly today: string;
  /**
   * When the customer was taken on. A customer with fewer visits than required gets one full
   * period from this date; without it they are treated as a customer of at least one period.
   */
  readonly since?: string | null;
  readonly policy?: VisitCadencePolicy;
}

/** A customer's visit standing. */
export interface VisitCadence {
  readonly status: VisitStatus;
  /** Visit days in [periodStart, today]. */
  readonly visitsInPeriod: number;
  /** First day of the rolling period: today minus the period. */
  readonly periodStart: string;
  /**
   * Last day by which a visit keeps the customer compliant: the N-th most recent visit plus the
   * period (the day that visit stops counting is the day after). In the past when overdue.
   */
  readonly nextDueOn: string;
}

/**
 * A customer's visit standing on `today`. Several visits on the same day count once.
 *
 * @example
 * visitCadence({ visits: ["2024-03-10", "2024-09-02"], today: "2025-02-20" });
 * // period 2024-02-20…2025-02-20 holds 2 visits; the 2nd most recent (2024-03-10) counts until
 * // 2025-03-10 → { status: "due" (18 days ≤ 30), visitsInPeriod: 2, nextDueOn: "2025-03-10", … }
 * @throws RangeError on a malformed date or a policy with fewer than 1 visit or month.
 */
export function visitCadence(props: VisitCadenceProps): VisitCadence {
  const policy = props.policy ?? DEFAULT_VISIT_CADENCE;
  const { visitsPerPeriod: n, periodMonths, dueWithinDays } = policy;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`visitsPerPeriod must be ≥ 1, got ${n}`);
  if (!Number.isInteger(periodMonths) || periodMonths < 1) {
    throw new RangeError(`periodMonths must be ≥ 1, got ${periodMonths}`);
  }
  if (!Number.isInteger(dueWithinDays) || dueWithinDays < 0) {
    throw new RangeError(`dueWithinDays must be ≥ 0, got ${dueWithinDays}`);
  }
  const today = parseDate(props.today, "today");
  const periodStart = addMonths(today, -periodMonths);
  const pastVisits = [...new Set(props.visits.map((v) => parseDate(v, "visit")))]
    .filter((v) => v <= today)
    .sort((a, b) => b - a); // most recent first
  const visitsInPeriod = pastVisits.filter((v) => v >= periodStart).length;
  const since = props.since == null ? null : parseDate(props.since, "since");

  let nextDue: number;
  if (pastVisits.length >= n) {
    nextDue = addMonths(pastVisits[n - 1], periodMonths);
    if (since !== null) nextDue = Math.max(nextDue, addMonths(since, periodMonths));
  } else if (since !== null) {
    nextDue = addMonths(since, periodMonths);
  } else {
    // Never visited often enough and no start date: the rule is already broken.
    return { status: "overdue", visitsInPeriod, periodStart: formatDate(periodStart), nextDueOn: formatDate(today) };
  }

  let status: VisitStatus;
  if (today > nextDue) status = "overdue";
  else if (visitsInPeriod < n || (nextDue - today) / DAY_MS <= dueWithinDays) status = "due";
  else status = "ok";
  return { status, visitsInPeriod, periodStart: formatDate(periodStart), nextDueOn: formatDate(nextDue) };
}

const DAY_MS = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` date, in ms. */
function parseDate(value: string, name: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, day);
    const d = new Date(ms);
    if (d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day) return ms;
  }
  throw new RangeError(`${name} must be a YYYY-MM-DD date, got "${value}"`);
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Adds calendar months, keeping the day of month or clamping it to the month's last day (Jan 31 + 1 → Feb 28/29). */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const firstOfTarget = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
  const t = new Date(firstOfTarget);
  const lastDay = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), Math.min(d.getUTCDate(), lastDay));
}
