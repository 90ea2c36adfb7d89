/**
 * The monthly sheet's workflow: the supervisor starts the month, sets the plan (technical
 * support), records key-behaviour deductions (field engineers) and scores; the employee agrees
 * the plan, then acknowledges or disputes the scores; a manager approves and locks. Every change
 * writes a row of history (kpi_sheet_event) in the same transaction.
 */
import type { Kysely, Selectable, Transaction } from "kysely";
import type { KpiTables, SheetStatus } from "../tables";
import { sheetRoles, visibleEmployee, type Actor } from "../access.server";
import { schemeById, schemeFor, type StoredScheme } from "../scheme/schemes.server";
import { indicatorIds, parseBilingual, WORK_PLAN, type Bilingual, type StaffKind } from "../scheme/definition";
import { dateInMonth } from "../month";
import { roundPoints, scoreSheet } from "./sheet-score";

type Db = Kysely<KpiTables> | Transaction<KpiTables>;
type Trx = Transaction<KpiTables>;

/** Why a command was refused: a message key (with parameters) and the HTTP status it maps to. */
export interface Refusal {
  readonly ok: false;
  readonly status: 400 | 403 | 404 | 409;
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}
export type Outcome<T = object> = ({ readonly ok: true } & T) | Refusal;

const refuse = (status: Refusal["status"], key: string, params?: Refusal["params"]): Refusal => ({ ok: false, status, key, ...(params ? { params } : {}) });

/** Writes one row of a sheet's history. */
export async function recordEvent(trx: Db, sheetId: number, actorId: number | null, action: string, at: string, detail?: unknown): Promise<void> {
  await trx
    .insertInto("kpi_sheet_event")
    .values({ sheet_id: sheetId, at, actor_id: actorId, action, detail_json: detail === undefined ? null : JSON.stringify(detail) })
    .execute();
}

/**
 * Starts a month for the supervisor's team: a draft sheet, under the scheme that applies to the
 * employee's kind that month, for every active direct report who has a staff kind and no sheet yet.
 */
