import { type Kysely, sql } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import { lower, lowerLike } from "@aftercare/db/dialect";
import { slaClocks, type SlaClocks } from "@aftercare/scoring";
import { renderEmail, safeHeader } from "@aftercare/mail/layout";
import type { CallChannel, HoldReason, VisitsTables } from "../tables";
import type { Scope } from "../scope.server";
import { readPolicy } from "../policy.server";
import { parseSlaSnapshot, slaPolicyOf } from "../policy";
import { addDaysIso, companyDate } from "../time";
import type { Milestone } from "./milestones";

type Db = Kysely<VisitsTables>;
type Call = VisitsTables["visits_call"];

/** A clock-skew allowance: a milestone may be stamped up to 5 minutes after the server's now. */
const SKEW_MS = 5 * 60_000;

/** Payload of the `visits.servicecall.closed` event. */
export interface ServiceCallClosedEvent {
  readonly callId: number;
  readonly customerId: number;
  readonly engineerId: number | null;
  readonly closedAt: string;
  /** The phone return visit (回访) scheduled for the customer's owner. */
  readonly returnVisitId: number;
  readonly returnVisitOwnerId: number;
}

export const SERVICECALL_CLOSED = "visits.servicecall.closed";

export interface NewCall {
  readonly customerId: number;
  readonly equipmentId: number | null;
  readonly channel: CallChannel;
  readonly fault: string;
  readonly takenBy: number;
  readonly receivedAt: string;
  readonly engineerId: number | null;
}

/**
 * Records a service call. The SLA policy in force now is stored with it, so a later policy
 * change does not rejudge old calls.
 */
