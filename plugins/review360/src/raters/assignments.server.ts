import type { Locale, PluginContext } from "@aftercare/plugin-api";
import type { RaterGroup } from "@aftercare/scoring";
import type { Db } from "../cycle/cycles.server";
import { customerMail, nominationDecidedMail, nominationSubmittedMail } from "./rater-mail";

export const INVITATION_PURPOSE = "review360";

/** Why a rater change was refused; the route turns it into a message. */
export type RaterProblem = "cycle-not-open" | "not-allowed-now" | "too-few" | "too-many" | "invalid-rater" | "not-found";
export type RaterResult = { readonly ok: true; readonly count: number } | { readonly ok: false; readonly problem: RaterProblem };

interface RevieweeRow {
  id: number;
  cycle_id: number;
  user_id: number;
  supervisor_id: number | null;
  nomination_status: string;
  nomination_round: number;
  status: string;
  peer_min: number;
  peer_max: number;
  due_date: string;
  name: string;
}

/** A reviewee with its cycle's rules, or null. */
export async function getReviewee(db: Db, revieweeId: number): Promise<RevieweeRow | null> {
  const row = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("review360_cycle as c", "c.id", "r.cycle_id")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["r.id", "r.cycle_id", "r.user_id", "r.supervisor_id", "r.nomination_status", "r.nomination_round", "c.status", "c.peer_min", "c.peer_max", "c.due_date", "u.name"])
    .where("r.id", "=", revieweeId)
    .executeTakeFirst();
  return row ?? null;
}

/** Staff a reviewee may nominate as peers: active, not themself, their supervisor or a direct report. */
export async function peerCandidates(db: Db, revieweeId: number): Promise<{ id: number; name: string; sameTeam: boolean }[]> {
  const r = await getReviewee(db, revieweeId);
  if (!r) return [];
  const users = await db.selectFrom("users").select(["id", "name", "supervisor_id"]).where("active", "=", 1).where("role", "!=", "admin").orderBy("name").execute();
  return users
    .filter((u) => u.id !== r.user_id && u.id !== r.supervisor_id && u.supervisor_id !== r.user_id)
    .map((u) => ({ id: u.id, name: u.name, sameTeam: r.supervisor_id !== null && u.supervisor_id === r.supervisor_id }))
    .sort((a, b) => Number(b.sameTeam) - Number(a.sameTeam));
}

async function validPeers(db: Db, revieweeId: number, peerIds: readonly number[]): Promise<boolean> {
  const allowed = new Set((await peerCandidates(db, revieweeId)).map((c) => c.id));
  return peerIds.every((id) => allowed.has(id));
}

/** Raters of the reviewee assigned in another group than peers (a person rates a reviewee once). */
async function takenOutsidePeers(db: Db, revieweeId: number): Promise<Set<number>> {
  const rows = await db.selectFrom("review360_assignment").select("rater_user_id").where("reviewee_id", "=", revieweeId).where("rater_group", "!=", "peers").where("rater_user_id", "is not", null).execute();
  return new Set(rows.map((r) => r.rater_user_id!));
}

/** Thrown inside a transaction to roll it back when the nomination changed state meanwhile. */
class StateChanged extends Error {}

function localeOf(value: string | null | undefined): Locale {
  return value === "en" ? "en" : "zh-CN";
}

/**
 * The reviewee nominates peers (between the cycle's minimum and maximum): replaces their earlier
 * proposal and sends it to their supervisor, who gets an email in their language (once per
 * submission: key `review360:<cycle>:nomination:<reviewee>:<round>:submitted`). Allowed while the
 * cycle is open and the list is not awaiting a decision or approved; a concurrent second submit
 * finds the list already submitted and is refused.
 */
