import { afterEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { insertOrg, kpiHost, tx, type Db } from "../test-support/fixtures";
import { acknowledgeSheet, agreePlan, approveSheet, disputeSheet, loadSheet, recordDeduction, removeDeduction, saveScores, setPlan, startMonth, submitSheet } from "./sheets.server";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MONTH = "2026-11";
const T1 = "2026-11-01T02:00:00.000Z";
const T2 = "2026-12-01T02:00:00.000Z";

async function setup() {
  const host = await kpiHost();
  hosts.push(host);
  const db = host.kdb;
  const org = await insertOrg(db);
  const started = await tx(db, (trx) => startMonth(trx, { month: MONTH, supervisor: org.liu, now: T1 }));
  await tx(db, (trx) => startMonth(trx, { month: MONTH, supervisor: org.chen, now: T1 }));
  const sheetId = async (employeeId: number) => (await db.selectFrom("kpi_sheet").select("id").where("month", "=", MONTH).where("employee_id", "=", employeeId).executeTakeFirstOrThrow()).id;
  return { host, db, org, started, sheetId };
}

const fieldScores = (c: number, f: number, m: number, i: number) => ({ scores: { compliance: c, "fault-response": f, "customer-communication": m, "information-feedback": i }, completions: {}, note: null });

async function history(db: Db, id: number) {
  return (await db.selectFrom("kpi_sheet_event").select(["action", "actor_id"]).where("sheet_id", "=", id).orderBy("id").execute()).map((e) => e.action);
}

describe("starting a month", () => {
  it("creates a draft sheet under the kind's scheme for each direct report, once", async () => {
    const { db, org, started } = await setup();
    expect(started).toMatchObject({ ok: true, noScheme: [] });
    const rows = await db.selectFrom("kpi_sheet as s").innerJoin("kpi_scheme as sc", "sc.id", "s.scheme_id").select(["s.employee_id", "s.kind", "s.status", "s.supervisor_id", "sc.kind as scheme_kind"]).orderBy("s.employee_id").execute();
    expect(rows).toEqual([
      { employee_id: org.zhang.id, kind: "field", status: "draft", supervisor_id: org.liu.id, scheme_kind: "field" },
      { employee_id: org.li.id, kind: "field", status: "draft", supervisor_id: org.liu.id, scheme_kind: "field" },
      { employee_id: org.zhou.id, kind: "support", status: "draft", supervisor_id: org.chen.id, scheme_kind: "support" },
    ]);
    const again = await tx(db, (trx) => startMonth(trx, { month: MONTH, supervisor: org.liu, now: T1 }));
    expect(again).toMatchObject({ ok: true, created: [] });
  });
});

describe("the field engineer's month: deductions, scores, acknowledgement, approval", () => {
  it("goes draft → submitted → acknowledged → locked, keeping every change in the history", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhang.id);
    const d = await tx(db, (trx) => recordDeduction(trx, { id, actor: org.liu, permissions: org.liu.permissions, behaviour: "late-report", occurredOn: "2026-11-12", note: "报告晚交两天", now: T1 }));
    expect(d.ok).toBe(true);
    // 100 × (0.27 + 0.24 + 0.16 + 0.18) = 85; − 3 = 82 → B, KPI 1
    const scored = await tx(db, (trx) => saveScores(trx, { id, actor: org.liu, permissions: org.liu.permissions, input: fieldScores(9, 8, 8, 9), now: T2 }));
    expect(scored).toEqual({ ok: true, total: 82, kpiValue: 1 });
    expect(await tx(db, (trx) => submitSheet(trx, { id, actor: org.liu, permissions: org.liu.permissions, now: T2 }))).toEqual({ ok: true });
    expect(await tx(db, (trx) => acknowledgeSheet(trx, { id, actor: org.zhang, permissions: org.zhang.permissions, comment: "同意", now: T2 }))).toEqual({ ok: true });
    expect(await tx(db, (trx) => approveSheet(trx, { id, actor: org.wang, permissions: org.wang.permissions, now: T2 }))).toEqual({ ok: true });
    const view = (await loadSheet(db, id, org.wang))!;
    expect(view.sheet).toMatchObject({ status: "locked", total: 82, grade: "B", kpi_value: 1, deduction_points: 3, indicator_points: 85, employee_comment: "同意", approved_by: org.wang.id, locked_at: T2 });
    expect(view.deductions.map((x) => [x.behaviour, x.points, x.occurred_on, x.label["zh-CN"]])).toEqual([["late-report", 3, "2026-11-12", "未按时提交服务报告"]]);
    expect(await history(db, id)).toEqual(["created", "deduction.recorded", "scored", "submitted", "acknowledged", "locked"]);
  });

  it("refuses every change once locked", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhang.id);
    await tx(db, (trx) => saveScores(trx, { id, actor: org.liu, permissions: org.liu.permissions, input: fieldScores(9, 8, 8, 9), now: T2 }));
    await tx(db, (trx) => submitSheet(trx, { id, actor: org.liu, permissions: org.liu.permissions, now: T2 }));
    await tx(db, (trx) => acknowledgeSheet(trx, { id, actor: org.zhang, permissions: org.zhang.permissions, comment: null, now: T2 }));
    await tx(db, (trx) => approveSheet(trx, { id, actor: org.wang, permissions: org.wang.permissions, now: T2 }));
    const before = await history(db, id);
    const attempts = await Promise.all([
      tx(db, (trx) => saveScores(trx, { id, actor: org.liu, permissions: org.liu.permissions, input: fieldScores(5, 5, 5, 5), now: T2 })),
      tx(db, (trx) => recordDeduction(trx, { id, actor: org.liu, permissions: org.liu.permissions, behaviour: "safety", occurredOn: "2026-11-03", note: "x", now: T2 })),
      tx(db, (trx) => disputeSheet(trx, { id, actor: org.zhang, permissions: org.zhang.permissions, comment: "不同意", now: T2 })),
      tx(db, (trx) => approveSheet(trx, { id, actor: org.wang, permissions: org.wang.permissions, now: T2 })),
    ]);
    for (const a of attempts) expect(a).toMatchObject({ ok: false, status: 409, key: "kpi.error.locked" });
    // 100 × (0.27 + 0.24 + 0.16 + 0.18) = 85, unchanged
    expect((await loadSheet(db, id, org.wang))!.sheet).toMatchObject({ status: "locked", total: 85 });
    expect(await history(db, id)).toEqual(before);
  });

  it("refuses a perfect month and says why, saving nothing", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhang.id);
    const r = await tx(db, (trx) => saveScores(trx, { id, actor: org.liu, permissions: org.liu.permissions, input: fieldScores(10, 10, 10, 10), now: T2 }));
    expect(r).toEqual({ ok: false, status: 400, key: "kpi.score.refused.reaches-full-marks", params: { total: 100, fullMarks: 100, standard: 100 } });
    expect((await loadSheet(db, id, org.liu))!.sheet).toMatchObject({ total: null, kpi_value: null });
    expect(await db.selectFrom("kpi_sheet_score").selectAll().where("sheet_id", "=", id).execute()).toEqual([]);
    expect(await history(db, id)).toEqual(["created"]);
  });

  it("refuses a total above the standard score of the sheet's scheme", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhang.id);
    const sheet = await db.selectFrom("kpi_sheet").select("scheme_id").where("id", "=", id).executeTakeFirstOrThrow();
    const scheme = await db.selectFrom("kpi_scheme").select("definition_json").where("id", "=", sheet.scheme_id).executeTakeFirstOrThrow();
    await db.updateTable("kpi_scheme").set({ definition_json: JSON.stringify({ ...JSON.parse(scheme.definition_json), standardScore: 95 }) }).where("id", "=", sheet.scheme_id).execute();
    // 30 + 30 + 20 + 16 = 96 > 95
    const r = await tx(db, (trx) => saveScores(trx, { id, actor: org.liu, permissions: org.liu.permissions, input: fieldScores(10, 10, 10, 8), now: T2 }));
    expect(r).toMatchObject({ ok: false, key: "kpi.score.refused.exceeds-standard", params: { total: 96, standard: 95 } });
  });

  it("keeps deductions within the month and the scheme's catalogue, and rescoring follows them", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhang.id);
    const p = { id, actor: org.liu, permissions: org.liu.permissions, now: T1 };
    expect(await tx(db, (trx) => recordDeduction(trx, { ...p, behaviour: "safety", occurredOn: "2026-12-01", note: "x" }))).toMatchObject({ ok: false, key: "kpi.deduction.error.date" });
    expect(await tx(db, (trx) => recordDeduction(trx, { ...p, behaviour: "nonsense", occurredOn: "2026-11-01", note: "x" }))).toMatchObject({ ok: false, key: "kpi.deduction.error.behaviour" });
    expect(await tx(db, (trx) => recordDeduction(trx, { ...p, behaviour: "safety", occurredOn: "2026-11-01", note: "  " }))).toMatchObject({ ok: false, key: "kpi.deduction.error.note" });
    // 85 points; a safety deduction (5) → 80; removing it → 85 again
    await tx(db, (trx) => saveScores(trx, { ...p, input: fieldScores(9, 8, 8, 9) }));
    const added = await tx(db, (trx) => recordDeduction(trx, { ...p, behaviour: "safety", occurredOn: "2026-11-30", note: "未戴安全帽" }));
    expect((await loadSheet(db, id, org.liu))!.sheet).toMatchObject({ total: 80, deduction_points: 5 });
    await tx(db, (trx) => removeDeduction(trx, { ...p, deductionId: added.ok ? added.deductionId : 0 }));
    expect((await loadSheet(db, id, org.liu))!.sheet).toMatchObject({ total: 85, deduction_points: 0 });
    expect(await history(db, id)).toEqual(["created", "scored", "deduction.recorded", "deduction.removed"]);
  });
});

