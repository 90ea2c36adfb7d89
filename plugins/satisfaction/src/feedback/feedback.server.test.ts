import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { coreMigrationSet } from "@aftercare/core/migrations";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import type { PluginContext } from "@aftercare/plugin-api";
import { satisfactionMigrations } from "../migrations";
import type { SatisfactionTables } from "../tables";
import { DEFAULT_ESCALATION } from "./escalation";
import {
  createComplaint,
  feedbackHistory,
  getFeedback,
  listFeedback,
  loadEscalation,
  parseFeedbackFilters,
  parseSurveyFinding,
  reassignFeedback,
  saveEscalation,
  takeStep,
  type FeedbackScope,
  type NewComplaint,
} from "./feedback.server";
import type { StepContext } from "./workflow";

const NOW = "2026-12-02T03:00:00.000Z";
const TODAY = "2026-12-02";

let t: TestDatabase<SatisfactionTables>;
let db: Kysely<SatisfactionTables>;
let manager: number;
let staffA: number;
let staffB: number;
let customer: number;
let otherCustomer: number;

const audit: PluginContext["audit"] = async (trx, entry) => {
  await (trx as Kysely<SatisfactionTables>)
    .insertInto("audit_log")
    .values({ at: NOW, actor_id: entry.actorId, action: entry.action, target: entry.target, detail_json: entry.detail === undefined ? null : JSON.stringify(entry.detail) })
    .execute();
};

