import type { RaterGroup } from "@aftercare/scoring";
import type { Db } from "../cycle/cycles.server";
import type { NominationStatus } from "../tables";

export interface Todo {
  /** Reviews the viewer has to fill, in open cycles. */
  readonly reviews: readonly { assignmentId: number; revieweeName: string; group: RaterGroup; cycleName: string; dueDate: string; hasDraft: boolean }[];
  /** The viewer's own peer nominations in open cycles. */
  readonly nominations: readonly { revieweeId: number; cycleName: string; status: NominationStatus; note: string | null; dueDate: string }[];
  /** Nominations awaiting the viewer's decision as supervisor. */
  readonly approvals: readonly { revieweeId: number; name: string; cycleName: string }[];
  /** The viewer's released reports. */
  readonly reports: readonly { revieweeId: number; cycleName: string; period: string; releasedAt: string }[];
}

/** What a staff member has to do (and can read) in 360 reviews. */
export async function todoFor(db: Db, viewerId: number): Promise<Todo> {
  const reviews = await db
    .selectFrom("review360_assignment as a")
    .innerJoin("review360_cycle as c", "c.id", "a.cycle_id")
    .innerJoin("review360_reviewee as r", "r.id", "a.reviewee_id")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["a.id", "a.rater_group", "a.draft_json", "u.name", "c.name as cycle_name", "c.due_date"])
    .where("a.rater_user_id", "=", viewerId)
    .where("a.status", "=", "open")
    .where("c.status", "=", "open")
    .orderBy("c.due_date")
    .orderBy("a.rater_group")
    .orderBy("u.name")
    .execute();
  const nominations = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("review360_cycle as c", "c.id", "r.cycle_id")
    .select(["r.id", "r.nomination_status", "r.nomination_note", "c.name", "c.due_date"])
    .where("r.user_id", "=", viewerId)
    .where("c.status", "=", "open")
    .orderBy("c.due_date")
    .execute();
  const approvals = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("review360_cycle as c", "c.id", "r.cycle_id")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["r.id", "u.name", "c.name as cycle_name"])
    .where("r.supervisor_id", "=", viewerId)
    .where("r.nomination_status", "=", "submitted")
    .where("c.status", "=", "open")
    .orderBy("u.name")
    .execute();
  const reports = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("review360_cycle as c", "c.id", "r.cycle_id")
    .select(["r.id", "r.released_at", "c.name", "c.period"])
    .where("r.user_id", "=", viewerId)
    .where("r.released_at", "is not", null)
    .orderBy("r.released_at", "desc")
    .execute();
  return {
    reviews: reviews.map((r) => ({ assignmentId: r.id, revieweeName: r.name, group: r.rater_group, cycleName: r.cycle_name, dueDate: r.due_date, hasDraft: r.draft_json !== null })),
    nominations: nominations.map((n) => ({ revieweeId: n.id, cycleName: n.name, status: n.nomination_status, note: n.nomination_note, dueDate: n.due_date })),
    approvals: approvals.map((a) => ({ revieweeId: a.id, name: a.name, cycleName: a.cycle_name })),
    reports: reports.map((r) => ({ revieweeId: r.id, cycleName: r.name, period: r.period, releasedAt: r.released_at! })),
  };
}
