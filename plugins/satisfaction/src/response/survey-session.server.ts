import type { Kysely, Transaction } from "kysely";
import type { Invitation, PluginContext } from "@aftercare/plugin-api";
import { compiledSurvey } from "@aftercare/forms";
import type { Locale } from "@aftercare/i18n";
import type { SatisfactionTables } from "../tables";
import { getTemplate, type StoredTemplate } from "../template/templates.server";
import { scoreResponse } from "../template/scores";
import { INVITATION_PURPOSE } from "../campaign/campaigns.server";
import { inGroupCommit } from "./group-commit.server";
import { addResponseStats, type ResponseStats } from "../report/campaign-stats.server";

type Db = Kysely<SatisfactionTables>;

/** Everything the customer's page needs, found from the personal link. */
export interface SurveySession {
  readonly invitation: Invitation;
  readonly recipient: { id: number; customerId: number; progress: Record<string, unknown> | null };
  readonly campaign: { id: number; name: string; closesAt: string };
  readonly customer: { company: string; region: string | null; tier: string; ownerId: number | null };
  readonly template: StoredTemplate;
}

const MAX_PROGRESS_BYTES = 64 * 1024;

/**
 * Opens a personal link: null for an unknown, tampered, expired or completed link, and for a
 * campaign that is not open — the caller shows the same friendly page for all of them.
 */
export async function openSurvey(ctx: PluginContext, token: string): Promise<SurveySession | null> {
  const check = await ctx.invitations.check(token, INVITATION_PURPOSE);
  if (!check.ok) return null;
  const db = ctx.db as Db;
  const row = await db
    .selectFrom("satisfaction_recipient as r")
    .innerJoin("satisfaction_campaign as c", "c.id", "r.campaign_id")
    .innerJoin("customers as cu", "cu.id", "r.customer_id")
    .select(["r.id", "r.customer_id", "r.progress_json", "c.id as campaign_id", "c.name", "c.closes_at", "c.status", "c.template_id", "cu.company", "cu.region", "cu.tier", "cu.owner_id"])
    .where("r.invitation_id", "=", check.invitation.id)
    .executeTakeFirst();
  if (!row || row.status !== "open" || row.closes_at <= ctx.clock().toISOString()) return null;
  const template = await getTemplate(db, row.template_id);
  if (!template) return null;
  let progress: Record<string, unknown> | null = null;
  if (row.progress_json) {
    try {
      progress = JSON.parse(row.progress_json) as Record<string, unknown>;
    } catch {
      progress = null;
    }
  }
  return {
    invitation: check.invitation,
    recipient: { id: row.id, customerId: row.customer_id, progress },
    campaign: { id: row.campaign_id, name: row.name, closesAt: row.closes_at },
    customer: { company: row.company, region: row.region, tier: row.tier, ownerId: row.owner_id },
    template,
  };
}

/** Marks the link opened (first visit). */
export async function markOpened(ctx: PluginContext, session: SurveySession): Promise<void> {
  if (session.invitation.state === "sent") await ctx.invitations.advance(ctx.db, session.invitation.id, "opened");
}

/**
 * Saves answers in progress so a reopened link resumes. Only known questions are kept; the
 * whole thing is capped in size. Not validated as complete — that happens on submit.
 */
export async function saveProgress(ctx: PluginContext, session: SurveySession, answers: unknown): Promise<boolean> {
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) return false;
  const known = new Set(compiledSurvey(session.template.survey).questions.map((q) => q.name));
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answers as Record<string, unknown>)) {
    if (known.has(key) && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")) kept[key] = value;
  }
  const json = JSON.stringify(kept);
  if (json.length > MAX_PROGRESS_BYTES) return false;
  await (ctx.db as Db).transaction().execute(async (trx) => {
    await trx.updateTable("satisfaction_recipient").set({ progress_json: json }).where("id", "=", session.recipient.id).execute();
    await ctx.invitations.advance(trx, session.invitation.id, "started");
  });
  return true;
}

export type SubmitOutcome =
  | { readonly ok: true; readonly responseId: number; readonly duplicate: boolean; readonly score: number; readonly needsFollowUp: boolean }
  | { readonly ok: false; readonly errors: readonly { name: string; message: string }[] };

/**
 * Validates the answers against the template version, computes every score and stores them as
 * numbers, completes the invitation, and opens a feedback record for a low response — all in
 * one transaction (shared with the other submissions of the same event-loop turn, each in its own
 * savepoint). A second submit (another tab, a double click) stores nothing new.
 */