async function user(email: string, name: string, role: "admin" | "manager" | "staff"): Promise<number> {
  const row = await db.insertInto("users").values({ email, name, role, staff_kind: null, supervisor_id: null, phone: null, locale: "zh-CN", password_hash: null, active: 1, created_at: NOW, updated_at: NOW }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

async function company(name: string, ownerId: number | null): Promise<number> {
  const row = await db
    .insertInto("customers")
    .values({ company: name, contact_name: null, email: null, phone: null, region: "华东", tier: "high", owner_id: ownerId, locale: "zh-CN", email_opt_out: 0, opted_out_at: null, active: 1, created_at: NOW, updated_at: NOW })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeEach(async () => {
  t = await createTestDatabase<SatisfactionTables>([coreMigrationSet, mailMigrationSet, { id: "satisfaction", migrations: satisfactionMigrations }]);
  db = t.db;
  manager = await user("manager@example.com", "周经理", "manager");
  staffA = await user("a@example.com", "王工", "staff");
  staffB = await user("b@example.com", "李工", "staff");
  customer = await company("华东水泥有限公司", staffA);
  otherCustomer = await company("西北建材集团", staffB);
});
afterEach(() => t.destroy());

const all = (): FeedbackScope => ({ viewerId: manager, all: true });
const own = (id: number): FeedbackScope => ({ viewerId: id, all: false });
const staffCtx = (id: number): StepContext => ({ actorId: id, canApprove: false, now: NOW, today: TODAY });
const managerCtx = (): StepContext => ({ actorId: manager, canApprove: true, now: NOW, today: TODAY });

function complaint(over: Partial<NewComplaint> = {}): NewComplaint {
  return {
    customerId: customer,
    product: "P.O 42.5 水泥",
    category: "packaging_damage",
    description: "到货一车皮破包较多",
    figure: 31,
    wagonTonnes: null,
    ownerId: null,
    dueDate: null,
    ...over,
  };
}

describe("creating a complaint", () => {
  it("stores the record (open, owned by its creator, due in 7 days) and a 'created' history row", async () => {
    const r = await createComplaint(db, complaint(), { actorId: staffA, canAssign: false, now: NOW });
    expect(r).toEqual({ ok: true, id: expect.any(Number), escalated: true });
    if (!r.ok) return;
    const rec = await getFeedback(db, r.id, own(staffA));
    expect(rec).toMatchObject({
      status: "open",
      source: "complaint",
      company: "华东水泥有限公司",
      category: "packaging_damage",
      product: "P.O 42.5 水泥",
      ownerId: staffA,
      ownerName: "王工",
      dueDate: "2026-12-09",
      createdBy: staffA,
      figure: { value: 31, wagonTonnes: null },
    });
    const history = await feedbackHistory(db, r.id);
    expect(history).toEqual([{ id: expect.any(Number), at: NOW, actorName: "王工", action: "created", detail: { source: "complaint", category: "packaging_damage", figure: 31, wagonTonnes: null, escalated: true } }]);
  });

  it("does not escalate 30 bags in a 60-tonne wagon", async () => {
    const r = await createComplaint(db, complaint({ figure: 30 }), { actorId: staffA, canAssign: false, now: NOW });
    expect(r).toMatchObject({ ok: true, escalated: false });
  });

  it("lists every problem, on its field, and stores nothing", async () => {
    const r = await createComplaint(
      db,
      complaint({ customerId: 9999, description: " ", figure: null, ownerId: staffB, dueDate: "2026-12-01" }),
      { actorId: staffA, canAssign: false, now: NOW },
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: "description", code: "description-required" },
        { field: "figure", code: "figure-required" },
        { field: "ownerId", code: "owner-not-allowed" },
        { field: "dueDate", code: "due-past" },
        { field: "customerId", code: "customer-unknown" },
      ],
    });
    expect(await db.selectFrom("satisfaction_feedback").select("id").execute()).toEqual([]);
    expect(await db.selectFrom("satisfaction_feedback_event").select("id").execute()).toEqual([]);
  });

  it("gives a manager's unassigned record to the customer's owner", async () => {
    const r = await createComplaint(db, complaint({ customerId: otherCustomer }), { actorId: manager, canAssign: true, now: NOW });
    if (!r.ok) throw new Error("create failed");
    expect((await getFeedback(db, r.id, all()))?.ownerId).toBe(staffB);
    await db.updateTable("users").set({ active: 0 }).where("id", "=", staffB).execute();
    const s = await createComplaint(db, complaint({ customerId: otherCustomer }), { actorId: manager, canAssign: true, now: NOW });
    if (!s.ok) throw new Error("create failed");
    expect((await getFeedback(db, s.id, all()))?.ownerId).toBe(manager);
  });

  it("lets a manager assign the record to someone else; refuses unknown owners and categories", async () => {
    expect(await createComplaint(db, complaint({ ownerId: staffB, category: "quality", figure: null }), { actorId: manager, canAssign: true, now: NOW })).toMatchObject({ ok: true, escalated: false });
    expect(await createComplaint(db, complaint({ ownerId: 4242 }), { actorId: manager, canAssign: true, now: NOW })).toEqual({ ok: false, problems: [{ field: "ownerId", code: "owner-unknown" }] });
    expect(await createComplaint(db, complaint({ category: "survey" }), { actorId: manager, canAssign: true, now: NOW })).toEqual({ ok: false, problems: [{ field: "category", code: "category-unknown" }] });
  });
});