export async function startMonth(trx: Trx, props: { month: string; supervisor: Actor; now: string }): Promise<Outcome<{ created: number[]; noScheme: StaffKind[] }>> {
  const team = await trx
    .selectFrom("users")
    .select(["id", "staff_kind"])
    .where("supervisor_id", "=", props.supervisor.id)
    .where("staff_kind", "is not", null)
    .where("active", "=", 1)
    .orderBy("id")
    .execute();
  const created: number[] = [];
  const noScheme = new Set<StaffKind>();
  const schemes = new Map<StaffKind, StoredScheme | null>();
  for (const member of team) {
    const kind = member.staff_kind as StaffKind;
    const existing = await trx.selectFrom("kpi_sheet").select("id").where("month", "=", props.month).where("employee_id", "=", member.id).executeTakeFirst();
    if (existing) continue;
    if (!schemes.has(kind)) schemes.set(kind, await schemeFor(trx, kind, props.month));
    const scheme = schemes.get(kind);
    if (!scheme) {
      noScheme.add(kind);
      continue;
    }
    const row = await trx
      .insertInto("kpi_sheet")
      .values({ month: props.month, employee_id: member.id, supervisor_id: props.supervisor.id, scheme_id: scheme.id, kind, status: "draft", deduction_points: 0, created_at: props.now, updated_at: props.now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordEvent(trx, row.id, props.supervisor.id, "created", props.now, { schemeId: scheme.id, version: scheme.version });
    created.push(row.id);
  }
  return { ok: true, created, noScheme: [...noScheme] };
}

export interface SheetView {
  readonly sheet: Selectable<KpiTables["kpi_sheet"]> & { employee_name: string; employee_email: string; supervisor_name: string | null };
  readonly scheme: StoredScheme;
  readonly scores: Record<string, number>;
  readonly planItems: Selectable<KpiTables["kpi_plan_item"]>[];
  readonly deductions: (Omit<Selectable<KpiTables["kpi_deduction"]>, "label"> & { label: Bilingual })[];
  readonly events: (Selectable<KpiTables["kpi_sheet_event"]> & { actor_name: string | null })[];
}

/** One sheet with everything on it, or null when it does not exist or the actor may not see it. */
export async function loadSheet(db: Db, id: number, actor: Actor): Promise<SheetView | null> {
  const sheet = await db
    .selectFrom("kpi_sheet as s")
    .innerJoin("users as e", "e.id", "s.employee_id")
    .leftJoin("users as sup", "sup.id", "s.supervisor_id")
    .selectAll("s")
    .select(["e.name as employee_name", "e.email as employee_email", "sup.name as supervisor_name"])
    .where("s.id", "=", id)
    .where((eb) => visibleEmployee(eb, "s.employee_id", actor))
    .executeTakeFirst();
  if (!sheet) return null;
  const scheme = await schemeById(db, sheet.scheme_id);
  if (!scheme) return null;
  const [scores, planItems, deductions, events] = await Promise.all([
    db.selectFrom("kpi_sheet_score").select(["indicator", "score"]).where("sheet_id", "=", id).execute(),
    db.selectFrom("kpi_plan_item").selectAll().where("sheet_id", "=", id).orderBy("position").execute(),
    db.selectFrom("kpi_deduction").selectAll().where("sheet_id", "=", id).orderBy("occurred_on").orderBy("id").execute(),
    db.selectFrom("kpi_sheet_event as ev").leftJoin("users as u", "u.id", "ev.actor_id").selectAll("ev").select("u.name as actor_name").where("ev.sheet_id", "=", id).orderBy("ev.id").execute(),
  ]);
  return {
    sheet,
    scheme,
    scores: Object.fromEntries(scores.map((s) => [s.indicator, s.score])),
    planItems,
    deductions: deductions.map((d) => ({ ...d, label: parseBilingual(d.label) })),
    events,
  };
}

type Permissions = ReadonlySet<string>;

/** Loads a sheet for a command: visible, not locked, in one of `statuses`, and the actor in `role`. */
async function forCommand(trx: Trx, id: number, actor: Actor, permissions: Permissions, role: "supervisor" | "employee" | "approver", statuses: readonly SheetStatus[]): Promise<Outcome<{ view: SheetView }>> {
  const view = await loadSheet(trx, id, actor);
  if (!view) return refuse(404, "kpi.error.notFound");
  const roles = sheetRoles(actor, view.sheet, permissions);
  const allowed = role === "supervisor" ? roles.isSupervisor : role === "employee" ? roles.isEmployee : roles.canApprove;
  if (!allowed) return refuse(403, `kpi.error.not.${role}`);
  if (view.sheet.status === "locked") return refuse(409, "kpi.error.locked");
  if (!statuses.includes(view.sheet.status)) return refuse(409, "kpi.error.state", { status: view.sheet.status });
  return { ok: true, view };
}

/** Editing a disputed sheet takes it back to draft (the supervisor revises, then submits again). */
async function reopenIfDisputed(trx: Trx, view: SheetView, actor: Actor, now: string): Promise<void> {
  if (view.sheet.status !== "disputed") return;
  await trx.updateTable("kpi_sheet").set({ status: "draft", updated_at: now }).where("id", "=", view.sheet.id).execute();
  await recordEvent(trx, view.sheet.id, actor.id, "reopened", now, { from: "disputed" });
}

/** Clears a sheet's scores (its inputs changed, so the supervisor scores again). */
async function clearScores(trx: Trx, sheetId: number, now: string): Promise<void> {
  await trx.deleteFrom("kpi_sheet_score").where("sheet_id", "=", sheetId).execute();
  await trx.updateTable("kpi_sheet").set({ indicator_points: null, total: null, grade: null, kpi_value: null, updated_at: now }).where("id", "=", sheetId).execute();
}

export interface PlanItemInput {
  readonly description: string;
  readonly requirement: string;
  /** Percent; the items sum to 100. */
  readonly weight: number;
}

export const MAX_PLAN_ITEMS = 8;

/** Problems with a plan (message keys): 1–8 items, each with a description, a requirement and a weight > 0, weights summing to 100. */
export function validatePlan(items: readonly PlanItemInput[]): { key: string; params?: Record<string, string | number> }[] {
  const problems: { key: string; params?: Record<string, string | number> }[] = [];
  if (items.length === 0) problems.push({ key: "kpi.plan.error.empty" });
  if (items.length > MAX_PLAN_ITEMS) problems.push({ key: "kpi.plan.error.tooMany", params: { max: MAX_PLAN_ITEMS } });
  items.forEach((item, i) => {
    if (!item.description.trim() || !item.requirement.trim()) problems.push({ key: "kpi.plan.error.incomplete", params: { n: i + 1 } });
    if (!(Number.isFinite(item.weight) && item.weight > 0)) problems.push({ key: "kpi.plan.error.weight", params: { n: i + 1 } });
  });
  const sum = items.reduce((a, b) => a + b.weight, 0);
  if (items.length > 0 && Math.abs(sum - 100) > 1e-6) problems.push({ key: "kpi.plan.error.sum", params: { sum: Math.round(sum * 100) / 100 } });
  return problems;
}

/** The supervisor sets the month's plan (technical support); the employee must then agree it again. */
export async function setPlan(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; items: readonly PlanItemInput[]; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "supervisor", ["draft", "disputed"]);
  if (!got.ok) return got;
  if (got.view.sheet.kind !== "support") return refuse(409, "kpi.error.notSupport");
  const problems = validatePlan(props.items);
  if (problems.length > 0) return refuse(400, problems[0].key, problems[0].params);
  await reopenIfDisputed(trx, got.view, props.actor, props.now);
  await trx.deleteFrom("kpi_plan_item").where("sheet_id", "=", props.id).execute();
  await trx
    .insertInto("kpi_plan_item")
    .values(props.items.map((item, i) => ({ sheet_id: props.id, position: i + 1, description: item.description.trim(), requirement: item.requirement.trim(), weight: item.weight, completion: null })))
    .execute();
  await trx.updateTable("kpi_sheet").set({ plan_set_at: props.now, plan_agreed_at: null, updated_at: props.now }).where("id", "=", props.id).execute();
  await clearScores(trx, props.id, props.now);
  await recordEvent(trx, props.id, props.actor.id, "plan.set", props.now, { items: props.items });
  return { ok: true };
}

/** The employee agrees the plan the supervisor set. */
export async function agreePlan(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "employee", ["draft"]);
  if (!got.ok) return got;
  if (got.view.sheet.kind !== "support" || got.view.planItems.length === 0) return refuse(409, "kpi.error.noPlan");
  if (got.view.sheet.plan_agreed_at) return refuse(409, "kpi.error.planAgreed");
  await trx.updateTable("kpi_sheet").set({ plan_agreed_at: props.now, updated_at: props.now }).where("id", "=", props.id).execute();
  await recordEvent(trx, props.id, props.actor.id, "plan.agreed", props.now);
  return { ok: true };
}

