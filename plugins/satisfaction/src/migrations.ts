import { type Kysely, type Migration, sql } from "kysely";
import { addId, realType } from "@aftercare/db/dialect";

// Frozen once landed: never edit a migration here, add a new one.
const initial: Migration = {
  async up(db: Kysely<any>) {
    await addId(db, db.schema.createTable("satisfaction_template"))
      .addColumn("family_id", "integer")
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("definition_json", "text", (c) => c.notNull())
      .addColumn("survey_json", "text", (c) => c.notNull())
      .addColumn("frozen", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("archived", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("satisfaction_template_family").on("satisfaction_template").columns(["family_id", "version"]).execute();

    await addId(db, db.schema.createTable("satisfaction_campaign"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("period", "text", (c) => c.notNull())
      .addColumn("template_id", "integer", (c) => c.notNull().references("satisfaction_template.id"))
      .addColumn("audience_json", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("opens_at", "text", (c) => c.notNull())
      .addColumn("closes_at", "text", (c) => c.notNull())
      .addColumn("reminder_after_days", "integer", (c) => c.notNull())
      .addColumn("reminder_max", "integer", (c) => c.notNull())
      .addColumn("in_scope", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("sent_at", "text")
      .addColumn("closed_at", "text")
      .execute();
    await db.schema.createIndex("satisfaction_campaign_status").on("satisfaction_campaign").column("status").execute();

    await addId(db, db.schema.createTable("satisfaction_recipient"))
      .addColumn("campaign_id", "integer", (c) => c.notNull().references("satisfaction_campaign.id"))
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
      .addColumn("invitation_id", "text", (c) => c.references("invitations.id"))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("email", "text")
      .addColumn("locale", "text", (c) => c.notNull())
      .addColumn("mail_key", "text")
      .addColumn("reminders_sent", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_reminded_at", "text")
      .addColumn("progress_json", "text")
      .addColumn("opted_out_at", "text")
      .execute();
    await db.schema.createIndex("satisfaction_recipient_campaign_customer").on("satisfaction_recipient").columns(["campaign_id", "customer_id"]).unique().execute();
    await db.schema.createIndex("satisfaction_recipient_invitation").on("satisfaction_recipient").column("invitation_id").execute();

    await addId(db, db.schema.createTable("satisfaction_response"))
      .addColumn("campaign_id", "integer", (c) => c.notNull().references("satisfaction_campaign.id"))
      .addColumn("template_id", "integer", (c) => c.notNull().references("satisfaction_template.id"))
      .addColumn("recipient_id", "integer", (c) => c.notNull().unique().references("satisfaction_recipient.id"))
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
      .addColumn("region", "text")
      .addColumn("tier", "text")
      .addColumn("owner_id", "integer")
      .addColumn("submitted_at", "text", (c) => c.notNull())
      .addColumn("score", realType(db), (c) => c.notNull())
      .addColumn("satisfied", "integer", (c) => c.notNull())
      .addColumn("product_score", realType(db))
      .addColumn("service_score", realType(db))
      .addColumn("lowest_level", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("answers_json", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("satisfaction_response_campaign_scores")
      .on("satisfaction_response")
      .columns(["campaign_id", "score", "satisfied", "product_score", "service_score"])
      .execute();

    await db.schema
      .createTable("satisfaction_item_score")
      .addColumn("response_id", "integer", (c) => c.notNull().references("satisfaction_response.id").onDelete("cascade"))
      .addColumn("campaign_id", "integer", (c) => c.notNull())
      .addColumn("item", "text", (c) => c.notNull())
      .addColumn("points", realType(db), (c) => c.notNull())
      .addPrimaryKeyConstraint("satisfaction_item_score_pk", ["response_id", "item"])
      .execute();
    await db.schema.createIndex("satisfaction_item_score_campaign").on("satisfaction_item_score").columns(["campaign_id", "item", "points"]).execute();

    await addId(db, db.schema.createTable("satisfaction_comment"))
      .addColumn("response_id", "integer", (c) => c.notNull().references("satisfaction_response.id").onDelete("cascade"))
      .addColumn("campaign_id", "integer", (c) => c.notNull())
      .addColumn("item", "text")
      .addColumn("text", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("satisfaction_comment_campaign").on("satisfaction_comment").columns(["campaign_id", "item"]).execute();

    await addId(db, db.schema.createTable("satisfaction_feedback"))
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("campaign_id", "integer", (c) => c.references("satisfaction_campaign.id"))
      .addColumn("response_id", "integer", (c) => c.references("satisfaction_response.id"))
      .addColumn("category", "text", (c) => c.notNull())
      .addColumn("product", "text")
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("owner_id", "integer", (c) => c.references("users.id"))
      .addColumn("due_date", "text")
      .addColumn("verification_method", "text")
      .addColumn("verified_by", "text")
      .addColumn("verification_note", "text")
      .addColumn("quality_problem", "integer")
      .addColumn("handling_report", "text")
      .addColumn("approved_by", "integer", (c) => c.references("users.id"))
      .addColumn("approved_at", "text")
      .addColumn("customer_accepted_at", "text")
      .addColumn("customer_statement", "text")
      .addColumn("action_kind", "text")
      .addColumn("action_text", "text")
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("closed_at", "text")
      .addColumn("overdue_notified_at", "text")
      .execute();
    await db.schema.createIndex("satisfaction_feedback_status").on("satisfaction_feedback").columns(["status", "due_date"]).execute();
    await db.schema.createIndex("satisfaction_feedback_response").on("satisfaction_feedback").column("response_id").unique().execute();

    await addId(db, db.schema.createTable("satisfaction_feedback_event"))
      .addColumn("feedback_id", "integer", (c) => c.notNull().references("satisfaction_feedback.id").onDelete("cascade"))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor_id", "integer", (c) => c.references("users.id"))
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("detail_json", "text")
      .execute();
    await db.schema.createIndex("satisfaction_feedback_event_feedback").on("satisfaction_feedback_event").column("feedback_id").execute();

    await addId(db, db.schema.createTable("satisfaction_action"))
      .addColumn("campaign_id", "integer", (c) => c.notNull().references("satisfaction_campaign.id"))
      .addColumn("item", "text")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("department", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("owner_id", "integer", (c) => c.references("users.id"))
      .addColumn("due_date", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("satisfaction_action_campaign").on("satisfaction_action").column("campaign_id").execute();
  },
};

// The report's breakdowns by region, tier and owner read only this index (benchmark case 3).
const breakdownIndex: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex("satisfaction_response_campaign_breakdown")
      .on("satisfaction_response")
      .columns(["campaign_id", "region", "tier", "owner_id", "score", "satisfied"])
      .execute();
  },
};

/**
 * Per-campaign aggregates kept at submission (benchmark case 3): the unfiltered report reads a
 * few hundred rows of these instead of every response and item score of the campaign.
 *
 * - `satisfaction_campaign_item_stat`: answers per (campaign, item, points) — the item averages.
 * - `satisfaction_campaign_group_stat`: responses, Σ score and satisfied count per (campaign,
 *   region, tier, owner, 10-point score band) — totals, index, satisfied share, breakdowns and
 *   the score distribution. Key columns are NOT NULL so the submission's upsert can match them
 *   (a NULL never equals a NULL in a unique key): no region/tier is '' (the customer form stores
 *   an empty text as NULL, so '' is never a real value) and no owner is 0 (ids start at 1).
 *
 * Created and filled from the responses already stored (the same SQL the benchmark's seed uses).
 */
const campaignStats: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("satisfaction_campaign_item_stat")
      .addColumn("campaign_id", "integer", (c) => c.notNull().references("satisfaction_campaign.id"))
      .addColumn("item", "text", (c) => c.notNull())
      .addColumn("points", realType(db), (c) => c.notNull())
      .addColumn("answers", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("satisfaction_campaign_item_stat_pk", ["campaign_id", "item", "points"])
      .execute();
    await db.schema
      .createTable("satisfaction_campaign_group_stat")
      .addColumn("campaign_id", "integer", (c) => c.notNull().references("satisfaction_campaign.id"))
      .addColumn("region", "text", (c) => c.notNull())
      .addColumn("tier", "text", (c) => c.notNull())
      .addColumn("owner_id", "integer", (c) => c.notNull())
      .addColumn("band", "integer", (c) => c.notNull())
      .addColumn("responses", "integer", (c) => c.notNull())
      .addColumn("score_sum", realType(db), (c) => c.notNull())
      .addColumn("satisfied", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("satisfaction_campaign_group_stat_pk", ["campaign_id", "region", "tier", "owner_id", "band"])
      .execute();
    // The report's recipient counts (all, and sent = status 'invited') read only this index.
    await db.schema.createIndex("satisfaction_recipient_campaign_status").on("satisfaction_recipient").columns(["campaign_id", "status"]).execute();
    await backfillCampaignStats(db);
  },
};

/**
 * Fills the two aggregate tables from the stored responses and item scores (of the given
 * campaigns, or all). Portable SQL: INSERT … SELECT with GROUP BY over a derived table. The band
 * is `scoreBand` (report/campaign-stats.server.ts) in SQL: the first b in 0…8 with score < (b + 1)·10, else 9.
 * Exported for the benchmark's seed, which loads responses directly.
 */
export async function backfillCampaignStats(db: Kysely<any>, campaignIds?: readonly number[]): Promise<void> {
  if (campaignIds && campaignIds.length === 0) return;
  let items = db.selectFrom("satisfaction_item_score").select(["campaign_id", "item", "points", sql<number>`count(*)`.as("answers")]);
  if (campaignIds) items = items.where("campaign_id", "in", campaignIds);
  await db
    .insertInto("satisfaction_campaign_item_stat")
    .columns(["campaign_id", "item", "points", "answers"])
    .expression(items.groupBy(["campaign_id", "item", "points"]))
    .execute();

  const band = sql.raw<number>(`case ${Array.from({ length: 9 }, (_, b) => `when score < ${(b + 1) * 10} then ${b}`).join(" ")} else 9 end`);
  let keyed = db
    .selectFrom("satisfaction_response")
    .select([
      "campaign_id",
      sql<string>`coalesce(region, '')`.as("region"),
      sql<string>`coalesce(tier, '')`.as("tier"),
      sql<number>`coalesce(owner_id, 0)`.as("owner_id"),
      band.as("band"),
      "score",
      "satisfied",
    ]);
  if (campaignIds) keyed = keyed.where("campaign_id", "in", campaignIds);
  await db
    .insertInto("satisfaction_campaign_group_stat")
    .columns(["campaign_id", "region", "tier", "owner_id", "band", "responses", "score_sum", "satisfied"])
    .expression(
      db
        .selectFrom(keyed.as("k"))
        .select(["k.campaign_id", "k.region", "k.tier", "k.owner_id", "k.band", sql<number>`count(*)`.as("responses"), sql<number>`sum(k.score)`.as("score_sum"), sql<number>`sum(k.satisfied)`.as("satisfied")])
        .groupBy(["k.campaign_id", "k.region", "k.tier", "k.owner_id", "k.band"]),
    )
    .execute();
}

export const satisfactionMigrations: Record<string, Migration> = {
  "2026-11-27-01-initial": initial,
  "2026-11-27-02-breakdown-index": breakdownIndex,
  "2026-11-27-03-campaign-stats": campaignStats,
};
