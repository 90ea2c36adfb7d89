import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { refuseInserts } from "@aftercare/db/test-db";
import type { ReceivedMail, TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import type { TestHost } from "@aftercare/core/test-host.server";
import { previewAudience, type AudienceFilter } from "./audience.server";
import { campaignProgress, closeCampaign, sendCampaign, sendDueReminders } from "./campaigns.server";
import { getTemplate } from "../template/templates.server";
import { openSurvey, optOut, saveProgress, submitResponse } from "../response/survey-session.server";
import {
  OPT_OUT_LINK,
  SURVEY_LINK,
  answersFor,
  countRows,
  draftCampaign,
  drainOutbox,
  insertCustomers,
  insertUser,
  plusDays,
  satisfactionHost,
  startTestSmtpServer,
  testClock,
  tokenOf,
  type Db,
  type TestClock,
} from "../test-support/fixtures";

const START = "2026-12-01T01:00:00.000Z";
const AUDIENCE: AudienceFilter = { tiers: ["high", "mid"], regions: ["华东"], ownerId: null };
const CJK = /[\u4e00-\u9fff]/;

let clock: TestClock;
let host: TestHost & { sdb: Db };
let smtp: TestSmtpServer;
let manager: number;
let zhang: number;
let sun: number;
/** Customers by letter (see beforeEach). */
let c: Record<"A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "I" | "J", number>;

beforeEach(async () => {
  clock = testClock(START);
  host = await satisfactionHost(clock);
  smtp = await startTestSmtpServer();
  manager = await insertUser(host.sdb, { name: "王经理 Wang Li", role: "manager" });
  zhang = await insertUser(host.sdb, { name: "张伟 Zhang Wei" });
  sun = await insertUser(host.sdb, { name: "Sun Min" });
  const ids = await insertCustomers(host.sdb, [
    // In scope (华东, high or mid, active): 3 reachable, 2 without a usable address, 2 opted out.
    { company: "上海精密机械有限公司", email: "a@example.com", tier: "high", ownerId: zhang, locale: "zh-CN", contactName: "钱先生" },
    { company: "Pacific Industries Co.", email: "b@example.com", tier: "mid", ownerId: sun, locale: "en", contactName: "Mr. Smith" },
    { company: "苏州饲料有限公司", email: "c@example.com", tier: "high", ownerId: sun, locale: "zh-CN", contactName: null },
    { company: "杭州新材料有限公司", email: null, tier: "mid", ownerId: zhang },
    { company: "宁波化工有限公司", email: "sales at example.com", tier: "high", ownerId: sun },
    { company: "南京食品有限公司", email: "f@example.com", tier: "mid", ownerId: zhang, optedOut: true },
    { company: "合肥包装有限公司", email: null, tier: "high", ownerId: sun, optedOut: true },
    // Out of scope: wrong tier, wrong region, inactive.
    { company: "上海电子有限公司", email: "h@example.com", tier: "standard", ownerId: zhang },
    { company: "广州汽车零部件有限公司", email: "i@example.com", region: "华南", tier: "high", ownerId: zhang },
    { company: "南京精密机械有限公司", email: "j@example.com", tier: "high", ownerId: zhang, active: false },
  ]);
  c = { A: ids[0], B: ids[1], C: ids[2], D: ids[3], E: ids[4], F: ids[5], G: ids[6], H: ids[7], I: ids[8], J: ids[9] };
});

afterEach(async () => {
  await smtp.close();
  await host.destroy();
});

async function newCampaign(overrides: Parameters<typeof draftCampaign>[3] = {}) {
  return draftCampaign(host.sdb, manager, clock.iso(), { audience: AUDIENCE, ...overrides });
}

async function recipients(campaignId: number) {
  const rows = await host.sdb.selectFrom("satisfaction_recipient").selectAll().where("campaign_id", "=", campaignId).orderBy("customer_id").execute();
  return new Map(rows.map((r) => [r.customer_id, r]));
}

async function outboxKeys(): Promise<string[]> {
  const rows = await sql<{ idempotency_key: string }>`select idempotency_key from mail_outbox order by id`.execute(host.db);
  return rows.rows.map((r) => r.idempotency_key);
}

function mailTo(mails: readonly ReceivedMail[], address: string): ReceivedMail[] {
  return mails.filter((m) => m.envelopeTo.includes(address));
}

function linkIn(mail: ReceivedMail): string {
  const m = SURVEY_LINK.exec(mail.parsed.text ?? "");
  if (!m) throw new Error(`no survey link in the mail to ${mail.envelopeTo.join(",")}`);
  return m[1];
}

describe("audience preview", () => {
  it("counts customers in scope, reachable, unreachable (no valid email) and opted out for a tier + region filter", async () => {
    // In scope: A–G (7). Reachable: A, B, C. Unreachable: D (no email), E (not an address).
    // Opted out: F (has an address), G (has none: opted out wins).
    expect(await previewAudience(host.sdb, AUDIENCE)).toEqual({ inScope: 7, reachable: 3, unreachable: 2, optedOut: 2 });
    // Narrowed to Zhang's customers: A (reachable), D (unreachable), F (opted out).
    expect(await previewAudience(host.sdb, { ...AUDIENCE, ownerId: zhang })).toEqual({ inScope: 3, reachable: 1, unreachable: 1, optedOut: 1 });
    // Only the tier: every active high/mid customer in any region: A–G plus I (华南) = 8.
    expect(await previewAudience(host.sdb, { tiers: ["high", "mid"], regions: [], ownerId: null })).toEqual({ inScope: 8, reachable: 4, unreachable: 2, optedOut: 2 });
  });
});

describe("sending a campaign", () => {
  it("enqueues one invitation mail per reachable customer and records everyone else", async () => {
    const id = await newCampaign();
    const result = await sendCampaign(host.ctx, id, clock.iso());
    expect(result).toEqual({ sent: 3, unreachable: 2, optedOut: 2 });

    const byCustomer = await recipients(id);
    expect(byCustomer.size).toBe(7);
    expect([...byCustomer.entries()].map(([customer, r]) => [customer, r.status])).toEqual([
      [c.A, "invited"],
      [c.B, "invited"],
      [c.C, "invited"],
      [c.D, "unreachable"],
      [c.E, "unreachable"],
      [c.F, "opted_out"],
      [c.G, "opted_out"],
    ]);
    for (const customer of [c.D, c.E, c.F, c.G]) {
      expect(byCustomer.get(customer)!.invitation_id).toBeNull();
      expect(byCustomer.get(customer)!.mail_key).toBeNull();
    }
    expect(byCustomer.get(c.E)!.email).toBe("sales at example.com");
    expect(byCustomer.get(c.B)!.locale).toBe("en");
    expect(byCustomer.get(c.A)!.locale).toBe("zh-CN");

    // One invitation and one queued mail per reachable customer, tied together by the recipient row.
    const invitations = await host.db.selectFrom("invitations").selectAll().orderBy("customer_id").execute();
    expect(invitations.map((i) => [i.customer_id, i.purpose, i.subject_ref, i.state, i.recipient_email])).toEqual([
      [c.A, "satisfaction", String(id), "sent", "a@example.com"],
      [c.B, "satisfaction", String(id), "sent", "b@example.com"],
      [c.C, "satisfaction", String(id), "sent", "c@example.com"],
    ]);
    for (const inv of invitations) expect(byCustomer.get(inv.customer_id!)!.invitation_id).toBe(inv.id);
    const keys = await outboxKeys();
    expect(keys.sort()).toEqual([c.A, c.B, c.C].map((k) => `satisfaction:${id}:invite:${k}`).sort());
    for (const customer of [c.A, c.B, c.C]) expect(keys).toContain(byCustomer.get(customer)!.mail_key);

    const campaign = await host.sdb.selectFrom("satisfaction_campaign").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(campaign).toMatchObject({ status: "open", in_scope: 7, sent_at: START });
    expect((await getTemplate(host.sdb, campaign.template_id))!.frozen).toBe(true);
    expect(await campaignProgress(host.sdb, id)).toEqual({
      status: "open",
      inScope: 7,
      invited: 3,
      unreachable: 2,
      optedOut: 2,
      mail: { queued: 3, sending: 0, sent: 0, failed: 0 },
      opened: 0,
      started: 0,
      completed: 0,
    });
  });

  it("writes invitations, recipients and mails in one transaction: when the outbox refuses a mail, none of them exist", async () => {
    // A real trigger makes the outbox insert fail for one address.
    await refuseInserts(host.db, "mail_outbox", "to_addr", "c@example.com", "outbox refused");
    const id = await newCampaign();
    await expect(sendCampaign(host.ctx, id, clock.iso())).rejects.toThrow(/outbox refused/);
    expect(await countRows(host.db, "invitations")).toBe(0);
    expect(await countRows(host.db, "satisfaction_recipient")).toBe(0);
    expect(await countRows(host.db, "mail_outbox")).toBe(0);
  });

  it("sending twice does nothing the second time", async () => {
    const id = await newCampaign();
    expect(await sendCampaign(host.ctx, id, clock.iso())).not.toBeNull();
    clock.advanceDays(1);
    expect(await sendCampaign(host.ctx, id, clock.iso())).toBeNull();
    expect(await countRows(host.db, "satisfaction_recipient")).toBe(7);
    expect(await countRows(host.db, "invitations")).toBe(3);
    expect(await countRows(host.db, "mail_outbox")).toBe(3);
    const campaign = await host.sdb.selectFrom("satisfaction_campaign").select(["sent_at", "status"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(campaign).toEqual({ sent_at: START, status: "open" });
  });

  it("a send that stopped half-way is resumed after a pause, inviting only the customers not yet invited", async () => {
    const id = await newCampaign();
    // Simulate a crash after the first batch: one recipient written, the campaign left "sending".
    await host.sdb.updateTable("satisfaction_campaign").set({ status: "sending", sent_at: clock.iso() }).where("id", "=", id).execute();
    await host.sdb
      .insertInto("satisfaction_recipient")
      .values({ campaign_id: id, customer_id: c.A, invitation_id: null, status: "unreachable", email: null, locale: "zh-CN", mail_key: null, reminders_sent: 0 })
      .execute();
    // Right away it is taken as still running: nothing happens.
    expect(await sendCampaign(host.ctx, id, clock.iso())).toBeNull();
    // Three minutes later (more than RESUME_AFTER_MS = 2 min) the send resumes for the other six
    // customers in scope; of the 3 reachable ones only b and c are left to invite.
    clock.advanceDays(3 / (24 * 60));
    expect(await sendCampaign(host.ctx, id, clock.iso())).toEqual({ sent: 2, unreachable: 2, optedOut: 2 });
    expect(await countRows(host.db, "satisfaction_recipient")).toBe(7);
    expect(await countRows(host.db, "mail_outbox")).toBe(2);
    const campaign = await host.sdb.selectFrom("satisfaction_campaign").select(["status", "in_scope"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(campaign).toEqual({ status: "open", in_scope: 7 });
  });

  it("delivers one personal mail per reachable customer through the real outbox worker and SMTP", async () => {
    const id = await newCampaign({ name: "2026 年第四季度满意度调查 / Q4 2026" });
    await sendCampaign(host.ctx, id, clock.iso());
    const mails = await drainOutbox(host.db, smtp, host.ctx.clock);
    expect(mails).toHaveLength(3);
    expect(mails.flatMap((m) => m.envelopeTo).sort()).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    expect(await campaignProgress(host.sdb, id)).toMatchObject({ mail: { queued: 0, sending: 0, sent: 3, failed: 0 } });

    const tokens = new Set<string>();
    const expected = [
      { customer: c.A, to: "a@example.com", company: "上海精密机械有限公司", locale: "zh-CN", greeting: "尊敬的钱先生", owner: "张伟 Zhang Wei" },
      { customer: c.B, to: "b@example.com", company: "Pacific Industries Co.", locale: "en", greeting: "Dear Mr. Smith", owner: "Sun Min" },
      { customer: c.C, to: "c@example.com", company: "苏州饲料有限公司", locale: "zh-CN", greeting: "尊敬的客户", owner: "Sun Min" },
    ] as const;
    for (const e of expected) {
      const [mail] = mailTo(mails, e.to);
      const { parsed } = mail;
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual([e.to]);
      expect(parsed.from?.value[0].address).toBe("aftercare@aftercare.test");
      // Subject in the customer's language, naming the company.
      const subject = parsed.subject ?? "";
      expect(subject).toContain(e.company);
      const rest = subject.replace(e.company, "");
      if (e.locale === "zh-CN") expect(rest).toMatch(CJK);
      else expect(rest).not.toMatch(CJK);
      const text = parsed.text ?? "";
      expect(text).toContain(e.greeting);
      expect(text).toContain(e.company);
      expect(text).toContain(e.owner);
      expect(text).toContain("2026 年第四季度满意度调查 / Q4 2026");
      // A personal link and an opt-out link with the same token, in the text and the HTML part.
      const token = linkIn(mail);
      expect(tokens.has(token)).toBe(false);
      tokens.add(token);
      expect(OPT_OUT_LINK.exec(text)?.[1]).toBe(token);
      expect(parsed.html || "").toContain(`http://aftercare.test/satisfaction/s/${token}`);
      // The link from the mail opens that customer's survey in this campaign.
      const session = await openSurvey(host.ctx, token);
      expect(session).not.toBeNull();
      expect(session!.recipient.customerId).toBe(e.customer);
      expect(session!.campaign.id).toBe(id);
      expect(session!.invitation.locale).toBe(e.locale);
      expect(session!.customer.company).toBe(e.company);
    }
  });

  it("a closed campaign's link no longer opens", async () => {
    const id = await newCampaign();
    await sendCampaign(host.ctx, id, clock.iso());
    const [mail] = mailTo(await drainOutbox(host.db, smtp, host.ctx.clock), "a@example.com");
    const token = linkIn(mail);
    expect(await openSurvey(host.ctx, token)).not.toBeNull();
    clock.advanceDays(2);
    expect(await closeCampaign(host.sdb, id, clock.iso())).toBe(true);
    expect(await openSurvey(host.ctx, token)).toBeNull();
    expect(await closeCampaign(host.sdb, id, clock.iso())).toBe(false);
  });

  it("past its close date a link no longer opens, and the scheduled job closes the campaign", async () => {
    const id = await newCampaign({ closesAt: plusDays(START, 7) });
    await sendCampaign(host.ctx, id, clock.iso());
    const token = await tokenOf(host, id, c.B);
    clock.set(plusDays(START, 7));
    expect(await openSurvey(host.ctx, token)).toBeNull();
    await host.runJob("satisfaction.close-due");
    const campaign = await host.sdb.selectFrom("satisfaction_campaign").select(["status", "closed_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(campaign).toEqual({ status: "closed", closed_at: plusDays(START, 7) });
  });
});

describe("reminders", () => {
  it("go only to recipients who have not completed, after the delay, at most reminder_max times", async () => {
    // reminder after 3 days, at most 2
    const id = await newCampaign({ reminderAfterDays: 3, reminderMax: 2 });
    await sendCampaign(host.ctx, id, clock.iso());
    const invites = await drainOutbox(host.db, smtp, host.ctx.clock);
    const linkOfB = linkIn(mailTo(invites, "b@example.com")[0]);

    // A completes on day 1; B starts (progress saved) but does not finish.
    clock.set(plusDays(START, 1));
    expect((await submitResponse(host.ctx, (await openSurvey(host.ctx, await tokenOf(host, id, c.A)))!, answersFor([100, 100, 100, 100, 100]), "zh-CN")).ok).toBe(true);
    expect(await saveProgress(host.ctx, (await openSurvey(host.ctx, linkOfB))!, { quality: 80 })).toBe(true);
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);

    // Day 2.9: still before the delay.
    clock.set(plusDays(START, 2.9));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);

    // Day 3 + 1 h: first reminder to B and C (A completed; D–G were never invited).
    const first = plusDays(START, 3 + 1 / 24);
    clock.set(first);
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(2);
    expect((await outboxKeys()).filter((k) => k.includes(":reminder-")).sort()).toEqual([`satisfaction:${id}:reminder-1:${c.B}`, `satisfaction:${id}:reminder-1:${c.C}`].sort());
    // Running again at once sends nothing more.
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);

    // C completes on day 4.
    clock.set(plusDays(START, 4));
    expect((await submitResponse(host.ctx, (await openSurvey(host.ctx, await tokenOf(host, id, c.C)))!, answersFor([80, 80, 80, 80, 80]), "zh-CN")).ok).toBe(true);

    // Day 5: only 2 days since the first reminder.
    clock.set(plusDays(START, 5));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);

    // Day 6 + 2 h, through the scheduled job: the second reminder, to B only.
    clock.set(plusDays(START, 6 + 2 / 24));
    await host.runJob("satisfaction.reminders");
    expect((await outboxKeys()).filter((k) => k.includes(":reminder-")).sort()).toEqual(
      [`satisfaction:${id}:reminder-1:${c.B}`, `satisfaction:${id}:reminder-1:${c.C}`, `satisfaction:${id}:reminder-2:${c.B}`].sort(),
    );

    // Day 9 + 3 h and day 15: B has had its 2 reminders.
    clock.set(plusDays(START, 9 + 3 / 24));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);
    clock.set(plusDays(START, 15));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);

    const byCustomer = await recipients(id);
    expect([c.A, c.B, c.C].map((k) => byCustomer.get(k)!.reminders_sent)).toEqual([0, 2, 1]);
    expect(byCustomer.get(c.B)!.last_reminded_at).toBe(plusDays(START, 6 + 2 / 24));

    // The reminders arrive; each carries the same personal link as the invitation.
    const reminders = await drainOutbox(host.db, smtp, host.ctx.clock);
    expect(reminders).toHaveLength(3);
    expect(mailTo(reminders, "a@example.com")).toHaveLength(0);
    const toB = mailTo(reminders, "b@example.com");
    expect(toB).toHaveLength(2);
    for (const m of toB) {
      expect(linkIn(m)).toBe(linkOfB);
      expect(m.parsed.subject).toContain("Pacific Industries Co.");
      expect(m.parsed.subject).not.toMatch(CJK);
      expect(m.parsed.subject).not.toBe(mailTo(invites, "b@example.com")[0].parsed.subject);
    }
    const toC = mailTo(reminders, "c@example.com");
    expect(toC).toHaveLength(1);
    expect(toC[0].parsed.subject).toContain("苏州饲料有限公司");
    // B's link still opens, and resumes the saved progress.
    expect((await openSurvey(host.ctx, linkOfB))!.recipient.progress).toEqual({ quality: 80 });
  });

  it("are not sent once the campaign is closed, nor past its close date", async () => {
    const closed = await newCampaign({ name: "closed by hand", reminderAfterDays: 3, reminderMax: 3 });
    await sendCampaign(host.ctx, closed, clock.iso());
    const expired = await newCampaign({ name: "past its close date", reminderAfterDays: 3, reminderMax: 3, closesAt: plusDays(START, 2) });
    // The same customers again: a second campaign has its own recipients and invitations.
    await sendCampaign(host.ctx, expired, clock.iso());
    clock.set(plusDays(START, 2.5));
    await closeCampaign(host.sdb, closed, clock.iso());
    clock.set(plusDays(START, 3 + 1 / 24));
    // `expired` is still "open" (the close job has not run) but its close date has passed.
    expect((await host.sdb.selectFrom("satisfaction_campaign").select("status").where("id", "=", expired).executeTakeFirstOrThrow()).status).toBe("open");
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);
    expect((await outboxKeys()).filter((k) => k.includes(":reminder-"))).toEqual([]);
  });

  it("skip a recipient who opted out after the invitation", async () => {
    const id = await newCampaign({ reminderAfterDays: 3, reminderMax: 2 });
    await sendCampaign(host.ctx, id, clock.iso());
    clock.set(plusDays(START, 1));
    expect(await optOut(host.ctx, await tokenOf(host, id, c.B))).toBe(true);
    clock.set(plusDays(START, 3 + 1 / 24));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(2); // A and C
    expect((await outboxKeys()).filter((k) => k.includes(":reminder-")).sort()).toEqual([`satisfaction:${id}:reminder-1:${c.A}`, `satisfaction:${id}:reminder-1:${c.C}`].sort());
  });
});