describe("the flow of a quality problem, with history", () => {
  it("goes open → verifying → handling → (approved) → awaiting_customer → closed, one history row per change", async () => {
    const r = await createComplaint(db, complaint(), { actorId: staffA, canAssign: false, now: NOW });
    if (!r.ok) throw new Error("create failed");
    const id = r.id;
    expect(await takeStep(db, id, { kind: "verify", method: "phone", verifiedBy: "王工", note: "电话确认" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "verifying" });
    expect(await takeStep(db, id, { kind: "verify", method: "on_site", verifiedBy: "王工、品管部张工" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "verifying" });
    expect(await takeStep(db, id, { kind: "handle", qualityProblem: true }, own(staffA), staffCtx(staffA))).toEqual({
      ok: false,
      problems: [
        { field: "verificationNote", code: "verification-note-required" },
        { field: "handlingReport", code: "handling-report-required" },
      ],
    });
    expect(await takeStep(db, id, { kind: "handle", qualityProblem: true, verificationNote: "现场核实：破包 35 袋", handlingReport: "补发 35 袋" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "handling" });
    expect(await takeStep(db, id, { kind: "send" }, own(staffA), staffCtx(staffA))).toEqual({ ok: false, problems: [{ field: "", code: "approval-required" }] });
    expect(await takeStep(db, id, { kind: "approve" }, own(staffA), staffCtx(staffA))).toEqual({ ok: false, problems: [{ field: "", code: "not-allowed" }] });
    expect(await takeStep(db, id, { kind: "approve" }, all(), managerCtx())).toEqual({ ok: true, status: "handling" });
    expect(await takeStep(db, id, { kind: "send" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "awaiting_customer" });
    expect(await takeStep(db, id, { kind: "close", basis: "accepted", acceptedAt: TODAY, actionKind: "corrective", actionText: "改用加厚编织袋" }, own(staffA), staffCtx(staffA))).toEqual({
      ok: true,
      status: "closed",
    });

    const rec = await getFeedback(db, id, all());
    expect(rec).toMatchObject({
      status: "closed",
      verificationMethod: "on_site",
      verifiedBy: "王工、品管部张工",
      verificationNote: "现场核实：破包 35 袋",
      qualityProblem: true,
      handlingReport: "补发 35 袋",
      approvedBy: manager,
      approverName: "周经理",
      approvedAt: NOW,
      customerAcceptedAt: TODAY,
      customerStatement: null,
      actionKind: "corrective",
      actionText: "改用加厚编织袋",
      closedAt: NOW,
    });
    const history = await feedbackHistory(db, id);
    expect(history.map((e) => [e.action, e.actorName])).toEqual([
      ["created", "王工"],
      ["verified", "王工"],
      ["verification-updated", "王工"],
      ["handling-started", "王工"],
      ["approved", "周经理"],
      ["sent-to-customer", "王工"],
      ["closed", "王工"],
    ]);
    expect(history[1].detail).toEqual({ from: "open", to: "verifying", changes: { verificationMethod: "phone", verifiedBy: "王工", verificationNote: "电话确认" } });
    expect(history[4].detail).toEqual({ changes: { approvedBy: manager, approvedAt: NOW } });
  });

  it("a customer who is not satisfied sends it back to handling, which needs a new approval", async () => {
    const r = await createComplaint(db, complaint(), { actorId: staffA, canAssign: false, now: NOW });
    if (!r.ok) throw new Error("create failed");
    await takeStep(db, r.id, { kind: "verify", method: "on_site", verifiedBy: "王工" }, own(staffA), staffCtx(staffA));
    await takeStep(db, r.id, { kind: "handle", qualityProblem: true, verificationNote: "现场核实", handlingReport: "补发" }, own(staffA), staffCtx(staffA));
    await takeStep(db, r.id, { kind: "approve" }, all(), managerCtx());
    await takeStep(db, r.id, { kind: "send" }, own(staffA), staffCtx(staffA));
    expect(await takeStep(db, r.id, { kind: "reopen", reason: "客户要求赔偿运费" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "handling" });
    expect(await getFeedback(db, r.id, all())).toMatchObject({ status: "handling", approvedAt: null, approvedBy: null });
    expect(await takeStep(db, r.id, { kind: "send" }, own(staffA), staffCtx(staffA))).toEqual({ ok: false, problems: [{ field: "", code: "approval-required" }] });
    const last = (await feedbackHistory(db, r.id)).at(-1);
    expect(last).toMatchObject({ action: "reopened", detail: { from: "awaiting_customer", to: "handling", reason: "客户要求赔偿运费" } });
  });

  it("a non-quality complaint closes on the customer's written statement", async () => {
    const r = await createComplaint(db, complaint({ category: "other", figure: null }), { actorId: staffA, canAssign: false, now: NOW });
    if (!r.ok) throw new Error("create failed");
    await takeStep(db, r.id, { kind: "verify", method: "phone", verifiedBy: "王工" }, own(staffA), staffCtx(staffA));
    await takeStep(db, r.id, { kind: "handle", qualityProblem: false, handlingReport: "已向客户解释" }, own(staffA), staffCtx(staffA));
    expect(await takeStep(db, r.id, { kind: "send" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "awaiting_customer" });
    expect(await takeStep(db, r.id, { kind: "close", basis: "statement", statement: "客户书面声明（存档）", actionKind: "preventive", actionText: "完善说明书" }, own(staffA), staffCtx(staffA))).toEqual({ ok: true, status: "closed" });
    expect(await getFeedback(db, r.id, own(staffA))).toMatchObject({ customerStatement: "客户书面声明（存档）", customerAcceptedAt: null });
  });

  it("a step from a status the record has left changes nothing", async () => {
    const r = await createComplaint(db, complaint(), { actorId: staffA, canAssign: false, now: NOW });
    if (!r.ok) throw new Error("create failed");
    expect(await takeStep(db, r.id, { kind: "send" }, own(staffA), staffCtx(staffA))).toEqual({ ok: false, problems: [{ field: "", code: "wrong-status" }] });
    expect((await feedbackHistory(db, r.id)).length).toBe(1);
  });
});

describe("who sees what", () => {
  it("staff see and change only records they own (others' answer as if missing); managers see all", async () => {
    const a = await createComplaint(db, complaint(), { actorId: staffA, canAssign: false, now: NOW });
    const b = await createComplaint(db, complaint({ customerId: otherCustomer }), { actorId: staffB, canAssign: false, now: NOW });
    if (!a.ok || !b.ok) throw new Error("create failed");
    expect(await getFeedback(db, b.id, own(staffA))).toBeNull();
    expect(await takeStep(db, b.id, { kind: "verify", method: "phone", verifiedBy: "王工" }, own(staffA), staffCtx(staffA))).toBeNull();
    expect((await getFeedback(db, b.id, own(staffB)))?.company).toBe("西北建材集团");
    expect((await getFeedback(db, b.id, all()))?.company).toBe("西北建材集团");

    const filters = parseFeedbackFilters(new URLSearchParams(`owner=${staffB}`), 25);
    const forA = await listFeedback(db, filters, own(staffA), TODAY);
    expect(forA.rows.map((x) => x.id)).toEqual([a.id]);
    expect(forA.total).toBe(1);
    const forManager = await listFeedback(db, parseFeedbackFilters(new URLSearchParams(), 25), all(), TODAY);
    expect(forManager.rows.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect((await listFeedback(db, filters, all(), TODAY)).rows.map((x) => x.id)).toEqual([b.id]);
  });
});

describe("the list", () => {
  it("filters by status, overdue and company, pages, and puts overdue first and closed last", async () => {
    const ids: number[] = [];
    for (const [due, company] of [["2026-11-20", customer], ["2026-12-20", customer], ["2026-11-25", otherCustomer], ["2026-12-10", customer]] as const) {
      const r = await createComplaint(db, complaint({ customerId: company, category: "quality", figure: null, dueDate: null }), { actorId: manager, canAssign: true, now: NOW });
      if (!r.ok) throw new Error("create failed");
      await db.updateTable("satisfaction_feedback").set({ due_date: due }).where("id", "=", r.id).execute();
      ids.push(r.id);
    }
    await db.updateTable("satisfaction_feedback").set({ status: "closed" }).where("id", "=", ids[0]).execute();

    const list = (query: string, pageSize = 25) => listFeedback(db, parseFeedbackFilters(new URLSearchParams(query), pageSize), all(), TODAY);
    expect((await list("")).rows.map((r) => r.id)).toEqual([ids[2], ids[3], ids[1]]); // active only, by due date
    expect((await list("status=all")).rows.map((r) => r.id)).toEqual([ids[2], ids[3], ids[1], ids[0]]);
    expect((await list("status=closed")).rows.map((r) => r.id)).toEqual([ids[0]]);
    const overdue = await list("overdue=1&status=all");
    expect(overdue.rows.map((r) => [r.id, r.overdue])).toEqual([[ids[2], true]]); // the closed one is not overdue
    expect((await list("q=西北")).rows.map((r) => r.id)).toEqual([ids[2]]);
    expect((await list("q=%")).rows).toEqual([]); // LIKE wildcards are literal
    const page2 = await list("status=all&page=2", 3);
    expect(page2.total).toBe(4);
    expect(page2.rows.map((r) => r.id)).toEqual([ids[0]]);
  });
});

describe("escalation settings", () => {
  it("are the defaults until saved; saving is audited and changes which records are escalated", async () => {
    expect(await loadEscalation(db)).toEqual(DEFAULT_ESCALATION);
    const r = await createComplaint(db, complaint({ category: "delivery_delay", figure: 4 }), { actorId: staffA, canAssign: false, now: NOW });
    if (!r.ok) throw new Error("create failed");
    const escalated = async () => (await listFeedback(db, parseFeedbackFilters(new URLSearchParams(), 25), all(), TODAY)).rows[0].escalated;
    expect(await escalated()).toBe(true);

    await saveEscalation(db, { ...DEFAULT_ESCALATION, deliveryDelayDays: 5 }, { actorId: manager, now: NOW, audit });
    expect(await loadEscalation(db)).toEqual({ ...DEFAULT_ESCALATION, deliveryDelayDays: 5 });
    expect(await escalated()).toBe(false);
    await saveEscalation(db, { ...DEFAULT_ESCALATION, deliveryDelayDays: 2 }, { actorId: manager, now: NOW, audit });
    expect((await loadEscalation(db)).deliveryDelayDays).toBe(2);

    const entries = await db.selectFrom("audit_log").selectAll().orderBy("id").execute();
    expect(entries.map((e) => [e.action, e.target, e.actor_id])).toEqual([
      ["satisfaction.escalation.update", "settings:satisfaction.escalation", manager],
      ["satisfaction.escalation.update", "settings:satisfaction.escalation", manager],
    ]);
    expect(JSON.parse(entries[1].detail_json!)).toMatchObject({ before: { deliveryDelayDays: 5 }, after: { deliveryDelayDays: 2 } });
  });
});

describe("reassigning", () => {
  it("changes owner and due date with a history row, and re-arms the overdue mail", async () => {
    const r = await createComplaint(db, complaint(), { actorId: staffA, canAssign: false, now: NOW });
    if (!r.ok) throw new Error("create failed");
    await db.updateTable("satisfaction_feedback").set({ overdue_notified_at: NOW }).where("id", "=", r.id).execute();
    expect(await reassignFeedback(db, r.id, { ownerId: staffB, dueDate: "2026-12-31" }, { actorId: manager, now: NOW })).toEqual({ ok: true });
    const row = await db.selectFrom("satisfaction_feedback").select(["owner_id", "due_date", "overdue_notified_at"]).where("id", "=", r.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ owner_id: staffB, due_date: "2026-12-31", overdue_notified_at: null });
    expect((await feedbackHistory(db, r.id)).at(-1)).toMatchObject({ action: "reassigned", actorName: "周经理", detail: { before: { ownerId: staffA, dueDate: "2026-12-09" }, changes: { ownerId: staffB, dueDate: "2026-12-31" } } });
    expect(await reassignFeedback(db, r.id, { ownerId: 999, dueDate: "x" }, { actorId: manager, now: NOW })).toEqual({
      ok: false,
      problems: [
        { field: "ownerId", code: "owner-unknown" },
        { field: "dueDate", code: "due-invalid" },
      ],
    });
    expect(await reassignFeedback(db, 12345, { ownerId: staffB, dueDate: "2026-12-31" }, { actorId: manager, now: NOW })).toBeNull();
  });
});

describe("survey-sourced records", () => {
  it("read their description JSON { score, lowItems, comments }", () => {
    expect(parseSurveyFinding(JSON.stringify({ score: 52, lowItems: ["service"], comments: [{ item: "price", text: "价格偏高" }, { item: null, text: "售后响应慢" }] }))).toEqual({
      score: 52,
      lowItems: ["service"],
      comments: [
        { item: "price", text: "价格偏高" },
        { item: null, text: "售后响应慢" },
      ],
    });
    expect(parseSurveyFinding("客户电话投诉")).toBeNull();
    expect(parseSurveyFinding(JSON.stringify({ lowItems: "x", comments: [1, { text: 2 }] }))).toEqual({ score: null, lowItems: [], comments: [] });
  });
});
