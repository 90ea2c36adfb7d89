/**
 * Who may see and act on which sheets. Enforced in the queries themselves:
 * - everyone sees their own sheets;
 * - a supervisor sees the sheets of the people who report to them, and a manager those of everyone
 *   in their reporting line (users.supervisor_id, followed down recursively) — for the top
 *   manager that is every employee;
 * - admins see all.
 * A supervisor fills the sheets of their direct reports; a manager approves sheets in their line
 * that they did not fill themselves (admins any sheet).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import type { Role } from "@aftercare/plugin-api";
import type { KpiTables } from "./tables";

/** The person acting: the route's viewer, or a user in tests and the seed. */
export interface Actor {
  readonly id: number;
  readonly role: Role;
}

/** `employee_id IN (everyone below the actor)`, as a sub-select. */
function reportingLine(actorId: number) {
  return sql<number>`(WITH RECURSIVE line(id) AS (SELECT id FROM users WHERE supervisor_id = ${actorId} UNION SELECT u.id FROM users u JOIN line ON u.supervisor_id = line.id) SELECT id FROM line)`;
}

/**
 * The condition that limits rows to employees the actor may see: `column` holds an employee id.
 *
 * @example
 * db.selectFrom("kpi_sheet as s").selectAll().where((eb) => visibleEmployee(eb, "s.employee_id", actor))
 */
export function visibleEmployee<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, column: string, actor: Actor): Expression<SqlBool> {
  if (actor.role === "admin") return sql<SqlBool>`1 = 1`;
  return eb.or([eb(sql.ref(column), "=", actor.id), eb(sql.ref(column), "in", reportingLine(actor.id))]);
}

/** Ids of the employees (people with a staff kind) the actor may see, active ones only. */
export async function visibleEmployees(db: Kysely<KpiTables>, actor: Actor) {
  return db
    .selectFrom("users as u")
    .select(["u.id", "u.name", "u.email", "u.staff_kind", "u.supervisor_id"])
    .where("u.staff_kind", "is not", null)
    .where("u.active", "=", 1)
    .where((eb) => visibleEmployee(eb, "u.id", actor))
    .orderBy("u.name")
    .execute();
}

/** What the actor may do with one sheet, given the sheet's people. */
export interface SheetRoles {
  readonly isEmployee: boolean;
  readonly isSupervisor: boolean;
  readonly canApprove: boolean;
}

export function sheetRoles(actor: Actor, sheet: { employee_id: number; supervisor_id: number | null }, permissions: ReadonlySet<string>): SheetRoles {
  const isEmployee = sheet.employee_id === actor.id;
  const fills = sheet.supervisor_id === actor.id;
  const isSupervisor = fills && permissions.has("kpi.sheets.fill");
  const canApprove = permissions.has("kpi.sheets.approve") && !isEmployee && (actor.role === "admin" || !fills);
  return { isEmployee, isSupervisor, canApprove };
}
