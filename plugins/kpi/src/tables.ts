import type { Generated } from "kysely";
import type { CoreTables } from "@aftercare/core/tables";
import type { StaffKind } from "./scheme/definition";

/**
 * draft: the supervisor sets the plan, records deductions and scores; submitted: waiting for the
 * employee; acknowledged / disputed: the employee has answered; locked: a manager approved it.
 */
export type SheetStatus = "draft" | "submitted" | "acknowledged" | "disputed" | "locked";
export const SHEET_STATUSES: readonly SheetStatus[] = ["draft", "submitted", "acknowledged", "disputed", "locked"];

/** The KPI plugin's tables (plus the core's it reads). */
export interface KpiTables extends CoreTables {
  kpi_scheme: {
    id: Generated<number>;
    kind: StaffKind;
    month_from: string;
    version: number;
    definition_json: string;
    created_by: number | null;
    created_at: string;
  };
  kpi_sheet: {
    id: Generated<number>;
    month: string;
    employee_id: number;
    supervisor_id: number | null;
    scheme_id: number;
    kind: StaffKind;
    status: SheetStatus;
    plan_set_at: string | null;
    plan_agreed_at: string | null;
    indicator_points: number | null;
    deduction_points: number;
    total: number | null;
    grade: string | null;
    kpi_value: number | null;
    supervisor_note: string | null;
    employee_comment: string | null;
    submitted_at: string | null;
    responded_at: string | null;
    approved_by: number | null;
    locked_at: string | null;
    created_at: string;
    updated_at: string;
  };
  kpi_sheet_score: { sheet_id: number; indicator: string; score: number };
  kpi_plan_item: {
    id: Generated<number>;
    sheet_id: number;
    position: number;
    description: string;
    requirement: string;
    /** Percent of the work plan, the items of a sheet sum to 100. */
    weight: number;
    /** Percent completed (0–100), set by the supervisor at month end. */
    completion: number | null;
  };
  kpi_deduction: {
    id: Generated<number>;
    sheet_id: number;
    behaviour: string;
    /** The behaviour's label (zh-CN / en) when recorded, as JSON. */
    label: string;
    points: number;
    occurred_on: string;
    note: string;
    recorded_by: number | null;
    recorded_at: string;
  };
  kpi_sheet_event: { id: Generated<number>; sheet_id: number; at: string; actor_id: number | null; action: string; detail_json: string | null };
  kpi_average_pay: { month: string; employee_id: number; average_pay_cents: number; source: "entry" | "import" | "seed"; updated_by: number | null; updated_at: string };
}
