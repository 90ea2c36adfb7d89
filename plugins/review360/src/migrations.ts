import { type Kysely, type Migration, sql } from "kysely";
import { addId, isPostgres } from "@aftercare/db/dialect";

/**
 * Answers and comments are stored with no rater id, no timestamp and no insertion order: their
 * primary key ends in a random nonce and, on SQLite, the tables are WITHOUT ROWID, so neither an
 * id nor the physical order can be lined up with the assignments' submitted_at.
 */
function withoutRowid(db: Kysely<any>) {
  return isPostgres(db) ? sql`` : sql`without rowid`;
}

// Frozen once landed: never edit a migration here, add a new one.
const initial: Migration = {
  async up(db: Kysely<any>) {
    await addId(db, db.schema.createTable("review360_cycle"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("period", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("definition_json", "text", (c) => c.notNull())
      .addColumn("weights_json", "text", (c) => c.notNull())
      .addColumn("min_raters_json", "text", (c) => c.notNull())
      .addColumn("peer_min", "integer", (c) => c.notNull())
      .addColumn("peer_max", "integer", (c) => c.notNull())
      .addColumn("due_date", "text", (c) => c.notNull())
      .addColumn("reminder_after_days", "integer", (c) => c.notNull())
      .addColumn("reminder_max", "integer", (c) => c.notNull())
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("opened_at", "text")
      .addColumn("closed_at", "text")
      .execute();
    await db.schema.createIndex("review360_cycle_status").on("review360_cycle").column("status").execute();

    await addId(db, db.schema.createTable("review360_reviewee"))
      .addColumn("cycle_id", "integer", (c) => c.notNull().references("review360_cycle.id"))
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("supervisor_id", "integer", (c) => c.references("users.id"))
      .addColumn("nomination_status", "text", (c) => c.notNull())
      .addColumn("nomination_note", "text")
      .addColumn("released_at", "text")
      .addColumn("released_by", "integer", (c) => c.references("users.id"))
      .execute();
    await db.schema.createIndex("review360_reviewee_cycle_user").on("review360_reviewee").columns(["cycle_id", "user_id"]).unique().execute();
    await db.schema.createIndex("review360_reviewee_user").on("review360_reviewee").columns(["user_id", "released_at"]).execute();
    await db.schema.createIndex("review360_reviewee_supervisor").on("review360_reviewee").columns(["supervisor_id", "nomination_status"]).execute();

    // Who rates whom, and whether they have submitted: the only place a rater appears.
    await addId(db, db.schema.createTable("review360_assignment"))
      .addColumn("cycle_id", "integer", (c) => c.notNull().references("review360_cycle.id"))
      .addColumn("reviewee_id", "integer", (c) => c.notNull().references("review360_reviewee.id"))
      .addColumn("rater_group", "text", (c) => c.notNull())
      .addColumn("rater_user_id", "integer", (c) => c.references("users.id"))
      .addColumn("customer_id", "integer", (c) => c.references("customers.id"))
      .addColumn("invitation_id", "text", (c) => c.references("invitations.id"))
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("draft_json", "text")
      .addColumn("reminders_sent", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_reminded_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("submitted_at", "text")
      .execute();
    await db.schema.createIndex("review360_assignment_reviewee_rater").on("review360_assignment").columns(["reviewee_id", "rater_user_id"]).unique().execute();
    await db.schema.createIndex("review360_assignment_reviewee_customer").on("review360_assignment").columns(["reviewee_id", "customer_id"]).unique().execute();
    await db.schema.createIndex("review360_assignment_reviewee_group").on("review360_assignment").columns(["reviewee_id", "rater_group", "status"]).execute();
    await db.schema.createIndex("review360_assignment_rater").on("review360_assignment").columns(["rater_user_id", "status"]).execute();
    await db.schema.createIndex("review360_assignment_cycle_status").on("review360_assignment").columns(["cycle_id", "status"]).execute();
    await db.schema.createIndex("review360_assignment_invitation").on("review360_assignment").column("invitation_id").unique().execute();

    // One score per rater per item — but with no rater id: only the group it came from.
    await db.schema
      .createTable("review360_answer")
      .addColumn("cycle_id", "integer", (c) => c.notNull().references("review360_cycle.id"))
      .addColumn("reviewee_id", "integer", (c) => c.notNull().references("review360_reviewee.id"))
      .addColumn("rater_group", "text", (c) => c.notNull())
      .addColumn("competency", "text", (c) => c.notNull())
      .addColumn("item", "text", (c) => c.notNull())
      .addColumn("score", "integer", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("review360_answer_pk", ["reviewee_id", "rater_group", "item", "nonce"])
      .modifyEnd(withoutRowid(db))
      .execute();
    await db.schema.createIndex("review360_answer_cycle").on("review360_answer").columns(["cycle_id", "rater_group", "competency", "score"]).execute();

    // Comments, one row per sentence, in no order but the random nonce's.
    await db.schema
      .createTable("review360_comment")
      .addColumn("cycle_id", "integer", (c) => c.notNull().references("review360_cycle.id"))
      .addColumn("reviewee_id", "integer", (c) => c.notNull().references("review360_reviewee.id"))
      .addColumn("rater_group", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("review360_comment_pk", ["reviewee_id", "rater_group", "kind", "nonce"])
      .modifyEnd(withoutRowid(db))
      .execute();
  },
};

/**
 * Each peer nomination sent for approval starts a new round: the round numbers the mails of that
 * round (to the supervisor on submission, to the reviewee on the decision) so each goes out once,
 * and guards the state change against a concurrent submit or decision.
 */
const nominationRound: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("review360_reviewee").addColumn("nomination_round", "integer", (c) => c.notNull().defaultTo(0)).execute();
  },
};

export const review360Migrations: Record<string, Migration> = {
  "2026-11-27-01-initial": initial,
  "2026-11-27-02-nomination-round": nominationRound,
};