export async function nominatePeers(ctx: PluginContext, revieweeId: number, peerIds: readonly number[]): Promise<RaterResult> {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  const r = await getReviewee(db, revieweeId);
  if (!r) return { ok: false, problem: "not-found" };
  if (r.status !== "open") return { ok: false, problem: "cycle-not-open" };
  if (r.nomination_status !== "open" && r.nomination_status !== "returned") return { ok: false, problem: "not-allowed-now" };
  const ids = [...new Set(peerIds)];
  if (ids.length < r.peer_min) return { ok: false, problem: "too-few" };
  if (ids.length > r.peer_max) return { ok: false, problem: "too-many" };
  if (!(await validPeers(db, revieweeId, ids))) return { ok: false, problem: "invalid-rater" };
  const round = r.nomination_round + 1;
  try {
    await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable("review360_reviewee")
        .set({ nomination_status: "submitted", nomination_note: null, nomination_round: round })
        .where("id", "=", revieweeId)
        .where("nomination_status", "in", ["open", "returned"])
        .where("nomination_round", "=", r.nomination_round)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new StateChanged();
      await trx.deleteFrom("review360_assignment").where("reviewee_id", "=", revieweeId).where("status", "=", "proposed").execute();
      const already = new Set(
        (await trx.selectFrom("review360_assignment").select("rater_user_id").where("reviewee_id", "=", revieweeId).where("rater_user_id", "is not", null).execute()).map((x) => x.rater_user_id),
      );
      const fresh = ids.filter((id) => !already.has(id));
      if (fresh.length) {
        await trx
          .insertInto("review360_assignment")
          .values(fresh.map((id) => ({ cycle_id: r.cycle_id, reviewee_id: revieweeId, rater_group: "peers" as const, rater_user_id: id, customer_id: null, invitation_id: null, source: "nominated" as const, status: "proposed" as const, draft_json: null, last_reminded_at: null, created_at: now, submitted_at: null })))
          .execute();
      }
      const supervisor = r.supervisor_id === null ? undefined : await trx.selectFrom("users").select(["email", "name", "locale"]).where("id", "=", r.supervisor_id).where("active", "=", 1).executeTakeFirst();
      if (supervisor) {
        const cycle = await trx.selectFrom("review360_cycle").select("name").where("id", "=", r.cycle_id).executeTakeFirstOrThrow();
        const peers = (await trx.selectFrom("users").select("name").where("id", "in", ids).orderBy("name").execute()).map((u) => u.name);
        const mail = nominationSubmittedMail({
          locale: localeOf(supervisor.locale),
          supervisorName: supervisor.name,
          revieweeName: r.name,
          cycleName: cycle.name,
          peers,
          url: `${ctx.settings.publicBaseUrl}/review360/nominations/${revieweeId}`,
        });
        await ctx.mail.enqueue(trx, { key: `review360:${r.cycle_id}:nomination:${revieweeId}:${round}:submitted`, to: supervisor.email, toName: supervisor.name, ...mail });
      }
    });
  } catch (error) {
    if (error instanceof StateChanged) return { ok: false, problem: "not-allowed-now" };
    throw error;
  }
  return { ok: true, count: ids.length };
}

/** The peers currently proposed or assigned for a reviewee, with their state. */
export async function peerList(db: Db, revieweeId: number): Promise<{ assignmentId: number; userId: number; name: string; status: string; source: string }[]> {
  const rows = await db
    .selectFrom("review360_assignment as a")
    .innerJoin("users as u", "u.id", "a.rater_user_id")
    .select(["a.id", "a.rater_user_id", "u.name", "a.status", "a.source"])
    .where("a.reviewee_id", "=", revieweeId)
    .where("a.rater_group", "=", "peers")
    .orderBy("u.name")
    .execute();
  return rows.map((r) => ({ assignmentId: r.id, userId: r.rater_user_id!, name: r.name, status: r.status, source: r.source }));
}

/**
 * The supervisor (or a manager) decides on a submitted nomination. `approve` with the list as
 * edited (peers removed or added, within the cycle's limits) turns the proposals into reviews to
 * do; `reject` discards the proposals and returns the list to the reviewee with a note. Either
 * way the reviewee gets an email in their language, once per decision (key
 * `review360:<cycle>:nomination:<reviewee>:<round>:approved|returned`); a second decision on the
 * same submission is refused.
 */
