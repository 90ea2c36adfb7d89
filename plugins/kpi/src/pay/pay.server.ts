/**
 * The monthly pay sheet (DOMAIN §4, KPI考核公式) over the month's KPI sheets and last month's
 * average pay per employee. Computation is `computePay` from `@aftercare/scoring`.
 */
import type { Kysely, Transaction } from "kysely";
import { computePay, type PayBreakdown } from "@aftercare/scoring";
import { parseCsv } from "@aftercare/core/csv";
import type { KpiTables, SheetStatus } from "../tables";
import { visibleEmployee, visibleEmployees, type Actor } from "../access.server";
import { parseDefinition, type StaffKind } from "../scheme/definition";
import { schemeFor } from "../scheme/schemes.server";
import { parseYuan } from "./money-text";

type Db = Kysely<KpiTables> | Transaction<KpiTables>;

export interface PayRow {
  readonly employeeId: number;
  readonly name: string;
  readonly email: string;
  readonly kind: StaffKind;
  readonly sheetId: number | null;
  readonly status: SheetStatus | null;
  readonly total: number | null;
  readonly grade: string | null;
  readonly kpiValue: number | null;
  readonly averagePayCents: number | null;
  readonly baseCoefficient: number;
  /** Null until both the KPI value and the average pay are known. */
  readonly pay: PayBreakdown | null;
}

/**
 * One row per employee the actor may see: the month's sheet (if any), the average pay entered for
 * the month and the pay computed from them with the base coefficient of the sheet's scheme (or of
 * the scheme applying to the employee's kind that month when there is no sheet yet).
 */
export async function paySheet(db: Db, month: string, actor: Actor): Promise<PayRow[]> {
  const employees = await visibleEmployees(db as Kysely<KpiTables>, actor);
  const sheets = await db
    .selectFrom("kpi_sheet as s")
    .innerJoin("kpi_scheme as sc", "sc.id", "s.scheme_id")
    .select(["s.id", "s.employee_id", "s.status", "s.total", "s.grade", "s.kpi_value", "sc.definition_json"])
    .where("s.month", "=", month)
    .where((eb) => visibleEmployee(eb, "s.employee_id", actor))
    .execute();
  const pays = await db
    .selectFrom("kpi_average_pay")
    .select(["employee_id", "average_pay_cents"])
    .where("month", "=", month)
    .where((eb) => visibleEmployee(eb, "kpi_average_pay.employee_id", actor))
    .execute();
  const sheetOf = new Map(sheets.map((s) => [s.employee_id, s]));
  const payOf = new Map(pays.map((p) => [p.employee_id, p.average_pay_cents]));
  const coefficientOf = new Map<StaffKind, number>();
  for (const kind of ["support", "field"] as const) coefficientOf.set(kind, (await schemeFor(db, kind, month))?.definition.baseCoefficient ?? 0.6);
  return employees
    .map((e) => {
      const kind = e.staff_kind as StaffKind;
      const sheet = sheetOf.get(e.id);
      const average = payOf.get(e.id) ?? null;
      const baseCoefficient = sheet ? parseDefinition(sheet.definition_json).baseCoefficient : coefficientOf.get(kind)!;
      const kpiValue = sheet?.kpi_value ?? null;
      return {
        employeeId: e.id,
        name: e.name,
        email: e.email,
        kind,
        sheetId: sheet?.id ?? null,
        status: sheet?.status ?? null,
        total: sheet?.total ?? null,
        grade: sheet?.grade ?? null,
        kpiValue,
        averagePayCents: average,
        baseCoefficient,
        pay: kpiValue !== null && average !== null ? computePay({ averagePayCents: average, baseCoefficient, kpiValue }) : null,
      };
    });
}

/** Sets (or replaces) last month's average pay of employees for a month. Only employees the actor may see. */
export async function setAveragePays(trx: Transaction<KpiTables>, props: { month: string; actor: Actor; entries: readonly { employeeId: number; cents: number }[]; source: "entry" | "import" | "seed"; now: string }): Promise<number> {
  const visible = new Set((await visibleEmployees(trx as unknown as Kysely<KpiTables>, props.actor)).map((e) => e.id));
  let saved = 0;
  for (const entry of props.entries) {
    if (!visible.has(entry.employeeId) || !Number.isSafeInteger(entry.cents) || entry.cents < 0) continue;
    await trx
      .insertInto("kpi_average_pay")
      .values({ month: props.month, employee_id: entry.employeeId, average_pay_cents: entry.cents, source: props.source, updated_by: props.actor.id, updated_at: props.now })
      .onConflict((oc) => oc.columns(["month", "employee_id"]).doUpdateSet({ average_pay_cents: entry.cents, source: props.source, updated_by: props.actor.id, updated_at: props.now }))
      .execute();
    saved++;
  }
  return saved;
}

/** One CSV row as previewed: the employee it matched and the amount, or why it cannot be imported. */
export type ImportRow =
  | { readonly line: number; readonly ok: true; readonly email: string; readonly employeeId: number; readonly name: string; readonly cents: number }
  | { readonly ok: false; readonly line: number; readonly email: string; readonly key: string };

export interface ImportPreview {
  readonly ok: boolean;
  /** Set when the file as a whole is unusable (no header, wrong columns). */
  readonly fileKey: string | null;
  readonly rows: readonly ImportRow[];
}

const EMAIL_HEADERS = ["email", "邮箱", "电子邮件"];
const PAY_HEADERS = ["average_pay", "上月平均工资", "平均工资", "average pay"];

/**
 * Reads an average-pay CSV (columns `email`, `average_pay` in yuan; Chinese headers 邮箱 /
 * 上月平均工资 accepted) against the employees the actor may see. Each row is matched or refused on
 * its own: unknown or invisible email, amount that is not yuan with at most two decimals, the same
 * email twice.
 */
export async function previewAveragePayCsv(db: Kysely<KpiTables>, actor: Actor, text: string): Promise<ImportPreview> {
  const rows = parseCsv(text);
  if (rows.length === 0) return { ok: false, fileKey: "kpi.import.error.empty", rows: [] };
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const emailCol = header.findIndex((h) => EMAIL_HEADERS.includes(h));
  const payCol = header.findIndex((h) => PAY_HEADERS.includes(h));
  if (emailCol < 0 || payCol < 0) return { ok: false, fileKey: "kpi.import.error.header", rows: [] };
  const employees = await visibleEmployees(db, actor);
  const byEmail = new Map(employees.map((e) => [e.email.toLowerCase(), e]));
  const seen = new Set<string>();
  const out: ImportRow[] = rows.slice(1).map((cells, i) => {
    const line = i + 2;
    const email = (cells[emailCol] ?? "").trim().toLowerCase();
    const employee = byEmail.get(email);
    if (!employee) return { ok: false, line, email, key: "kpi.import.error.unknown" };
    if (seen.has(email)) return { ok: false, line, email, key: "kpi.import.error.duplicate" };
    seen.add(email);
    const cents = parseYuan(cells[payCol] ?? "");
    if (cents === null) return { ok: false, line, email, key: "kpi.import.error.amount" };
    return { ok: true, line, email, employeeId: employee.id, name: employee.name, cents };
  });
  return { ok: out.length > 0, fileKey: out.length === 0 ? "kpi.import.error.empty" : null, rows: out };
}