export async function submitResponse(ctx: PluginContext, session: SurveySession, answers: unknown, locale: Locale): Promise<SubmitOutcome> {
  const validation = compiledSurvey(session.template.survey).validate(answers, locale);
  if (!validation.ok) return { ok: false, errors: validation.errors.map((e) => ({ name: e.name, message: e.message })) };
  const def = session.template.definition;
  const scores = scoreResponse(def, validation.data);
  if (!scores) return { ok: false, errors: [{ name: "", message: locale === "en" ? "Please rate every item." : "请对每一项作出评价。" }] };
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  const needsFollowUp = !scores.satisfied || scores.lowestLevel;
  // Submissions of the same event-loop turn share one transaction (each in its own savepoint).
  const outcome = await inGroupCommit(db, async (trx) => {
    // recipient_id is unique: a second submit inserts nothing and finds the first one.
    const response = await trx
      .insertInto("satisfaction_response")
      .values({
        campaign_id: session.campaign.id,
        template_id: session.template.id,
        recipient_id: session.recipient.id,
        customer_id: session.recipient.customerId,
        region: session.customer.region,
        tier: session.customer.tier,
        owner_id: session.customer.ownerId,
        submitted_at: now,
        score: scores.score,
        satisfied: scores.satisfied ? 1 : 0,
        product_score: scores.product,
        service_score: scores.service,
        lowest_level: scores.lowestLevel ? 1 : 0,
        answers_json: JSON.stringify(validation.data),
      })
      .onConflict((oc) => oc.column("recipient_id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!response) {
      const existing = await trx.selectFrom("satisfaction_response").select(["id", "score"]).where("recipient_id", "=", session.recipient.id).executeTakeFirstOrThrow();
      return { ok: true as const, responseId: existing.id, duplicate: true, score: existing.score, needsFollowUp: false, stats: null };
    }
    await trx
      .insertInto("satisfaction_item_score")
      .values(Object.entries(scores.items).map(([item, points]) => ({ response_id: response.id, campaign_id: session.campaign.id, item, points })))
      .execute();
    // What this response adds to the campaign's report aggregates: written once for the whole
    // group, in the same transaction, just before COMMIT (addGroupStats).
    const stats: ResponseStats = {
      campaignId: session.campaign.id,
      region: session.customer.region,
      tier: session.customer.tier,
      ownerId: session.customer.ownerId,
      score: scores.score,
      satisfied: scores.satisfied,
      items: scores.items,
    };
    if (scores.comments.length) {
      await trx
        .insertInto("satisfaction_comment")
        .values(scores.comments.map((c) => ({ response_id: response.id, campaign_id: session.campaign.id, item: c.item, text: c.text })))
        .execute();
    }
    await trx.updateTable("satisfaction_recipient").set({ progress_json: null }).where("id", "=", session.recipient.id).execute();
    await ctx.invitations.advance(trx, session.invitation.id, "completed");
    if (needsFollowUp) {
      const lowItems = def.items.filter((i) => scores.items[i.id] === Math.min(...def.scale.map((l) => l.points))).map((i) => i.id);
      const feedback = await trx
        .insertInto("satisfaction_feedback")
        .values({
          customer_id: session.recipient.customerId,
          source: "survey",
          campaign_id: session.campaign.id,
          response_id: response.id,
          category: "survey",
          product: null,
          description: JSON.stringify({ score: Math.round(scores.score * 10) / 10, lowItems, comments: scores.comments }),
          status: "open",
          owner_id: session.customer.ownerId,
          due_date: new Date(ctx.clock().getTime() + 7 * 86_400_000).toISOString().slice(0, 10),
          created_by: null,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx.insertInto("satisfaction_feedback_event").values({ feedback_id: feedback.id, at: now, actor_id: null, action: "created", detail_json: JSON.stringify({ source: "survey" }) }).execute();
    }
    return { ok: true as const, responseId: response.id, duplicate: false, score: scores.score, needsFollowUp, stats };
  }, addGroupStats);
  if (outcome.ok && !outcome.duplicate) {
    await ctx.events.emit("satisfaction.response.submitted", { campaignId: session.campaign.id, customerId: session.recipient.customerId, responseId: outcome.responseId, score: outcome.score });
  }
  const { stats: _stats, ...answered } = outcome;
  return answered;
}

/** The report aggregates of a group of submissions: the responses really inserted, added once. */
function addGroupStats(trx: Transaction<SatisfactionTables>, outcomes: readonly { stats: ResponseStats | null }[]): Promise<void> {
  return addResponseStats(trx, outcomes.flatMap((o) => (o.stats ? [o.stats] : [])));
}

/**
 * Records an opt-out from a personal link (also after the survey was answered or closed): the
 * customer gets no later campaigns. Returns false for a link that is not a real invitation.
 */
export async function optOut(ctx: PluginContext, token: string): Promise<boolean> {
  const check = await ctx.invitations.check(token, INVITATION_PURPOSE, { acceptUsed: true });
  if (!check.ok || check.invitation.customerId === null) return false;
  const customerId = check.invitation.customerId;
  const now = ctx.clock().toISOString();
  await (ctx.db as Db).transaction().execute(async (trx) => {
    await trx.updateTable("customers").set({ email_opt_out: 1, opted_out_at: now }).where("id", "=", customerId).execute();
    await trx.updateTable("satisfaction_recipient").set({ opted_out_at: now }).where("invitation_id", "=", check.invitation.id).execute();
    await ctx.audit(trx, { actorId: null, action: "customers.opt-out", target: `customers:${customerId}`, detail: { invitation: check.invitation.id } });
  });
  return true;
}