describe("disputes", () => {
  it("needs a comment; the supervisor revises (back to draft) and the manager may approve a disputed sheet", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.li.id);
    const sup = { id, actor: org.liu, permissions: org.liu.permissions, now: T2 };
    await tx(db, (trx) => saveScores(trx, { ...sup, input: fieldScores(8, 8, 8, 8) }));
    await tx(db, (trx) => submitSheet(trx, sup));
    expect(await tx(db, (trx) => disputeSheet(trx, { id, actor: org.li, permissions: org.li.permissions, comment: " ", now: T2 }))).toMatchObject({ ok: false, key: "kpi.error.disputeComment" });
    expect(await tx(db, (trx) => disputeSheet(trx, { id, actor: org.li, permissions: org.li.permissions, comment: "客户交流应更高", now: T2 }))).toEqual({ ok: true });
    // the supervisor revises: back to draft, resubmits; the employee disputes again; the manager decides
    await tx(db, (trx) => saveScores(trx, { ...sup, input: fieldScores(8, 8, 9, 8) }));
    expect((await loadSheet(db, id, org.liu))!.sheet).toMatchObject({ status: "draft", total: 82 });
    await tx(db, (trx) => submitSheet(trx, sup));
    await tx(db, (trx) => disputeSheet(trx, { id, actor: org.li, permissions: org.li.permissions, comment: "仍不同意", now: T2 }));
    expect(await tx(db, (trx) => approveSheet(trx, { id, actor: org.wang, permissions: org.wang.permissions, now: T2 }))).toEqual({ ok: true });
    expect(await history(db, id)).toEqual(["created", "scored", "submitted", "disputed", "reopened", "scored", "submitted", "disputed", "locked"]);
    const events = await db.selectFrom("kpi_sheet_event").select(["action", "detail_json"]).where("sheet_id", "=", id).where("action", "=", "scored").orderBy("id").execute();
    // the second scoring records what it changed: 80 → 82
    expect(JSON.parse(events[1].detail_json!)).toMatchObject({ before: { total: 80 }, after: { total: 82 } });
  });

  it("only the employee answers, only the supervisor fills, the supervisor cannot approve", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhang.id);
    expect(await tx(db, (trx) => saveScores(trx, { id, actor: org.wang, permissions: org.wang.permissions, input: fieldScores(8, 8, 8, 8), now: T2 }))).toMatchObject({ ok: false, status: 403 });
    await tx(db, (trx) => saveScores(trx, { id, actor: org.liu, permissions: org.liu.permissions, input: fieldScores(8, 8, 8, 8), now: T2 }));
    expect(await tx(db, (trx) => acknowledgeSheet(trx, { id, actor: org.zhang, permissions: org.zhang.permissions, comment: null, now: T2 }))).toMatchObject({ ok: false, status: 409, key: "kpi.error.state" });
    await tx(db, (trx) => submitSheet(trx, { id, actor: org.liu, permissions: org.liu.permissions, now: T2 }));
    expect(await tx(db, (trx) => acknowledgeSheet(trx, { id, actor: org.li, permissions: org.li.permissions, comment: null, now: T2 }))).toMatchObject({ ok: false, status: 404 });
    expect(await tx(db, (trx) => acknowledgeSheet(trx, { id, actor: org.liu, permissions: org.liu.permissions, comment: null, now: T2 }))).toMatchObject({ ok: false, status: 403 });
    await tx(db, (trx) => acknowledgeSheet(trx, { id, actor: org.zhang, permissions: org.zhang.permissions, comment: null, now: T2 }));
    expect(await tx(db, (trx) => approveSheet(trx, { id, actor: org.liu, permissions: org.liu.permissions, now: T2 }))).toMatchObject({ ok: false, status: 403, key: "kpi.error.not.approver" });
    expect(await tx(db, (trx) => approveSheet(trx, { id, actor: org.qian, permissions: org.qian.permissions, now: T2 }))).toMatchObject({ ok: false, status: 404 });
    expect(await tx(db, (trx) => approveSheet(trx, { id, actor: org.admin, permissions: org.admin.permissions, now: T2 }))).toEqual({ ok: true });
  });
});

