// Two production servers over one database (SQLite in the first pass, PostgreSQL in the second),
// both running their outbox workers: a 2,000-recipient campaign reaches the SMTP server exactly
// once per recipient, with both instances sending.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSmtpServer, type TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { type RunningApp, startApp } from "../e2e/support/app";
import { appDb, dbAll } from "../e2e/support/db";
import { ADMIN, createClient, DEMO_PASSWORD, loginHttp, MANAGER, STAFF } from "../e2e/support/http";

const RECIPIENTS = 2_000;
const MAX_FAILURES = 4;
const SHARED_SECRET = "scale-out-shared-session-secret-0123456789";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let smtp: TestSmtpServer;
let a: RunningApp;
let b: RunningApp;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  // Instances behind one load balancer share the database and SESSION_SECRET (README, "Scaling
  // out"); each signs its mails with its own From here, so the test can tell who sent what.
  // A short mail lease, so that mail claimed by a killed instance comes back within the test.
  const shared = { SMTP_URL: smtp.url, SESSION_SECRET: SHARED_SECRET, LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_LOCK_MINUTES: "15", MAIL_LEASE_SECONDS: "3" };
  a = await startApp({ ...shared, MAIL_FROM: "Aftercare A <a@aftercare.test>" });
  b = await startApp({ ...shared, MAIL_FROM: "Aftercare B <b@aftercare.test>", DATABASE_URL: a.databaseUrl });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await smtp?.close();
});

/** Adds `n` reachable customers of a tier of their own and a draft campaign for exactly them. */
async function draftCampaignFor(app: RunningApp, n: number, tier: string): Promise<{ campaignId: number; emails: Set<string> }> {
  const now = new Date().toISOString();
  const emails = new Set<string>();
  return appDb(app, async (db) => {
    for (let start = 0; start < n; start += 500) {
      const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
        const email = `${tier}-${start + k}@customer.example`;
        emails.add(email);
        return { company: `${tier} Co. ${start + k}`, contact_name: `Contact ${start + k}`, email, region: "华东", tier, owner_id: null, locale: "en", email_opt_out: 0, active: 1, created_at: now, updated_at: now };
      });
      await db.insertInto("customers").values(rows).execute();
    }
    const template = await db.selectFrom("satisfaction_template").select("id").orderBy("id").executeTakeFirstOrThrow();
    const manager = await db.selectFrom("users").select("id").where("email", "=", MANAGER).executeTakeFirstOrThrow();
    const campaign = await db
      .insertInto("satisfaction_campaign")
      .values({
        name: `Two instances ${tier}`,
        period: "2026-Q4",
        template_id: template.id,
        audience_json: JSON.stringify({ tiers: [tier], regions: [], ownerId: null }),
        status: "draft",
        opens_at: now,
        closes_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        reminder_after_days: 7,
        reminder_max: 0,
        in_scope: 0,
        created_by: manager.id,
        created_at: now,
        sent_at: null,
        closed_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { campaignId: Number(campaign.id), emails };
  });
}

/** The manager presses "send" on one instance, as in the browser (form POST with CSRF). */
async function sendAs(app: RunningApp, campaignId: number): Promise<void> {
  const client = createClient(app.url);
  await loginHttp(client, MANAGER, DEMO_PASSWORD);
  const csrf = await client.csrf(`/satisfaction/campaigns/${campaignId}`);
  const res = await client.post(`/satisfaction/campaigns/${campaignId}`, { _csrf: csrf, intent: "send" });
  expect(res.headers.get("location")).toContain(`done=sent&s=${RECIPIENTS}`);
}

function caughtFor(emails: Set<string>) {
  return smtp.received.filter((m) => m.envelopeTo.some((to) => emails.has(to)));
}

describe("two instances behind one database", () => {
  it(`send a ${RECIPIENTS}-recipient campaign exactly once, both workers taking part`, async () => {
    const { campaignId, emails } = await draftCampaignFor(a, RECIPIENTS, "two-instances");

    await sendAs(b, campaignId);
    const deadline = Date.now() + 120_000;
    while (caughtFor(emails).length < RECIPIENTS && Date.now() < deadline) await sleep(100);
    // Longer than a worker's poll and a round: a mail sent twice would have arrived by now.
    await sleep(2_000);

    const caught = caughtFor(emails);
    expect(caught).toHaveLength(RECIPIENTS);
    expect(new Set(caught.flatMap((m) => m.envelopeTo))).toEqual(emails);
    const bySender = { a: 0, b: 0 };
    for (const m of caught) bySender[m.parsed.from?.value[0].address === "a@aftercare.test" ? "a" : "b"]++;
    expect(bySender.a).toBeGreaterThan(0);
    expect(bySender.b).toBeGreaterThan(0);
    const outbox = await dbAll<{ status: string; n: number | string }>(a, "select status, count(*) as n from mail_outbox where idempotency_key like ? group by status order by status", [`satisfaction:${campaignId}:%`]);
    expect(outbox.map((r) => [r.status, Number(r.n)])).toEqual([["sent", RECIPIENTS]]);
    // Neither worker lost a round to the other's lock (SQLite: SQLITE_BUSY_SNAPSHOT before every
    // transaction took the write lock at BEGIN).
    for (const app of [a, b]) expect(app.output()).not.toContain("mail outbox round failed");
    console.log(`[scale-out] ${RECIPIENTS} invitations caught once each: ${bySender.a} sent by instance A, ${bySender.b} by instance B`);
  });
});

