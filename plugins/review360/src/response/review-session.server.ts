import crypto from "node:crypto";
import type { Invitation, Locale, PluginContext } from "@aftercare/plugin-api";
import { compiledSurvey, type SurveyJson } from "@aftercare/forms";
import type { RaterGroup } from "@aftercare/scoring";
import type { Db } from "../cycle/cycles.server";
import { allItems, type CycleDefinition, parseDefinition } from "../definition/competencies";
import { buildReviewSurvey, IMPROVE_QUESTION, NOT_OBSERVED, STRENGTHS_QUESTION, type Perspective } from "../definition/survey-json";
import { INVITATION_PURPOSE } from "../raters/assignments.server";
import { splitSentences } from "./sentences";

/** One rater's form for one reviewee, found from a login or a personal link. */
export interface ReviewSession {
  readonly assignmentId: number;
  readonly cycleId: number;
  readonly cycleName: string;
  readonly dueDate: string;
  readonly revieweeId: number;
  readonly revieweeName: string;
  readonly group: RaterGroup;
  readonly perspective: Perspective;
  readonly definition: CycleDefinition;
  readonly survey: SurveyJson;
  readonly draft: Record<string, unknown>;
  readonly invitation: Invitation | null;
}

const MAX_DRAFT_BYTES = 32 * 1024;

async function sessionFor(db: Db, where: { assignmentId: number } | { invitationId: string }, invitation: Invitation | null): Promise<ReviewSession | null> {
  let q = db
    .selectFrom("review360_assignment as a")
    .innerJoin("review360_cycle as c", "c.id", "a.cycle_id")
    .innerJoin("review360_reviewee as r", "r.id", "a.reviewee_id")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["a.id", "a.cycle_id", "a.reviewee_id", "a.rater_group", "a.rater_user_id", "a.status", "a.draft_json", "c.name as cycle_name", "c.status as cycle_status", "c.due_date", "c.definition_json", "u.name"]);
  q = "assignmentId" in where ? q.where("a.id", "=", where.assignmentId) : q.where("a.invitation_id", "=", where.invitationId);
  const row = await q.executeTakeFirst();
  if (!row || row.status !== "open" || row.cycle_status !== "open") return null;
  const definition = parseDefinition(row.definition_json);
  const perspective: Perspective = row.rater_group === "self" ? "self" : row.rater_group === "customers" ? "customer" : "colleague";
  let draft: Record<string, unknown> = {};
  if (row.draft_json) {
    try {
      draft = JSON.parse(row.draft_json) as Record<string, unknown>;
    } catch {
      draft = {};
    }
  }
  return {
    assignmentId: row.id,
    cycleId: row.cycle_id,
    cycleName: row.cycle_name,
    dueDate: row.due_date,
    revieweeId: row.reviewee_id,
    revieweeName: row.name,
    group: row.rater_group,
    perspective,
    definition,
    survey: buildReviewSurvey(definition, perspective, row.name),
    draft,
    invitation,
  };
}

/**
 * A staff member's review to fill: null unless the assignment is theirs, still open, in an open
 * cycle — the route answers 404 alike for all of those.
 */
export async function openStaffReview(db: Db, assignmentId: number, viewerId: number): Promise<ReviewSession | null> {
  const owner = await db.selectFrom("review360_assignment").select("rater_user_id").where("id", "=", assignmentId).executeTakeFirst();
  if (!owner || owner.rater_user_id !== viewerId) return null;
  return sessionFor(db, { assignmentId }, null);
}

/** A customer's review from their personal link: null for an unknown, tampered, expired or used link. */
export async function openCustomerReview(ctx: PluginContext, token: string): Promise<ReviewSession | null> {
  const check = await ctx.invitations.check(token, INVITATION_PURPOSE);
  if (!check.ok) return null;
  return sessionFor(ctx.db as Db, { invitationId: check.invitation.id }, check.invitation);
}

