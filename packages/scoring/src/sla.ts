/**
 * Service response SLA (售后服务响应时间), DOMAIN §5: respond within 30 minutes of a repair call,
 * be on site within 24 hours, clear the fault within 24 hours of starting work. Plus the
 * percentile helpers the response reports use.
 *
 * Times are ISO 8601 strings (with an offset or `Z`); durations are milliseconds. Hold intervals
 * (e.g. the customer asked to postpone) stop every clock while they last.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The allowances of the three clocks and when to warn. */
export interface SlaPolicy {
  /** From call received to first response. */
  readonly respondMs: number;
  /** From call received to engineer on site. */
  readonly onSiteMs: number;
  /** From work started to fault cleared. */
  readonly clearMs: number;
  /** Share of an allowance after which a clock warns (0–1). */
  readonly warningRatio: number;
}

/** 30 minutes to respond, 24 hours to be on site, 24 hours of work to clear; warn at 80 %. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  respondMs: 30 * MINUTE_MS,
  onSiteMs: 24 * HOUR_MS,
  clearMs: 24 * HOUR_MS,
  warningRatio: 0.8,
};

/** Milestones of a service request; `null` until reached. */
export interface ServiceTimestamps {
  readonly received: string | null;
  readonly responded: string | null;
  readonly arrived: string | null;
  readonly workStarted: string | null;
  readonly cleared: string | null;
}

/** A period during which the clocks stop; `end` is `null` while the hold lasts. */
export interface HoldInterval {
  readonly start: string;
  readonly end: string | null;
}

/** The three clocks. */
export type SlaClockName = "respond" | "onSite" | "clear";

/**
 * - `not-started`: the clock's start has not happened (or lies after `now`);
 * - `running`: started, not stopped, within its allowance;
 * - `met`: stopped within its allowance;
 * - `breached`: stopped after its allowance, or still running past it.
 */
export type SlaClockState = "not-started" | "running" | "met" | "breached";

/** One clock's reading. Durations are `null` when the clock has not started. */
export interface SlaClock {
  readonly clock: SlaClockName;
  readonly state: SlaClockState;
  readonly allowanceMs: number;
  /** Time on the clock, holds excluded, up to its stop (or `now` if still running). */
  readonly elapsedMs: number | null;
  /** max(0, allowance − elapsed). */
  readonly remainingMs: number | null;
  /** max(0, elapsed − allowance). */
  readonly overdueMs: number | null;
  /** elapsed ≥ warningRatio × allowance. */
  readonly warning: boolean;
  /** Still running and a hold covers `now`. */
  readonly paused: boolean;
  /** When a running, unpaused clock will run out if nothing is put on hold; else `null`. */
  readonly dueAt: string | null;
}

/** Input of {@link slaClocks}. */
export interface SlaClocksProps {
  readonly timestamps: ServiceTimestamps;
  readonly holds?: readonly HoldInterval[];
  readonly now: string;
  readonly policy?: SlaPolicy;
}

/** The three clocks of a service request. */
export interface SlaClocks {
  readonly respond: SlaClock;
  readonly onSite: SlaClock;
  readonly clear: SlaClock;
}

/**
 * Reads the three SLA clocks of a service request at `now`. Each clock runs from its start
 * (received, received, work started) to its stop (responded, arrived, cleared) or `now`; time under
 * a hold that overlaps that window is not counted (overlapping holds count once). Reaching the
 * allowance exactly is still within it.
 *
 * @example
 * slaClocks({
 *   timestamps: { received: "2025-03-01T08:00:00Z", responded: "2025-03-01T08:40:00Z",
 *     arrived: null, workStarted: null, cleared: null },
 *   holds: [{ start: "2025-03-01T08:10:00Z", end: "2025-03-01T08:25:00Z" }],
 *   now: "2025-03-01T09:00:00Z",
 * }).respond;
 * // 40 min − 15 min held = 25 min ≤ 30 → { state: "met", elapsedMs: 1_500_000, warning: true (≥ 24 min), … }
 * @throws RangeError on unparseable times, a stop without its start or before it, or a hold ending before it starts.
 */