describe("sessions, CSRF and rate limits whichever instance answers", () => {
  it("a login on one instance is a session on the other, and a form from one posts to the other", async () => {
    const client = createClient(a.url);
    expect((await loginHttp(client, ADMIN, DEMO_PASSWORD)).status).toBe(302);

    // The same cookies, sent to instance B: the session and the CSRF pair are valid there.
    const onB = createClient(b.url);
    for (const pair of client.jar.header().split("; ")) {
      const eq = pair.indexOf("=");
      onB.jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const page = await onB.get("/admin/audit");
    expect(page.status).toBe(200);
    const csrf = await onB.csrf("/");
    const logout = await onB.post("/logout", { _csrf: csrf });
    expect(logout.status).toBe(302);
    // Logged out on B means logged out on A.
    expect((await client.get("/admin/audit")).status).toBe(302);
  });

  it(`failed logins count across instances: ${MAX_FAILURES} failures split over A and B lock the account on both`, async () => {
    for (let i = 1; i < MAX_FAILURES; i++) {
      const res = await loginHttp(createClient(i % 2 ? a.url : b.url), STAFF, `wrong-${i}`);
      expect(res.status, `failure ${i}`).toBe(401);
    }
    expect((await loginHttp(createClient(b.url), STAFF, "wrong-last")).status).toBe(429);
    for (const app of [a, b]) {
      const res = await loginHttp(createClient(app.url), STAFF, DEMO_PASSWORD);
      expect(res.status).toBe(429);
      expect(await res.text()).toContain("Too many failed attempts");
    }
  });
});

describe("one instance killed in the middle of a send", () => {
  it(`the other delivers every one of ${RECIPIENTS} invitations, each under its own Message-ID`, async () => {
    const { campaignId, emails } = await draftCampaignFor(a, RECIPIENTS, "killed-mid-send");

    // Sent through B, whose worker starts at once; B dies once it has delivered 50 of its own.
    await sendAs(b, campaignId);
    const sentByB = () => caughtFor(emails).filter((m) => m.parsed.from?.value[0].address === "b@aftercare.test").length;
    const killBy = Date.now() + 30_000;
    while (sentByB() < 50 && Date.now() < killBy) await sleep(5);
    await b.kill9();
    const caughtAtKill = caughtFor(emails).length;
    const byBAtKill = sentByB();
    expect(byBAtKill, `B delivered ${byBAtKill} of its own in 30 s; its log:\n${b.output().slice(-2_000)}`).toBeGreaterThanOrEqual(50);
    expect(caughtAtKill).toBeLessThan(RECIPIENTS);

    const messageIds = () => new Set(caughtFor(emails).map((m) => m.parsed.messageId));
    const deadline = Date.now() + 120_000;
    while (messageIds().size < RECIPIENTS && Date.now() < deadline) await sleep(100);
    // Past the 3 s lease: anything B held has been taken over and sent by now.
    await sleep(4_000);

    const caught = caughtFor(emails);
    expect(messageIds().size).toBe(RECIPIENTS);
    expect(new Set(caught.flatMap((m) => m.envelopeTo))).toEqual(emails);
    // A repeat needs B killed after the SMTP server accepted a mail and before B marked it sent:
    // at most the mails B had on its 5 connections.
    const repeats = caught.length - RECIPIENTS;
    expect(repeats).toBeLessThanOrEqual(5);
    const outbox = await dbAll<{ status: string; n: number | string }>(a, "select status, count(*) as n from mail_outbox where idempotency_key like ? group by status order by status", [`satisfaction:${campaignId}:%`]);
    expect(outbox.map((r) => [r.status, Number(r.n)])).toEqual([["sent", RECIPIENTS]]);
    console.log(`[scale-out] instance B killed after ${caughtAtKill} of ${RECIPIENTS} mails (${byBAtKill} of them its own): ${RECIPIENTS} distinct Message-IDs caught, ${repeats} repeat(s) of an already-caught Message-ID`);
  }, 180_000);
});
