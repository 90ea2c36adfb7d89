import type { Insertable, Kysely } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import { RATER_GROUPS, type MinRaters, type RaterGroup, type RaterWeights } from "@aftercare/scoring";
import type { CycleStatus, Review360Tables } from "../tables";
import { type CycleDefinition, parseDefinition } from "../definition/competencies";
import { staffTodoMail } from "../raters/rater-mail";

export type Db = Kysely<Review360Tables>;

/** Which staff a cycle reviews: picked by name, or everyone matching the filters. */
export interface RevieweeFilter {
  readonly userIds: readonly number[];
  readonly staffKinds: readonly ("support" | "field")[];
  readonly supervisorId: number | null;
}

/** What the set-up form edits: everything of a cycle but its competencies and scale. */
export interface CycleSettings {
  readonly name: string;
  readonly period: string;
  readonly weights: RaterWeights;
  readonly minRaters: MinRaters;
  readonly peerMin: number;
  readonly peerMax: number;
  /** YYYY-MM-DD, the last day to submit. */
  readonly dueDate: string;
  readonly reminderAfterDays: number;
  readonly reminderMax: number;
  readonly reviewees: RevieweeFilter;
}

/** A cycle to create: its settings and what it asks (the defaults, edited later while a draft). */
export interface NewCycle extends CycleSettings {
  readonly definition: CycleDefinition;
}

/** A stored cycle with its JSON columns read. */
export interface Cycle {
  readonly id: number;
  readonly name: string;
  readonly period: string;
  readonly status: CycleStatus;
  readonly definition: CycleDefinition;
  readonly weights: RaterWeights;
  readonly minRaters: MinRaters;
  readonly peerMin: number;
  readonly peerMax: number;
  readonly dueDate: string;
  readonly reminderAfterDays: number;
  readonly reminderMax: number;
  readonly openedAt: string | null;
  readonly closedAt: string | null;
}

/** The active staff a filter selects (admins are never reviewed). */
export async function selectReviewees(db: Db, filter: RevieweeFilter): Promise<{ id: number; name: string; supervisor_id: number | null }[]> {
  let q = db.selectFrom("users").select(["id", "name", "supervisor_id"]).where("active", "=", 1).where("role", "!=", "admin");
  if (filter.userIds.length > 0) {
    q = q.where("id", "in", [...filter.userIds]);
  } else {
    q = q.where("role", "=", "staff");
    if (filter.staffKinds.length > 0) q = q.where("staff_kind", "in", [...filter.staffKinds]);
    if (filter.supervisorId !== null) q = q.where("supervisor_id", "=", filter.supervisorId);
  }
  return q.orderBy("id").execute();
}

/** Creates a draft cycle and its reviewees (the supervisor is taken from the user record now). */
export async function createCycle(db: Db, c: NewCycle, actorId: number, now: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("review360_cycle")
      .values({
        ...settingsColumns(c),
        status: "draft",
        definition_json: JSON.stringify(c.definition),
        created_by: actorId,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const people = await selectReviewees(trx, c.reviewees);
    if (people.length > 0) {
      await trx
        .insertInto("review360_reviewee")
        .values(people.map((p) => ({ cycle_id: row.id, user_id: p.id, supervisor_id: p.supervisor_id, nomination_status: "open" as const })))
        .execute();
    }
    return row.id;
  });
}

/** The columns of the set-up form's settings. */
function settingsColumns(c: CycleSettings) {
  return {
    name: c.name,
    period: c.period,
    weights_json: JSON.stringify(c.weights),
    min_raters_json: JSON.stringify(c.minRaters),
    peer_min: c.peerMin,
    peer_max: c.peerMax,
    due_date: c.dueDate,
    reminder_after_days: c.reminderAfterDays,
    reminder_max: c.reminderMax,
  };
}

/** Why a change of a cycle's set-up was refused: it is no longer a draft, or it does not exist. */
export type DraftChange = { readonly ok: true } | { readonly ok: false; readonly problem: "not-draft" | "not-found" };

/**
 * Claims a draft for a change, inside the caller's transaction: a no-op update guarded by the
 * status, so opening the cycle at the same moment either happens before (and the change is
 * refused) or waits until the change is committed.
 */
