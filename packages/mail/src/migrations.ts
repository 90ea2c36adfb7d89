import type { Generated, Kysely, Migration } from "kysely";
import { sql } from "kysely";
import { addId } from "@aftercare/db/dialect";
import type { MigrationSet } from "@aftercare/db/migrate";

/** Where an outbox row is in its life. */
export type MailStatus = "queued" | "sending" | "sent" | "failed";

/** One message waiting in, or gone through, the outbox. Timestamps are ISO-8601 UTC text. */
export interface MailOutboxTable {
  readonly id: Generated<number>;
  /** Unique forever: a second enqueue with the same key is ignored. */
  readonly idempotency_key: string;
  readonly to_addr: string;
  readonly to_name: string | null;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Extra headers as a JSON object, or null. */
  readonly headers_json: string | null;
  readonly status: MailStatus;
  /** Send attempts started so far (counted when a worker claims the row). */
  readonly attempts: number;
  readonly next_attempt_at: string;
  /** While `sending`: the claiming worker owns the row until then. */
  readonly lease_until: string | null;
  readonly last_error: string | null;
  readonly created_at: string;
  readonly sent_at: string | null;
}

/** One message received by the built-in SMTP catcher. */
export interface MailCaughtTable {
  readonly id: Generated<number>;
  readonly received_at: string;
  readonly from_addr: string | null;
  /** Envelope recipients as a JSON array of addresses. */
  readonly to_addrs: string;
  readonly subject: string | null;
  readonly html: string | null;
  readonly text: string | null;
  /** Header lines as a JSON array of `{ key, line }`. */
  readonly headers_json: string;
  /** The whole message as received. */
  readonly raw: string;
}

/** The mail package's tables as Kysely sees them. */
export interface MailTables {
  mail_outbox: MailOutboxTable;
  mail_caught: MailCaughtTable;
}

// Frozen once landed: never edit a migration here, add a new one.
const outbox: Migration = {
  async up(db: Kysely<any>) {
    await addId(db, db.schema.createTable("mail_outbox"))
      .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
      .addColumn("to_addr", "text", (c) => c.notNull())
      .addColumn("to_name", "text")
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("html", "text", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("headers_json", "text")
      .addColumn("status", "text", (c) => c.notNull().defaultTo("queued"))
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "text", (c) => c.notNull())
      .addColumn("lease_until", "text")
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("sent_at", "text")
      .addCheckConstraint("mail_outbox_status_check", sql`status in ('queued', 'sending', 'sent', 'failed')`)
      .execute();
    await db.schema.createIndex("mail_outbox_status_next").on("mail_outbox").columns(["status", "next_attempt_at"]).execute();

    await addId(db, db.schema.createTable("mail_caught"))
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("from_addr", "text")
      .addColumn("to_addrs", "text", (c) => c.notNull())
      .addColumn("subject", "text")
      .addColumn("html", "text")
      .addColumn("text", "text")
      .addColumn("headers_json", "text", (c) => c.notNull())
      .addColumn("raw", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("mail_caught_received").on("mail_caught").column("received_at").execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable("mail_caught").execute();
    await db.schema.dropTable("mail_outbox").execute();
  },
};

/**
 * The mail package's migrations, run with the core's by the host.
 *
 * @example
 * await migrateAll(db, [coreMigrationSet, mailMigrationSet]);
 */
export const mailMigrationSet: MigrationSet = {
  id: "mail",
  migrations: { "2026-11-27-outbox": outbox },
};
