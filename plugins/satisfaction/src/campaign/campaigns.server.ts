import { type Kysely, sql } from "kysely";
import type { Locale, PluginContext } from "@aftercare/plugin-api";
import type { CampaignStatus, SatisfactionTables } from "../tables";
import { freezeTemplate } from "../template/templates.server";
import { audienceQuery, type AudienceFilter, isReachableEmail, parseAudience } from "./audience.server";
import { invitationMail } from "./invitation-mail";

type Db = Kysely<SatisfactionTables>;

export const INVITATION_PURPOSE = "satisfaction";
/** A campaign still "sending" this long after its send started is taken as stopped and may be resumed. */
export const RESUME_AFTER_MS = 2 * 60_000;
const BATCH = 500;

export interface NewCampaign {
  readonly name: string;
  readonly period: string;
  readonly templateId: number;
  readonly audience: AudienceFilter;
  readonly opensAt: string;
  readonly closesAt: string;
  readonly reminderAfterDays: number;
  readonly reminderMax: number;
}

/** Creates a draft campaign. */
export async function createCampaign(db: Db, c: NewCampaign, actorId: number, now: string): Promise<number> {
  const row = await db
    .insertInto("satisfaction_campaign")
    .values({
      name: c.name,
      period: c.period,
      template_id: c.templateId,
      audience_json: JSON.stringify(c.audience),
      status: "draft",
      opens_at: c.opensAt,
      closes_at: c.closesAt,
      reminder_after_days: c.reminderAfterDays,
      reminder_max: c.reminderMax,
      in_scope: 0,
      created_by: actorId,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Updates a campaign that is still a draft. Returns false when it is no longer a draft. */
export async function updateDraft(db: Db, id: number, c: NewCampaign): Promise<boolean> {
  const result = await db
    .updateTable("satisfaction_campaign")
    .set({
      name: c.name,
      period: c.period,
      template_id: c.templateId,
      audience_json: JSON.stringify(c.audience),
      opens_at: c.opensAt,
      closes_at: c.closesAt,
      reminder_after_days: c.reminderAfterDays,
      reminder_max: c.reminderMax,
    })
    .where("id", "=", id)
    .where("status", "=", "draft")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function surveyUrl(ctx: PluginContext, token: string): string {
  return `${ctx.settings.publicBaseUrl}/satisfaction/s/${token}`;
}

export function optOutUrl(ctx: PluginContext, token: string): string {
  return `${ctx.settings.publicBaseUrl}/satisfaction/s/${token}/opt-out`;
}

function mailKey(campaignId: number, customerId: number, kind: string): string {
  return `satisfaction:${campaignId}:${kind}:${customerId}`;
}

/**
 * Sends a draft campaign: freezes its template version, then, in batches of 500 customers, one
 * transaction each writes the invitations, the recipient rows and the outbox mails together.
 * Customers without a valid email are recorded as unreachable, opted-out ones as opted out.
 * Returns false when the campaign was not a draft (already sent: sending twice does nothing).
 */
export async function sendCampaign(ctx: PluginContext, campaignId: number, now: string): Promise<{ sent: number; unreachable: number; optedOut: number } | null> {
  const db = ctx.db as Db;
  const claimed = await db.updateTable("satisfaction_campaign").set({ status: "sending", sent_at: now }).where("id", "=", campaignId).where("status", "=", "draft").executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    // A send that stopped half-way (crash, error) stays "sending"; after a pause it may be resumed:
    // customers who already have a recipient row are skipped, mails have idempotency keys.
    const staleBefore = new Date(new Date(now).getTime() - RESUME_AFTER_MS).toISOString();
    const resumed = await db
      .updateTable("satisfaction_campaign")
      .set({ sent_at: now })
      .where("id", "=", campaignId)
      .where("status", "=", "sending")
      .where("sent_at", "<", staleBefore)
      .executeTakeFirst();
    if (Number(resumed.numUpdatedRows) !== 1) return null;
  }
  const campaign = await db.selectFrom("satisfaction_campaign").selectAll().where("id", "=", campaignId).executeTakeFirstOrThrow();
  await freezeTemplate(db, campaign.template_id);
  const alreadyInvited = db.selectFrom("satisfaction_recipient").select("customer_id").where("campaign_id", "=", campaignId);
  const customers = await audienceQuery(db, parseAudience(campaign.audience_json))
    .where("customers.id", "not in", alreadyInvited)
    .leftJoin("users", "users.id", "customers.owner_id")
    .select(["customers.id", "customers.company", "customers.contact_name", "customers.email", "customers.locale", "customers.email_opt_out", "users.name as owner_name"])
    .orderBy("customers.id")
    .execute();
  let sent = 0;
  let unreachable = 0;
  let optedOut = 0;
  for (let i = 0; i < customers.length; i += BATCH) {
    const batch = customers.slice(i, i + BATCH);
    await db.transaction().execute(async (trx) => {
      const reachable = batch.filter((c) => c.email_opt_out !== 1 && isReachableEmail(c.email));
      const invitations = await ctx.invitations.createMany(
        trx,
        reachable.map((c) => ({
          purpose: INVITATION_PURPOSE,
          subjectRef: String(campaignId),
          recipientEmail: c.email,
          recipientName: c.contact_name,
          customerId: c.id,
          locale: (c.locale === "en" ? "en" : "zh-CN") as Locale,
          expiresAt: campaign.closes_at,
        })),
      );
      const tokenByCustomer = new Map(reachable.map((c, k) => [c.id, invitations[k]]));
      const recipients = batch.map((c) => {
        const invitation = tokenByCustomer.get(c.id);
        const status = c.email_opt_out === 1 ? "opted_out" : invitation ? "invited" : "unreachable";
        return {
          campaign_id: campaignId,
          customer_id: c.id,
          invitation_id: invitation?.id ?? null,
          status: status as "invited" | "unreachable" | "opted_out",
          email: c.email,
          locale: c.locale === "en" ? "en" : "zh-CN",
          mail_key: invitation ? mailKey(campaignId, c.id, "invite") : null,
          reminders_sent: 0,
        };
      });
      await trx.insertInto("satisfaction_recipient").values(recipients).execute();
      const mails = reachable.map((c) => {
        const { token } = tokenByCustomer.get(c.id)!;
        const locale = (c.locale === "en" ? "en" : "zh-CN") as Locale;
        const m = invitationMail({
          locale,
          kind: "invite",
          company: c.company,
          contactName: c.contact_name,
          ownerName: c.owner_name,
          surveyUrl: surveyUrl(ctx, token),
          optOutUrl: optOutUrl(ctx, token),
          closesAt: campaign.closes_at,
          campaignName: campaign.name,
        });
        return { key: mailKey(campaignId, c.id, "invite"), to: c.email!, toName: c.contact_name ?? c.company, ...m };
      });
      await ctx.mail.enqueueMany(trx, mails);
      sent += reachable.length;
      optedOut += batch.filter((c) => c.email_opt_out === 1).length;
      unreachable += batch.length - reachable.length - batch.filter((c) => c.email_opt_out === 1).length;
    });
  }
  const inScope = await db.selectFrom("satisfaction_recipient").select((eb) => eb.fn.countAll<number>().as("n")).where("campaign_id", "=", campaignId).executeTakeFirst();
  await db.updateTable("satisfaction_campaign").set({ status: "open", in_scope: Number(inScope?.n ?? 0) }).where("id", "=", campaignId).execute();
  return { sent, unreachable, optedOut };
}

export interface CampaignProgress {
  readonly status: CampaignStatus;
  readonly inScope: number;
  readonly invited: number;
  readonly unreachable: number;
  readonly optedOut: number;
  readonly mail: { readonly queued: number; readonly sending: number; readonly sent: number; readonly failed: number };
  readonly opened: number;
  readonly started: number;
  readonly completed: number;
}

/** Live progress of a campaign: recipients, mail delivery and answers. */
export async function campaignProgress(db: Db, campaignId: number): Promise<CampaignProgress | null> {
  const campaign = await db.selectFrom("satisfaction_campaign").select(["status", "in_scope"]).where("id", "=", campaignId).executeTakeFirst();
  if (!campaign) return null;
  const byStatus = await db
    .selectFrom("satisfaction_recipient")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("campaign_id", "=", campaignId)
    .groupBy("status")
    .execute();
  const count = (s: string) => Number(byStatus.find((r) => r.status === s)?.n ?? 0);
  const prefix = `satisfaction:${campaignId}:`;
  const mail = (await (db as Kysely<any>)
    .selectFrom("mail_outbox")
    .select(["status", (eb: any) => eb.fn.countAll().as("n")])
    .where("idempotency_key", ">=", prefix)
    .where("idempotency_key", "<", `${prefix}\uffff`)
    .groupBy("status")
    .execute()) as unknown as { status: string; n: number }[];
  const mailCount = (s: string) => Number(mail.find((r) => r.status === s)?.n ?? 0);
  const states = await db
    .selectFrom("invitations")
    .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
    .where("purpose", "=", INVITATION_PURPOSE)
    .where("subject_ref", "=", String(campaignId))
    .groupBy("state")
    .execute();
  const state = (s: string) => Number(states.find((r) => r.state === s)?.n ?? 0);
  return {
    status: campaign.status,
    inScope: campaign.in_scope,
    invited: count("invited"),
    unreachable: count("unreachable"),
    optedOut: count("opted_out"),
    mail: { queued: mailCount("queued"), sending: mailCount("sending"), sent: mailCount("sent"), failed: mailCount("failed") },
    completed: state("completed"),
    started: state("started") + state("completed"),
    opened: state("opened") + state("started") + state("completed"),
  };
}

/** Closes a campaign: it takes no more answers. */
export async function closeCampaign(db: Db, campaignId: number, now: string): Promise<boolean> {
  const r = await db.updateTable("satisfaction_campaign").set({ status: "closed", closed_at: now }).where("id", "=", campaignId).where("status", "in", ["open", "sending"]).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Scheduled: closes open campaigns whose close date has passed. */
export async function closeDueCampaigns(db: Db, now: string): Promise<number> {
  const r = await db.updateTable("satisfaction_campaign").set({ status: "closed", closed_at: now }).where("status", "=", "open").where("closes_at", "<=", now).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Scheduled: sends reminders to invited recipients who have not completed, when the reminder
 * rule says so (N days after the invitation or the last reminder, at most M reminders). Each
 * reminder has its own idempotency key, so a rerun never sends it twice.
 */
export async function sendDueReminders(ctx: PluginContext, now: Date): Promise<number> {
  const db = ctx.db as Db;
  const nowIso = now.toISOString();
  const campaigns = await db.selectFrom("satisfaction_campaign").selectAll().where("status", "=", "open").where("reminder_max", ">", 0).where("closes_at", ">", nowIso).execute();
  let total = 0;
  for (const campaign of campaigns) {
    const cutoff = new Date(now.getTime() - campaign.reminder_after_days * 86_400_000).toISOString();
    const due = await db
      .selectFrom("satisfaction_recipient as r")
      .innerJoin("invitations as i", "i.id", "r.invitation_id")
      .innerJoin("customers as c", "c.id", "r.customer_id")
      .leftJoin("users as u", "u.id", "c.owner_id")
      .select(["r.id", "r.customer_id", "r.reminders_sent", "r.email", "r.locale", "r.invitation_id", "c.company", "c.contact_name", "c.email_opt_out", "u.name as owner_name"])
      .where("r.campaign_id", "=", campaign.id)
      .where("r.status", "=", "invited")
      .where("i.state", "!=", "completed")
      .where("r.reminders_sent", "<", campaign.reminder_max)
      .where(sql<string>`coalesce(r.last_reminded_at, ${campaign.sent_at ?? nowIso})`, "<=", cutoff)
      .execute();
    for (let i = 0; i < due.length; i += BATCH) {
      const batch = due.slice(i, i + BATCH).filter((r) => r.email_opt_out !== 1 && isReachableEmail(r.email));
      if (batch.length === 0) continue;
      await db.transaction().execute(async (trx) => {
        const mails = batch.map((r) => {
          const token = ctx.invitations.tokenFor(r.invitation_id!);
          const m = invitationMail({
            locale: r.locale === "en" ? "en" : "zh-CN",
            kind: "reminder",
            company: r.company,
            contactName: r.contact_name,
            ownerName: r.owner_name,
            surveyUrl: surveyUrl(ctx, token),
            optOutUrl: optOutUrl(ctx, token),
            closesAt: campaign.closes_at,
            campaignName: campaign.name,
          });
          return { key: mailKey(campaign.id, r.customer_id, `reminder-${r.reminders_sent + 1}`), to: r.email!, toName: r.contact_name ?? r.company, ...m };
        });
        total += await ctx.mail.enqueueMany(trx, mails);
        await trx
          .updateTable("satisfaction_recipient")
          .set((eb) => ({ reminders_sent: eb("reminders_sent", "+", 1), last_reminded_at: nowIso }))
          .where("id", "in", batch.map((r) => r.id))
          .execute();
      });
    }
  }
  return total;
}
