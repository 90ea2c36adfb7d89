import { describe, expect, it } from "vitest";
import { FEEDBACK_STATUSES, availableSteps, canTransition, isOverdue, planStep, type FeedbackFacts, type FeedbackStep, type StepContext } from "./workflow";

const NOW = "2026-12-02T03:00:00.000Z";
const ctx: StepContext = { actorId: 7, canApprove: false, now: NOW, today: "2026-12-02" };
const manager: StepContext = { ...ctx, actorId: 2, canApprove: true };

const blank: FeedbackFacts = {
  status: "open",
  verificationMethod: null,
  verifiedBy: null,
  verificationNote: null,
  qualityProblem: null,
  handlingReport: null,
  approvedBy: null,
  approvedAt: null,
  customerAcceptedAt: null,
  customerStatement: null,
  actionKind: null,
  actionText: null,
};
const verifying: FeedbackFacts = { ...blank, status: "verifying", verificationMethod: "phone", verifiedBy: "王工" };
const handlingQuality: FeedbackFacts = { ...verifying, status: "handling", qualityProblem: true, verificationNote: "品管部与销售到现场核实：破包 35 袋", handlingReport: "补发 35 袋，改进包装" };
const handlingNonQuality: FeedbackFacts = { ...verifying, status: "handling", qualityProblem: false };
const awaitingQuality: FeedbackFacts = { ...handlingQuality, status: "awaiting_customer", approvedBy: 2, approvedAt: NOW };
const awaitingNonQuality: FeedbackFacts = { ...handlingNonQuality, status: "awaiting_customer" };

function codes(facts: FeedbackFacts, step: FeedbackStep, c: StepContext = ctx) {
  const plan = planStep(facts, step, c);
  return plan.ok ? [] : plan.problems.map((p) => `${p.field}:${p.code}`);
}

describe("transitions: open → verifying → handling → awaiting_customer → closed", () => {
  const allowed: [string, string][] = [
    ["open", "verifying"],
    ["verifying", "handling"],
    ["handling", "awaiting_customer"],
    ["awaiting_customer", "closed"],
    ["awaiting_customer", "handling"],
  ];
  it("allows exactly the forward steps and the customer sending it back to handling", () => {
    for (const from of FEEDBACK_STATUSES) {
      for (const to of FEEDBACK_STATUSES) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(allowed.some(([a, b]) => a === from && b === to));
      }
    }
  });

  it("refuses a step from the wrong status", () => {
    expect(codes(blank, { kind: "send" })).toEqual([":wrong-status"]);
    expect(codes(blank, { kind: "close", basis: "accepted", acceptedAt: "2026-12-01", actionKind: "corrective", actionText: "x" })).toEqual([":wrong-status"]);
    expect(codes({ ...awaitingQuality, status: "closed" }, { kind: "reopen", reason: "x" })).toEqual([":wrong-status"]);
  });
});

describe("verify: how (phone first, then on site) and who", () => {
  it("needs a method and who verified", () => {
    expect(codes(blank, { kind: "verify", method: "", verifiedBy: " " })).toEqual(["method:method-required", "verifiedBy:verified-by-required"]);
    expect(codes(blank, { kind: "verify", method: "email", verifiedBy: "王工" })).toEqual(["method:method-required"]);
  });

  it("moves open to verifying", () => {
    expect(planStep(blank, { kind: "verify", method: "phone", verifiedBy: " 王工 ", note: "电话确认：破包属实" }, ctx)).toEqual({
      ok: true,
      to: "verifying",
      patch: { verificationMethod: "phone", verifiedBy: "王工", verificationNote: "电话确认：破包属实" },
      event: "verified",
    });
  });

  it("can be taken again while verifying (phone, then on site)", () => {
    expect(planStep(verifying, { kind: "verify", method: "on_site", verifiedBy: "李工" }, ctx)).toEqual({
      ok: true,
      to: "verifying",
      patch: { verificationMethod: "on_site", verifiedBy: "李工" },
      event: "verification-updated",
    });
  });
});

