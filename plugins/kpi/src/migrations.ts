import type { Kysely, Migration } from "kysely";
import { addId, realType } from "@aftercare/db/dialect";

// Frozen once landed: never edit a migration here, add a new one.
const initial: Migration = {
  async up(db: Kysely<any>) {
    // A scheme version applies to its staff kind from `month_from` (YYYY-MM) until the next version.
    await addId(db, db.schema.createTable("kpi_scheme"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("month_from", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("definition_json", "text", (c) => c.notNull())
      .addColumn("created_by", "integer", (c) => c.references("users.id"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("kpi_scheme_kind_month").on("kpi_scheme").columns(["kind", "month_from"]).unique().execute();

    await addId(db, db.schema.createTable("kpi_sheet"))
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("employee_id", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("supervisor_id", "integer", (c) => c.references("users.id"))
      .addColumn("scheme_id", "integer", (c) => c.notNull().references("kpi_scheme.id"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("plan_set_at", "text")
      .addColumn("plan_agreed_at", "text")
      .addColumn("indicator_points", realType(db))
      .addColumn("deduction_points", realType(db), (c) => c.notNull().defaultTo(0))
      .addColumn("total", realType(db))
      .addColumn("grade", "text")
      .addColumn("kpi_value", realType(db))
      .addColumn("supervisor_note", "text")
      .addColumn("employee_comment", "text")
      .addColumn("submitted_at", "text")
      .addColumn("responded_at", "text")
      .addColumn("approved_by", "integer", (c) => c.references("users.id"))
      .addColumn("locked_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("kpi_sheet_month_employee").on("kpi_sheet").columns(["month", "employee_id"]).unique().execute();
    await db.schema.createIndex("kpi_sheet_month_status").on("kpi_sheet").columns(["month", "status"]).execute();
    await db.schema.createIndex("kpi_sheet_supervisor").on("kpi_sheet").columns(["supervisor_id", "month"]).execute();
    await db.schema.createIndex("kpi_sheet_scheme_month").on("kpi_sheet").columns(["month", "scheme_id", "kpi_value"]).execute();

    await db.schema
      .createTable("kpi_sheet_score")
      .addColumn("sheet_id", "integer", (c) => c.notNull().references("kpi_sheet.id").onDelete("cascade"))
      .addColumn("indicator", "text", (c) => c.notNull())
      .addColumn("score", realType(db), (c) => c.notNull())
      .addPrimaryKeyConstraint("kpi_sheet_score_pk", ["sheet_id", "indicator"])
      .execute();

    await addId(db, db.schema.createTable("kpi_plan_item"))
      .addColumn("sheet_id", "integer", (c) => c.notNull().references("kpi_sheet.id").onDelete("cascade"))
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("requirement", "text", (c) => c.notNull())
      .addColumn("weight", realType(db), (c) => c.notNull())
      .addColumn("completion", realType(db))
      .execute();
    await db.schema.createIndex("kpi_plan_item_sheet").on("kpi_plan_item").columns(["sheet_id", "position"]).unique().execute();

    await addId(db, db.schema.createTable("kpi_deduction"))
      .addColumn("sheet_id", "integer", (c) => c.notNull().references("kpi_sheet.id").onDelete("cascade"))
      .addColumn("behaviour", "text", (c) => c.notNull())
      .addColumn("label", "text", (c) => c.notNull())
      .addColumn("points", realType(db), (c) => c.notNull())
      .addColumn("occurred_on", "text", (c) => c.notNull())
      .addColumn("note", "text", (c) => c.notNull())
      .addColumn("recorded_by", "integer", (c) => c.references("users.id"))
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("kpi_deduction_sheet").on("kpi_deduction").column("sheet_id").execute();

    // The sheet's history: every change, who made it and what it was.
    await addId(db, db.schema.createTable("kpi_sheet_event"))
      .addColumn("sheet_id", "integer", (c) => c.notNull().references("kpi_sheet.id").onDelete("cascade"))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor_id", "integer", (c) => c.references("users.id"))
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("detail_json", "text")
      .execute();
    await db.schema.createIndex("kpi_sheet_event_sheet").on("kpi_sheet_event").column("sheet_id").execute();

    // Last month's average pay of an employee, keyed by the month whose pay it feeds.
    await db.schema
      .createTable("kpi_average_pay")
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("employee_id", "integer", (c) => c.notNull().references("users.id"))
      .addColumn("average_pay_cents", "integer", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("updated_by", "integer", (c) => c.references("users.id"))
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("kpi_average_pay_pk", ["month", "employee_id"])
      .execute();
  },
};

export const kpiMigrations: Record<string, Migration> = {
  "2026-11-27-01-initial": initial,
};
