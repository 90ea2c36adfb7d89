import type { Kysely } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import { renderEmail } from "@aftercare/mail/layout";
import type { SatisfactionTables } from "./tables";
import { ensureDefaultTemplate, listLatestTemplates } from "./template/templates.server";
import { closeCampaign, closeDueCampaigns, createCampaign, sendCampaign, sendDueReminders } from "./campaign/campaigns.server";
import { openSurvey, submitResponse } from "./response/survey-session.server";
import { EMPTY_AUDIENCE } from "./campaign/audience.server";

type Db = Kysely<SatisfactionTables>;

/** Mails each owner of an overdue feedback record once. */
export async function notifyOverdueFeedback(ctx: PluginContext): Promise<number> {
  const db = ctx.db as Db;
  const today = ctx.clock().toISOString().slice(0, 10);
  const rows = await db
    .selectFrom("satisfaction_feedback as f")
    .innerJoin("users as u", "u.id", "f.owner_id")
    .innerJoin("customers as c", "c.id", "f.customer_id")
    .select(["f.id", "f.due_date", "u.email", "u.name", "u.locale", "c.company"])
    .where("f.status", "!=", "closed")
    .where("f.due_date", "<", today)
    .where("f.overdue_notified_at", "is", null)
    .execute();
  for (const row of rows) {
    const zh = row.locale !== "en";
    const subject = zh ? `客户意见反馈 #${row.id}（${row.company}）已逾期` : `Feedback record #${row.id} (${row.company}) is overdue`;
    const { html, text } = renderEmail({
      locale: zh ? "zh-CN" : "en",
      heading: subject,
      paragraphs: [zh ? `该记录的处理期限为 ${row.due_date}，请尽快跟进直至客户满意。` : `It was due on ${row.due_date}. Please follow it up until the customer is satisfied.`],
      button: { label: zh ? "查看记录" : "Open the record", url: `${ctx.settings.publicBaseUrl}/satisfaction/feedback/${row.id}` },
    });
    await db.transaction().execute(async (trx) => {
      await ctx.mail.enqueue(trx, { key: `satisfaction:feedback-overdue:${row.id}`, to: row.email, toName: row.name, subject, html, text });
      await trx.updateTable("satisfaction_feedback").set({ overdue_notified_at: ctx.clock().toISOString() }).where("id", "=", row.id).execute();
    });
  }
  return rows.length;
}

/**
 * The service `satisfaction.customerHistory` other plugins may use (the visits plugin's customer
 * page): a customer's survey answers, newest first, as `{ at, title, score, detail, href }`.
 */
export function customerSurveyHistory(ctx: PluginContext) {
  return async ({ customerId }: { customerId: number }) => {
    const rows = await (ctx.db as Db)
      .selectFrom("satisfaction_response as r")
      .innerJoin("satisfaction_campaign as c", "c.id", "r.campaign_id")
      .select(["r.submitted_at", "r.score", "r.satisfied", "c.id", "c.name", "c.period"])
      .where("r.customer_id", "=", customerId)
      .orderBy("r.submitted_at", "desc")
      .execute();
    return rows.map((r) => ({ at: r.submitted_at, title: `${r.name} (${r.period})`, score: r.score, detail: null, href: `/satisfaction/campaigns/${r.id}/report` }));
  };
}

/** Creates the default template, offers the customer-history service and registers the scheduled jobs. */
export async function initSatisfaction(ctx: PluginContext): Promise<void> {
  await ensureDefaultTemplate(ctx.db as Db, ctx.clock().toISOString());
  ctx.services.provide("satisfaction.customerHistory", customerSurveyHistory(ctx));
  ctx.scheduler.every("satisfaction.close-due", 60_000, async () => {
    await closeDueCampaigns(ctx.db as Db, ctx.clock().toISOString());
  });
  ctx.scheduler.every("satisfaction.reminders", 5 * 60_000, async () => {
    await sendDueReminders(ctx, ctx.clock());
  });
  ctx.scheduler.every("satisfaction.feedback-overdue", 60 * 60_000, async () => {
    await notifyOverdueFeedback(ctx);
  });
}

// Deterministic demo answers: [quality, price, delivery, packaging, service] as scale values.
const DEMO_ANSWERS: number[][] = [
  [100, 80, 80, 100, 100], [80, 60, 80, 80, 80], [100, 100, 80, 80, 100], [80, 60, 60, 80, 60], [100, 80, 100, 100, 80],
  [60, 40, 60, 80, 60], [100, 80, 80, 80, 100], [80, 80, 60, 60, 80], [100, 60, 80, 100, 80], [80, 80, 80, 80, 80],
  [100, 100, 100, 80, 100], [40, 60, 40, 60, 20], [80, 60, 80, 80, 100], [100, 80, 60, 80, 80], [80, 80, 100, 60, 80],
  [100, 60, 80, 80, 60], [80, 80, 80, 100, 100], [60, 60, 60, 40, 60], [100, 80, 80, 80, 80], [80, 100, 80, 80, 100],
];

/** Demo data: a closed "2026 May" campaign with 20 answers, and a draft for Q4. */
export async function seedSatisfaction(ctx: PluginContext): Promise<void> {
  const db = ctx.db as Db;
  const admin = await db.selectFrom("users").select("id").where("role", "=", "manager").orderBy("id").executeTakeFirst();
  const template = (await listLatestTemplates(db))[0];
  if (!admin || !template) return;
  const now = ctx.clock();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString();
  const mayId = await createCampaign(
    db,
    { name: "2026 年 5 月满意度调查 / May 2026", period: "2026 May", templateId: template.id, audience: EMPTY_AUDIENCE, opensAt: day(-30), closesAt: day(30), reminderAfterDays: 7, reminderMax: 2 },
    admin.id,
    day(-30),
  );
  await sendCampaign(ctx, mayId, day(-30));
  const recipients = await db.selectFrom("satisfaction_recipient").select(["invitation_id"]).where("campaign_id", "=", mayId).where("status", "=", "invited").orderBy("id").limit(DEMO_ANSWERS.length).execute();
  for (const [i, r] of recipients.entries()) {
    const session = await openSurvey(ctx, ctx.invitations.tokenFor(r.invitation_id!));
    if (!session) continue;
    const [quality, price, delivery, packaging, service] = DEMO_ANSWERS[i];
    await submitResponse(ctx, session, { quality, price, delivery, packaging, service, ...(i % 4 === 1 ? { price_why: "价格偏高，希望有批量折扣。" } : {}), ...(i === 11 ? { comments: "交货延误两次，售后响应慢。" } : {}) }, "zh-CN");
  }
  await closeCampaign(db, mayId, day(-1));
  await createCampaign(
    db,
    { name: "2026 年第四季度满意度调查 / Q4 2026", period: "2026 Q4", templateId: template.id, audience: { tiers: ["high", "mid"], regions: [], ownerId: null }, opensAt: day(0), closesAt: day(21), reminderAfterDays: 5, reminderMax: 2 },
    admin.id,
    day(0),
  );
}