describe("handle: quality problem or not", () => {
  it("needs the yes/no answer", () => {
    expect(codes(verifying, { kind: "handle", qualityProblem: null })).toEqual(["qualityProblem:quality-required"]);
  });

  it("a quality problem needs the 品管部 on-site verification report and a handling report", () => {
    expect(codes(verifying, { kind: "handle", qualityProblem: true })).toEqual(["verificationNote:verification-note-required", "handlingReport:handling-report-required"]);
    expect(codes(verifying, { kind: "handle", qualityProblem: true, verificationNote: "现场核实报告" })).toEqual(["handlingReport:handling-report-required"]);
    const plan = planStep(verifying, { kind: "handle", qualityProblem: true, verificationNote: "现场核实报告", handlingReport: "处理报告" }, ctx);
    expect(plan).toEqual({ ok: true, to: "handling", patch: { qualityProblem: true, handlingReport: "处理报告", verificationNote: "现场核实报告" }, event: "handling-started" });
  });

  it("not a quality problem needs neither (the customer is given an explanation)", () => {
    expect(planStep(verifying, { kind: "handle", qualityProblem: false, handlingReport: "" }, ctx)).toEqual({
      ok: true,
      to: "handling",
      patch: { qualityProblem: false, handlingReport: null },
      event: "handling-started",
    });
  });

  it("revising an approved handling drops the approval", () => {
    const approved = { ...handlingQuality, approvedBy: 2, approvedAt: NOW };
    const plan = planStep(approved, { kind: "handle", qualityProblem: true, verificationNote: handlingQuality.verificationNote!, handlingReport: "新的处理报告" }, ctx);
    expect(plan.ok && plan.patch).toMatchObject({ approvedBy: null, approvedAt: null });
    const same = planStep(approved, { kind: "handle", qualityProblem: true, verificationNote: handlingQuality.verificationNote!, handlingReport: handlingQuality.handlingReport! }, ctx);
    expect(same.ok && same.patch).not.toHaveProperty("approvedAt");
  });
});

describe("approval by the manager (总经理审批) for a quality problem", () => {
  it("needs satisfaction.feedback.approve", () => {
    expect(codes(handlingQuality, { kind: "approve" }, ctx)).toEqual([":not-allowed"]);
    expect(planStep(handlingQuality, { kind: "approve" }, manager)).toEqual({ ok: true, to: "handling", patch: { approvedBy: 2, approvedAt: NOW }, event: "approved" });
  });

  it("applies to quality problems only, once", () => {
    expect(codes(handlingNonQuality, { kind: "approve" }, manager)).toEqual([":not-quality-problem"]);
    expect(codes({ ...handlingQuality, approvedBy: 2, approvedAt: NOW }, { kind: "approve" }, manager)).toEqual([":already-approved"]);
  });

  it("is required before a quality problem goes to the customer", () => {
    expect(codes(handlingQuality, { kind: "send" })).toEqual([":approval-required"]);
    expect(planStep({ ...handlingQuality, approvedBy: 2, approvedAt: NOW }, { kind: "send" }, ctx)).toEqual({ ok: true, to: "awaiting_customer", patch: {}, event: "sent-to-customer" });
  });

  it("is not required for a non-quality complaint", () => {
    expect(planStep(handlingNonQuality, { kind: "send" }, ctx)).toMatchObject({ ok: true, to: "awaiting_customer" });
  });
});

describe("followed until the customer is satisfied", () => {
  it("reopen needs the reason and drops the approval", () => {
    expect(codes(awaitingQuality, { kind: "reopen", reason: "" })).toEqual(["reason:reason-required"]);
    expect(planStep(awaitingQuality, { kind: "reopen", reason: "客户仍不满意" }, ctx)).toEqual({
      ok: true,
      to: "handling",
      patch: { approvedBy: null, approvedAt: null },
      event: "reopened",
    });
  });
});

