// Hostile titles and names on their way into mails, pages and exports, with the mails delivered to
// a real SMTP server (packages/mail/src/test-smtp-server.ts) and parsed back with mailparser:
// - a satisfaction campaign titled with <script>, CRLF + "Bcc:" and a =cmd| formula, sent to a
//   customer whose company carries the same (the company is in the subject);
// - a 360 cycle with that title (it is in the subject of the staff mails), competency titles and
//   statements with XSS payloads and formula-leading text, and rater comments likewise, through
//   the review form, the closed cycle's report and its CSV export.
// Every mail keeps one Subject line, no injected header, only its own recipient; every page
// shows the text escaped; every export cell is neutralised.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import type { HttpClient } from "../e2e/support/http";
import { parseCsv } from "../../packages/core/src/csv";
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from "../../packages/mail/src/test-smtp-server";
import { loggedIn, PEOPLE, postAction, scalar, startHardenedApp } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";

const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a><svg onload=alert(4)>`;
const RAW = ["<script>alert(", "<img src=x onerror", 'href="javascript:', "<svg onload"];
const TITLE = `Q4 ${XSS}\r\nBcc: evil@attacker.example =cmd|' /C calc'!A0`;
/** The 360 cycle's title: CRLF early, so the 120-character limit keeps it. */
const CYCLE_TITLE = `H2\r\nBcc: evil@attacker.example =cmd| ${XSS}`.slice(0, 120);
const FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"];

let smtp: TestSmtpServer;
let app: RunningApp;
let admin: HttpClient;
let manager: HttpClient;
let campaign: SentCampaign;
let customer: { id: number; email: string };
let cycleId: number;
let zhangReviewee: number;

function expectInert(text: string, where: string): void {
  for (const raw of RAW) expect(text.includes(raw), `${where} contains ${raw}`).toBe(false);
}

/** Header names of a parsed mail (lower case). */
function headerNames(mail: ReceivedMail): string[] {
  return [...mail.parsed.headers.keys()];
}

function mailsTo(address: string, subjectPart: string): ReceivedMail[] {
  return smtp.received.filter((m) => m.envelopeTo.includes(address) && (m.parsed.subject ?? "").includes(subjectPart));
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  app = await startHardenedApp({ SMTP_URL: smtp.url });
  admin = await loggedIn(app, PEOPLE.admin);
  manager = await loggedIn(app, PEOPLE.manager);
  const f = app.dbFile;

  // The customer: company with the hostile title, saved through the admin form.
  customer = withDb(f, (db) => db.prepare("select id, email from customers where tier = 'high' and email is not null and active = 1 and email_opt_out = 0 order by id limit 1").get()) as { id: number; email: string };
  const row = withDb(f, (db) => db.prepare("select company, contact_name, email, phone, region, tier, owner_id, locale from customers where id = ?").get(customer.id)) as Record<string, unknown>;
  const payload = Object.fromEntries(Object.entries({ ...row, company: `Acme ${TITLE}`.slice(0, 200), locale: "en" }).filter(([, v]) => v !== null));
  const csrf = await admin.csrf(`/admin/customers/${customer.id}`);
  expect((await admin.post(`/admin/customers/${customer.id}`, { _csrf: csrf, intent: "save", payload: JSON.stringify(payload) })).status).toBe(302);
  campaign = await sendCampaign(app, manager, TITLE);

  // The 360 cycle: created, its definition made hostile, opened.
  const zhang = scalar<number>(f, "select id from users where email = ?", PEOPLE.staff);
  const mcsrf = await manager.csrf("/review360/cycles/new");
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const cycle = {
    name: CYCLE_TITLE,
    period: "=2026 H2",
    dueDate: due,
    reviewees: [zhang],
    weight_supervisor: 0.3,
    weight_peers: 0.3,
    weight_subordinates: 0.1,
    weight_customers: 0.3,
    min_supervisor: 1,
    min_peers: 3,
    min_subordinates: 3,
    min_customers: 3,
    peerMin: 3,
    peerMax: 6,
    reminderAfterDays: 5,
    reminderMax: 0,
  };
  const created = await manager.post("/review360/cycles/new", { _csrf: mcsrf, intent: "save", payload: JSON.stringify(cycle) });
  expect(created.status, (await created.clone().text()).slice(0, 400)).toBe(302);
  cycleId = Number(/\/review360\/cycles\/(\d+)/.exec(created.headers.get("Location") ?? "")?.[1]);
  const def = JSON.parse(scalar<string>(f, "select definition_json from review360_cycle where id = ?", cycleId)) as { competencies: { id: string; title: Record<string, string>; items: { id: string; text: Record<string, string> }[] }[]; scale: unknown[] };
  def.competencies[0].title = { en: `=cmd|' /C calc'!A0 ${XSS}`.slice(0, 80), "zh-CN": `+沟通 ${XSS}`.slice(0, 80) };
  def.competencies[0].items[0].text = { en: `-Listens ${XSS}`, "zh-CN": `@倾听 ${XSS}` };
  const saved = await manager.post(`/review360/cycles/${cycleId}/definition`, { _csrf: mcsrf, definition: JSON.stringify(def) });
  expect(saved.headers.get("Location")).toBe(`/review360/cycles/${cycleId}?done=definition`);
  const opened = await manager.post(`/review360/cycles/${cycleId}`, { _csrf: mcsrf, intent: "open" });
  expect(opened.headers.get("Location")).toBe(`/review360/cycles/${cycleId}?done=opened`);
  zhangReviewee = scalar<number>(f, "select id from review360_reviewee where cycle_id = ? and user_id = ?", cycleId, zhang);

  await until("the campaign invitation and the 360 mails", () => mailsTo(customer.email, "Acme").length > 0 && mailsTo(PEOPLE.staff, "H2 Bcc: evil@attacker.example").length > 0 && mailsTo("field.lead@aftercare.local", "H2 Bcc: evil@attacker.example").length > 0);
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await smtp?.close();
});

describe("mails (real SMTP, parsed with mailparser)", () => {
  it("the satisfaction invitation: one Subject line with the company as text, no Bcc, only the customer, body escaped", () => {
    const [mail] = mailsTo(customer.email, "Acme");
    expect(mail.envelopeTo).toEqual([customer.email]);
    const names = headerNames(mail);
    expect(names).not.toContain("bcc");
    expect(names.filter((n) => n === "subject")).toHaveLength(1);
    const subject = mail.parsed.subject ?? "";
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain(`Acme Q4 ${XSS} Bcc: evil@attacker.example =cmd|' /C calc'!A0`);
    // The campaign title is in the body: escaped in HTML, plain in text.
    const html = String(mail.parsed.html);
    expectInert(html, "invitation html");
    expect(html).toContain("Q4 &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.parsed.text).toContain(`Q4 ${XSS}`);
    expect(smtp.received.some((m) => m.envelopeTo.some((a) => a.includes("attacker.example")))).toBe(false);
  });

  it("the 360 mails carry the cycle title in one Subject line, with no header injected", () => {
    const mails = smtp.received.filter((m) => (m.parsed.subject ?? "").includes("H2 Bcc: evil@attacker.example =cmd|"));
    // zhang.wei (self) and his supervisor field.lead (rates him) are told the cycle opened.
    expect(new Set(mails.flatMap((m) => m.envelopeTo))).toEqual(new Set([PEOPLE.staff, "field.lead@aftercare.local"]));
    expect(mails[0].parsed.subject).toContain(`H2 Bcc: evil@attacker.example =cmd| ${XSS}`.slice(0, 60));
    for (const mail of mails) {
      expect(headerNames(mail)).not.toContain("bcc");
      expect(mail.parsed.subject).not.toMatch(/[\r\n]/);
      expectInert(String(mail.parsed.html ?? ""), `mail to ${mail.envelopeTo.join()}`);
    }
  });
});

describe("pages", () => {
  it("the campaign and cycle pages, the review list and the review form show the titles escaped", async () => {
    const staff = await loggedIn(app, PEOPLE.staff);
    const assignment = scalar<number>(app.dbFile, "select id from review360_assignment where reviewee_id = ? and rater_group = 'self'", zhangReviewee);
    const pages: [HttpClient, string][] = [
      [manager, "/satisfaction"],
      [manager, `/satisfaction/campaigns/${campaign.id}`],
      [manager, `/satisfaction/campaigns/${campaign.id}/report`],
      [manager, "/review360/cycles"],
      [manager, `/review360/cycles/${cycleId}`],
      [staff, "/review360"],
      [staff, `/review360/fill/${assignment}`],
    ];
    for (const [client, path] of pages) {
      const res = await client.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html.includes("alert(1)"), `${path} shows the title`).toBe(true);
      expectInert(html, path);
    }
  });
});

describe("360 rater comments and competency texts after the cycle closes", () => {
  it("are escaped in the report and neutralised in the CSV export", async () => {
    const f = app.dbFile;
    const def = JSON.parse(scalar<string>(f, "select definition_json from review360_cycle where id = ?", cycleId)) as { competencies: { items: { id: string }[] }[] };
    const scores = Object.fromEntries(def.competencies.flatMap((c) => c.items.map((i) => [i.id, 4])));
    for (const [email, group] of [
      [PEOPLE.staff, "self"],
      ["field.lead@aftercare.local", "supervisor"],
    ] as const) {
      const rater = await loggedIn(app, email);
      const assignment = scalar<number>(f, "select id from review360_assignment where reviewee_id = ? and rater_group = ?", zhangReviewee, group);
      const csrf = await rater.csrf(`/review360/fill/${assignment}`);
      // Each formula in a sentence of its own (comments are split into sentences).
      const res = await postAction(rater, `/review360/fill/${assignment}`, { _csrf: csrf, intent: "submit", payload: JSON.stringify({ ...scores, strengths: `${XSS}`, improve: FORMULAS.join("; ") }) });
      expect(res.status, res.body.slice(0, 300)).toBe(200);
    }
    const csrf = await manager.csrf(`/review360/cycles/${cycleId}`);
    expect((await manager.post(`/review360/cycles/${cycleId}`, { _csrf: csrf, intent: "close" })).headers.get("Location")).toBe(`/review360/cycles/${cycleId}?done=closed`);

    const report = await (await manager.get(`/review360/reports/${zhangReviewee}`)).text();
    expect(report.includes("alert(1)")).toBe(true);
    expectInert(report, "360 report");
    const csv = await manager.get(`/review360/cycles/${cycleId}/export`);
    expect(csv.status).toBe(200);
    const cells = parseCsv(await csv.text()).flat();
    for (const cell of cells) expect(/^[=+\-@]/.test(cell), `cell ${JSON.stringify(cell)} starts a formula`).toBe(false);
    // The comment sentences and the competency title (the manager reads Chinese) are there, neutralised.
    for (const start of ["=cmd|", "+SUM(1,2);", "-2+3;", "@SUM(A1)"]) expect(cells.some((c) => c.startsWith(`'${start}`)), start).toBe(true);
    expect(cells).toContain(`'+沟通 ${XSS}`.slice(0, 81));
    expect(cells).toContain(`'@倾听 ${XSS}`);
  }, 60_000);
});
