import type { Kysely } from "kysely";
import type { Locale, PluginContext } from "@aftercare/plugin-api";
import type { SatisfactionTables } from "../tables";
import { listLatestTemplates, freezeTemplate } from "../template/templates.server";
import { EMPTY_AUDIENCE, isReachableEmail } from "./audience.server";
import { INVITATION_PURPOSE, optOutUrl, surveyUrl } from "./campaigns.server";
import { invitationMail } from "./invitation-mail";

type Db = Kysely<SatisfactionTables>;

/** Days a post-service survey link stays valid. */
export const POST_SERVICE_LINK_DAYS = 14;

/** The quarter (company time, UTC+8) an instant falls in, e.g. "2026-Q4". */
export function quarterOf(at: Date): { key: string; start: string; end: string } {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const year = local.getUTCFullYear();
  const q = Math.floor(local.getUTCMonth() / 3);
  const start = new Date(Date.UTC(year, q * 3, 1) - 8 * 3_600_000).toISOString();
  const end = new Date(Date.UTC(year, q * 3 + 3, 1) - 8 * 3_600_000).toISOString();
  return { key: `${year}-Q${q + 1}`, start, end };
}

/** Payload of the visits plugin's `visits.servicecall.closed` event (the fields used here). */
interface ServiceCallClosed {
  readonly callId: number;
  readonly customerId: number;
}

function isServiceCallClosed(payload: unknown): payload is ServiceCallClosed {
  const p = payload as Record<string, unknown> | null;
  return !!p && Number.isSafeInteger(p.callId) && Number.isSafeInteger(p.customerId);
}

/**
 * Answers a closed service call with a short post-service survey by email (the default template),
 * in one standing campaign per quarter ("post-service-2026-Q4"), so each customer is asked at most
 * once a quarter and the answers appear in the usual report. Customers without a valid email or who
 * opted out are skipped. Returns whether a mail was queued.
 */
export async function sendPostServiceSurvey(ctx: PluginContext, payload: unknown): Promise<boolean> {
  if (!isServiceCallClosed(payload)) return false;
  const db = ctx.db as Db;
  const now = ctx.clock();
  const nowIso = now.toISOString();
  const customer = await db
    .selectFrom("customers as c")
    .leftJoin("users as u", "u.id", "c.owner_id")
    .select(["c.id", "c.company", "c.contact_name", "c.email", "c.locale", "c.email_opt_out", "c.active", "u.name as owner_name"])
    .where("c.id", "=", payload.customerId)
    .executeTakeFirst();
  if (!customer || customer.active !== 1 || customer.email_opt_out === 1 || !isReachableEmail(customer.email)) return false;
  const template = (await listLatestTemplates(db))[0];
  if (!template) return false;
  const quarter = quarterOf(now);
  const period = `post-service-${quarter.key}`;
  const locale: Locale = customer.locale === "en" ? "en" : "zh-CN";
  return db.transaction().execute(async (trx) => {
    let campaign = await trx.selectFrom("satisfaction_campaign").selectAll().where("period", "=", period).executeTakeFirst();
    if (!campaign) {
      const created = await trx
        .insertInto("satisfaction_campaign")
        .values({
          name: `售后服务回访调查 ${quarter.key} / Post-service survey ${quarter.key}`,
          period,
          template_id: template.id,
          audience_json: JSON.stringify(EMPTY_AUDIENCE),
          status: "open",
          opens_at: quarter.start,
          closes_at: new Date(new Date(quarter.end).getTime() + POST_SERVICE_LINK_DAYS * 86_400_000).toISOString(),
          reminder_after_days: 7,
          reminder_max: 0,
          in_scope: 0,
          created_by: null,
          created_at: nowIso,
          sent_at: nowIso,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await freezeTemplate(trx, template.id);
      campaign = await trx.selectFrom("satisfaction_campaign").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
    }
    if (campaign.status !== "open") return false;
    const already = await trx.selectFrom("satisfaction_recipient").select("id").where("campaign_id", "=", campaign.id).where("customer_id", "=", customer.id).executeTakeFirst();
    if (already) return false;
    const expiresAt = new Date(now.getTime() + POST_SERVICE_LINK_DAYS * 86_400_000).toISOString();
    const [invitation] = await ctx.invitations.createMany(trx, [
      { purpose: INVITATION_PURPOSE, subjectRef: String(campaign.id), recipientEmail: customer.email, recipientName: customer.contact_name, customerId: customer.id, locale, expiresAt },
    ]);
    const key = `satisfaction:${campaign.id}:post-service:${customer.id}`;
    await trx
      .insertInto("satisfaction_recipient")
      .values({ campaign_id: campaign.id, customer_id: customer.id, invitation_id: invitation.id, status: "invited", email: customer.email, locale, mail_key: key, reminders_sent: 0 })
      .execute();
    await trx
      .updateTable("satisfaction_campaign")
      .set((eb) => ({ in_scope: eb("in_scope", "+", 1) }))
      .where("id", "=", campaign.id)
      .execute();
    const mail = invitationMail({
      locale,
      kind: "invite",
      company: customer.company,
      contactName: customer.contact_name,
      ownerName: customer.owner_name,
      surveyUrl: surveyUrl(ctx, invitation.token),
      optOutUrl: optOutUrl(ctx, invitation.token),
      closesAt: expiresAt,
      campaignName: locale === "en" ? "after your recent service call" : "近期售后服务回访",
    });
    return ctx.mail.enqueue(trx, { key, to: customer.email!, toName: customer.contact_name ?? customer.company, ...mail });
  });
}