/** Marks a personal link opened (first visit). */
export async function markOpened(ctx: PluginContext, session: ReviewSession): Promise<void> {
  if (session.invitation?.state === "sent") await ctx.invitations.advance(ctx.db, session.invitation.id, "opened");
}

/** Saves a draft (known questions only, size-capped) so the rater can come back to it. */
export async function saveDraft(ctx: PluginContext, session: ReviewSession, answers: unknown): Promise<boolean> {
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) return false;
  const known = new Set(compiledSurvey(session.survey).questions.map((q) => q.name));
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answers as Record<string, unknown>)) {
    if (known.has(key) && (typeof value === "string" || typeof value === "number")) kept[key] = value;
  }
  const json = JSON.stringify(kept);
  if (json.length > MAX_DRAFT_BYTES) return false;
  await (ctx.db as Db).transaction().execute(async (trx) => {
    await trx.updateTable("review360_assignment").set({ draft_json: json }).where("id", "=", session.assignmentId).where("status", "=", "open").execute();
    if (session.invitation) await ctx.invitations.advance(trx, session.invitation.id, "started");
  });
  return true;
}

export type SubmitOutcome = { readonly ok: true; readonly duplicate: boolean } | { readonly ok: false; readonly errors: readonly { name: string; message: string }[] };

function nonce(): string {
  return crypto.randomBytes(12).toString("base64url");
}

/**
 * Validates the answers against the same SurveyJS JSON the rater saw and stores them anonymously,
 * in one transaction: the assignment becomes "submitted" (its draft deleted), and the scores and
 * comment sentences are written with only the reviewee and the rater group — no rater id, no
 * time, and a random key so not even their order links them back. A customer's "not observed"
 * stores no score for that statement. A second submit stores nothing.
 */
export async function submitReview(ctx: PluginContext, session: ReviewSession, answers: unknown, locale: Locale): Promise<SubmitOutcome> {
  const validation = compiledSurvey(session.survey).validate(answers, locale);
  if (!validation.ok) return { ok: false, errors: validation.errors.map((e) => ({ name: e.name, message: e.message })) };
  const data = validation.data;
  const items = allItems(session.definition);
  // "Not observed" (customers only: the staff forms do not offer it, so validation refuses it) stores no score.
  const rated = items.filter(({ item }) => !(session.perspective === "customer" && data[item.id] === NOT_OBSERVED));
  const scores = rated.map(({ competency, item }) => ({ competency, item: item.id, score: Number(data[item.id]) }));
  if (scores.some((s) => !Number.isInteger(s.score))) {
    return { ok: false, errors: [{ name: "", message: locale === "en" ? "Please rate every statement." : "请对每一项作出评价。" }] };
  }
  const comments = (["strengths", "improve"] as const).flatMap((kind) => {
    const text = data[kind === "strengths" ? STRENGTHS_QUESTION : IMPROVE_QUESTION];
    return typeof text === "string" ? splitSentences(text).map((sentence) => ({ kind, text: sentence })) : [];
  });
  const now = ctx.clock().toISOString();
  return (ctx.db as Db).transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("review360_assignment")
      .set({ status: "submitted", submitted_at: now, draft_json: null })
      .where("id", "=", session.assignmentId)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { ok: true as const, duplicate: true };
    const cycleStatus = await trx.selectFrom("review360_cycle").select("status").where("id", "=", session.cycleId).executeTakeFirstOrThrow();
    if (cycleStatus.status !== "open") throw new Error("cycle closed while submitting");
    const common = { cycle_id: session.cycleId, reviewee_id: session.revieweeId, rater_group: session.group };
    if (scores.length) await trx.insertInto("review360_answer").values(scores.map((s) => ({ ...common, ...s, nonce: nonce() }))).execute();
    if (comments.length) await trx.insertInto("review360_comment").values(comments.map((c) => ({ ...common, ...c, nonce: nonce() }))).execute();
    if (session.invitation) await ctx.invitations.advance(trx, session.invitation.id, "completed");
    return { ok: true as const, duplicate: false };
  });
}
