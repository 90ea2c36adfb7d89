// Text hostile to storage and display: NUL bytes, lone UTF-16 surrogates, other C0 controls and the
// bidi overrides/embeddings/isolates (U+202E "right-to-left override" makes "invoice\u202Efdp.exe"
// read "invoiceexe.pdf"). The rule (one implementation, `cleanText` in packages/forms, applied at
// the boundary by `readMutation` to every form field and JSON payload): they are removed and the
// rest is stored as written. Tried in JSON payloads (as \u escapes, what JSON.stringify sends)
// and in plain form fields, on customer names, survey comments, visit follow-ups and cancel
// reasons, 360 comments. Then text already stored with them (older rows, direct imports) must
// not reach an export or an email raw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import { createClient, csrfFrom, type HttpClient } from "../e2e/support/http";
import { loggedIn, PEOPLE, postAction, scalar, startHardenedApp } from "./support/fixture";
import { sendCampaign, validAnswers } from "./support/campaign";

/** Every kind of hostile character once, around ordinary text (Chinese, emoji, an RLM mark that stays). */
const HOSTILE = "A\u0000B\uD800C\uDC00D\u202Efdp.exe\u202C E\u2066F\u2069 G\u0007H 中文 😀 \u200F";
/** What the rule keeps of it. */
const CLEAN = "ABCDfdp.exe EF GH 中文 😀 \u200F";
/**
 * The same through a plain form field: a lone surrogate cannot be sent in UTF-8 at all, so a
 * browser (and URLSearchParams) sends U+FFFD in its place, which is ordinary text.
 */
const FORM_CLEAN = "AB\uFFFDC\uFFFDDfdp.exe EF GH 中文 😀 \u200F";
const BAD = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

let app: RunningApp;
let admin: HttpClient;
let staff: HttpClient;