describe("the technical support month: plan, agreement, completion", () => {
  it("sets the plan, waits for the employee's agreement, then scores completion and daily work", async () => {
    const { db, org, sheetId } = await setup();
    const id = await sheetId(org.zhou.id);
    const sup = { id, actor: org.chen, permissions: org.chen.permissions, now: T1 };
    expect(await tx(db, (trx) => setPlan(trx, { ...sup, items: [{ description: "工单闭环", requirement: "≥95%", weight: 60 }, { description: "手册", requirement: "初稿", weight: 30 }] }))).toMatchObject({ ok: false, key: "kpi.plan.error.sum", params: { sum: 90 } });
    expect(await tx(db, (trx) => setPlan(trx, { ...sup, items: [{ description: "工单闭环", requirement: "≥95%", weight: 60 }, { description: "手册", requirement: "初稿", weight: 40 }] }))).toEqual({ ok: true });
    expect(await tx(db, (trx) => saveScores(trx, { ...sup, input: { scores: { "daily-work": 80 }, completions: {}, note: null } }))).toMatchObject({ ok: false, key: "kpi.error.planNotAgreed" });
    expect(await tx(db, (trx) => agreePlan(trx, { id, actor: org.zhou, permissions: org.zhou.permissions, now: T1 }))).toEqual({ ok: true });
    const items = (await loadSheet(db, id, org.chen))!.planItems;
    // plan 60 % × 90 % + 40 % × 50 % = 74; total 0.7 × 74 + 0.3 × 80 = 51.8 + 24 = 75.8 → B, KPI 1
    const r = await tx(db, (trx) => saveScores(trx, { ...sup, input: { scores: { "daily-work": 80 }, completions: { [items[0].id]: 90, [items[1].id]: 50 }, note: "手册需补充图片" } }));
    expect(r).toEqual({ ok: true, total: 75.8, kpiValue: 1 });
    const view = (await loadSheet(db, id, org.zhou))!;
    expect(view.scores).toEqual({ "work-plan": 74, "daily-work": 80 });
    expect(view.planItems.map((i) => i.completion)).toEqual([90, 50]);
    expect(view.sheet.supervisor_note).toBe("手册需补充图片");
    // changing the plan afterwards needs a new agreement and clears the scores
    await tx(db, (trx) => setPlan(trx, { ...sup, items: [{ description: "工单闭环", requirement: "≥95%", weight: 100 }] }));
    expect((await loadSheet(db, id, org.chen))!.sheet).toMatchObject({ plan_agreed_at: null, total: null });
    expect(await history(db, id)).toEqual(["created", "plan.set", "plan.agreed", "scored", "plan.set"]);
  });
});
