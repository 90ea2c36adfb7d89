import type { Generated } from "kysely";
import type { CoreTables } from "@aftercare/core/tables";

export type CampaignStatus = "draft" | "sending" | "open" | "closed";
export type RecipientStatus = "invited" | "unreachable" | "opted_out";
export type FeedbackStatus = "open" | "verifying" | "handling" | "awaiting_customer" | "closed";

/** The satisfaction plugin's tables (plus the core's it reads). */
export interface SatisfactionTables extends CoreTables {
  satisfaction_template: {
    id: Generated<number>;
    family_id: number | null;
    version: number;
    name: string;
    definition_json: string;
    survey_json: string;
    frozen: number;
    archived: number;
    created_by: number | null;
    created_at: string;
    updated_at: string;
  };
  satisfaction_campaign: {
    id: Generated<number>;
    name: string;
    period: string;
    template_id: number;
    audience_json: string;
    status: CampaignStatus;
    opens_at: string;
    closes_at: string;
    reminder_after_days: number;
    reminder_max: number;
    in_scope: number;
    created_by: number | null;
    created_at: string;
    sent_at: string | null;
    closed_at: string | null;
  };
  satisfaction_recipient: {
    id: Generated<number>;
    campaign_id: number;
    customer_id: number;
    invitation_id: string | null;
    status: RecipientStatus;
    email: string | null;
    locale: string;
    mail_key: string | null;
    reminders_sent: number;
    last_reminded_at: string | null;
    progress_json: string | null;
    opted_out_at: string | null;
  };
  satisfaction_response: {
    id: Generated<number>;
    campaign_id: number;
    template_id: number;
    recipient_id: number;
    customer_id: number;
    region: string | null;
    tier: string | null;
    owner_id: number | null;
    submitted_at: string;
    score: number;
    satisfied: number;
    product_score: number | null;
    service_score: number | null;
    lowest_level: number;
    answers_json: string;
  };
  satisfaction_item_score: { response_id: number; campaign_id: number; item: string; points: number };
  /** Answers per campaign, item and points, kept at submission (migration 03). */
  satisfaction_campaign_item_stat: { campaign_id: number; item: string; points: number; answers: number };
  /** Responses, Σ score and satisfied count per campaign, region ('' = none), tier ('' = none), owner (0 = none) and 10-point band. */
  satisfaction_campaign_group_stat: {
    campaign_id: number;
    region: string;
    tier: string;
    owner_id: number;
    band: number;
    responses: number;
    score_sum: number;
    satisfied: number;
  };
  satisfaction_comment: { id: Generated<number>; response_id: number; campaign_id: number; item: string | null; text: string };
  satisfaction_feedback: {
    id: Generated<number>;
    customer_id: number;
    source: "survey" | "complaint";
    campaign_id: number | null;
    response_id: number | null;
    category: string;
    product: string | null;
    description: string;
    status: FeedbackStatus;
    owner_id: number | null;
    due_date: string | null;
    verification_method: string | null;
    verified_by: string | null;
    verification_note: string | null;
    quality_problem: number | null;
    handling_report: string | null;
    approved_by: number | null;
    approved_at: string | null;
    customer_accepted_at: string | null;
    customer_statement: string | null;
    action_kind: string | null;
    action_text: string | null;
    created_by: number | null;
    created_at: string;
    updated_at: string;
    closed_at: string | null;
    overdue_notified_at: string | null;
  };
  satisfaction_feedback_event: { id: Generated<number>; feedback_id: number; at: string; actor_id: number | null; action: string; detail_json: string | null };
  satisfaction_action: {
    id: Generated<number>;
    campaign_id: number;
    item: string | null;
    kind: "corrective" | "preventive";
    department: string;
    description: string;
    owner_id: number | null;
    due_date: string | null;
    status: "open" | "done";
    created_by: number | null;
    created_at: string;
  };
}