/** Recomputes a scored sheet's total after its deductions changed (a deduction only lowers a total). */
async function rescore(trx: Trx, view: SheetView, now: string): Promise<void> {
  if (view.sheet.total === null) {
    const deductions = await trx.selectFrom("kpi_deduction").select("points").where("sheet_id", "=", view.sheet.id).execute();
    await trx.updateTable("kpi_sheet").set({ deduction_points: roundPoints(deductions.reduce((a, d) => a + d.points, 0)), updated_at: now }).where("id", "=", view.sheet.id).execute();
    return;
  }
  const deductions = await trx.selectFrom("kpi_deduction").select("points").where("sheet_id", "=", view.sheet.id).execute();
  const own = { ...view.scores };
  delete own[WORK_PLAN];
  const items = view.planItems.map((p) => ({ weight: p.weight, completion: p.completion ?? 0 }));
  const result = scoreSheet(view.scheme.definition, own, items, deductions.map((d) => d.points));
  if (!result.ok) {
    // Removing a deduction can lift a total back to full marks: the supervisor must score again.
    await clearScores(trx, view.sheet.id, now);
    await trx.updateTable("kpi_sheet").set({ deduction_points: roundPoints(deductions.reduce((a, d) => a + d.points, 0)) }).where("id", "=", view.sheet.id).execute();
    return;
  }
  await trx
    .updateTable("kpi_sheet")
    .set({ indicator_points: result.indicatorPoints, deduction_points: result.deductionPoints, total: result.total, grade: result.grade, kpi_value: result.kpiValue, updated_at: now })
    .where("id", "=", view.sheet.id)
    .execute();
}