export async function createCall(ctx: PluginContext, call: NewCall, actorId: number): Promise<number> {
  const now = ctx.clock().toISOString();
  const policy = slaPolicyOf(await readPolicy(ctx.db));
  return ctx.db.transaction().execute(async (trx) => {
    const row = await (trx as Db)
      .insertInto("visits_call")
      .values({
        customer_id: call.customerId,
        equipment_id: call.equipmentId,
        channel: call.channel,
        fault: call.fault,
        taken_by: call.takenBy,
        engineer_id: call.engineerId,
        policy_json: JSON.stringify(policy),
        received_at: call.receivedAt,
        dispatched_at: call.engineerId ? now : null,
        responded_at: null,
        arrived_at: null,
        work_started_at: null,
        cleared_at: null,
        closed_at: null,
        resolution: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await ctx.audit(trx, { actorId, action: "visits.call.create", target: `visits_call:${row.id}`, detail: call });
    return row.id;
  });
}

/** A call with names, its holds and its clocks at `now`. */
export async function getCall(db: Kysely<any>, id: number, now: string) {
  const d = db as Db;
  const call = await d
    .selectFrom("visits_call as k")
    .innerJoin("customers as c", "c.id", "k.customer_id")
    .innerJoin("users as tb", "tb.id", "k.taken_by")
    .leftJoin("users as en", "en.id", "k.engineer_id")
    .leftJoin("equipment as e", "e.id", "k.equipment_id")
    .selectAll("k")
    .select(["c.company", "c.region", "c.owner_id as customer_owner_id", "tb.name as taken_by_name", "en.name as engineer_name", "e.model", "e.serial_number"])
    .where("k.id", "=", id)
    .executeTakeFirst();
  if (!call) return null;
  const holds = await d.selectFrom("visits_call_hold").selectAll().where("call_id", "=", id).orderBy("start_at").execute();
  return { ...call, holds, clocks: callClocks(call, holds, now) };
}

export type CallDetail = NonNullable<Awaited<ReturnType<typeof getCall>>>;

/** The call's three SLA clocks at `now`, with its holds and its own policy snapshot. */
export function callClocks(call: Pick<Call, "received_at" | "responded_at" | "arrived_at" | "work_started_at" | "cleared_at" | "policy_json">, holds: readonly { start_at: string; end_at: string | null }[], now: string): SlaClocks {
  return slaClocks({
    timestamps: { received: call.received_at, responded: call.responded_at, arrived: call.arrived_at, workStarted: call.work_started_at, cleared: call.cleared_at },
    holds: holds.map((h) => ({ start: h.start_at, end: h.end_at })),
    now,
    policy: parseSlaSnapshot(call.policy_json),
  });
}

/** True when the scope covers the call (its engineer or whoever took it). */
export function callInScope(scope: Scope, call: Pick<Call, "engineer_id" | "taken_by">): boolean {
  return scope.kind === "all" || scope.userIds.includes(call.taken_by) || (call.engineer_id !== null && scope.userIds.includes(call.engineer_id));
}

export type CallResult = { ok: true } | { ok: false; key: string };

const fail = (key: string): CallResult => ({ ok: false, key });

/** Dispatches (or re-dispatches) an open call to an engineer. */
export async function dispatchCall(ctx: PluginContext, props: { id: number; engineerId: number; actorId: number }): Promise<CallResult> {
  const now = ctx.clock().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const engineer = await (trx as Db).selectFrom("users").select("id").where("id", "=", props.engineerId).where("active", "=", 1).executeTakeFirst();
    if (!engineer) return fail("validation.unknownRef");
    const r = await (trx as Db)
      .updateTable("visits_call")
      .set({ engineer_id: props.engineerId, dispatched_at: now, updated_at: now })
      .where("id", "=", props.id)
      .where("closed_at", "is", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return fail("visits.error.callClosed");
    await ctx.audit(trx, { actorId: props.actorId, action: "visits.call.dispatch", target: `visits_call:${props.id}`, detail: { engineerId: props.engineerId } });
    return { ok: true } as const;
  });
}

export { MILESTONES, type Milestone } from "./milestones";

const COLUMN: Record<Milestone, "responded_at" | "arrived_at" | "work_started_at" | "cleared_at"> = {
  responded: "responded_at",
  arrived: "arrived_at",
  workStarted: "work_started_at",
  cleared: "cleared_at",
};

/**
 * Records a milestone once, at `at` (UTC ISO): not before the milestone it follows (received for
 * responded and arrived; arrived for work started; work started for cleared), not in the future.
 * Arriving on site before anyone recorded a response counts as the response at that moment.
 */
export async function recordMilestone(ctx: PluginContext, props: { id: number; milestone: Milestone; at: string; actorId: number }): Promise<CallResult> {
  const nowMs = ctx.clock().getTime();
  const now = new Date(nowMs).toISOString();
  if (Date.parse(props.at) > nowMs + SKEW_MS) return fail("visits.error.future");
  return ctx.db.transaction().execute(async (trx) => {
    const call = await (trx as Db).selectFrom("visits_call").selectAll().where("id", "=", props.id).executeTakeFirst();
    if (!call) return fail("visits.error.notFound");
    if (call.closed_at) return fail("visits.error.callClosed");
    const column = COLUMN[props.milestone];
    if (call[column]) return fail("visits.error.alreadyRecorded");
    const after: Record<Milestone, string | null> = {
      responded: call.received_at,
      arrived: call.received_at,
      workStarted: call.arrived_at,
      cleared: call.work_started_at,
    };
    const previous = after[props.milestone];
    if (previous === null) return fail(props.milestone === "workStarted" ? "visits.error.needArrived" : "visits.error.needWorkStarted");
    if (props.at < previous) return fail("visits.error.beforePrevious");
    const patch: { responded_at?: string; arrived_at?: string; work_started_at?: string; cleared_at?: string; updated_at: string } = { [column]: props.at, updated_at: now };
    if (props.milestone === "arrived" && !call.responded_at) patch.responded_at = props.at;
    await (trx as Db).updateTable("visits_call").set(patch).where("id", "=", props.id).execute();
    await ctx.audit(trx, { actorId: props.actorId, action: `visits.call.${props.milestone}`, target: `visits_call:${props.id}`, detail: { at: props.at } });
    return { ok: true } as const;
  });
}

/** Puts an open call on hold (the clocks stop) — one hold at a time. */
export async function startHold(ctx: PluginContext, props: { id: number; reason: HoldReason; note: string | null; at: string; actorId: number }): Promise<CallResult> {
  if (Date.parse(props.at) > ctx.clock().getTime() + SKEW_MS) return fail("visits.error.future");
  return ctx.db.transaction().execute(async (trx) => {
    const call = await (trx as Db).selectFrom("visits_call").select(["received_at", "closed_at", "cleared_at"]).where("id", "=", props.id).executeTakeFirst();
    if (!call) return fail("visits.error.notFound");
    if (call.closed_at || call.cleared_at) return fail("visits.error.callClosed");
    if (props.at < call.received_at) return fail("visits.error.beforePrevious");
    const holds = await (trx as Db).selectFrom("visits_call_hold").select(["start_at", "end_at"]).where("call_id", "=", props.id).execute();
    if (holds.some((h) => h.end_at === null)) return fail("visits.error.onHold");
    if (holds.some((h) => h.end_at !== null && props.at < h.end_at)) return fail("visits.error.beforePrevious");
    await (trx as Db).insertInto("visits_call_hold").values({ call_id: props.id, reason: props.reason, note: props.note, start_at: props.at, end_at: null, created_by: props.actorId }).execute();
    await ctx.audit(trx, { actorId: props.actorId, action: "visits.call.hold", target: `visits_call:${props.id}`, detail: { reason: props.reason, note: props.note, at: props.at } });
    return { ok: true } as const;
  });
}

/** Ends the call's open hold at `at`; the clocks run again. */
export async function endHold(ctx: PluginContext, props: { id: number; at: string; actorId: number }): Promise<CallResult> {
  if (Date.parse(props.at) > ctx.clock().getTime() + SKEW_MS) return fail("visits.error.future");
  return ctx.db.transaction().execute(async (trx) => {
    const hold = await (trx as Db).selectFrom("visits_call_hold").select(["id", "start_at"]).where("call_id", "=", props.id).where("end_at", "is", null).executeTakeFirst();
    if (!hold) return fail("visits.error.notOnHold");
    if (props.at < hold.start_at) return fail("visits.error.beforePrevious");
    await (trx as Db).updateTable("visits_call_hold").set({ end_at: props.at }).where("id", "=", hold.id).execute();
    await ctx.audit(trx, { actorId: props.actorId, action: "visits.call.resume", target: `visits_call:${props.id}`, detail: { at: props.at } });
    return { ok: true } as const;
  });
}

/**
 * Closes a call whose fault is cleared. In the same transaction: ends an open hold, schedules
 * the phone return visit (回访) for the customer's owner (the engineer, then the person who took
 * the call, when the customer has none) `returnVisitDays` after closing, and queues an email
 * telling that owner. After the commit it emits `visits.servicecall.closed`.
 */
export async function closeCall(ctx: PluginContext, props: { id: number; at: string; resolution: string; actorId: number }): Promise<CallResult> {
  const nowIso = ctx.clock().toISOString();
  if (Date.parse(props.at) > ctx.clock().getTime() + SKEW_MS) return fail("visits.error.future");
  const policy = await readPolicy(ctx.db);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const t = trx as Db;
    const call = await t
      .selectFrom("visits_call as k")
      .innerJoin("customers as c", "c.id", "k.customer_id")
      .select(["k.id", "k.customer_id", "k.engineer_id", "k.taken_by", "k.cleared_at", "k.closed_at", "k.fault", "c.company", "c.owner_id"])
      .where("k.id", "=", props.id)
      .executeTakeFirst();
    if (!call) return { ok: false as const, key: "visits.error.notFound" };
    if (call.closed_at) return { ok: false as const, key: "visits.error.callClosed" };
    if (!call.cleared_at) return { ok: false as const, key: "visits.error.needCleared" };
    if (props.at < call.cleared_at) return { ok: false as const, key: "visits.error.beforePrevious" };
    const ownerCandidates = [call.owner_id, call.engineer_id, call.taken_by];
    let owner: { id: number; name: string; email: string; locale: string | null } | undefined;
    for (const candidate of ownerCandidates) {
      if (candidate === null) continue;
      owner = await t.selectFrom("users").select(["id", "name", "email", "locale"]).where("id", "=", candidate).where("active", "=", 1).executeTakeFirst();
      if (owner) break;
    }
    if (!owner) return { ok: false as const, key: "visits.error.noOwner" };
    await t.updateTable("visits_call").set({ closed_at: props.at, resolution: props.resolution, updated_at: nowIso }).where("id", "=", props.id).execute();
    // An open hold ends at the closing time (or where it started, if it was stamped later).
    await t.updateTable("visits_call_hold").set({ end_at: props.at }).where("call_id", "=", props.id).where("end_at", "is", null).where("start_at", "<=", props.at).execute();
    await t.updateTable("visits_call_hold").set((eb) => ({ end_at: eb.ref("start_at") })).where("call_id", "=", props.id).where("end_at", "is", null).execute();
    const plannedAt = addDaysIso(props.at, policy.returnVisitDays);
    const visit = await t
      .insertInto("visits_visit")
      .values({
        customer_id: call.customer_id,
        type: "phone_return",
        status: "planned",
        owner_id: owner.id,
        planned_at: plannedAt,
        started_at: null,
        ended_at: null,
        visit_date: null,
        summary: null,
        findings: null,
        requests: null,
        parts_replaced: null,
        checklist_json: null,
        cancel_reason: null,
        source_call_id: call.id,
        created_by: props.actorId,
        created_at: nowIso,
        updated_at: nowIso,
        closed_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.insertInto("visits_visit_visitor").values({ visit_id: visit.id, user_id: owner.id }).execute();
    const zh = owner.locale !== "en";
    const subject = safeHeader(
      zh ? `回访任务：${call.company}（服务单 #${call.id}），请于 ${companyDate(plannedAt)} 电话回访` : `Return visit: call ${call.company} about service call #${call.id} on ${companyDate(plannedAt)}`,
    );
    const { html, text } = renderEmail({
      locale: zh ? "zh-CN" : "en",
      heading: subject,
      paragraphs: [
        zh ? `服务单 #${call.id} 已关闭。故障：${call.fault}` : `Service call #${call.id} is closed. Fault reported: ${call.fault}`,
        zh
          ? `请在 ${companyDate(plannedAt)} 电话回访客户，确认设备运行正常、客户能熟练使用。`
          : `Please phone the customer on ${companyDate(plannedAt)} to confirm the equipment works and the customer uses it proficiently.`,
      ],
      button: { label: zh ? "打开回访任务" : "Open the return visit", url: `${ctx.settings.publicBaseUrl}/visits/${visit.id}` },
    });
    await ctx.mail.enqueue(trx, { key: `visits:return-visit:${visit.id}`, to: owner.email, toName: owner.name, subject, html, text });
    await ctx.audit(trx, { actorId: props.actorId, action: "visits.call.close", target: `visits_call:${props.id}`, detail: { at: props.at, returnVisitId: visit.id } });
    const event: ServiceCallClosedEvent = { callId: call.id, customerId: call.customer_id, engineerId: call.engineer_id, closedAt: props.at, returnVisitId: visit.id, returnVisitOwnerId: owner.id };
    return { ok: true as const, event };
  });
  if (!outcome.ok) return outcome;
  await ctx.events.emit(SERVICECALL_CLOSED, outcome.event);
  return { ok: true };
}

export interface CallFilters {
  readonly state?: "open" | "closed" | null;
  readonly engineerId?: number | null;
  readonly customerId?: number | null;
  readonly q?: string | null;
}

function scopedCalls(db: Db, scope: Scope, f: CallFilters) {
  let q = db
    .selectFrom("visits_call as k")
    .innerJoin("customers as c", "c.id", "k.customer_id")
    .leftJoin("users as en", "en.id", "k.engineer_id");
  if (scope.kind === "users") {
    const ids = scope.userIds;
    q = q.where((eb) => eb.or([eb("k.engineer_id", "in", ids), eb("k.taken_by", "in", ids)]));
  }
  if (f.state === "open") q = q.where("k.closed_at", "is", null);
  if (f.state === "closed") q = q.where("k.closed_at", "is not", null);
  if (f.engineerId) q = q.where("k.engineer_id", "=", f.engineerId);
  if (f.customerId) q = q.where("k.customer_id", "=", f.customerId);
  if (f.q) q = q.where(lower("c.company"), "like", lowerLike(f.q));
  return q;
}

/** Holds of many calls, by call id. */
export async function holdsOf(db: Kysely<any>, callIds: readonly number[]) {
  const byCall = new Map<number, { start_at: string; end_at: string | null }[]>();
  if (callIds.length === 0) return byCall;
  for (let i = 0; i < callIds.length; i += 500) {
    const rows = await (db as Db).selectFrom("visits_call_hold").select(["call_id", "start_at", "end_at"]).where("call_id", "in", callIds.slice(i, i + 500)).execute();
    for (const r of rows) {
      let list = byCall.get(r.call_id);
      if (!list) byCall.set(r.call_id, (list = []));
      list.push(r);
    }
  }
  return byCall;
}

/** One page of calls in scope, newest first, each with its clocks at `now`. */
export async function listCalls(db: Kysely<any>, scope: Scope, f: CallFilters, page: number, pageSize: number, now: string) {
  const base = scopedCalls(db as Db, scope, f);
  const total = Number((await base.select(sql<number>`count(*)`.as("n")).executeTakeFirst())?.n ?? 0);
  const rows = await base
    .select(["k.id", "k.customer_id", "c.company", "k.fault", "k.channel", "k.received_at", "k.responded_at", "k.arrived_at", "k.work_started_at", "k.cleared_at", "k.closed_at", "k.policy_json", "k.engineer_id", "en.name as engineer_name"])
    .orderBy("k.received_at", "desc")
    .orderBy("k.id", "desc")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const holds = await holdsOf(db, rows.map((r) => r.id));
  return {
    total,
    rows: rows.map(({ policy_json, ...r }) => ({
      ...r,
      onHold: (holds.get(r.id) ?? []).some((h) => h.end_at === null),
      clocks: callClocks({ ...r, policy_json }, holds.get(r.id) ?? [], now),
    })),
  };
}
