/**
 * Aggregates SLA clocks into report figures. Pure; the percentile and median come from
 * `@aftercare/scoring` (PERCENTILE.INC, so a manager can check them in a spreadsheet).
 *
 * Rules of the report:
 * - a clock is **met** when it stopped within its allowance and **breached** when it stopped
 *   after it or is still running past it (a running clock past its allowance can never be met);
 * - share met = met ÷ (met + breached); clocks still running within their allowance, and clocks
 *   not started, are not decided yet and are left out (`null` when nothing is decided);
 * - median and 90th percentile are taken over the elapsed times (holds excluded) of stopped
 *   clocks only — a running clock has no final time.
 */
import { median, percentile, type SlaClockName, type SlaClocks } from "@aftercare/scoring";

export const CLOCK_NAMES: readonly SlaClockName[] = ["respond", "onSite", "clear"];

/** A call's clocks and which of them have stopped (their stop timestamp is recorded). */
export interface CallClockReading {
  readonly clocks: SlaClocks;
  readonly stopped: Readonly<Record<SlaClockName, boolean>>;
}

export interface ClockStats {
  readonly met: number;
  readonly breached: number;
  /** Running within the allowance. */
  readonly running: number;
  readonly notStarted: number;
  /** met ÷ (met + breached), or null when none is decided. */
  readonly metShare: number | null;
  /** Over stopped clocks, in ms. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export type ClockTable = Readonly<Record<SlaClockName, ClockStats>>;

/** Figures for one clock over many calls. */
export function clockStats(readings: readonly CallClockReading[], name: SlaClockName): ClockStats {
  let met = 0;
  let breached = 0;
  let running = 0;
  let notStarted = 0;
  const times: number[] = [];
  for (const r of readings) {
    const k = r.clocks[name];
    if (k.state === "met") met++;
    else if (k.state === "breached") breached++;
    else if (k.state === "running") running++;
    else notStarted++;
    if (r.stopped[name] && k.elapsedMs !== null) times.push(k.elapsedMs);
  }
  return {
    met,
    breached,
    running,
    notStarted,
    metShare: met + breached === 0 ? null : met / (met + breached),
    medianMs: median(times),
    p90Ms: percentile(times, 0.9),
  };
}

/** The three clocks' figures. */
export function clockTable(readings: readonly CallClockReading[]): ClockTable {
  return { respond: clockStats(readings, "respond"), onSite: clockStats(readings, "onSite"), clear: clockStats(readings, "clear") };
}

/** Share met per clock (the KPI's view). */
export function metShares(table: ClockTable): Record<SlaClockName, number | null> {
  return { respond: table.respond.metShare, onSite: table.onSite.metShare, clear: table.clear.metShare };
}
