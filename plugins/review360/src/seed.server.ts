import type { PluginContext } from "@aftercare/plugin-api";
import { DEFAULT_MIN_RATERS, DEFAULT_RATER_WEIGHTS } from "@aftercare/scoring";
import { closeCycle, createCycle, openCycle, type Db } from "./cycle/cycles.server";
import { DEFAULT_DEFINITION, allItems } from "./definition/competencies";
import { assignCustomers, assignStaff, nominatePeers, peerCandidates } from "./raters/assignments.server";
import { openCustomerReview, openStaffReview, submitReview } from "./response/review-session.server";
import { releaseReport } from "./report/release.server";

const STRENGTHS: Record<string, string[]> = {
  staff: ["响应及时，处理问题认真负责。", "对设备非常熟悉。讲解清楚耐心。", "Always calm under pressure.", "乐于帮助同事，经常分享维修经验。"],
  customers: ["到现场很快，一次就把故障排除了。", "讲解清楚，我们的操作工学会了日常保养。", "Very patient with our operators.", ""],
};
const IMPROVE: Record<string, string[]> = {
  staff: ["服务报告有时不够详细。", "可以更主动地通报进度。", "Could share more of what he knows.", ""],
  customers: ["希望提前告知到场时间。", "", "Spare parts took long to arrive.", "备件更换记录可以更完整。"],
};

/** A deterministic score for demo answers: 3–5 before the rater's lift, within 1–5. */
function demoScore(reviewee: number, rater: number, item: number, lift: number): number {
  return Math.max(1, Math.min(5, 3 + ((reviewee * 7 + rater * 3 + item * 5) % 3) + lift));
}

/**
 * Demo data: a closed H1 cycle over the field engineers with answers from every group (one
 * reviewee has too few peers and one too few customers, so those groups are hidden in their
 * reports), Zhang Wei's report released; and an open H2 cycle over all staff with a nomination
 * awaiting approval.
 */
export async function seedReview360(ctx: PluginContext): Promise<void> {
  const db = ctx.db as Db;
  const manager = await db.selectFrom("users").select("id").where("email", "=", "manager@aftercare.local").executeTakeFirst();
  if (!manager) return;
  const now = ctx.clock();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const base = { definition: DEFAULT_DEFINITION, weights: DEFAULT_RATER_WEIGHTS, minRaters: DEFAULT_MIN_RATERS, peerMin: 3, peerMax: 6, reminderAfterDays: 5, reminderMax: 2 };

  const h1 = await createCycle(db, { ...base, name: "2026 上半年 360 度评估 / H1 2026", period: "2026 H1", dueDate: day(-10), reviewees: { userIds: [], staffKinds: ["field"], supervisorId: null } }, manager.id, now.toISOString());
  await openCycle(ctx, h1);
  const reviewees = await db.selectFrom("review360_reviewee as r").innerJoin("users as u", "u.id", "r.user_id").select(["r.id", "u.email"]).where("r.cycle_id", "=", h1).orderBy("r.id").execute();
  const customers = await db.selectFrom("customers").select("id").where("email", "is not", null).where("active", "=", 1).orderBy("id").limit(4).execute();
  for (const [i, r] of reviewees.entries()) {
    const peers = (await peerCandidates(db, r.id)).slice(0, 4).map((p) => p.id);
    await assignStaff(db, r.id, "peers", peers, now.toISOString());
    await db.updateTable("review360_reviewee").set({ nomination_status: "approved" }).where("id", "=", r.id).execute();
    await assignCustomers(ctx, r.id, customers.slice(0, 3).map((c) => c.id));
    const assignments = await db.selectFrom("review360_assignment").select(["id", "rater_group", "rater_user_id", "invitation_id"]).where("reviewee_id", "=", r.id).orderBy("id").execute();
    let peersDone = 0;
    let customersDone = 0;
    for (const [k, a] of assignments.entries()) {
      if (a.rater_group === "peers" && (peersDone >= (i === 3 ? 2 : 4))) continue;
      if (a.rater_group === "customers" && customersDone >= (i === 1 ? 2 : 3)) continue;
      const session = a.invitation_id ? await openCustomerReview(ctx, ctx.invitations.tokenFor(a.invitation_id)) : await openStaffReview(db, a.id, a.rater_user_id!);
      if (!session) continue;
      // Self a little generous for some, others a little stricter: gaps worth reading in the report.
      const lift = a.rater_group === "self" ? (i % 2 === 0 ? 1 : -1) : a.rater_group === "customers" ? 0 : -((i + k) % 2);
      const answers: Record<string, unknown> = Object.fromEntries(allItems(DEFAULT_DEFINITION).map(({ item }, n) => [item.id, demoScore(i, k, n, lift)]));
      const texts = a.rater_group === "customers" ? "customers" : "staff";
      if (STRENGTHS[texts][(i + k) % 4]) answers.strengths = STRENGTHS[texts][(i + k) % 4];
      if (IMPROVE[texts][(i + k) % 4]) answers.improve = IMPROVE[texts][(i + k) % 4];
      const outcome = await submitReview(ctx, session, answers, "zh-CN");
      if (outcome.ok && a.rater_group === "peers") peersDone++;
      if (outcome.ok && a.rater_group === "customers") customersDone++;
    }
  }
  await closeCycle(db, h1, now.toISOString());
  const zhang = reviewees.find((r) => r.email === "zhang.wei@aftercare.local");
  if (zhang) await releaseReport(ctx, zhang.id, manager.id);

  const h2 = await createCycle(db, { ...base, name: "2026 下半年 360 度评估 / H2 2026", period: "2026 H2", dueDate: day(21), reviewees: { userIds: [], staffKinds: [], supervisorId: null } }, manager.id, now.toISOString());
  await openCycle(ctx, h2);
  const liNa = await db.selectFrom("review360_reviewee as r").innerJoin("users as u", "u.id", "r.user_id").select("r.id").where("r.cycle_id", "=", h2).where("u.email", "=", "li.na@aftercare.local").executeTakeFirst();
  if (liNa) await nominatePeers(ctx, liNa.id, (await peerCandidates(db, liNa.id)).slice(0, 4).map((p) => p.id));
}
