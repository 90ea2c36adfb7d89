/**
 * The month's scheme-health report (DOMAIN §4): per scheme version, the employees scored under it,
 * the share with a KPI value below 1 (schemeHealth flags 80 % or more as unreasonable), the
 * indicators that pulled scores down, and the distribution of KPI values.
 */
import type { Kysely } from "kysely";
import { schemeHealth, type SchemeHealth } from "@aftercare/scoring";
import type { KpiTables } from "../tables";
import { visibleEmployee, type Actor } from "../access.server";
import { toKpiScheme } from "../scheme/definition";
import { schemeById, type StoredScheme } from "../scheme/schemes.server";

/** KPI-value ranges of the distribution chart: [from, to). The last one includes 5. */
export const KPI_BUCKETS: readonly { readonly from: number; readonly to: number }[] = [
  { from: 0.5, to: 0.8 },
  { from: 0.8, to: 1 },
  { from: 1, to: 1.2 },
  { from: 1.2, to: 1.5 },
  { from: 1.5, to: 2 },
  { from: 2, to: 5.000001 },
];

export interface SchemeReport {
  readonly scheme: StoredScheme;
  readonly health: SchemeHealth;
  /** Indicators named as pulling scores down: below the scheme's mean ratio, lowest first (at least the lowest). */
  readonly pulledDown: readonly { indicator: string; meanRatio: number }[];
  /** Mean deduction points per employee (field engineers' key bad behaviours). */
  readonly meanDeduction: number;
  readonly buckets: readonly { from: number; to: number; count: number }[];
}

/**
 * The indicators that pulled scores down: those whose mean score ÷ max is below the mean over the
 * scheme's indicators; always at least the lowest one when any was scored.
 *
 * @example
 * pulledDown([{ indicator: "a", meanRatio: 0.5 }, { indicator: "b", meanRatio: 0.9 }]); // [a]
 */
export function pulledDown(indicators: SchemeHealth["indicators"]): { indicator: string; meanRatio: number }[] {
  const scored = indicators.filter((i): i is { indicator: string; meanRatio: number } => i.meanRatio !== null);
  if (scored.length === 0) return [];
  const mean = scored.reduce((a, i) => a + i.meanRatio, 0) / scored.length;
  const below = scored.filter((i) => i.meanRatio < mean - 1e-9);
  return below.length > 0 ? below : [scored[0]];
}

/** The report of every scheme with scored sheets in the month, among the sheets the actor may see. */
export async function monthHealth(db: Kysely<KpiTables>, month: string, actor: Actor): Promise<SchemeReport[]> {
  const sheets = await db
    .selectFrom("kpi_sheet as s")
    .select(["s.id", "s.scheme_id", "s.kpi_value", "s.deduction_points"])
    .where("s.month", "=", month)
    .where("s.kpi_value", "is not", null)
    .where((eb) => visibleEmployee(eb, "s.employee_id", actor))
    .orderBy("s.scheme_id")
    .execute();
  if (sheets.length === 0) return [];
  const scores = await db
    .selectFrom("kpi_sheet_score")
    .select(["sheet_id", "indicator", "score"])
    .where("sheet_id", "in", sheets.map((s) => s.id))
    .execute();
  const scoresOf = new Map<number, Record<string, number>>();
  for (const s of scores) {
    const entry = scoresOf.get(s.sheet_id) ?? {};
    entry[s.indicator] = s.score;
    scoresOf.set(s.sheet_id, entry);
  }
  const reports: SchemeReport[] = [];
  for (const schemeId of [...new Set(sheets.map((s) => s.scheme_id))]) {
    const scheme = await schemeById(db, schemeId);
    if (!scheme) continue;
    const mine = sheets.filter((s) => s.scheme_id === schemeId);
    const health = schemeHealth(toKpiScheme(scheme.definition), mine.map((s) => ({ kpiValue: s.kpi_value!, scores: scoresOf.get(s.id) ?? {} })));
    reports.push({
      scheme,
      health,
      pulledDown: pulledDown(health.indicators),
      meanDeduction: mine.reduce((a, s) => a + s.deduction_points, 0) / mine.length,
      buckets: KPI_BUCKETS.map((b) => ({ ...b, count: mine.filter((s) => s.kpi_value! >= b.from && s.kpi_value! < b.to).length })),
    });
  }
  return reports.sort((a, b) => a.scheme.kind.localeCompare(b.scheme.kind));
}
