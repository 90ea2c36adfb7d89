import type { Kysely } from "kysely";
import type { PluginContext, Role } from "@aftercare/plugin-api";
import type { KpiTables } from "./tables";
import { ensureDefaultSchemes } from "./scheme/schemes.server";
import { monthOf, previousMonth } from "./month";
import type { Actor } from "./access.server";
import { acknowledgeSheet, agreePlan, approveSheet, disputeSheet, loadSheet, recordDeduction, saveScores, setPlan, startMonth, submitSheet, type Outcome } from "./sheet/sheets.server";
import { setAveragePays } from "./pay/pay.server";

type Db = Kysely<KpiTables>;

/** Creates the default scheme of each staff kind (once). */
export async function initKpi(ctx: PluginContext): Promise<void> {
  await ensureDefaultSchemes(ctx.db as Db, ctx.clock().toISOString());
}

const ALL = new Set(["kpi.sheets.view", "kpi.sheets.fill", "kpi.sheets.approve", "kpi.pay.manage", "kpi.reports.view", "kpi.schemes.manage"]);
const STAFF = new Set(["kpi.sheets.view"]);

function must<T extends object>(outcome: Outcome<T>, what: string): T {
  if (!outcome.ok) throw new Error(`kpi seed: ${what} refused (${outcome.key})`);
  return outcome;
}

/**
 * Demo data for last month, through the same workflow the pages use: the field engineers' sheets
 * locked (with a deduction), acknowledged, submitted and draft (with a deduction); the technical
 * support sheets locked, disputed and draft (plan agreed) — both scored support sheets below a KPI
 * value of 1, so the month's report flags that scheme; and last month's average pay of everyone.
 */
