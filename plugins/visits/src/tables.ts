import type { Generated } from "kysely";
import type { CoreTables } from "@aftercare/core/tables";
import type { VisitStatus, VisitType } from "./visit/visit-types";

export type CallChannel = "hotline" | "email";
export type HoldReason = "customer" | "parts" | "other";

/** The visits plugin's tables (plus the core's it reads). */
export interface VisitsTables extends CoreTables {
  visits_visit: {
    id: Generated<number>;
    customer_id: number;
    type: VisitType;
    status: VisitStatus;
    owner_id: number;
    planned_at: string;
    started_at: string | null;
    ended_at: string | null;
    visit_date: string | null;
    summary: string | null;
    findings: string | null;
    requests: string | null;
    parts_replaced: string | null;
    checklist_json: string | null;
    cancel_reason: string | null;
    source_call_id: number | null;
    created_by: number | null;
    created_at: string;
    updated_at: string;
    closed_at: string | null;
  };
  visits_visit_visitor: { visit_id: number; user_id: number };
  visits_visit_equipment: { visit_id: number; equipment_id: number };
  visits_followup: {
    id: Generated<number>;
    visit_id: number;
    action: string;
    owner_id: number | null;
    due_date: string | null;
    done_at: string | null;
    created_at: string;
  };
  visits_call: {
    id: Generated<number>;
    customer_id: number;
    equipment_id: number | null;
    channel: CallChannel;
    fault: string;
    taken_by: number;
    engineer_id: number | null;
    policy_json: string;
    received_at: string;
    dispatched_at: string | null;
    responded_at: string | null;
    arrived_at: string | null;
    work_started_at: string | null;
    cleared_at: string | null;
    closed_at: string | null;
    resolution: string | null;
    created_at: string;
    updated_at: string;
  };
  visits_call_hold: {
    id: Generated<number>;
    call_id: number;
    reason: HoldReason;
    note: string | null;
    start_at: string;
    end_at: string | null;
    created_by: number | null;
  };
  visits_sla_notice: { call_id: number; clock: "respond" | "onSite" | "clear"; kind: "warning" | "breach"; sent_at: string };
  visits_cadence_digest: { owner_id: number; month: string; customers: number; sent_at: string };
}