beforeAll(async () => {
  app = await startHardenedApp();
  admin = await loggedIn(app, PEOPLE.admin);
  staff = await loggedIn(app, PEOPLE.staff);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("hostile characters are removed at the boundary, the rest stored as written", () => {
  it("the test's own input: JSON.stringify sends NUL and lone surrogates as \\u escapes, the overrides raw", () => {
    const json = JSON.stringify({ x: HOSTILE });
    expect(json).toContain("\\u0000");
    expect(json).toContain("\\ud800");
    expect(json).toContain("\u202E");
    expect(HOSTILE.replace(new RegExp(BAD.source, "g"), "")).toBe(CLEAN);
  });

  it("a customer's company and contact name (admin form, JSON payload)", async () => {
    const id = scalar<number>(app.dbFile, "select min(id) from customers where tier = 'standard'");
    const row = withDb(app.dbFile, (db) => db.prepare("select company, contact_name, email, phone, region, tier, owner_id, locale from customers where id = ?").get(id)) as Record<string, unknown>;
    const payload = Object.fromEntries(Object.entries({ ...row, company: `Co ${HOSTILE}`, contact_name: `Mr ${HOSTILE}` }).filter(([, v]) => v !== null));
    const csrf = await admin.csrf(`/admin/customers/${id}`);
    const res = await admin.post(`/admin/customers/${id}`, { _csrf: csrf, intent: "save", payload: JSON.stringify(payload) });
    expect(res.status).toBe(302);
    expect(scalar(app.dbFile, "select company from customers where id = ?", id)).toBe(`Co ${CLEAN}`);
    expect(scalar(app.dbFile, "select contact_name from customers where id = ?", id)).toBe(`Mr ${CLEAN}`);
  });

  it("a survey comment on a personal link (public JSON payload)", async () => {
    const campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hostile characters");
    const customer = createClient(app.url);
    customer.jar.set("ac_lang", "en");
    const { token, recipientId } = campaign.links[0];
    const page = await customer.get(`/satisfaction/s/${token}`);
    const res = await postAction(customer, `/satisfaction/s/${token}`, { _csrf: csrfFrom(await page.text()), intent: "submit", payload: JSON.stringify({ ...validAnswers(), comments: HOSTILE }) });
    expect(res).toEqual({ status: 200, body: expect.stringContaining('"ok",true') });
    const stored = JSON.parse(scalar<string>(app.dbFile, "select answers_json from satisfaction_response where recipient_id = ?", recipientId)) as Record<string, unknown>;
    expect(stored.comments).toBe(CLEAN);
  });

  it("a visit follow-up and a cancel reason (plain form fields, raw characters)", async () => {
    const visit = scalar<number>(app.dbFile, "select min(id) from visits_visit where status = 'planned'");
    const csrf = await admin.csrf(`/visits/${visit}`);
    const added = await admin.post(`/visits/${visit}`, { _csrf: csrf, intent: "followup-add", action: `Call back ${HOSTILE}` });
    expect(added.status).toBe(302);
    expect(scalar(app.dbFile, "select action from visits_followup where visit_id = ? order by id desc limit 1", visit)).toBe(`Call back ${FORM_CLEAN}`);
    const cancelled = await admin.post(`/visits/${visit}`, { _csrf: csrf, intent: "cancel", reason: `Gone ${HOSTILE}` });
    expect([cancelled.status, cancelled.headers.get("Location")]).toEqual([302, `/visits/${visit}?done=cancelled`]);
    expect(scalar(app.dbFile, "select cancel_reason from visits_visit where id = ?", visit)).toBe(`Gone ${FORM_CLEAN}`);
  });

  it("a reason made only of hostile characters is empty: refused with the field's message, nothing stored", async () => {
    const visit = scalar<number>(app.dbFile, "select min(id) from visits_visit where status = 'planned'");
    const csrf = await admin.csrf(`/visits/${visit}`);
    admin.jar.set("ac_lang", "en");
    const res = await postAction(admin, `/visits/${visit}`, { _csrf: csrf, intent: "cancel", reason: "\u0000\u202E\u2066\u0007" });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/reason|原因/i);
    expect(scalar(app.dbFile, "select status from visits_visit where id = ?", visit)).toBe("planned");
  });

  it("a 360 comment (rater's JSON payload): stored as cleaned sentences", async () => {
    const assignment = scalar<number>(app.dbFile, "select a.id from review360_assignment a join users u on u.id = a.rater_user_id where u.email = ? and a.status = 'open' order by a.id limit 1", PEOPLE.staff);
    const reviewee = scalar<number>(app.dbFile, "select reviewee_id from review360_assignment where id = ?", assignment);
    const definition = JSON.parse(scalar<string>(app.dbFile, "select c.definition_json from review360_cycle c join review360_assignment a on a.cycle_id = c.id where a.id = ?", assignment)) as { competencies: { items: { id: string }[] }[] };
    const answers: Record<string, unknown> = Object.fromEntries(definition.competencies.flatMap((c) => c.items.map((i) => [i.id, 4])));
    answers.strengths = `Calm ${HOSTILE}`;
    const csrf = await staff.csrf(`/review360/fill/${assignment}`);
    const res = await postAction(staff, `/review360/fill/${assignment}`, { _csrf: csrf, intent: "submit", payload: JSON.stringify(answers) });
    expect(res.status, res.body.slice(0, 300)).toBe(200);
    const texts = withDb(app.dbFile, (db) => db.prepare("select text from review360_comment where reviewee_id = ? and kind = 'strengths'").pluck().all(reviewee)) as string[];
    // The comment is split into sentences; together they are the cleaned text.
    const mine = texts.filter((t) => t.includes("Calm") || t.includes("fdp.exe") || t.includes("中文"));
    expect(mine.join(" ")).toBe(`Calm ${CLEAN}`.replace(/\s+/g, " ").trim());
    for (const t of texts) expect(BAD.test(t), JSON.stringify(t)).toBe(false);
  });
});

describe("text stored before the rule (or written around it) never leaves raw", () => {
  it("exports carry no override: the customer CSV and the satisfaction responses", async () => {
    const id = scalar<number>(app.dbFile, "select min(id) from customers where tier = 'high' and email is not null and active = 1 and email_opt_out = 0");
    withDb(app.dbFile, (db) => db.prepare("update customers set company = ?, contact_name = ? where id = ?").run(`Invoice\u202Efdp.exe Ltd`, `Ms \u2067RTL\u2069`, id));
    const csv = await (await admin.get("/admin/customers/export.csv")).text();
    expect(csv).toContain("Invoicefdp.exe Ltd");
    expect(BAD.test(csv)).toBe(false);
    // Its invitation: subject and both parts clean (the built-in catcher keeps the raw message).
    const campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hostile characters mail", "high");
    await expect.poll(() => scalar<number>(app.dbFile, "select count(*) from mail_caught where subject like '%Invoice%fdp.exe Ltd%'"), { timeout: 30_000 }).toBeGreaterThan(0);
    const mail = withDb(app.dbFile, (db) => db.prepare("select subject, html, text, raw from mail_caught where subject like '%Invoice%fdp.exe Ltd%' order by id desc limit 1").get()) as Record<string, string>;
    expect(mail.subject).toContain("Invoicefdp.exe Ltd");
    for (const part of ["subject", "html", "text", "raw"]) expect(BAD.test(mail[part] ?? ""), part).toBe(false);
    expect(mail.raw).not.toMatch(/=E2=80=AE|=E2=81=A7|\?=E2=80=AE/i);
    // The responses export of that campaign (the company is a column).
    const responses = await (await admin.get(`/satisfaction/campaigns/${campaign.id}/export?what=responses&format=csv`)).text();
    expect(BAD.test(responses)).toBe(false);
  }, 60_000);
});
