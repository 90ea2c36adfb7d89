import type { Kysely, Migration } from "kysely";
import { sql } from "kysely";
import { addId } from "@aftercare/db/dialect";
import type { MigrationSet } from "@aftercare/db/migrate";

// Frozen once landed: never edit a migration here, add a new one.
const initial: Migration = {
  async up(db: Kysely<any>) {
    await addId(db, db.schema.createTable("users"))
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("staff_kind", "text")
      .addColumn("supervisor_id", "integer", (c) => c.references("users.id"))
      .addColumn("phone", "text")
      .addColumn("locale", "text")
      .addColumn("password_hash", "text")
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("users_supervisor").on("users").column("supervisor_id").execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

    await db.schema
      .createTable("login_attempts")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("failures", "integer", (c) => c.notNull())
      .addColumn("first_failure_at", "text", (c) => c.notNull())
      .addColumn("locked_until", "text")
      .execute();

    await addId(db, db.schema.createTable("audit_log"))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor_id", "integer", (c) => c.references("users.id"))
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("detail_json", "text")
      .execute();
    await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();

    await addId(db, db.schema.createTable("customers"))
      .addColumn("company", "text", (c) => c.notNull())
      .addColumn("contact_name", "text")
      .addColumn("email", "text")
      .addColumn("phone", "text")
      .addColumn("region", "text")
      .addColumn("tier", "text", (c) => c.notNull().defaultTo("mid"))
      .addColumn("owner_id", "integer", (c) => c.references("users.id"))
      .addColumn("locale", "text", (c) => c.notNull().defaultTo("zh-CN"))
      .addColumn("email_opt_out", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("opted_out_at", "text")
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("customers_owner").on("customers").column("owner_id").execute();
    await db.schema.createIndex("customers_tier_region").on("customers").columns(["tier", "region"]).execute();

    await addId(db, db.schema.createTable("equipment"))
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("serial_number", "text", (c) => c.notNull().unique())
      .addColumn("install_date", "text")
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("equipment_customer").on("equipment").column("customer_id").execute();

    await db.schema
      .createTable("invitations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("subject_ref", "text", (c) => c.notNull())
      .addColumn("recipient_email", "text")
      .addColumn("recipient_name", "text")
      .addColumn("customer_id", "integer", (c) => c.references("customers.id"))
      .addColumn("locale", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("opened_at", "text")
      .addColumn("started_at", "text")
      .addColumn("completed_at", "text")
      .execute();
    await db.schema.createIndex("invitations_subject").on("invitations").columns(["purpose", "subject_ref", "state"]).execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value_json", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("updated_by", "integer", (c) => c.references("users.id"))
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const table of ["settings", "invitations", "equipment", "customers", "audit_log", "login_attempts", "sessions", "users"]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    void sql;
  },
};

const importBatches: Migration = {
  async up(db: Kysely<any>) {
    await addId(db, db.schema.createTable("import_batches"))
      .addColumn("entity", "text", (c) => c.notNull())
      .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("file_name", "text")
      .addColumn("csv_text", "text", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable("import_batches").ifExists().execute();
  },
};

/** When each scheduled job may next run, shared by every instance (job-schedule.server.ts). */
const jobSchedule: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("job_schedule")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("next_run_at", "text", (c) => c.notNull())
      .addColumn("last_started_at", "text")
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable("job_schedule").ifExists().execute();
  },
};

export const coreMigrationSet: MigrationSet = {
  id: "core",
  migrations: { "2026-11-27-01-initial": initial, "2026-11-27-02-import-batches": importBatches, "2026-11-27-03-job-schedule": jobSchedule },
};
