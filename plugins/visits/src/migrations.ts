import type { Kysely, Migration } from "kysely";
import { addId } from "@aftercare/db/dialect";

// Frozen once landed: never edit a migration here, add a new one.
const initial: Migration = {
  async up(db: Kysely<any>) {
    // 客户拜访记录: one row per visit, planned → done | cancelled.
    await addId(db, db.schema.createTable("visits_visit"))
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("owner_id", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("planned_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("ended_at", "text")
      // Company-calendar date (YYYY-MM-DD) of a done visit: what the cadence rule counts.
      .addColumn("visit_date", "text")
      .addColumn("summary", "text")
      .addColumn("findings", "text")
      .addColumn("requests", "text")
      .addColumn("parts_replaced", "text")
      // Checklist answers with the item texts as they were when the report was saved.
      .addColumn("checklist_json", "text")
      .addColumn("cancel_reason", "text")
      .addColumn("source_call_id", "integer")
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("closed_at", "text")
      .execute();
    await db.schema.createIndex("visits_visit_owner_planned").on("visits_visit").columns(["owner_id", "planned_at"]).execute();
    await db.schema.createIndex("visits_visit_status_planned").on("visits_visit").columns(["status", "planned_at"]).execute();
    await db.schema.createIndex("visits_visit_customer_date").on("visits_visit").columns(["customer_id", "status", "visit_date"]).execute();
    await db.schema.createIndex("visits_visit_source_call").on("visits_visit").column("source_call_id").unique().execute();

    await db.schema
      .createTable("visits_visit_visitor")
      .addColumn("visit_id", "integer", (c) => c.notNull().references("visits_visit.id").onDelete("cascade"))
      .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
      .addPrimaryKeyConstraint("visits_visit_visitor_pk", ["visit_id", "user_id"])
      .execute();
    await db.schema.createIndex("visits_visit_visitor_user").on("visits_visit_visitor").columns(["user_id", "visit_id"]).execute();

    await db.schema
      .createTable("visits_visit_equipment")
      .addColumn("visit_id", "integer", (c) => c.notNull().references("visits_visit.id").onDelete("cascade"))
      .addColumn("equipment_id", "integer", (c) => c.notNull().references("equipment.id"))
      .addPrimaryKeyConstraint("visits_visit_equipment_pk", ["visit_id", "equipment_id"])
      .execute();

    await addId(db, db.schema.createTable("visits_followup"))
      .addColumn("visit_id", "integer", (c) => c.notNull().references("visits_visit.id").onDelete("cascade"))
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("owner_id", "integer", (c) => c.references("users.id"))
      .addColumn("due_date", "text")
      .addColumn("done_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("visits_followup_visit").on("visits_followup").column("visit_id").execute();
    await db.schema.createIndex("visits_followup_owner").on("visits_followup").columns(["owner_id", "done_at", "due_date"]).execute();

    // 服务热线 / service calls and their response SLA.
    await addId(db, db.schema.createTable("visits_call"))
      .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
      .addColumn("equipment_id", "integer", (c) => c.references("equipment.id"))
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("fault", "text", (c) => c.notNull())
      .addColumn("taken_by", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("engineer_id", "integer", (c) => c.references("users.id"))
      // The SLA policy in force when the call was received; later policy changes do not rejudge it.
      .addColumn("policy_json", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("dispatched_at", "text")
      .addColumn("responded_at", "text")
      .addColumn("arrived_at", "text")
      .addColumn("work_started_at", "text")
      .addColumn("cleared_at", "text")
      .addColumn("closed_at", "text")
      .addColumn("resolution", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("visits_call_received").on("visits_call").columns(["received_at", "engineer_id"]).execute();
    await db.schema.createIndex("visits_call_open").on("visits_call").columns(["closed_at", "engineer_id"]).execute();
    await db.schema.createIndex("visits_call_customer").on("visits_call").columns(["customer_id", "received_at"]).execute();
    await db.schema.createIndex("visits_call_taken_by").on("visits_call").columns(["taken_by", "closed_at"]).execute();

    await addId(db, db.schema.createTable("visits_call_hold"))
      .addColumn("call_id", "integer", (c) => c.notNull().references("visits_call.id").onDelete("cascade"))
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("note", "text")
      .addColumn("start_at", "text", (c) => c.notNull())
      .addColumn("end_at", "text")
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .execute();
    await db.schema.createIndex("visits_call_hold_call").on("visits_call_hold").columns(["call_id", "start_at"]).execute();

    // One row per (call, clock, kind) notice ever sent: the job's idempotency record.
    await db.schema
      .createTable("visits_sla_notice")
      .addColumn("call_id", "integer", (c) => c.notNull().references("visits_call.id").onDelete("cascade"))
      .addColumn("clock", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("sent_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("visits_sla_notice_pk", ["call_id", "clock", "kind"])
      .execute();

    // One row per owner and month once the overdue digest has been queued.
    await db.schema
      .createTable("visits_cadence_digest")
      .addColumn("owner_id", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("customers", "integer", (c) => c.notNull())
      .addColumn("sent_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("visits_cadence_digest_pk", ["owner_id", "month"])
      .execute();
  },
};

export const visitsMigrations: Record<string, Migration> = {
  "2026-11-27-01-initial": initial,
};