async function claimDraft(trx: Db, cycleId: number): Promise<DraftChange> {
  const r = await trx.updateTable("review360_cycle").set({ status: "draft" }).where("id", "=", cycleId).where("status", "=", "draft").executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return { ok: true };
  const exists = await trx.selectFrom("review360_cycle").select("id").where("id", "=", cycleId).executeTakeFirst();
  return { ok: false, problem: exists ? "not-draft" : "not-found" };
}

/**
 * Changes a draft's settings and reviewees (re-selected with the filter: people dropped are
 * removed, people added get a reviewee row, everyone's supervisor is read again from their user
 * record). Audited. Refused once the cycle is open.
 */
export async function updateCycle(ctx: PluginContext, cycleId: number, c: CycleSettings, actorId: number): Promise<DraftChange> {
  return (ctx.db as Db).transaction().execute(async (trx) => {
    const claim = await claimDraft(trx, cycleId);
    if (!claim.ok) return claim;
    await trx.updateTable("review360_cycle").set(settingsColumns(c)).where("id", "=", cycleId).execute();
    const people = await selectReviewees(trx, c.reviewees);
    const keep = new Set(people.map((p) => p.id));
    const current = await trx.selectFrom("review360_reviewee").select(["id", "user_id"]).where("cycle_id", "=", cycleId).execute();
    const drop = current.filter((r) => !keep.has(r.user_id)).map((r) => r.id);
    if (drop.length) await trx.deleteFrom("review360_reviewee").where("id", "in", drop).execute();
    const have = new Set(current.map((r) => r.user_id));
    for (const p of people) {
      if (have.has(p.id)) await trx.updateTable("review360_reviewee").set({ supervisor_id: p.supervisor_id }).where("cycle_id", "=", cycleId).where("user_id", "=", p.id).execute();
    }
    const add = people.filter((p) => !have.has(p.id));
    if (add.length) {
      await trx.insertInto("review360_reviewee").values(add.map((p) => ({ cycle_id: cycleId, user_id: p.id, supervisor_id: p.supervisor_id, nomination_status: "open" as const }))).execute();
    }
    await ctx.audit(trx, { actorId, action: "review360.cycle.update", target: `review360_cycle:${cycleId}`, detail: { ...c, reviewees: people.length } });
    return { ok: true } as const;
  });
}

/**
 * Replaces a draft's competencies, statements and scale labels (validated by
 * `parseDefinitionInput`). Audited. Refused once the cycle is open: from then on what the raters
 * were asked never changes.
 */
export async function saveDefinition(ctx: PluginContext, cycleId: number, definition: CycleDefinition, actorId: number): Promise<DraftChange> {
  return (ctx.db as Db).transaction().execute(async (trx) => {
    const claim = await claimDraft(trx, cycleId);
    if (!claim.ok) return claim;
    await trx.updateTable("review360_cycle").set({ definition_json: JSON.stringify(definition) }).where("id", "=", cycleId).execute();
    await ctx.audit(trx, {
      actorId,
      action: "review360.cycle.definition",
      target: `review360_cycle:${cycleId}`,
      detail: { competencies: definition.competencies.map((c) => ({ id: c.id, items: c.items.length })) },
    });
    return { ok: true } as const;
  });
}

/**
 * Deletes a draft cycle and its reviewees (a draft has no raters, answers or mails yet). Audited
 * with what was deleted. Refused once the cycle is open.
 */
export async function deleteCycle(ctx: PluginContext, cycleId: number, actorId: number): Promise<DraftChange> {
  return (ctx.db as Db).transaction().execute(async (trx) => {
    const claim = await claimDraft(trx, cycleId);
    if (!claim.ok) return claim;
    const row = await trx.selectFrom("review360_cycle").select(["name", "period", "due_date"]).where("id", "=", cycleId).executeTakeFirstOrThrow();
    const reviewees = await trx.deleteFrom("review360_reviewee").where("cycle_id", "=", cycleId).executeTakeFirst();
    await trx.deleteFrom("review360_cycle").where("id", "=", cycleId).where("status", "=", "draft").execute();
    await ctx.audit(trx, {
      actorId,
      action: "review360.cycle.delete",
      target: `review360_cycle:${cycleId}`,
      detail: { name: row.name, period: row.period, dueDate: row.due_date, reviewees: Number(reviewees.numDeletedRows) },
    });
    return { ok: true } as const;
  });
}