export async function decideNomination(
  ctx: PluginContext,
  revieweeId: number,
  decision: { kind: "approve"; peerIds: readonly number[] } | { kind: "reject"; note: string },
): Promise<RaterResult> {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  const r = await getReviewee(db, revieweeId);
  if (!r) return { ok: false, problem: "not-found" };
  if (r.status !== "open") return { ok: false, problem: "cycle-not-open" };
  if (r.nomination_status !== "submitted") return { ok: false, problem: "not-allowed-now" };
  const outcome = decision.kind === "approve" ? ("approved" as const) : ("returned" as const);
  const note = decision.kind === "reject" ? decision.note.trim().slice(0, 1000) || null : null;
  const claim = async (trx: Db) => {
    const claimed = await trx
      .updateTable("review360_reviewee")
      .set({ nomination_status: outcome, nomination_note: note })
      .where("id", "=", revieweeId)
      .where("nomination_status", "=", "submitted")
      .where("nomination_round", "=", r.nomination_round)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new StateChanged();
  };
  const tellReviewee = async (trx: Db, peers: number) => {
    const reviewee = await trx.selectFrom("users").select(["email", "name", "locale", "active"]).where("id", "=", r.user_id).executeTakeFirstOrThrow();
    if (reviewee.active !== 1) return;
    const cycle = await trx.selectFrom("review360_cycle").select("name").where("id", "=", r.cycle_id).executeTakeFirstOrThrow();
    const base = ctx.settings.publicBaseUrl;
    const mail = nominationDecidedMail({
      locale: localeOf(reviewee.locale),
      outcome,
      name: reviewee.name,
      cycleName: cycle.name,
      peers,
      note,
      dueDate: r.due_date,
      url: outcome === "approved" ? `${base}/review360` : `${base}/review360/nominations/${revieweeId}`,
    });
    await ctx.mail.enqueue(trx, { key: `review360:${r.cycle_id}:nomination:${revieweeId}:${r.nomination_round}:${outcome}`, to: reviewee.email, toName: reviewee.name, ...mail });
  };
  try {
    if (decision.kind === "reject") {
      await db.transaction().execute(async (trx) => {
        await claim(trx);
        await trx.deleteFrom("review360_assignment").where("reviewee_id", "=", revieweeId).where("status", "=", "proposed").execute();
        await tellReviewee(trx, 0);
      });
      return { ok: true, count: 0 };
    }
    const ids = [...new Set(decision.peerIds)];
    const existing = await peerList(db, revieweeId);
    const kept = existing.filter((p) => p.status !== "proposed").map((p) => p.userId);
    const total = new Set([...ids, ...kept]).size;
    if (total < r.peer_min) return { ok: false, problem: "too-few" };
    if (total > r.peer_max) return { ok: false, problem: "too-many" };
    if (!(await validPeers(db, revieweeId, ids))) return { ok: false, problem: "invalid-rater" };
    const taken = await takenOutsidePeers(db, revieweeId);
    if (ids.some((id) => taken.has(id))) return { ok: false, problem: "invalid-rater" };
    await db.transaction().execute(async (trx) => {
      await claim(trx);
      const proposed = existing.filter((p) => p.status === "proposed");
      const drop = proposed.filter((p) => !ids.includes(p.userId)).map((p) => p.assignmentId);
      if (drop.length) await trx.deleteFrom("review360_assignment").where("id", "in", drop).execute();
      const add = ids.filter((id) => !existing.some((p) => p.userId === id));
      if (add.length) {
        await trx
          .insertInto("review360_assignment")
          .values(add.map((id) => ({ cycle_id: r.cycle_id, reviewee_id: revieweeId, rater_group: "peers" as const, rater_user_id: id, customer_id: null, invitation_id: null, source: "nominated" as const, status: "proposed" as const, draft_json: null, last_reminded_at: null, created_at: now, submitted_at: null })))
          .execute();
      }
      await trx.updateTable("review360_assignment").set({ status: "open", created_at: now }).where("reviewee_id", "=", revieweeId).where("status", "=", "proposed").execute();
      await tellReviewee(trx, total);
    });
    return { ok: true, count: total };
  } catch (error) {
    if (error instanceof StateChanged) return { ok: false, problem: "not-allowed-now" };
    throw error;
  }
}

/** A manager assigns staff raters directly (peers, subordinates or the supervisor), ready to fill. */
export async function assignStaff(db: Db, revieweeId: number, group: Extract<RaterGroup, "peers" | "subordinates" | "supervisor">, userIds: readonly number[], now: string): Promise<RaterResult> {
  const r = await getReviewee(db, revieweeId);
  if (!r) return { ok: false, problem: "not-found" };
  if (r.status !== "open") return { ok: false, problem: "cycle-not-open" };
  const ids = [...new Set(userIds)].filter((id) => id !== r.user_id);
  const active = new Set((await db.selectFrom("users").select("id").where("active", "=", 1).where("id", "in", ids.length ? ids : [0]).execute()).map((u) => u.id));
  if (ids.length === 0 || ids.some((id) => !active.has(id))) return { ok: false, problem: "invalid-rater" };
  const taken = new Set((await db.selectFrom("review360_assignment").select("rater_user_id").where("reviewee_id", "=", revieweeId).where("rater_user_id", "in", ids).execute()).map((a) => a.rater_user_id));
  const fresh = ids.filter((id) => !taken.has(id));
  if (fresh.length) {
    await db
      .insertInto("review360_assignment")
      .values(fresh.map((id) => ({ cycle_id: r.cycle_id, reviewee_id: revieweeId, rater_group: group, rater_user_id: id, customer_id: null, invitation_id: null, source: "manager" as const, status: "open" as const, draft_json: null, last_reminded_at: null, created_at: now, submitted_at: null })))
      .execute();
  }
  return { ok: true, count: fresh.length };
}