/** The supervisor records one occurrence of a key bad behaviour (field engineers), dated within the month. */
export async function recordDeduction(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; behaviour: string; occurredOn: string; note: string; now: string }): Promise<Outcome<{ deductionId: number }>> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "supervisor", ["draft", "disputed"]);
  if (!got.ok) return got;
  const { view } = got;
  const behaviour = view.scheme.definition.behaviours.find((b) => b.id === props.behaviour);
  if (!behaviour) return refuse(400, "kpi.deduction.error.behaviour");
  if (!dateInMonth(props.occurredOn, view.sheet.month)) return refuse(400, "kpi.deduction.error.date", { month: view.sheet.month });
  const note = props.note.trim();
  if (!note) return refuse(400, "kpi.deduction.error.note");
  await reopenIfDisputed(trx, view, props.actor, props.now);
  const row = await trx
    .insertInto("kpi_deduction")
    .values({ sheet_id: props.id, behaviour: behaviour.id, label: JSON.stringify(behaviour.label), points: behaviour.points, occurred_on: props.occurredOn, note: note.slice(0, 2000), recorded_by: props.actor.id, recorded_at: props.now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await rescore(trx, view, props.now);
  await recordEvent(trx, props.id, props.actor.id, "deduction.recorded", props.now, { deductionId: row.id, behaviour: behaviour.id, points: behaviour.points, occurredOn: props.occurredOn, note });
  return { ok: true, deductionId: row.id };
}

/** The supervisor removes a deduction recorded by mistake (kept in the history). */
export async function removeDeduction(trx: Trx, props: { id: number; deductionId: number; actor: Actor; permissions: Permissions; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "supervisor", ["draft", "disputed"]);
  if (!got.ok) return got;
  const deduction = got.view.deductions.find((d) => d.id === props.deductionId);
  if (!deduction) return refuse(404, "kpi.error.notFound");
  await reopenIfDisputed(trx, got.view, props.actor, props.now);
  await trx.deleteFrom("kpi_deduction").where("id", "=", props.deductionId).execute();
  await rescore(trx, got.view, props.now);
  await recordEvent(trx, props.id, props.actor.id, "deduction.removed", props.now, { deductionId: deduction.id, behaviour: deduction.behaviour, points: deduction.points, occurredOn: deduction.occurred_on, note: deduction.note });
  return { ok: true };
}

export interface ScoreInput {
  /** Score per indicator (not the work plan's, which comes from `completions`). */
  readonly scores: Readonly<Record<string, number>>;
  /** Completion percent per plan item id (technical support). */
  readonly completions: Readonly<Record<number, number>>;
  readonly note: string | null;
}

/**
 * The supervisor scores the month. Refused (and nothing saved) when the total would reach full
 * marks or exceed the standard score, with the reason and the total.
 */
export async function saveScores(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; input: ScoreInput; now: string }): Promise<Outcome<{ total: number; kpiValue: number }>> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "supervisor", ["draft", "disputed"]);
  if (!got.ok) return got;
  const { view } = got;
  const def = view.scheme.definition;
  if (def.kind === "support" && (view.planItems.length === 0 || !view.sheet.plan_agreed_at)) return refuse(409, "kpi.error.planNotAgreed");
  const expected = indicatorIds(def.kind).filter((id) => id !== WORK_PLAN || def.kind !== "support");
  for (const id of expected) {
    const max = def.indicators.find((i) => i.id === id)?.max ?? 0;
    const v = props.input.scores[id];
    if (v === undefined || !Number.isFinite(v) || v < 0 || v > max) return refuse(400, "kpi.score.error.range", { indicator: id, max });
  }
  const items = view.planItems.map((p) => ({ id: p.id, weight: p.weight, completion: props.input.completions[p.id] }));
  for (const item of items) {
    if (item.completion === undefined || !Number.isFinite(item.completion) || item.completion < 0 || item.completion > 100) return refuse(400, "kpi.score.error.completion");
  }
  const scores = Object.fromEntries(expected.map((id) => [id, props.input.scores[id]]));
  const result = scoreSheet(def, scores, items.map((i) => ({ weight: i.weight, completion: i.completion! })), view.deductions.map((d) => d.points));
  if (!result.ok) return refuse(400, `kpi.score.refused.${result.reason}`, { total: result.total, fullMarks: def.fullMarks, standard: def.standardScore });
  await reopenIfDisputed(trx, view, props.actor, props.now);
  await trx.deleteFrom("kpi_sheet_score").where("sheet_id", "=", props.id).execute();
  await trx.insertInto("kpi_sheet_score").values(Object.entries(result.scores).map(([indicator, score]) => ({ sheet_id: props.id, indicator, score }))).execute();
  for (const item of items) await trx.updateTable("kpi_plan_item").set({ completion: item.completion! }).where("id", "=", item.id).execute();
  await trx
    .updateTable("kpi_sheet")
    .set({ indicator_points: result.indicatorPoints, deduction_points: result.deductionPoints, total: result.total, grade: result.grade, kpi_value: result.kpiValue, supervisor_note: props.input.note, updated_at: props.now })
    .where("id", "=", props.id)
    .execute();
  await recordEvent(trx, props.id, props.actor.id, "scored", props.now, {
    before: { total: view.sheet.total, kpiValue: view.sheet.kpi_value, scores: view.scores },
    after: { total: result.total, kpiValue: result.kpiValue, grade: result.grade, scores: result.scores, completions: Object.fromEntries(items.map((i) => [i.id, i.completion])) },
    note: props.input.note,
  });
  return { ok: true, total: result.total, kpiValue: result.kpiValue };
}

