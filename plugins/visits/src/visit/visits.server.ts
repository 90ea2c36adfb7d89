import { type Kysely, sql } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import { lower, lowerLike } from "@aftercare/db/dialect";
import type { VisitsTables } from "../tables";
import type { Scope } from "../scope.server";
import { companyDate, monthRange, toCompanyLocal } from "../time";
import type { VisitInput } from "./visit-form";
import type { VisitStatus, VisitType } from "./visit-types";

type Db = Kysely<VisitsTables>;

/** Payload of the `visits.visit.closed` event, emitted once when a visit is reported done. */
export interface VisitClosedEvent {
  readonly visitId: number;
  readonly customerId: number;
  readonly type: VisitType;
  readonly ownerId: number;
  readonly visitorIds: readonly number[];
  /** When the visit ended (UTC ISO). */
  readonly endedAt: string;
}

export const VISIT_CLOSED = "visits.visit.closed";

export type SaveVisitResult = { ok: true; id: number } | { ok: false; key: string; name?: string };

/**
 * Creates (no `id`) or updates a visit from the form. A visit moves planned → done once; a done
 * visit can be corrected but not planned again; a cancelled one is read-only. The first save as
 * done stamps `closed_at` and `visit_date` and emits `visits.visit.closed` after the commit.
 */
export async function saveVisit(
  ctx: PluginContext,
  props: { id?: number; customerId: number; input: VisitInput; actorId: number },
): Promise<SaveVisitResult> {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  const v = props.input;
  if (v.visitorIds.length === 0) return { ok: false, key: "validation.required", name: "visitors" };
  let closedNow = false;
  let ownerId = v.visitorIds.includes(props.actorId) ? props.actorId : v.visitorIds[0];
  const id = await db.transaction().execute(async (trx) => {
    const existing = props.id === undefined ? undefined : await trx.selectFrom("visits_visit").selectAll().where("id", "=", props.id).executeTakeFirst();
    if (props.id !== undefined && !existing) return null;
    if (existing?.status === "cancelled") return "cancelled" as const;
    if (existing?.status === "done" && v.status === "planned") return "done" as const;
    if (existing && v.visitorIds.includes(existing.owner_id)) ownerId = existing.owner_id;
    closedNow = v.status === "done" && existing?.status !== "done";
    const row = {
      customer_id: props.customerId,
      type: v.type,
      status: v.status as VisitStatus,
      owner_id: ownerId,
      planned_at: v.plannedAt,
      started_at: v.startedAt,
      ended_at: v.endedAt,
      visit_date: v.status === "done" && v.startedAt ? companyDate(v.startedAt) : null,
      summary: v.summary,
      findings: v.findings,
      requests: v.requests,
      parts_replaced: v.partsReplaced,
      checklist_json: v.checklist.length ? JSON.stringify(v.checklist) : null,
      updated_at: now,
      closed_at: existing?.closed_at ?? (v.status === "done" ? now : null),
    };
    let visitId: number;
    if (existing) {
      await trx.updateTable("visits_visit").set(row).where("id", "=", existing.id).execute();
      visitId = existing.id;
      await trx.deleteFrom("visits_visit_visitor").where("visit_id", "=", visitId).execute();
      await trx.deleteFrom("visits_visit_equipment").where("visit_id", "=", visitId).execute();
    } else {
      const inserted = await trx
        .insertInto("visits_visit")
        .values({ ...row, cancel_reason: null, source_call_id: null, created_by: props.actorId, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      visitId = inserted.id;
    }
    await trx.insertInto("visits_visit_visitor").values(v.visitorIds.map((user_id) => ({ visit_id: visitId, user_id }))).execute();
    if (v.equipmentIds.length) {
      await trx.insertInto("visits_visit_equipment").values(v.equipmentIds.map((equipment_id) => ({ visit_id: visitId, equipment_id }))).execute();
    }
    if (v.followups.length) {
      await trx
        .insertInto("visits_followup")
        .values(v.followups.map((f) => ({ visit_id: visitId, action: f.action, owner_id: f.ownerId, due_date: f.dueDate, done_at: null, created_at: now })))
        .execute();
    }
    return visitId;
  });
  if (id === null) return { ok: false, key: "visits.error.notFound" };
  if (id === "cancelled") return { ok: false, key: "visits.error.cancelled" };
  if (id === "done") return { ok: false, key: "visits.error.alreadyDone", name: "status" };
  if (closedNow) {
    const event: VisitClosedEvent = { visitId: id, customerId: props.customerId, type: v.type, ownerId, visitorIds: v.visitorIds, endedAt: v.endedAt! };
    await ctx.events.emit(VISIT_CLOSED, event);
  }
  return { ok: true, id };
}

/** Cancels a planned visit with a reason; false when it is not planned. */
export async function cancelVisit(ctx: PluginContext, props: { id: number; reason: string; actorId: number }): Promise<boolean> {
  const now = ctx.clock().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const result = await (trx as Db)
      .updateTable("visits_visit")
      .set({ status: "cancelled", cancel_reason: props.reason, updated_at: now, closed_at: now })
      .where("id", "=", props.id)
      .where("status", "=", "planned")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await ctx.audit(trx, { actorId: props.actorId, action: "visits.visit.cancel", target: `visits_visit:${props.id}`, detail: { reason: props.reason } });
    return true;
  });
}