export async function seedKpi(ctx: PluginContext): Promise<void> {
  const db = ctx.db as Db;
  const month = previousMonth(monthOf(ctx.clock()));
  const users = await db.selectFrom("users").select(["id", "email", "role", "supervisor_id", "staff_kind"]).execute();
  const byEmail = new Map(users.map((u) => [u.email, u]));
  const manager = byEmail.get("manager@aftercare.local");
  const supervisors = users.filter((u) => users.some((x) => x.supervisor_id === u.id && x.staff_kind !== null && x.role === "staff"));
  if (!manager || supervisors.length === 0) return;
  const actor = (u: { id: number; role: Role }): Actor => ({ id: u.id, role: u.role });
  const at = (day: number, hour = 2) => `${month}-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00.000Z`;
  const [year, monthNumber] = month.split("-").map(Number);
  const next = monthOf(new Date(Date.UTC(year, monthNumber, 1))); // the month the sheets are scored in
  const after = (day: number) => `${next}-${String(day).padStart(2, "0")}T02:00:00.000Z`;

  await db.transaction().execute(async (trx) => {
    for (const sup of supervisors) must(await startMonth(trx, { month, supervisor: actor(sup), now: at(1) }), "start month");
    const sheetOf = async (email: string) => {
      const user = byEmail.get(email);
      if (!user) return null;
      const row = await trx.selectFrom("kpi_sheet").select(["id", "supervisor_id"]).where("month", "=", month).where("employee_id", "=", user.id).executeTakeFirst();
      if (!row || row.supervisor_id === null) return null;
      const sup = users.find((u) => u.id === row.supervisor_id)!;
      return { id: row.id, employee: actor(user), supervisor: actor(sup) };
    };
    const field = async (email: string, scores: [number, number, number, number], deductions: { behaviour: string; day: number; note: string }[], end: "draft" | "submitted" | "acknowledged" | "locked") => {
      const s = await sheetOf(email);
      if (!s) return;
      for (const d of deductions) must(await recordDeduction(trx, { id: s.id, actor: s.supervisor, permissions: ALL, behaviour: d.behaviour, occurredOn: `${month}-${String(d.day).padStart(2, "0")}`, note: d.note, now: at(d.day, 9) }), "deduction");
      if (end === "draft") return;
      const [compliance, fault, communication, feedback] = scores;
      must(await saveScores(trx, { id: s.id, actor: s.supervisor, permissions: ALL, input: { scores: { compliance, "fault-response": fault, "customer-communication": communication, "information-feedback": feedback }, completions: {}, note: null }, now: after(1) }), "scores");
      must(await submitSheet(trx, { id: s.id, actor: s.supervisor, permissions: ALL, now: after(1) }), "submit");
      if (end === "submitted") return;
      must(await acknowledgeSheet(trx, { id: s.id, actor: s.employee, permissions: STAFF, comment: null, now: after(2) }), "acknowledge");
      if (end === "locked") must(await approveSheet(trx, { id: s.id, actor: actor(manager), permissions: ALL, now: after(3) }), "approve");
    };
    // 100 × (0.3×0.9 + 0.3×0.8 + 0.2×0.8 + 0.2×0.9) − 3 = 82 → B, KPI 1
    await field("zhang.wei@aftercare.local", [9, 8, 8, 9], [{ behaviour: "late-report", day: 12, note: "现场服务报告延迟两天提交。" }], "locked");
    // 100 × (0.27 + 0.27 + 0.18 + 0.19) = 91 → A, KPI 1.5
    await field("li.na@aftercare.local", [9, 9, 9, 9.5], [], "acknowledged");
    // 100 × (0.24 + 0.21 + 0.16 + 0.16) − 5 = 72 → C, KPI 0.8
    await field("zhao.lei@aftercare.local", [8, 7, 8, 8], [{ behaviour: "safety", day: 8, note: "进入车间未佩戴安全帽。" }], "submitted");
    await field("sun.min@aftercare.local", [0, 0, 0, 0], [{ behaviour: "dispute", day: 20, note: "Argued with the customer about a spare-part charge." }], "draft");

    const support = async (email: string, plan: { description: string; requirement: string; weight: number; completion: number }[], daily: number, end: "draft" | "disputed" | "locked") => {
      const s = await sheetOf(email);
      if (!s) return;
      must(await setPlan(trx, { id: s.id, actor: s.supervisor, permissions: ALL, items: plan, now: at(1, 3) }), "plan");
      must(await agreePlan(trx, { id: s.id, actor: s.employee, permissions: STAFF, now: at(2) }), "agree");
      if (end === "draft") return;
      const view = (await loadSheet(trx, s.id, s.supervisor))!;
      const completions = Object.fromEntries(view.planItems.map((p, i) => [p.id, plan[i].completion]));
      must(await saveScores(trx, { id: s.id, actor: s.supervisor, permissions: ALL, input: { scores: { "daily-work": daily }, completions, note: null }, now: after(1) }), "scores");
      must(await submitSheet(trx, { id: s.id, actor: s.supervisor, permissions: ALL, now: after(1) }), "submit");
      if (end === "disputed") {
        must(await disputeSheet(trx, { id: s.id, actor: s.employee, permissions: STAFF, comment: "备件盘点延期是因为供应商晚到货，不应全部算作未完成。", now: after(2) }), "dispute");
        return;
      }
      must(await acknowledgeSheet(trx, { id: s.id, actor: s.employee, permissions: STAFF, comment: null, now: after(2) }), "acknowledge");
      must(await approveSheet(trx, { id: s.id, actor: actor(manager), permissions: ALL, now: after(3) }), "approve");
    };
    // plan 100 × (0.6×0.7 + 0.4×0.6) = 66 → 0.7 × 66 = 46.2; daily 0.3 × 75 = 22.5; total 68.7 → C, KPI 0.8
    await support(
      "zhou.jie@aftercare.local",
      [
        { description: "热线工单 24 小时内闭环", requirement: "闭环率 ≥ 95%", weight: 60, completion: 70 },
        { description: "编写 AC-350 常见故障手册", requirement: "月底前提交初稿", weight: 40, completion: 60 },
      ],
      75,
      "locked",
    );
    // plan 100 × (0.5×0.6 + 0.3×0.8 + 0.2×0.5) = 64 → 44.8; daily 0.3 × 70 = 21; total 65.8 → C, KPI 0.8
    await support(
      "wu.fang@aftercare.local",
      [
        { description: "备件库季度盘点", requirement: "账实相符率 100%", weight: 50, completion: 60 },
        { description: "备件发货及时率", requirement: "48 小时内发出 ≥ 90%", weight: 30, completion: 80 },
        { description: "整理呆滞备件清单", requirement: "提交处理建议", weight: 20, completion: 50 },
      ],
      70,
      "disputed",
    );
    await support(
      "zheng.hao@aftercare.local",
      [
        { description: "远程诊断平台上线试运行", requirement: "覆盖 10 家重点客户", weight: 70, completion: 0 },
        { description: "热线知识库更新", requirement: "新增 20 条解决方案", weight: 30, completion: 0 },
      ],
      0,
      "draft",
    );

    const pays: Record<string, number> = {
      "zhang.wei@aftercare.local": 800_000,
      "li.na@aftercare.local": 850_050,
      "zhao.lei@aftercare.local": 760_000,
      "sun.min@aftercare.local": 900_000,
      "zhou.jie@aftercare.local": 1_000_000,
      "wu.fang@aftercare.local": 920_000,
      "zheng.hao@aftercare.local": 880_000,
    };
    const entries = Object.entries(pays).flatMap(([email, cents]) => (byEmail.get(email) ? [{ employeeId: byEmail.get(email)!.id, cents }] : []));
    await setAveragePays(trx, { month, actor: { id: manager.id, role: "admin" }, entries, source: "seed", now: after(3) });
  });
}
