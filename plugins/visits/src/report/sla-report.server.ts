import type { Kysely } from "kysely";
import type { SlaClockName } from "@aftercare/scoring";
import type { VisitsTables } from "../tables";
import type { Scope } from "../scope.server";
import { callClocks, holdsOf } from "../call/calls.server";
import { monthRange } from "../time";
import { CLOCK_NAMES, clockTable, metShares, type CallClockReading, type ClockTable } from "./sla-stats";

type Db = Kysely<VisitsTables>;

export interface SlaReportFilters {
  /** Company month `YYYY-MM` the calls were received in. */
  readonly month: string;
  readonly engineerId?: number | null;
  readonly region?: string | null;
  readonly customerId?: number | null;
}

export interface GroupRow {
  readonly key: string;
  readonly label: string;
  readonly calls: number;
  readonly metShare: Record<SlaClockName, number | null>;
}

export interface BreachRow {
  readonly callId: number;
  readonly company: string;
  readonly engineer: string | null;
  readonly clock: SlaClockName;
  readonly allowanceMs: number;
  readonly elapsedMs: number;
  readonly overdueMs: number;
  /** Still running past its allowance. */
  readonly running: boolean;
  readonly receivedAt: string;
}

export interface SlaReport {
  readonly month: string;
  readonly calls: number;
  readonly clocks: ClockTable;
  readonly byEngineer: readonly GroupRow[];
  readonly byRegion: readonly GroupRow[];
  readonly byCustomer: readonly GroupRow[];
  readonly breaches: readonly BreachRow[];
}

/** The calls of the month within scope and filters, with their clock readings at `now`. */
async function readings(db: Db, scope: Scope | null, f: SlaReportFilters, now: string) {
  const { from, to } = monthRange(f.month);
  let q = db
    .selectFrom("visits_call as k")
    .innerJoin("customers as c", "c.id", "k.customer_id")
    .leftJoin("users as en", "en.id", "k.engineer_id")
    .select(["k.id", "k.received_at", "k.responded_at", "k.arrived_at", "k.work_started_at", "k.cleared_at", "k.policy_json", "k.engineer_id", "en.name as engineer_name", "k.customer_id", "c.company", "c.region"])
    .where("k.received_at", ">=", from)
    .where("k.received_at", "<", to);
  if (scope?.kind === "users") {
    const ids = scope.userIds;
    q = q.where((eb) => eb.or([eb("k.engineer_id", "in", ids), eb("k.taken_by", "in", ids)]));
  }
  if (f.engineerId) q = q.where("k.engineer_id", "=", f.engineerId);
  if (f.region) q = q.where("c.region", "=", f.region);
  if (f.customerId) q = q.where("k.customer_id", "=", f.customerId);
  const rows = await q.orderBy("k.received_at").orderBy("k.id").execute();
  const holds = await holdsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    row: r,
    reading: {
      clocks: callClocks(r, holds.get(r.id) ?? [], now),
      stopped: { respond: r.responded_at !== null, onSite: r.arrived_at !== null, clear: r.cleared_at !== null },
    } satisfies CallClockReading,
  }));
}

function groupBy<T>(items: readonly T[], key: (x: T) => { key: string; label: string }, reading: (x: T) => CallClockReading): GroupRow[] {
  const groups = new Map<string, { label: string; readings: CallClockReading[] }>();
  for (const item of items) {
    const k = key(item);
    let g = groups.get(k.key);
    if (!g) groups.set(k.key, (g = { label: k.label, readings: [] }));
    g.readings.push(reading(item));
  }
  return [...groups.entries()]
    .map(([k, g]) => ({ key: k, label: g.label, calls: g.readings.length, metShare: metShares(clockTable(g.readings)) }))
    .sort((a, b) => b.calls - a.calls || a.label.localeCompare(b.label));
}

/**
 * The SLA report of a month (DOMAIN.md §5): share met per clock, median and 90th percentile of
 * the times, the same shares per engineer, region and customer, and every breach. Calls count in
 * the month they were received (company calendar). `scope` null means everyone.
 */
export async function slaReport(db: Kysely<any>, scope: Scope | null, f: SlaReportFilters, now: string): Promise<SlaReport> {
  const items = await readings(db as Db, scope, f, now);
  const breaches: BreachRow[] = [];
  for (const { row, reading } of items) {
    for (const name of CLOCK_NAMES) {
      const k = reading.clocks[name];
      if (k.state !== "breached") continue;
      breaches.push({
        callId: row.id,
        company: row.company,
        engineer: row.engineer_name,
        clock: name,
        allowanceMs: k.allowanceMs,
        elapsedMs: k.elapsedMs ?? 0,
        overdueMs: k.overdueMs ?? 0,
        running: !reading.stopped[name],
        receivedAt: row.received_at,
      });
    }
  }
  return {
    month: f.month,
    calls: items.length,
    clocks: clockTable(items.map((i) => i.reading)),
    byEngineer: groupBy(items, (i) => ({ key: String(i.row.engineer_id ?? 0), label: i.row.engineer_name ?? "" }), (i) => i.reading),
    byRegion: groupBy(items, (i) => ({ key: i.row.region ?? "", label: i.row.region ?? "" }), (i) => i.reading),
    byCustomer: groupBy(items, (i) => ({ key: String(i.row.customer_id), label: i.row.company }), (i) => i.reading),
    breaches,
  };
}

/** Input of the `visits.slaSummary` service. */
export interface SlaSummaryRequest {
  /** The engineer (users.id) the calls were dispatched to. */
  readonly userId: number;
  /** Company month `YYYY-MM` the calls were received in. */
  readonly month: string;
}

/** Answer of the `visits.slaSummary` service. */
export interface SlaSummary {
  /** Calls dispatched to the engineer and received in the month. */
  readonly calls: number;
  /**
   * Share of decided clocks that were met, 0–1, per clock (respond within 30 min, on site within
   * 24 h, fault cleared within 24 h of starting work — or the configured allowances); a clock
   * still running within its allowance is not decided yet. `null` when no clock of that kind is
   * decided (e.g. no calls).
   */
  readonly metShare: { readonly respond: number | null; readonly onSite: number | null; readonly clear: number | null };
}

/**
 * The `visits.slaSummary` service the KPI plugin uses to propose the fault-handling-response
 * indicator (故障处理响应情况) of a field engineer.
 *
 * Contract: `(request: SlaSummaryRequest) => Promise<SlaSummary>`; throws a RangeError when
 * `month` is not `YYYY-MM`. Clocks are read at the moment of the call (the host's clock), each
 * against the SLA policy stored with the call when it was received; holds are excluded.
 *
 * @example
 * const summary = ctx.services.get<(r: SlaSummaryRequest) => Promise<SlaSummary>>("visits.slaSummary");
 * if (summary) {
 *   const { calls, metShare } = await summary({ userId: 7, month: "2026-03" });
 *   // e.g. { calls: 4, metShare: { respond: 0.75, onSite: 1, clear: null } }
 * }
 */
export function slaSummaryService(db: Kysely<any>, clock: () => Date) {
  return async (request: SlaSummaryRequest): Promise<SlaSummary> => {
    const items = await readings(db as Db, null, { month: request.month, engineerId: request.userId }, clock().toISOString());
    const shares = metShares(clockTable(items.map((i) => i.reading)));
    return { calls: items.length, metShare: shares };
  };
}