/** The supervisor sends the scored sheet to the employee. */
export async function submitSheet(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "supervisor", ["draft"]);
  if (!got.ok) return got;
  if (got.view.sheet.total === null) return refuse(409, "kpi.error.notScored");
  if (got.view.sheet.kind === "support" && !got.view.sheet.plan_agreed_at) return refuse(409, "kpi.error.planNotAgreed");
  await trx.updateTable("kpi_sheet").set({ status: "submitted", submitted_at: props.now, employee_comment: null, responded_at: null, updated_at: props.now }).where("id", "=", props.id).execute();
  await recordEvent(trx, props.id, props.actor.id, "submitted", props.now, { total: got.view.sheet.total, kpiValue: got.view.sheet.kpi_value });
  return { ok: true };
}

/** The employee acknowledges the scores (optionally with a comment). */
export async function acknowledgeSheet(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; comment: string | null; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "employee", ["submitted"]);
  if (!got.ok) return got;
  const comment = props.comment?.trim() || null;
  await trx.updateTable("kpi_sheet").set({ status: "acknowledged", employee_comment: comment, responded_at: props.now, updated_at: props.now }).where("id", "=", props.id).execute();
  await recordEvent(trx, props.id, props.actor.id, "acknowledged", props.now, comment ? { comment } : undefined);
  return { ok: true };
}

/** The employee disputes the scores; a comment saying why is required. */
export async function disputeSheet(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; comment: string; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "employee", ["submitted"]);
  if (!got.ok) return got;
  const comment = props.comment.trim();
  if (!comment) return refuse(400, "kpi.error.disputeComment");
  await trx.updateTable("kpi_sheet").set({ status: "disputed", employee_comment: comment.slice(0, 2000), responded_at: props.now, updated_at: props.now }).where("id", "=", props.id).execute();
  await recordEvent(trx, props.id, props.actor.id, "disputed", props.now, { comment });
  return { ok: true };
}

/** A manager approves the answered sheet and locks it: nothing on it changes afterwards. */
export async function approveSheet(trx: Trx, props: { id: number; actor: Actor; permissions: Permissions; now: string }): Promise<Outcome> {
  const got = await forCommand(trx, props.id, props.actor, props.permissions, "approver", ["acknowledged", "disputed"]);
  if (!got.ok) return got;
  await trx.updateTable("kpi_sheet").set({ status: "locked", approved_by: props.actor.id, locked_at: props.now, updated_at: props.now }).where("id", "=", props.id).execute();
  await recordEvent(trx, props.id, props.actor.id, "locked", props.now, { total: got.view.sheet.total, kpiValue: got.view.sheet.kpi_value, status: got.view.sheet.status });
  return { ok: true };
}

/** The month's sheets the actor may see, with the people and the numbers, for the team page. */
export async function monthSheets(db: Db, month: string, actor: Actor) {
  return db
    .selectFrom("kpi_sheet as s")
    .innerJoin("users as e", "e.id", "s.employee_id")
    .leftJoin("users as sup", "sup.id", "s.supervisor_id")
    .select(["s.id", "s.employee_id", "s.supervisor_id", "s.kind", "s.status", "s.total", "s.grade", "s.kpi_value", "s.deduction_points", "s.plan_set_at", "s.plan_agreed_at", "s.scheme_id", "s.updated_at", "e.name as employee_name", "sup.name as supervisor_name"])
    .where("s.month", "=", month)
    .where((eb) => visibleEmployee(eb, "s.employee_id", actor))
    .orderBy("s.kind")
    .orderBy("e.name")
    .execute();
}

/** Indicator ids a supervisor enters directly (the work plan is computed from its items). */
export function enteredIndicators(kind: StaffKind): string[] {
  return indicatorIds(kind).filter((id) => !(kind === "support" && id === WORK_PLAN));
}