export function slaClocks(props: SlaClocksProps): SlaClocks {
  const policy = props.policy ?? DEFAULT_SLA_POLICY;
  const now = parseInstant(props.now, "now");
  const holds = (props.holds ?? []).map((hold, i) => {
    const start = parseInstant(hold.start, `holds[${i}].start`);
    const end = hold.end === null ? null : parseInstant(hold.end, `holds[${i}].end`);
    if (end !== null && end < start) throw new RangeError(`holds[${i}] ends before it starts`);
    return { start, end };
  });
  const t = props.timestamps;
  const read = (clock: SlaClockName, startIso: string | null, stopIso: string | null, allowanceMs: number) =>
    readClock({ clock, startIso, stopIso, allowanceMs, now, holds, warningRatio: policy.warningRatio });
  return {
    respond: read("respond", t.received, t.responded, policy.respondMs),
    onSite: read("onSite", t.received, t.arrived, policy.onSiteMs),
    clear: read("clear", t.workStarted, t.cleared, policy.clearMs),
  };
}

interface Hold {
  readonly start: number;
  readonly end: number | null;
}

interface ReadClockProps {
  readonly clock: SlaClockName;
  readonly startIso: string | null;
  readonly stopIso: string | null;
  readonly allowanceMs: number;
  readonly now: number;
  readonly holds: readonly Hold[];
  readonly warningRatio: number;
}

function readClock(p: ReadClockProps): SlaClock {
  const start = p.startIso === null ? null : parseInstant(p.startIso, `${p.clock} start`);
  const stop = p.stopIso === null ? null : parseInstant(p.stopIso, `${p.clock} stop`);
  if (stop !== null && start === null) throw new RangeError(`${p.clock} stopped but never started`);
  const idle = {
    clock: p.clock,
    allowanceMs: p.allowanceMs,
    elapsedMs: null,
    remainingMs: null,
    overdueMs: null,
    warning: false,
    paused: false,
    dueAt: null,
  };
  if (start === null || (stop === null && start > p.now)) return { ...idle, state: "not-started" };
  if (stop !== null && stop < start) throw new RangeError(`${p.clock} stops before it starts`);

  const end = stop ?? p.now;
  const elapsedMs = end - start - heldWithin(p.holds, start, end, p.now);
  const remainingMs = Math.max(0, p.allowanceMs - elapsedMs);
  const overdueMs = Math.max(0, elapsedMs - p.allowanceMs);
  const withinAllowance = elapsedMs <= p.allowanceMs;
  const state: SlaClockState =
    stop !== null ? (withinAllowance ? "met" : "breached") : withinAllowance ? "running" : "breached";
  const paused =
    stop === null && p.holds.some((h) => h.start <= p.now && (h.end === null || h.end > p.now));
  return {
    ...idle,
    state,
    elapsedMs,
    remainingMs,
    overdueMs,
    warning: elapsedMs >= p.warningRatio * p.allowanceMs,
    paused,
    dueAt: state === "running" && !paused ? new Date(p.now + remainingMs).toISOString() : null,
  };
}

/** Milliseconds of [from, to] covered by at least one hold; open holds last until `now`. */
function heldWithin(holds: readonly Hold[], from: number, to: number, now: number): number {
  const clipped = holds
    .map((h) => [Math.max(h.start, from), Math.min(h.end ?? now, to)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let coveredUntil = -Infinity;
  for (const [s, e] of clipped) {
    const effectiveStart = Math.max(s, coveredUntil);
    if (e > effectiveStart) total += e - effectiveStart;
    coveredUntil = Math.max(coveredUntil, e);
  }
  return total;
}

function parseInstant(iso: string, name: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not an ISO date-time: "${iso}"`);
  return ms;
}

/**
 * The p-th percentile (p from 0 to 1) by linear interpolation between closest ranks — the method
 * of Excel's PERCENTILE.INC (R type 7) — so managers can reproduce report figures in a
 * spreadsheet: rank h = (n − 1) × p on the sorted values, result = x[⌊h⌋] + (h − ⌊h⌋) ×
 * (x[⌊h⌋ + 1] − x[⌊h⌋]). `null` for no values.
 *
 * @example
 * percentile([10, 20, 30, 40], 0.9); // h = 2.7 → 30 + 0.7 × 10 = 37
 * @throws RangeError when p is outside 0–1 or a value is not finite.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be within 0–1, got ${p}`);
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError("values must be finite");
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
}

/**
 * The median: {@link percentile} at 0.5, i.e. the middle value, or the mean of the two middle
 * values for an even count. `null` for no values.
 *
 * @example
 * median([30, 10, 20, 40]); // (20 + 30) / 2 = 25
 */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}
