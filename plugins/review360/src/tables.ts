import type { Generated } from "kysely";
import type { CoreTables } from "@aftercare/core/tables";
import type { RaterGroup } from "@aftercare/scoring";

export type CycleStatus = "draft" | "open" | "closed";
/** open: the reviewee may nominate; submitted: awaiting the supervisor; approved; returned: rejected with a note. */
export type NominationStatus = "open" | "submitted" | "approved" | "returned";
/** proposed: nominated, awaiting approval; open: to fill; submitted. */
export type AssignmentStatus = "proposed" | "open" | "submitted";
/** auto: self/supervisor/subordinates; nominated: by the reviewee; manager: assigned directly. */
export type AssignmentSource = "auto" | "nominated" | "manager";
export type CommentKind = "strengths" | "improve";

/** The 360 plugin's tables (plus the core's it reads). */
export interface Review360Tables extends CoreTables {
  review360_cycle: {
    id: Generated<number>;
    name: string;
    period: string;
    status: CycleStatus;
    definition_json: string;
    weights_json: string;
    min_raters_json: string;
    peer_min: number;
    peer_max: number;
    /** Last day to submit, YYYY-MM-DD. */
    due_date: string;
    reminder_after_days: number;
    reminder_max: number;
    created_by: number | null;
    created_at: string;
    opened_at: string | null;
    closed_at: string | null;
  };
  review360_reviewee: {
    id: Generated<number>;
    cycle_id: number;
    user_id: number;
    supervisor_id: number | null;
    nomination_status: NominationStatus;
    nomination_note: string | null;
    /** Nominations sent for approval so far (migration 02); keys the nomination mails. */
    nomination_round: Generated<number>;
    released_at: string | null;
    released_by: number | null;
  };
  review360_assignment: {
    id: Generated<number>;
    cycle_id: number;
    reviewee_id: number;
    rater_group: RaterGroup;
    rater_user_id: number | null;
    customer_id: number | null;
    invitation_id: string | null;
    source: AssignmentSource;
    status: AssignmentStatus;
    draft_json: string | null;
    reminders_sent: Generated<number>;
    last_reminded_at: string | null;
    created_at: string;
    submitted_at: string | null;
  };
  /** No rater id, no time: see migrations.ts. */
  review360_answer: {
    cycle_id: number;
    reviewee_id: number;
    rater_group: RaterGroup;
    competency: string;
    item: string;
    score: number;
    nonce: string;
  };
  review360_comment: {
    cycle_id: number;
    reviewee_id: number;
    rater_group: RaterGroup;
    kind: CommentKind;
    text: string;
    nonce: string;
  };
}