/** A visit with its customer, people, equipment and follow-up actions. */
export async function getVisit(db: Kysely<any>, id: number) {
  const d = db as Db;
  const visit = await d
    .selectFrom("visits_visit as v")
    .innerJoin("customers as c", "c.id", "v.customer_id")
    .innerJoin("users as o", "o.id", "v.owner_id")
    .selectAll("v")
    .select(["c.company", "o.name as owner_name"])
    .where("v.id", "=", id)
    .executeTakeFirst();
  if (!visit) return null;
  const visitors = await d
    .selectFrom("visits_visit_visitor as vv")
    .innerJoin("users as u", "u.id", "vv.user_id")
    .select(["u.id", "u.name"])
    .where("vv.visit_id", "=", id)
    .orderBy("u.name")
    .execute();
  const equipment = await d
    .selectFrom("visits_visit_equipment as ve")
    .innerJoin("equipment as e", "e.id", "ve.equipment_id")
    .select(["e.id", "e.model", "e.serial_number"])
    .where("ve.visit_id", "=", id)
    .orderBy("e.id")
    .execute();
  const followups = await d
    .selectFrom("visits_followup as f")
    .leftJoin("users as u", "u.id", "f.owner_id")
    .select(["f.id", "f.action", "f.owner_id", "u.name as owner_name", "f.due_date", "f.done_at"])
    .where("f.visit_id", "=", id)
    .orderBy("f.id")
    .execute();
  const checklist = visit.checklist_json ? (JSON.parse(visit.checklist_json) as { label: string; checked: boolean | null }[]) : [];
  return { ...visit, visitors, equipment, followups, checklist };
}

export type VisitDetail = NonNullable<Awaited<ReturnType<typeof getVisit>>>;

/** True when the scope covers the visit (its owner or one of its visitors). */
export function visitInScope(scope: Scope, visit: Pick<VisitDetail, "owner_id" | "visitors">): boolean {
  return scope.kind === "all" || scope.userIds.includes(visit.owner_id) || visit.visitors.some((p) => scope.userIds.includes(p.id));
}

/** The form's answers for an existing visit (times back in company-local form). */
export function visitFormValues(v: VisitDetail): Record<string, unknown> {
  const values: Record<string, unknown> = {
    type: v.type,
    status: v.status === "done" ? "done" : "planned",
    plannedAt: toCompanyLocal(v.planned_at),
    visitors: v.visitors.map((p) => p.id),
    equipment: v.equipment.map((e) => e.id),
  };
  if (v.started_at) values.startedAt = toCompanyLocal(v.started_at);
  if (v.ended_at) values.endedAt = toCompanyLocal(v.ended_at);
  for (const [k, col] of [["summary", v.summary], ["findings", v.findings], ["requests", v.requests], ["partsReplaced", v.parts_replaced]] as const) if (col) values[k] = col;
  return values;
}