/** Customers a manager may pick as raters: active, with an email, not opted out. */
export async function customerChoices(db: Db): Promise<{ id: number; company: string; contact_name: string | null }[]> {
  return db.selectFrom("customers").select(["id", "company", "contact_name"]).where("active", "=", 1).where("email_opt_out", "=", 0).where("email", "is not", null).where("email", "!=", "").orderBy("company").execute();
}

/** The personal link of a customer rater. */
export function customerLink(ctx: PluginContext, token: string): string {
  return `${ctx.settings.publicBaseUrl}/review360/r/${token}`;
}

/** When a customer's personal link stops working: 30 days after the due date (closing the cycle ends it sooner). */
export function linkExpiry(dueDate: string): string {
  return new Date(new Date(`${dueDate}T00:00:00.000Z`).getTime() + 31 * 86_400_000).toISOString();
}

/**
 * A manager picks customers to rate a reviewee: each gets an assignment, a personal link
 * (invitation service, purpose "review360") and an email with it, in one transaction. Customers
 * already rating this reviewee, without an email or opted out are skipped.
 */
export async function assignCustomers(ctx: PluginContext, revieweeId: number, customerIds: readonly number[]): Promise<RaterResult> {
  const db = ctx.db as Db;
  const r = await getReviewee(db, revieweeId);
  if (!r) return { ok: false, problem: "not-found" };
  if (r.status !== "open") return { ok: false, problem: "cycle-not-open" };
  const cycle = await db.selectFrom("review360_cycle").select(["name"]).where("id", "=", r.cycle_id).executeTakeFirstOrThrow();
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return { ok: false, problem: "invalid-rater" };
  const allowed = new Map((await customerChoices(db)).map((c) => [c.id, c]));
  if (ids.some((id) => !allowed.has(id))) return { ok: false, problem: "invalid-rater" };
  const now = ctx.clock().toISOString();
  const count = await db.transaction().execute(async (trx) => {
    const taken = new Set((await trx.selectFrom("review360_assignment").select("customer_id").where("reviewee_id", "=", revieweeId).where("customer_id", "in", ids).execute()).map((a) => a.customer_id));
    const customers = await trx.selectFrom("customers").select(["id", "company", "contact_name", "email", "locale"]).where("id", "in", ids).execute();
    let n = 0;
    for (const c of customers.filter((x) => !taken.has(x.id))) {
      const locale: Locale = c.locale === "en" ? "en" : "zh-CN";
      const assignment = await trx
        .insertInto("review360_assignment")
        .values({ cycle_id: r.cycle_id, reviewee_id: revieweeId, rater_group: "customers", rater_user_id: null, customer_id: c.id, invitation_id: null, source: "manager", status: "open", draft_json: null, last_reminded_at: null, created_at: now, submitted_at: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      const [invitation] = await ctx.invitations.createMany(trx, [
        { purpose: INVITATION_PURPOSE, subjectRef: String(assignment.id), recipientEmail: c.email, recipientName: c.contact_name, customerId: c.id, locale, expiresAt: linkExpiry(r.due_date) },
      ]);
      await trx.updateTable("review360_assignment").set({ invitation_id: invitation.id }).where("id", "=", assignment.id).execute();
      const mail = customerMail({ locale, kind: "invite", staffName: r.name, company: c.company, contactName: c.contact_name, dueDate: r.due_date, url: customerLink(ctx, invitation.token) });
      await ctx.mail.enqueue(trx, { key: `review360:${r.cycle_id}:customer:${assignment.id}:invite`, to: c.email!, toName: c.contact_name ?? c.company, ...mail });
      n++;
    }
    return n;
  });
  return { ok: true, count };
}

/** Removes a rater who has not submitted (a submitted rating cannot be taken back: it has no rater any more). */
export async function removeAssignment(db: Db, revieweeId: number, assignmentId: number): Promise<boolean> {
  const r = await db.deleteFrom("review360_assignment").where("id", "=", assignmentId).where("reviewee_id", "=", revieweeId).where("status", "!=", "submitted").where("rater_group", "!=", "self").executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