/** Reads a cycle, or null. */
export async function getCycle(db: Db, id: number): Promise<Cycle | null> {
  const row = await db.selectFrom("review360_cycle").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    period: row.period,
    status: row.status,
    definition: parseDefinition(row.definition_json),
    weights: JSON.parse(row.weights_json) as RaterWeights,
    minRaters: JSON.parse(row.min_raters_json) as MinRaters,
    peerMin: row.peer_min,
    peerMax: row.peer_max,
    dueDate: row.due_date,
    reminderAfterDays: row.reminder_after_days,
    reminderMax: row.reminder_max,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
  };
}

/**
 * Opens a draft cycle: assigns every reviewee's self, supervisor and subordinates (active direct
 * reports) and mails each staff member involved once, with what they have to do. Returns false
 * when the cycle was not a draft.
 */
export async function openCycle(ctx: PluginContext, cycleId: number): Promise<boolean> {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  return db.transaction().execute(async (trx) => {
    const claimed = await trx.updateTable("review360_cycle").set({ status: "open", opened_at: now }).where("id", "=", cycleId).where("status", "=", "draft").executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const cycle = (await getCycle(trx, cycleId))!;
    const reviewees = await trx.selectFrom("review360_reviewee").select(["id", "user_id", "supervisor_id"]).where("cycle_id", "=", cycleId).execute();
    const reports = await trx.selectFrom("users").select(["id", "supervisor_id"]).where("active", "=", 1).where("supervisor_id", "is not", null).execute();
    const rows: Insertable<Review360Tables["review360_assignment"]>[] = [];
    for (const r of reviewees) {
      const base = { cycle_id: cycleId, reviewee_id: r.id, customer_id: null, invitation_id: null, source: "auto" as const, status: "open" as const, draft_json: null, last_reminded_at: null, created_at: now, submitted_at: null };
      rows.push({ ...base, rater_group: "self", rater_user_id: r.user_id });
      if (r.supervisor_id !== null && r.supervisor_id !== r.user_id) rows.push({ ...base, rater_group: "supervisor", rater_user_id: r.supervisor_id });
      for (const sub of reports.filter((u) => u.supervisor_id === r.user_id && u.id !== r.supervisor_id)) {
        rows.push({ ...base, rater_group: "subordinates", rater_user_id: sub.id });
      }
    }
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto("review360_assignment").values(rows.slice(i, i + 200)).execute();
    await mailStaffTodo(ctx, trx, cycle);
    return true;
  });
}

/** One mail per staff member involved in an opened cycle: reviews to do and, for reviewees, peers to nominate. */
async function mailStaffTodo(ctx: PluginContext, trx: Db, cycle: Cycle): Promise<void> {
  const raters = await trx
    .selectFrom("review360_assignment as a")
    .innerJoin("users as u", "u.id", "a.rater_user_id")
    .select(["u.id", "u.email", "u.name", "u.locale", (eb) => eb.fn.countAll<number>().as("n")])
    .where("a.cycle_id", "=", cycle.id)
    .where("u.active", "=", 1)
    .groupBy(["u.id", "u.email", "u.name", "u.locale"])
    .execute();
  const reviewees = new Set((await trx.selectFrom("review360_reviewee").select("user_id").where("cycle_id", "=", cycle.id).execute()).map((r) => r.user_id));
  for (const u of raters) {
    const mail = staffTodoMail({ locale: u.locale === "en" ? "en" : "zh-CN", name: u.name, cycleName: cycle.name, reviews: Number(u.n), nominate: reviewees.has(u.id), dueDate: cycle.dueDate, url: `${ctx.settings.publicBaseUrl}/review360` });
    await ctx.mail.enqueue(trx, { key: `review360:${cycle.id}:todo:${u.id}`, to: u.email, toName: u.name, ...mail });
  }
}

