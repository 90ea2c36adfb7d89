/**
 * The flow of a feedback record (客户意见反馈记录表, DOMAIN.md §2). Pure: no I/O.
 *
 *   open ──verify──▶ verifying ──handle──▶ handling ──send──▶ awaiting_customer ──close──▶ closed
 *                    (verify again:          (approve: quality       │
 *                     phone, then on site)    problems only)         └──reopen──▶ handling
 *
 * - verify: how it was verified (phone / on site) and who verified it;
 * - handle: a product-quality problem or not; a quality problem needs the on-site verification
 *   report of the quality department (品管部) and a handling report;
 * - approve: a quality problem's handling report is approved by a manager (总经理审批) holding
 *   `satisfaction.feedback.approve`, before it goes to the customer;
 * - send: the handling result goes to the customer, who is followed until satisfied;
 * - reopen: the customer is not satisfied yet; back to handling (a new approval is needed);
 * - close: the customer's acceptance date — or, for a non-quality complaint where the customer
 *   insists in bad faith, the customer's written statement (kept as evidence) — and the
 *   corrective / preventive action (纠正、预防措施).
 */
import type { FeedbackStatus } from "../tables";

export type { FeedbackStatus };
export const FEEDBACK_STATUSES: readonly FeedbackStatus[] = ["open", "verifying", "handling", "awaiting_customer", "closed"];

export type VerificationMethod = "phone" | "on_site";
export const VERIFICATION_METHODS: readonly VerificationMethod[] = ["phone", "on_site"];

export type ActionKind = "corrective" | "preventive";
export const ACTION_KINDS: readonly ActionKind[] = ["corrective", "preventive"];

/** Status changes the flow allows (a step may also keep the status: verify again, revise, approve). */
export const TRANSITIONS: Readonly<Record<FeedbackStatus, readonly FeedbackStatus[]>> = {
  open: ["verifying"],
  verifying: ["handling"],
  handling: ["awaiting_customer"],
  awaiting_customer: ["closed", "handling"],
  closed: [],
};

/**
 * True when the flow allows going from one status to another.
 *
 * @example
 * canTransition("handling", "closed") // false: the customer sees the result first
 */
