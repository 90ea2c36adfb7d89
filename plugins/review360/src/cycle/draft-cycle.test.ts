/**
 * A draft cycle: its own competencies, statements and scale (used by the forms, the report, the
 * heatmap and the export, frozen once open), its settings edited, and its deletion — all on a
 * real host over SQLite.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTranslator } from "@aftercare/i18n";
import { DEFAULT_MIN_RATERS, DEFAULT_RATER_WEIGHTS } from "@aftercare/scoring";
import { closeCycle, createCycle, deleteCycle, getCycle, openCycle, saveDefinition, updateCycle } from "./cycles.server";
import type { CycleDefinition } from "../definition/competencies";
import { parseDefinitionInput } from "../definition/definition-input";
import { assignCustomers, assignStaff } from "../raters/assignments.server";
import { openCustomerReview, openStaffReview } from "../response/review-session.server";
import { revieweeReport, teamHeatmap } from "../report/report.server";
import { cycleCsv } from "../report/export.server";
import { cycleSpec, insertCustomers, insertUser, review360Host, revieweeOf, submitAsStaff, team, type Host360 } from "../test-support/fixtures";
import { en } from "../locales/en";
import { zhCN } from "../locales/zh-CN";

const hosts: Host360[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const text = (zh: string, english: string) => ({ "zh-CN": zh, en: english });

/** Two competencies (the second without ids: made up as c2 / c2_1) and relabelled anchors. */
function customDefinition(): CycleDefinition {
  const parsed = parseDefinitionInput({
    competencies: [
      {
        id: "response",
        title: text("响应速度", "Response"),
        items: [
          { id: "response_call", text: text("30 分钟内响应来电。", "Answers calls within 30 minutes.") },
          { id: "response_site", text: text("24 小时内到达现场。", "Is on site within 24 hours.") },
        ],
      },
      { title: text("团队合作", "Teamwork"), items: [{ text: text("主动分享备件知识。", "Shares spare-parts knowledge.") }] },
    ],
    scale: [
      { value: 1, label: text("很差", "Poor") },
      { value: 2, label: text("较差", "Fair") },
      { value: 3, label: text("一般", "Average") },
      { value: 4, label: text("良好", "Good") },
      { value: 5, label: text("优秀", "Excellent") },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.definition;
}

async function draft() {
  const h = await review360Host();
  hosts.push(h);
  const t = await team(h.rdb);
  const cycleId = await createCycle(h.rdb, cycleSpec({ reviewees: { userIds: [t.reviewee], staffKinds: [], supervisorId: null } }), t.manager, h.now.iso);
  return { h, t, cycleId };
}

async function auditOf(h: Host360, action: string) {
  return h.db.selectFrom("audit_log").select(["actor_id", "target", "detail_json"]).where("action", "=", action).execute();
}

describe("a cycle's own competencies, statements and scale", () => {
  it("start as the defaults, are replaced while a draft, and are frozen once the cycle opens", async () => {
    const { h, t, cycleId } = await draft();
    expect((await getCycle(h.rdb, cycleId))!.definition.competencies.map((c) => c.id)).toEqual(["communication", "interpersonal", "business"]);
    const custom = customDefinition();
    expect(await saveDefinition(h.ctx, cycleId, custom, t.manager)).toEqual({ ok: true });
    expect((await getCycle(h.rdb, cycleId))!.definition).toEqual(custom);
    const [audit] = await auditOf(h, "review360.cycle.definition");
    expect(audit).toMatchObject({ actor_id: t.manager, target: `review360_cycle:${cycleId}` });
    expect(JSON.parse(audit.detail_json!)).toEqual({ competencies: [{ id: "response", items: 2 }, { id: "c2", items: 1 }] });

    expect(await openCycle(h.ctx, cycleId)).toBe(true);
    const parsed = parseDefinitionInput({ competencies: [{ title: text("新", "New"), items: [{ text: text("新。", "New.") }] }], scale: custom.scale });
    expect(await saveDefinition(h.ctx, cycleId, (parsed as { definition: CycleDefinition }).definition, t.manager)).toEqual({ ok: false, problem: "not-draft" });
    expect((await getCycle(h.rdb, cycleId))!.definition).toEqual(custom);
    expect(await saveDefinition(h.ctx, 9999, custom, t.manager)).toEqual({ ok: false, problem: "not-found" });
  });

  it("are what the staff and customer forms ask, with the cycle's anchor labels", async () => {
    const { h, t, cycleId } = await draft();
    await saveDefinition(h.ctx, cycleId, customDefinition(), t.manager);
    await openCycle(h.ctx, cycleId);
    const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
    const self = await h.rdb.selectFrom("review360_assignment").select("id").where("reviewee_id", "=", rid).where("rater_group", "=", "self").executeTakeFirstOrThrow();
    const survey = (await openStaffReview(h.rdb, self.id, t.reviewee))!.survey;
    expect(survey.pages!.map((p) => [p.name, p.elements!.map((e) => e.name)])).toEqual([
      ["response", ["response_call", "response_site"]],
      ["c2", ["c2_1"]],
      ["comments", ["strengths", "improve"]],
    ]);
    const rating = survey.pages![0].elements![0] as unknown as { title: unknown; rateValues: { value: unknown; text: Record<string, string> }[] };
    expect(rating.title).toEqual({ default: "Answers calls within 30 minutes.", en: "Answers calls within 30 minutes.", "zh-cn": "30 分钟内响应来电。" });
    expect(rating.rateValues.map((v) => [v.value, v.text.en, v.text["zh-cn"]])).toEqual([
      [1, "1 · Poor", "1 · 很差"],
      [2, "2 · Fair", "2 · 较差"],
      [3, "3 · Average", "3 · 一般"],
      [4, "4 · Good", "4 · 良好"],
      [5, "5 · Excellent", "5 · 优秀"],
    ]);
    const [customer] = await insertCustomers(h.rdb, [{ company: "上海精密机械有限公司", email: "c@example.com" }]);
    await assignCustomers(h.ctx, rid, [customer]);
    const inv = await h.rdb.selectFrom("review360_assignment").select("invitation_id").where("customer_id", "=", customer).executeTakeFirstOrThrow();
    const customerSurvey = (await openCustomerReview(h.ctx, h.ctx.invitations.tokenFor(inv.invitation_id!)))!.survey;
    expect(customerSurvey.pages![1].elements!.map((e) => e.name)).toEqual(["c2_1"]);
  });

  /**
   * Self, supervisor and three peers (minimum 3: visible) answer the custom statements; no
   * customers or subordinates, so supervisor and peers share the weight 0.5 / 0.5.
   *               response_call  response_site  c2_1
   *   self              5              5          2
   *   supervisor        4              2          4
   *   peers          3, 4, 2        3, 2, 4    5, 4, 3   → means 3, 3, 4
   * response: supervisor (4 + 2) / 2 = 3, peers 18 / 6 = 3 → others 3; self 5 → gap +2 > 4/3: blind spot.
   * c2:       supervisor 4, peers 4 → others 4; self 2 → gap −2: hidden strength.
   * overall = 0.5 × mean(3, 4) + 0.5 × mean(3, 4) = 3.5.
   * items: response_call 0.5 × 4 + 0.5 × 3 = 3.5; response_site 0.5 × 2 + 0.5 × 3 = 2.5; c2_1 4.
   */
  it("drive the report, the team heatmap and the CSV export", async () => {
    const { h, t, cycleId } = await draft();
    await saveDefinition(h.ctx, cycleId, customDefinition(), t.manager);
    await openCycle(h.ctx, cycleId);
    const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
    const peers = t.others.slice(0, 3);
    await assignStaff(h.rdb, rid, "peers", peers, h.now.iso);
    const answers = (call: number, site: number, share: number) => ({ response_call: call, response_site: site, c2_1: share });
    expect(await submitAsStaff(h, rid, t.reviewee, answers(5, 5, 2))).toEqual({ ok: true, duplicate: false });
    await submitAsStaff(h, rid, t.supervisor, answers(4, 2, 4));
    await submitAsStaff(h, rid, peers[0], answers(3, 3, 5));
    await submitAsStaff(h, rid, peers[1], answers(4, 2, 4));
    await submitAsStaff(h, rid, peers[2], answers(2, 4, 3));
    await closeCycle(h.rdb, cycleId, h.now.iso);

    const report = await revieweeReport(h.rdb, rid);
    if (report?.state !== "ready") throw new Error("report not ready");
    expect(report.competencies.map((c) => [c.id, c.others, c.self, c.gap, c.gapKind])).toEqual([
      ["response", 3, 5, 2, "blind-spot"],
      ["c2", 4, 2, -2, "hidden-strength"],
    ]);
    expect(report.items.map((i) => [i.competency, i.id, i.others])).toEqual([
      ["response", "response_call", 3.5],
      ["response", "response_site", 2.5],
      ["c2", "c2_1", 4],
    ]);
    expect(report.overall).toBeCloseTo(3.5, 10);

    const heat = await teamHeatmap(h.rdb, cycleId);
    expect(heat.map((r) => [r.name, r.others, r.overall])).toEqual([["张伟", { response: 3, c2: 4 }, 3.5]]);

    const csvEn = (await cycleCsv(h.rdb, cycleId, "en", createTranslator(en)))!;
    expect(csvEn).toContain("张伟,Response,Answers calls within 30 minutes.,Others,,3.5,");
    expect(csvEn).toContain("张伟,Teamwork,,Self,,2,,");
    expect(csvEn).not.toContain("Communication skills");
    const csvZh = (await cycleCsv(h.rdb, cycleId, "zh-CN", createTranslator(zhCN)))!;
    expect(csvZh).toContain("张伟,团队合作,主动分享备件知识。");
  });
});

describe("a draft cycle's settings", () => {
  it("can be edited — reviewees re-selected, supervisors read again — and the change is audited", async () => {
    const { h, t, cycleId } = await draft();
    const before = await revieweeOf(h.rdb, cycleId, t.reviewee);
    const newcomer = await insertUser(h.rdb, { name: "钱多", supervisorId: t.manager });
    // 张伟 moves to the manager's team meanwhile.
    await h.rdb.updateTable("users").set({ supervisor_id: t.manager }).where("id", "=", t.reviewee).execute();
    const settings = {
      ...cycleSpec(),
      name: "2027 上半年 360 度评估",
      period: "2027 H1",
      dueDate: "2027-01-15",
      weights: { self: 0, supervisor: 0.4, peers: 0.3, subordinates: 0, customers: 0.3 },
      minRaters: { ...DEFAULT_MIN_RATERS, peers: 4 },
      peerMin: 4,
      peerMax: 5,
      reminderAfterDays: 4,
      reminderMax: 1,
      reviewees: { userIds: [t.reviewee, newcomer], staffKinds: [], supervisorId: null },
    };
    expect(await updateCycle(h.ctx, cycleId, settings, t.manager)).toEqual({ ok: true });
    const cycle = (await getCycle(h.rdb, cycleId))!;
    expect(cycle).toMatchObject({ name: "2027 上半年 360 度评估", period: "2027 H1", dueDate: "2027-01-15", peerMin: 4, peerMax: 5, reminderAfterDays: 4, reminderMax: 1, status: "draft" });
    expect(cycle.weights).toEqual(settings.weights);
    expect(cycle.minRaters.peers).toBe(4);
    const reviewees = await h.rdb.selectFrom("review360_reviewee").select(["id", "user_id", "supervisor_id"]).where("cycle_id", "=", cycleId).orderBy("user_id").execute();
    // 张伟 kept (same row), with the new supervisor; 钱多 added.
    expect(reviewees).toEqual([
      { id: before, user_id: t.reviewee, supervisor_id: t.manager },
      { id: expect.any(Number), user_id: newcomer, supervisor_id: t.manager },
    ]);
    const [audit] = await auditOf(h, "review360.cycle.update");
    expect(audit).toMatchObject({ actor_id: t.manager, target: `review360_cycle:${cycleId}` });
    expect(JSON.parse(audit.detail_json!)).toMatchObject({ name: "2027 上半年 360 度评估", reviewees: 2 });

    // Dropping 张伟 removes his row.
    expect(await updateCycle(h.ctx, cycleId, { ...settings, reviewees: { userIds: [newcomer], staffKinds: [], supervisorId: null } }, t.manager)).toEqual({ ok: true });
    expect((await h.rdb.selectFrom("review360_reviewee").select("user_id").where("cycle_id", "=", cycleId).execute()).map((r) => r.user_id)).toEqual([newcomer]);
  });

  it("cannot be edited once the cycle is open", async () => {
    const { h, t, cycleId } = await draft();
    await openCycle(h.ctx, cycleId);
    const spec = cycleSpec({ name: "改名", weights: DEFAULT_RATER_WEIGHTS, reviewees: { userIds: [t.others[0]], staffKinds: [], supervisorId: null } });
    expect(await updateCycle(h.ctx, cycleId, spec, t.manager)).toEqual({ ok: false, problem: "not-draft" });
    expect((await getCycle(h.rdb, cycleId))!.name).toBe("2026 下半年 360 度评估");
    expect((await h.rdb.selectFrom("review360_reviewee").select("user_id").where("cycle_id", "=", cycleId).execute()).map((r) => r.user_id)).toEqual([t.reviewee]);
    expect(await auditOf(h, "review360.cycle.update")).toEqual([]);
  });
});

describe("deleting a cycle", () => {
  it("removes a draft and its reviewees, audited with what was deleted", async () => {
    const { h, t, cycleId } = await draft();
    expect(await deleteCycle(h.ctx, cycleId, t.manager)).toEqual({ ok: true });
    expect(await getCycle(h.rdb, cycleId)).toBeNull();
    expect(await h.rdb.selectFrom("review360_reviewee").select("id").where("cycle_id", "=", cycleId).execute()).toEqual([]);
    const [audit] = await auditOf(h, "review360.cycle.delete");
    expect(audit).toMatchObject({ actor_id: t.manager, target: `review360_cycle:${cycleId}` });
    expect(JSON.parse(audit.detail_json!)).toEqual({ name: "2026 下半年 360 度评估", period: "2026 H2", dueDate: "2026-12-21", reviewees: 1 });
    expect(await deleteCycle(h.ctx, cycleId, t.manager)).toEqual({ ok: false, problem: "not-found" });
  });

  it("is refused for an open or closed cycle, which stays whole", async () => {
    const { h, t, cycleId } = await draft();
    await openCycle(h.ctx, cycleId);
    const assignments = await h.rdb.selectFrom("review360_assignment").select("id").where("cycle_id", "=", cycleId).execute();
    expect(assignments.length).toBe(2); // self and supervisor
    expect(await deleteCycle(h.ctx, cycleId, t.manager)).toEqual({ ok: false, problem: "not-draft" });
    await closeCycle(h.rdb, cycleId, h.now.iso);
    expect(await deleteCycle(h.ctx, cycleId, t.manager)).toEqual({ ok: false, problem: "not-draft" });
    expect((await getCycle(h.rdb, cycleId))!.status).toBe("closed");
    expect(await h.rdb.selectFrom("review360_assignment").select("id").where("cycle_id", "=", cycleId).execute()).toEqual(assignments);
    expect(await auditOf(h, "review360.cycle.delete")).toEqual([]);
  });
});