/** Closes an open cycle: no more answers; reports can be read and released. */
export async function closeCycle(db: Db, cycleId: number, now: string): Promise<boolean> {
  const r = await db.updateTable("review360_cycle").set({ status: "closed", closed_at: now }).where("id", "=", cycleId).where("status", "=", "open").executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A reviewee who cannot reach a group's minimum number of raters (so the group will be hidden). */
export interface MinimumWarning {
  readonly revieweeId: number;
  readonly userId: number;
  readonly name: string;
  readonly group: RaterGroup;
  /** Raters possible (draft) or assigned (open). */
  readonly have: number;
  readonly need: number;
}

/**
 * Which reviewees cannot reach a group's minimum. Before opening: from who could rate them
 * (a supervisor on record, active direct reports, other staff as peers, customers with an email).
 * Once open: from who is assigned (nominated peers count). Groups with no weight are skipped, and
 * so are subordinates when the reviewee has none (the group is absent, its weight redistributed).
 */
export async function minimumWarnings(db: Db, cycle: Cycle): Promise<MinimumWarning[]> {
  const reviewees = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["r.id", "r.user_id", "r.supervisor_id", "u.name"])
    .where("r.cycle_id", "=", cycle.id)
    .orderBy("u.name")
    .execute();
  const warnings: MinimumWarning[] = [];
  const groups = RATER_GROUPS.filter((g) => g !== "self" && cycle.weights[g] > 0);
  if (cycle.status === "draft") {
    const activeUsers = await db.selectFrom("users").select(["id", "supervisor_id"]).where("active", "=", 1).execute();
    const customers = Number(
      (await db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).where("active", "=", 1).where("email_opt_out", "=", 0).where("email", "is not", null).executeTakeFirst())?.n ?? 0,
    );
    for (const r of reviewees) {
      const subordinates = activeUsers.filter((u) => u.supervisor_id === r.user_id).length;
      const peers = activeUsers.filter((u) => u.id !== r.user_id && u.id !== r.supervisor_id && u.supervisor_id !== r.user_id).length;
      const possible: Record<string, number> = { supervisor: r.supervisor_id === null ? 0 : 1, subordinates, peers: Math.min(peers, cycle.peerMax), customers };
      for (const g of groups) {
        if (g === "subordinates" && subordinates === 0) continue;
        if (possible[g] < cycle.minRaters[g]) warnings.push({ revieweeId: r.id, userId: r.user_id, name: r.name, group: g, have: possible[g], need: cycle.minRaters[g] });
      }
    }
    return warnings;
  }
  const counts = await db
    .selectFrom("review360_assignment")
    .select(["reviewee_id", "rater_group", (eb) => eb.fn.countAll<number>().as("n")])
    .where("cycle_id", "=", cycle.id)
    .groupBy(["reviewee_id", "rater_group"])
    .execute();
  for (const r of reviewees) {
    for (const g of groups) {
      const have = Number(counts.find((c) => c.reviewee_id === r.id && c.rater_group === g)?.n ?? 0);
      if (g === "subordinates" && have === 0) continue;
      if (have < cycle.minRaters[g]) warnings.push({ revieweeId: r.id, userId: r.user_id, name: r.name, group: g, have, need: cycle.minRaters[g] });
    }
  }
  return warnings;
}

/** Submitted / assigned raters of one group. */
export interface GroupCompletion {
  readonly assigned: number;
  readonly submitted: number;
}

export interface RevieweeCompletion {
  readonly revieweeId: number;
  readonly userId: number;
  readonly name: string;
  readonly nominationStatus: string;
  readonly releasedAt: string | null;
  readonly groups: Readonly<Partial<Record<RaterGroup, GroupCompletion>>>;
}

/** Completion per reviewee and per group (proposed nominations not yet counted as assigned). */
export async function cycleCompletion(db: Db, cycleId: number): Promise<RevieweeCompletion[]> {
  const reviewees = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["r.id", "r.user_id", "u.name", "r.nomination_status", "r.released_at"])
    .where("r.cycle_id", "=", cycleId)
    .orderBy("u.name")
    .execute();
  const counts = await db
    .selectFrom("review360_assignment")
    .select(["reviewee_id", "rater_group", "status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("cycle_id", "=", cycleId)
    .where("status", "!=", "proposed")
    .groupBy(["reviewee_id", "rater_group", "status"])
    .execute();
  return reviewees.map((r) => {
    const groups: Partial<Record<RaterGroup, GroupCompletion>> = {};
    for (const c of counts.filter((x) => x.reviewee_id === r.id)) {
      const g = groups[c.rater_group] ?? { assigned: 0, submitted: 0 };
      groups[c.rater_group] = { assigned: g.assigned + Number(c.n), submitted: g.submitted + (c.status === "submitted" ? Number(c.n) : 0) };
    }
    return { revieweeId: r.id, userId: r.user_id, name: r.name, nominationStatus: r.nomination_status, releasedAt: r.released_at, groups };
  });
}