export function canTransition(from: FeedbackStatus, to: FeedbackStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The workflow fields of a record. */
export interface FeedbackFacts {
  readonly status: FeedbackStatus;
  readonly verificationMethod: string | null;
  readonly verifiedBy: string | null;
  readonly verificationNote: string | null;
  readonly qualityProblem: boolean | null;
  readonly handlingReport: string | null;
  readonly approvedBy: number | null;
  readonly approvedAt: string | null;
  readonly customerAcceptedAt: string | null;
  readonly customerStatement: string | null;
  readonly actionKind: string | null;
  readonly actionText: string | null;
}

export type FeedbackStep =
  | { readonly kind: "verify"; readonly method: string; readonly verifiedBy: string; readonly note?: string }
  | { readonly kind: "handle"; readonly qualityProblem: boolean | null; readonly verificationNote?: string; readonly handlingReport?: string }
  | { readonly kind: "approve" }
  | { readonly kind: "send" }
  | { readonly kind: "reopen"; readonly reason: string }
  | {
      readonly kind: "close";
      readonly basis: string;
      readonly acceptedAt?: string;
      readonly statement?: string;
      readonly actionKind: string;
      readonly actionText: string;
    };

export type StepKind = FeedbackStep["kind"];

/** Columns a step changes (camelCase of the table's columns). */
export type FeedbackPatch = Partial<Omit<FeedbackFacts, "status">> & { readonly closedAt?: string | null };

export type StepProblemCode =
  | "wrong-status"
  | "not-allowed"
  | "method-required"
  | "verified-by-required"
  | "quality-required"
  | "verification-note-required"
  | "handling-report-required"
  | "already-approved"
  | "not-quality-problem"
  | "approval-required"
  | "reason-required"
  | "basis-required"
  | "accepted-at-required"
  | "accepted-at-invalid"
  | "accepted-at-future"
  | "statement-required"
  | "statement-quality-problem"
  | "action-kind-required"
  | "action-text-required"
  | "too-long";

/** A problem with a step, on one form field (`""` for the step as a whole). */
export interface StepProblem {
  readonly field: string;
  readonly code: StepProblemCode;
}

export type StepPlan =
  | { readonly ok: true; readonly to: FeedbackStatus; readonly patch: FeedbackPatch; readonly event: string }
  | { readonly ok: false; readonly problems: readonly StepProblem[] };

/** Who takes the step, and when. */
export interface StepContext {
  readonly actorId: number;
  /** Holds `satisfaction.feedback.approve`. */
  readonly canApprove: boolean;
  /** ISO timestamp. */
  readonly now: string;
  /** YYYY-MM-DD, to refuse acceptance dates in the future. */
  readonly today: string;
}

/** Longest free text of a step field. */
export const MAX_TEXT = 5000;
const MAX_NAME = 200;

/** The statuses each step may be taken from. */
const FROM: Readonly<Record<StepKind, readonly FeedbackStatus[]>> = {
  verify: ["open", "verifying"],
  handle: ["verifying", "handling"],
  approve: ["handling"],
  send: ["handling"],
  reopen: ["awaiting_customer"],
  close: ["awaiting_customer"],
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function text(value: string | undefined | null): string {
  return (value ?? "").trim();
}

/**
 * Checks a step against a record and says what it changes: the new status, the columns to set
 * and the name of the history event — or every problem, each on its form field.
 *
 * @example
 * planStep(openRecord, { kind: "verify", method: "phone", verifiedBy: "王工" }, ctx)
 * // { ok: true, to: "verifying", patch: { verificationMethod: "phone", verifiedBy: "王工", … }, event: "verified" }
 */
export function planStep(facts: FeedbackFacts, step: FeedbackStep, ctx: StepContext): StepPlan {
  if (!FROM[step.kind].includes(facts.status)) return { ok: false, problems: [{ field: "", code: "wrong-status" }] };
  const problems: StepProblem[] = [];
  const long = (field: string, value: string, max = MAX_TEXT) => {
    if (value.length > max) problems.push({ field, code: "too-long" });
  };
  switch (step.kind) {
    case "verify": {
      const verifiedBy = text(step.verifiedBy);
      const note = text(step.note);
      if (!(VERIFICATION_METHODS as readonly string[]).includes(step.method)) problems.push({ field: "method", code: "method-required" });
      if (!verifiedBy) problems.push({ field: "verifiedBy", code: "verified-by-required" });
      long("verifiedBy", verifiedBy, MAX_NAME);
      long("note", note);
      if (problems.length) return { ok: false, problems };
      return {
        ok: true,
        to: "verifying",
        patch: { verificationMethod: step.method, verifiedBy, ...(note ? { verificationNote: note } : {}) },
        event: facts.status === "open" ? "verified" : "verification-updated",
      };
    }
    case "handle": {
      const note = text(step.verificationNote);
      const report = text(step.handlingReport);
      if (step.qualityProblem !== true && step.qualityProblem !== false) problems.push({ field: "qualityProblem", code: "quality-required" });
      if (step.qualityProblem === true) {
        if (!note) problems.push({ field: "verificationNote", code: "verification-note-required" });
        if (!report) problems.push({ field: "handlingReport", code: "handling-report-required" });
      }
      long("verificationNote", note);
      long("handlingReport", report);
      if (problems.length) return { ok: false, problems };
      // A revised handling of a quality problem needs a fresh approval.
      const changed = facts.qualityProblem !== step.qualityProblem || (facts.handlingReport ?? "") !== report || (note !== "" && (facts.verificationNote ?? "") !== note);
      return {
        ok: true,
        to: "handling",
        patch: {
          qualityProblem: step.qualityProblem,
          handlingReport: report || null,
          ...(note ? { verificationNote: note } : {}),
          ...(changed && facts.approvedAt ? { approvedBy: null, approvedAt: null } : {}),
        },
        event: facts.status === "verifying" ? "handling-started" : "handling-updated",
      };
    }
    case "approve": {
      if (!ctx.canApprove) return { ok: false, problems: [{ field: "", code: "not-allowed" }] };
      if (facts.qualityProblem !== true) return { ok: false, problems: [{ field: "", code: "not-quality-problem" }] };
      if (facts.approvedAt) return { ok: false, problems: [{ field: "", code: "already-approved" }] };
      return { ok: true, to: "handling", patch: { approvedBy: ctx.actorId, approvedAt: ctx.now }, event: "approved" };
    }
    case "send": {
      if (facts.qualityProblem === null) return { ok: false, problems: [{ field: "", code: "quality-required" }] };
      if (facts.qualityProblem && !text(facts.handlingReport)) return { ok: false, problems: [{ field: "", code: "handling-report-required" }] };
      if (facts.qualityProblem && !facts.approvedAt) return { ok: false, problems: [{ field: "", code: "approval-required" }] };
      return { ok: true, to: "awaiting_customer", patch: {}, event: "sent-to-customer" };
    }
    case "reopen": {
      const reason = text(step.reason);
      if (!reason) problems.push({ field: "reason", code: "reason-required" });
      long("reason", reason);
      if (problems.length) return { ok: false, problems };
      return { ok: true, to: "handling", patch: facts.approvedAt ? { approvedBy: null, approvedAt: null } : {}, event: "reopened" };
    }
    case "close": {
      const actionText = text(step.actionText);
      const acceptedAt = text(step.acceptedAt);
      const statement = text(step.statement);
      if (step.basis === "accepted") {
        if (!acceptedAt) problems.push({ field: "acceptedAt", code: "accepted-at-required" });
        else if (!isRealDate(acceptedAt)) problems.push({ field: "acceptedAt", code: "accepted-at-invalid" });
        else if (acceptedAt > ctx.today) problems.push({ field: "acceptedAt", code: "accepted-at-future" });
      } else if (step.basis === "statement") {
        if (facts.qualityProblem !== false) problems.push({ field: "basis", code: "statement-quality-problem" });
        else if (!statement) problems.push({ field: "statement", code: "statement-required" });
        long("statement", statement);
      } else {
        problems.push({ field: "basis", code: "basis-required" });
      }
      if (!(ACTION_KINDS as readonly string[]).includes(step.actionKind)) problems.push({ field: "actionKind", code: "action-kind-required" });
      if (!actionText) problems.push({ field: "actionText", code: "action-text-required" });
      long("actionText", actionText);
      if (problems.length) return { ok: false, problems };
      return {
        ok: true,
        to: "closed",
        patch: {
          customerAcceptedAt: step.basis === "accepted" ? acceptedAt : null,
          customerStatement: step.basis === "statement" ? statement : null,
          actionKind: step.actionKind,
          actionText,
          closedAt: ctx.now,
        },
        event: "closed",
      };
    }
  }
}

/**
 * The steps to offer on a record's page, in the order to show them. `send` and `approve` are
 * offered only when they can succeed.
 *
 * @example
 * availableSteps({ ...facts, status: "handling", qualityProblem: true, approvedAt: null }, true) // ["approve", "handle"]
 */
export function availableSteps(facts: FeedbackFacts, canApprove: boolean): StepKind[] {
  switch (facts.status) {
    case "open":
      return ["verify"];
    case "verifying":
      return ["handle", "verify"];
    case "handling": {
      const steps: StepKind[] = [];
      if (facts.qualityProblem && !facts.approvedAt && canApprove) steps.push("approve");
      if (facts.qualityProblem === false || (facts.qualityProblem && facts.approvedAt)) steps.push("send");
      steps.push("handle");
      return steps;
    }
    case "awaiting_customer":
      return ["close", "reopen"];
    case "closed":
      return [];
  }
}

/** True when a record is past its due date and not closed. */
export function isOverdue(record: { status: string; dueDate: string | null }, today: string): boolean {
  return record.status !== "closed" && record.dueDate !== null && record.dueDate < today;
}