export interface VisitFilters {
  /** Visits this person takes part in (owner or visitor). */
  readonly personId?: number | null;
  readonly status?: VisitStatus | null;
  readonly type?: VisitType | null;
  /** `YYYY-MM`: taking place in that company month (actual start when done, else planned time). */
  readonly month?: string | null;
  readonly customerId?: number | null;
  /** Part of the customer's company name. */
  readonly q?: string | null;
}

function scopedVisits(db: Db, scope: Scope, f: VisitFilters) {
  let q = db.selectFrom("visits_visit as v").innerJoin("customers as c", "c.id", "v.customer_id").innerJoin("users as o", "o.id", "v.owner_id");
  const people = f.personId ? (scope.kind === "all" || scope.userIds.includes(f.personId) ? [f.personId] : []) : scope.kind === "all" ? null : scope.userIds;
  if (people !== null) {
    if (people.length === 0) return q.where(sql<boolean>`1 = 0`);
    q = q.where((eb) =>
      eb.or([eb("v.owner_id", "in", people), eb.exists(eb.selectFrom("visits_visit_visitor as vv").select("vv.visit_id").whereRef("vv.visit_id", "=", "v.id").where("vv.user_id", "in", people))]),
    );
  }
  if (f.status) q = q.where("v.status", "=", f.status);
  if (f.type) q = q.where("v.type", "=", f.type);
  if (f.customerId) q = q.where("v.customer_id", "=", f.customerId);
  if (f.month) {
    const { from, to } = monthRange(f.month);
    const when = sql<string>`coalesce(${sql.ref("v.started_at")}, ${sql.ref("v.planned_at")})`;
    q = q.where(when, ">=", from).where(when, "<", to);
  }
  if (f.q) q = q.where(lower("c.company"), "like", lowerLike(f.q));
  return q;
}

/** One page of visits in scope, newest planned time first. */
export async function listVisits(db: Kysely<any>, scope: Scope, f: VisitFilters, page: number, pageSize: number) {
  const base = scopedVisits(db as Db, scope, f);
  const total = Number((await base.select(sql<number>`count(*)`.as("n")).executeTakeFirst())?.n ?? 0);
  const rows = await base
    .select(["v.id", "v.customer_id", "c.company", "v.type", "v.status", "v.planned_at", "v.started_at", "v.ended_at", "v.owner_id", "o.name as owner_name", "v.source_call_id"])
    .orderBy("v.planned_at", "desc")
    .orderBy("v.id", "desc")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { total, rows };
}

/** Visits of a company month, for the calendar, by company day (`YYYY-MM-DD`) of their actual start, else planned time. */
export async function calendarVisits(db: Kysely<any>, scope: Scope, month: string, personId: number | null) {
  const rows = await scopedVisits(db as Db, scope, { month, personId })
    .select(["v.id", "c.company", "v.type", "v.status", "v.planned_at", "v.started_at", "o.name as owner_name"])
    .orderBy("v.planned_at")
    .execute();
  const byDay: Record<string, typeof rows> = {};
  for (const r of rows) (byDay[companyDate(r.started_at ?? r.planned_at)] ??= []).push(r);
  return byDay;
}

/** Adds a follow-up action to a visit. */
export async function addFollowup(db: Kysely<any>, props: { visitId: number; action: string; ownerId: number | null; dueDate: string | null; now: string }): Promise<number> {
  const row = await (db as Db)
    .insertInto("visits_followup")
    .values({ visit_id: props.visitId, action: props.action, owner_id: props.ownerId, due_date: props.dueDate, done_at: null, created_at: props.now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks a follow-up action of a visit done (once). */
export async function completeFollowup(db: Kysely<any>, props: { visitId: number; followupId: number; now: string }): Promise<boolean> {
  const r = await (db as Db)
    .updateTable("visits_followup")
    .set({ done_at: props.now })
    .where("id", "=", props.followupId)
    .where("visit_id", "=", props.visitId)
    .where("done_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
