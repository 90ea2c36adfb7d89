import type { Kysely } from "kysely";
import type { KpiTables } from "../tables";
import { visibleEmployee, type Actor } from "../access.server";

/** What the actor is expected to do with a sheet. */
export type AwaitedAction = "agree-plan" | "respond" | "score" | "revise" | "approve";

export interface AwaitingSheet {
  readonly id: number;
  readonly month: string;
  readonly employeeName: string;
  readonly action: AwaitedAction;
}

/**
 * Sheets waiting for the actor, oldest month first: as the employee, a plan to agree or scores to
 * acknowledge/dispute; as the supervisor, drafts to score and disputed sheets to revise; as an
 * approver, answered sheets in their line that someone else filled.
 */
export async function sheetsAwaiting(db: Kysely<KpiTables>, actor: Actor, permissions: ReadonlySet<string>, limit = 20): Promise<AwaitingSheet[]> {
  const base = () =>
    db
      .selectFrom("kpi_sheet as s")
      .innerJoin("users as e", "e.id", "s.employee_id")
      .select(["s.id", "s.month", "s.status", "s.plan_set_at", "s.plan_agreed_at", "s.employee_id", "s.supervisor_id", "e.name as employee_name"]);
  const mine = await base()
    .where("s.employee_id", "=", actor.id)
    .where((eb) => eb.or([eb("s.status", "=", "submitted"), eb.and([eb("s.status", "=", "draft"), eb("s.plan_set_at", "is not", null), eb("s.plan_agreed_at", "is", null)])]))
    .execute();
  const team = permissions.has("kpi.sheets.fill") ? await base().where("s.supervisor_id", "=", actor.id).where("s.status", "in", ["draft", "disputed"]).execute() : [];
  let approvalQuery = base()
    .where("s.status", "in", ["acknowledged", "disputed"])
    .where("s.employee_id", "!=", actor.id)
    .where((eb) => visibleEmployee(eb, "s.employee_id", actor));
  if (actor.role !== "admin") approvalQuery = approvalQuery.where((eb) => eb.or([eb("s.supervisor_id", "is", null), eb("s.supervisor_id", "!=", actor.id)]));
  const approvals = permissions.has("kpi.sheets.approve") ? await approvalQuery.execute() : [];
  const items: AwaitingSheet[] = [
    ...mine.map((s) => ({ id: s.id, month: s.month, employeeName: s.employee_name, action: (s.status === "submitted" ? "respond" : "agree-plan") as AwaitedAction })),
    ...team.map((s) => ({ id: s.id, month: s.month, employeeName: s.employee_name, action: (s.status === "disputed" ? "revise" : "score") as AwaitedAction })),
    ...approvals.map((s) => ({ id: s.id, month: s.month, employeeName: s.employee_name, action: "approve" as AwaitedAction })),
  ];
  const seen = new Set<string>();
  return items
    .filter((i) => {
      const key = `${i.id}:${i.action}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.month.localeCompare(b.month) || a.employeeName.localeCompare(b.employeeName))
    .slice(0, limit);
}