describe("opting out", () => {
  it("the opt-out link of a mail marks the customer opted out, and a later campaign lists them as opted out", async () => {
    const first = await newCampaign();
    await sendCampaign(host.ctx, first, clock.iso());
    const [mail] = mailTo(await drainOutbox(host.db, smtp, host.ctx.clock), "a@example.com");
    const token = OPT_OUT_LINK.exec(mail.parsed.text ?? "")![1];

    clock.set(plusDays(START, 2));
    expect(await optOut(host.ctx, token)).toBe(true);
    const customer = await host.sdb.selectFrom("customers").select(["email_opt_out", "opted_out_at"]).where("id", "=", c.A).executeTakeFirstOrThrow();
    expect(customer).toEqual({ email_opt_out: 1, opted_out_at: plusDays(START, 2) });
    expect((await recipients(first)).get(c.A)!.opted_out_at).toBe(plusDays(START, 2));
    const audit = await host.db.selectFrom("audit_log").select(["action", "target"]).where("action", "=", "customers.opt-out").execute();
    expect(audit).toEqual([{ action: "customers.opt-out", target: `customers:${c.A}` }]);
    // A link that is not a real invitation opts nobody out.
    expect(await optOut(host.ctx, `${token.slice(0, 17)}${"x".repeat(43)}`)).toBe(false);
    expect(await optOut(host.ctx, "garbage")).toBe(false);

    // The next campaign: A now counts as opted out, gets no invitation and no mail.
    expect(await previewAudience(host.sdb, AUDIENCE)).toEqual({ inScope: 7, reachable: 2, unreachable: 2, optedOut: 3 });
    clock.set(plusDays(START, 30));
    const second = await newCampaign({ name: "2027 May", period: "2027 May" });
    expect(await sendCampaign(host.ctx, second, clock.iso())).toEqual({ sent: 2, unreachable: 2, optedOut: 3 });
    const r = (await recipients(second)).get(c.A)!;
    expect(r).toMatchObject({ status: "opted_out", invitation_id: null, mail_key: null });
    const mails = await drainOutbox(host.db, smtp, host.ctx.clock);
    expect(mails.flatMap((m) => m.envelopeTo).sort()).toEqual(["b@example.com", "c@example.com"]);
  });

  it("works from a link that was already used to answer", async () => {
    const id = await newCampaign();
    await sendCampaign(host.ctx, id, clock.iso());
    const token = await tokenOf(host, id, c.C);
    const session = (await openSurvey(host.ctx, token))!;
    expect((await submitResponse(host.ctx, session, answersFor([80, 80, 80, 80, 80]), "zh-CN")).ok).toBe(true);
    expect(await openSurvey(host.ctx, token)).toBeNull();
    expect(await optOut(host.ctx, token)).toBe(true);
    expect((await host.sdb.selectFrom("customers").select("email_opt_out").where("id", "=", c.C).executeTakeFirstOrThrow()).email_opt_out).toBe(1);
  });
});