describe("close: the customer's acceptance (or statement) and the corrective/preventive action", () => {
  const close = (over: Partial<Extract<FeedbackStep, { kind: "close" }>>): FeedbackStep => ({
    kind: "close",
    basis: "accepted",
    acceptedAt: "2026-12-01",
    actionKind: "corrective",
    actionText: "包装改用加厚编织袋",
    ...over,
  });

  it("closes with the acceptance date and the action", () => {
    expect(planStep(awaitingQuality, close({}), ctx)).toEqual({
      ok: true,
      to: "closed",
      patch: { customerAcceptedAt: "2026-12-01", customerStatement: null, actionKind: "corrective", actionText: "包装改用加厚编织袋", closedAt: NOW },
      event: "closed",
    });
  });

  const cases: [string, FeedbackFacts, Partial<Extract<FeedbackStep, { kind: "close" }>>, string[]][] = [
    ["no acceptance date", awaitingQuality, { acceptedAt: "" }, ["acceptedAt:accepted-at-required"]],
    ["not a date", awaitingQuality, { acceptedAt: "2026-02-30" }, ["acceptedAt:accepted-at-invalid"]],
    ["acceptance in the future", awaitingQuality, { acceptedAt: "2026-12-03" }, ["acceptedAt:accepted-at-future"]],
    ["acceptance today is fine", awaitingQuality, { acceptedAt: "2026-12-02" }, []],
    ["no action text", awaitingQuality, { actionText: "  " }, ["actionText:action-text-required"]],
    ["no action kind", awaitingQuality, { actionKind: "" }, ["actionKind:action-kind-required"]],
    ["statement for a quality problem", awaitingQuality, { basis: "statement", statement: "客户书面声明" }, ["basis:statement-quality-problem"]],
    ["statement for a non-quality complaint", awaitingNonQuality, { basis: "statement", statement: "客户书面声明", acceptedAt: "" }, []],
    ["statement missing", awaitingNonQuality, { basis: "statement", statement: "" }, ["statement:statement-required"]],
    ["no basis", awaitingNonQuality, { basis: "" }, ["basis:basis-required"]],
  ];
  it.each(cases)("%s", (_name, facts, over, expected) => {
    expect(codes(facts, close(over))).toEqual(expected);
  });

  it("keeps the statement as evidence", () => {
    const plan = planStep(awaitingNonQuality, close({ basis: "statement", statement: "客户坚持索赔，出具书面声明", actionKind: "preventive", actionText: "加强解释" }), ctx);
    expect(plan.ok && plan.patch).toMatchObject({ customerAcceptedAt: null, customerStatement: "客户坚持索赔，出具书面声明", actionKind: "preventive" });
  });
});

describe("steps offered on the page", () => {
  it("follow the status, approval and permission", () => {
    expect(availableSteps(blank, false)).toEqual(["verify"]);
    expect(availableSteps(verifying, false)).toEqual(["handle", "verify"]);
    expect(availableSteps(handlingQuality, false)).toEqual(["handle"]);
    expect(availableSteps(handlingQuality, true)).toEqual(["approve", "handle"]);
    expect(availableSteps({ ...handlingQuality, approvedAt: NOW, approvedBy: 2 }, true)).toEqual(["send", "handle"]);
    expect(availableSteps(handlingNonQuality, false)).toEqual(["send", "handle"]);
    expect(availableSteps(awaitingQuality, false)).toEqual(["close", "reopen"]);
    expect(availableSteps({ ...awaitingQuality, status: "closed" }, true)).toEqual([]);
  });
});

describe("overdue", () => {
  const cases: [string, string | null, boolean][] = [
    ["open", "2026-12-01", true],
    ["handling", "2026-12-02", false],
    ["open", null, false],
    ["closed", "2026-11-01", false],
  ];
  it.each(cases)("%s due %s → %s", (status, dueDate, expected) => {
    expect(isOverdue({ status, dueDate }, "2026-12-02")).toBe(expected);
  });
});
