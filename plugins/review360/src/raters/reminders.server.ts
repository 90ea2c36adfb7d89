import { sql } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import type { Db } from "../cycle/cycles.server";
import { customerLink } from "./assignments.server";
import { customerMail, staffReminderMail } from "./rater-mail";

/**
 * Scheduled: reminds raters who have not submitted, in open cycles up to their due date, when
 * the cycle's rule says so (N days after the assignment or the last reminder, at most M times).
 * Each reminder has its own idempotency key (`review360:<cycle>:reminder:<assignment>:<n>`), so
 * a rerun or a second process never sends the same reminder twice. Returns how many were queued.
 */
export async function sendDueReminders(ctx: PluginContext): Promise<number> {
  const db = ctx.db as Db;
  const now = ctx.clock();
  const nowIso = now.toISOString();
  const today = nowIso.slice(0, 10);
  const cycles = await db.selectFrom("review360_cycle").selectAll().where("status", "=", "open").where("reminder_max", ">", 0).where("due_date", ">=", today).execute();
  let total = 0;
  for (const cycle of cycles) {
    const cutoff = new Date(now.getTime() - cycle.reminder_after_days * 86_400_000).toISOString();
    const due = await db
      .selectFrom("review360_assignment as a")
      .innerJoin("review360_reviewee as r", "r.id", "a.reviewee_id")
      .innerJoin("users as ru", "ru.id", "r.user_id")
      .leftJoin("users as u", "u.id", "a.rater_user_id")
      .leftJoin("customers as c", "c.id", "a.customer_id")
      .select([
        "a.id",
        "a.rater_group",
        "a.reminders_sent",
        "a.invitation_id",
        "ru.name as reviewee_name",
        "u.email as user_email",
        "u.name as user_name",
        "u.locale as user_locale",
        "u.active as user_active",
        "c.company",
        "c.contact_name",
        "c.email as customer_email",
        "c.locale as customer_locale",
        "c.email_opt_out",
      ])
      .where("a.cycle_id", "=", cycle.id)
      .where("a.status", "=", "open")
      .where("a.reminders_sent", "<", cycle.reminder_max)
      .where(sql<string>`coalesce(a.last_reminded_at, a.created_at)`, "<=", cutoff)
      .execute();
    for (const a of due) {
      const n = a.reminders_sent + 1;
      const key = `review360:${cycle.id}:reminder:${a.id}:${n}`;
      let mail: { to: string; toName: string; subject: string; html: string; text: string } | null = null;
      if (a.rater_group === "customers") {
        if (a.invitation_id && a.customer_email && a.email_opt_out !== 1) {
          const locale = a.customer_locale === "en" ? "en" : "zh-CN";
          const m = customerMail({ locale, kind: "reminder", staffName: a.reviewee_name, company: a.company ?? "", contactName: a.contact_name, dueDate: cycle.due_date, url: customerLink(ctx, ctx.invitations.tokenFor(a.invitation_id)) });
          mail = { to: a.customer_email, toName: a.contact_name ?? a.company ?? "", ...m };
        }
      } else if (a.user_email && a.user_active === 1) {
        const locale = a.user_locale === "en" ? "en" : "zh-CN";
        const m = staffReminderMail({ locale, self: a.rater_group === "self", revieweeName: a.reviewee_name, cycleName: cycle.name, dueDate: cycle.due_date, url: `${ctx.settings.publicBaseUrl}/review360/fill/${a.id}` });
        mail = { to: a.user_email, toName: a.user_name ?? "", ...m };
      }
      await db.transaction().execute(async (trx) => {
        if (mail && (await ctx.mail.enqueue(trx, { key, ...mail }))) total++;
        await trx.updateTable("review360_assignment").set({ reminders_sent: n, last_reminded_at: nowIso }).where("id", "=", a.id).where("reminders_sent", "=", a.reminders_sent).execute();
      });
    }
  }
  return total;
}
