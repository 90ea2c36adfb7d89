// Hostile text stays text: script tags, event-handler attributes, `javascript:` links and SVG
// payloads put into customer names (admin edit form), survey comments (personal link), a complaint's
// description and the mails that carry them render inert in pages (no dialog in chromium, never
// unescaped in the HTML), in caught mails and in CSV/XLSX exports (formulas neutralised); CRLF in a
// company name never reaches a mail header.
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { login, open, openBrowser, type OpenBrowser } from "../e2e/support/browser";
import { withDb } from "../e2e/support/db";
import { createClient, csrfFrom, DEMO_PASSWORD, type HttpClient } from "../e2e/support/http";
import { loggedIn, PEOPLE, postAction, scalar, startHardenedApp } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";
import { parseCsv } from "../../packages/core/src/csv";

/** Every classic way to run script from text: a tag, an event handler, a javascript: link, SVG. */
const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a><svg onload=alert(4)><svg><script>alert(5)</script></svg>`;
/** Substrings that may appear in a page or mail only if the payload was NOT escaped. */
const RAW = ["<script>alert(", "<img src=x onerror", 'href="javascript:', "<svg onload", "<svg><script>"];
const FORMULA = '=HYPERLINK("http://x.example","click")';
const CRLF_COMPANY = "CRLF Trading\r\nBcc: evil@attacker.example";

let app: RunningApp;
let admin: HttpClient;
let campaign: SentCampaign;
/** Customers edited before the campaign was sent, by role in this test. */
const customers = {} as Record<"xss" | "xss2" | "formula" | "crlf", { id: number; email: string }>;
let complaintId: number;
let surveyFeedbackId: number;
let browser: OpenBrowser;
const dialogs: string[] = [];

function expectInert(html: string, where: string): void {
  for (const raw of RAW) expect(html.includes(raw), `${where} contains ${raw}`).toBe(false);
}

/** Saves a customer through the admin edit form (the same JSON payload its SurveyJS form posts). */
async function editCustomer(id: number, changes: Record<string, string>): Promise<void> {
  const row = withDb(app.dbFile, (db) => db.prepare("select company, contact_name, email, phone, region, tier, owner_id, locale from customers where id = ?").get(id)) as Record<string, unknown>;
  const payload = Object.fromEntries(Object.entries({ ...row, ...changes }).filter(([, v]) => v !== null));
  const csrf = await admin.csrf(`/admin/customers/${id}`);
  const res = await admin.post(`/admin/customers/${id}`, { _csrf: csrf, intent: "save", payload: JSON.stringify(payload) });
  if (res.status !== 302) throw new Error(`editing customer ${id} answered ${res.status}: ${(await res.text()).slice(0, 400)}`);
}

/** Opens a personal survey link and submits answers; returns the action's answer. */
async function submitSurvey(token: string, answers: Record<string, unknown>) {
  const customer = createClient(app.url);
  customer.jar.set("ac_lang", "en");
  const page = await customer.get(`/satisfaction/s/${token}`);
  expect(page.status).toBe(200);
  return postAction(customer, `/satisfaction/s/${token}`, { _csrf: csrfFrom(await page.text()), intent: "submit", payload: JSON.stringify(answers) });
}

/** The entries of a ZIP archive (an .xlsx), inflated. */
function unzip(bytes: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(dataStart, dataStart + size);
    files.set(name, (method === 8 ? zlib.inflateRawSync(data) : data).toString("utf8"));
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

/** Every text cell of an .xlsx's sheets (inline strings), unescaped once; and whether any formula exists. */
function xlsxCells(bytes: Buffer): { texts: string[]; formulas: number } {
  const sheets = [...unzip(bytes)].filter(([name]) => name.startsWith("xl/worksheets/")).map(([, xml]) => xml);
  const texts = sheets.flatMap((xml) => [...xml.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")));
  const formulas = sheets.reduce((n, xml) => n + (xml.match(/<f[ >]/g)?.length ?? 0), 0);
  return { texts, formulas };
}

/** Asserts no cell of a CSV or XLSX export starts a formula, and that `expected` cells are there, neutralised. */
function expectNeutralised(cells: string[], expected: string[], where: string): void {
  for (const cell of cells) expect(/^[=+\-@]/.test(cell), `${where}: cell ${JSON.stringify(cell)} starts a formula`).toBe(false);
  for (const value of expected) expect(cells, where).toContain(`'${value}`);
}

beforeAll(async () => {
  app = await startHardenedApp();
  admin = await loggedIn(app, PEOPLE.admin);
  const rows = withDb(app.dbFile, (db) => db.prepare("select id, email from customers where tier = 'high' and email is not null and active = 1 and email_opt_out = 0 order by id limit 4").all()) as { id: number; email: string }[];
  expect(rows.length).toBe(4);
  [customers.xss, customers.xss2, customers.formula, customers.crlf] = rows;
  await editCustomer(customers.xss.id, { company: `XSS Co ${XSS}`, contact_name: `Mr ${XSS}`.slice(0, 100) });
  await editCustomer(customers.xss2.id, { company: `XSS Two ${XSS}` });
  await editCustomer(customers.formula.id, { company: FORMULA, region: "-2+3", phone: "@SUM(1+1)", contact_name: "+1+1" });
  await editCustomer(customers.crlf.id, { company: CRLF_COMPANY, contact_name: "Evil\r\nBcc: evil2@attacker.example" });
  // A pay-sheet employee with a formula for a name (the KPI pay export shows staff names).
  withDb(app.dbFile, (db) => db.prepare("update users set name = ? where email = ?").run(FORMULA, PEOPLE.staff));

  campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hardening XSS");
  const linkOf = (customerId: number) => {
    const recipient = scalar<number>(app.dbFile, "select id from satisfaction_recipient where campaign_id = ? and customer_id = ?", campaign.id, customerId);
    const link = campaign.links.find((l) => l.recipientId === recipient);
    if (!link) throw new Error(`customer ${customerId} got no link`);
    return link.token;
  };
  // The XSS customer answers "very dissatisfied" everywhere with hostile comments: comments are
  // stored and a survey-sourced feedback record is opened with them.
  const low = { quality: 20, price: 20, delivery: 20, packaging: 20, service: 20, quality_why: `why ${XSS}`, comments: `closing ${XSS}` };
  expect(await submitSurvey(linkOf(customers.xss.id), low)).toEqual({ status: 200, body: expect.stringContaining('"ok",true') });
  expect(await submitSurvey(linkOf(customers.formula.id), { quality: 80, price: 80, delivery: 80, packaging: 80, service: 80, comments: FORMULA })).toMatchObject({ status: 200 });
  surveyFeedbackId = scalar<number>(app.dbFile, "select id from satisfaction_feedback where customer_id = ? and source = 'survey'", customers.xss.id);

  // A complaint recorded by staff with a hostile description.
  const csrf = await admin.csrf("/satisfaction/feedback");
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const created = await admin.post("/satisfaction/feedback", {
    _csrf: csrf,
    intent: "create",
    payload: JSON.stringify({ customerId: customers.xss.id, category: "other", product: `P ${XSS}`.slice(0, 200), description: `desc ${XSS}`, dueDate: due }),
  });
  const location = created.headers.get("Location") ?? "";
  if (created.status !== 302) throw new Error(`creating the complaint answered ${created.status}: ${(await created.text()).slice(0, 500)}`);
  complaintId = Number(/\/satisfaction\/feedback\/(\d+)/.exec(location)?.[1]);

  // Every invitation delivered to the built-in catcher.
  const deadline = Date.now() + 30_000;
  const caught = () =>
    [
      [customers.xss.email, "XSS Co"],
      [customers.crlf.email, "CRLF Trading"],
    ].every(([email, company]) => scalar<number>(app.dbFile, "select count(*) from mail_caught where to_addrs like ? and subject like ?", `%${email}%`, `%${company}%`) > 0);
  while (!caught()) {
    if (Date.now() > deadline) throw new Error("the invitations were not delivered to the catcher within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }

  browser = await openBrowser();
  browser.page.on("dialog", (dialog) => {
    dialogs.push(`${browser.page.url()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await login(browser.page, app.url, PEOPLE.admin, DEMO_PASSWORD);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** This campaign's invitation caught for `address` (the seed's own campaigns mailed them before). */
function caughtTo(address: string): { id: number; subject: string; html: string | null; text: string | null; raw: string } {
  const row = withDb(app.dbFile, (db) => db.prepare("select id, subject, html, text, raw from mail_caught where to_addrs like ? and (subject like '%XSS Co%' or subject like '%CRLF Trading%') order by id limit 1").get(`%${address}%`)) as
    | { id: number; subject: string; html: string | null; text: string | null; raw: string }
    | undefined;
  if (!row) throw new Error(`no mail caught for ${address}`);
  return row;
}

describe("pages render hostile text inert", () => {
  const pages = () => [
    ["customer list", `/admin/customers?q=XSS`],
    ["customer edit form", `/admin/customers/${customers.xss.id}`],
    ["satisfaction report (comments)", `/satisfaction/campaigns/${campaign.id}/report`],
    ["campaign page", `/satisfaction/campaigns/${campaign.id}`],
    ["feedback list", `/satisfaction/feedback`],
    ["complaint record", `/satisfaction/feedback/${complaintId}`],
    ["survey-sourced feedback record", `/satisfaction/feedback/${surveyFeedbackId}`],
    ["mailbox list", `/admin/mailbox`],
    ["mailbox message", `/admin/mailbox/${caughtTo(customers.xss.email).id}`],
  ];

  it("never sends the payload unescaped in the HTML of any page that shows it", async () => {
    for (const [name, path] of pages()) {
      const res = await admin.get(path);
      expect(res.status, name).toBe(200);
      const html = await res.text();
      // The page does show the text (escaped), or the check would prove nothing.
      expect(html.includes("alert(1)"), `${name} shows the text`).toBe(true);
      expectInert(html, name);
    }
  });

  it("fires no dialog and creates no javascript: link in chromium on any of those pages", async () => {
    for (const [name, path] of pages()) {
      expect(await open(browser.page, `${app.url}${path}`), name).toBe(200);
      await expect.poll(() => browser.page.locator("body").innerText(), { message: name }).toContain("alert(1)");
      expect(await browser.page.locator('a[href^="javascript:"], svg[onload], img[onerror]').count(), name).toBe(0);
    }
    // The mailbox's HTML tab renders the mail itself in a sandboxed frame.
    expect(await browser.page.locator("iframe[sandbox='']").count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  it("shows a hostile company name inert on the customer's own survey page", async () => {
    const recipient = scalar<number>(app.dbFile, "select id from satisfaction_recipient where campaign_id = ? and customer_id = ?", campaign.id, customers.xss2.id);
    const token = campaign.links.find((l) => l.recipientId === recipient)!.token;
    const survey = await openBrowser();
    const seen: string[] = [];
    survey.page.on("dialog", (dialog) => {
      seen.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      expect(await open(survey.page, `${app.url}/satisfaction/s/${token}`)).toBe(200);
      await expect.poll(() => survey.page.locator("body").innerText()).toContain("XSS Two <script>alert(1)</script>");
      expect(seen).toEqual([]);
    } finally {
      await survey.close();
    }
  });
});

describe("mails escape hostile text", () => {
  it("escapes the company name in the invitation's HTML and keeps it as text in the subject", () => {
    const mail = caughtTo(customers.xss.email);
    expect(mail.subject).toContain(`XSS Co ${XSS}`);
    expect(mail.html).toContain("XSS Co &lt;script&gt;alert(1)&lt;/script&gt;");
    expectInert(mail.html ?? "", "invitation html");
  });

  it("lets no CRLF in a company or contact name inject a header (no Bcc, no extra recipient)", () => {
    const mail = caughtTo(customers.crlf.email);
    const head = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/));
    // Unfold continuation lines, then read the header names.
    const lines = head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/);
    const names = lines.map((l) => l.slice(0, l.indexOf(":")).toLowerCase());
    expect(names).not.toContain("bcc");
    expect(names.filter((n) => n === "to")).toHaveLength(1);
    expect(names.filter((n) => n === "subject")).toHaveLength(1);
    expect(mail.subject).toContain("CRLF Trading Bcc: evil@attacker.example");
    const envelope = scalar<string>(app.dbFile, "select to_addrs from mail_caught where id = ?", mail.id);
    expect(JSON.parse(envelope)).toEqual([customers.crlf.email]);
    expect(scalar(app.dbFile, "select count(*) from mail_caught where to_addrs like '%attacker.example%'")).toBe(0);
  });
});

describe("exports neutralise spreadsheet formulas", () => {
  it("customers CSV export", async () => {
    const res = await admin.get("/admin/customers/export.csv");
    expect(res.status).toBe(200);
    const cells = parseCsv(await res.text()).flat();
    expectNeutralised(cells, [FORMULA, "-2+3", "@SUM(1+1)", "+1+1"], "customers.csv");
    // Hostile HTML is data in a CSV: kept as written.
    expect(cells).toContain(`XSS Co ${XSS}`);
  });

  it("satisfaction responses export, CSV and XLSX", async () => {
    const csv = await admin.get(`/satisfaction/campaigns/${campaign.id}/export?what=responses&format=csv`);
    expect(csv.status).toBe(200);
    expectNeutralised(parseCsv(await csv.text()).flat(), [FORMULA, "-2+3"], "responses.csv");
    const xlsx = await admin.get(`/satisfaction/campaigns/${campaign.id}/export?what=responses&format=xlsx`);
    expect(xlsx.status).toBe(200);
    const { texts, formulas } = xlsxCells(Buffer.from(await xlsx.arrayBuffer()));
    expect(formulas).toBe(0);
    expectNeutralised(texts, [FORMULA, "-2+3"], "responses.xlsx");
  });

  it("KPI pay sheet export, CSV and XLSX", async () => {
    const month = new Date().toISOString().slice(0, 7);
    const csv = await admin.get(`/kpi/pay/export?month=${month}&format=csv`);
    expect(csv.status).toBe(200);
    expectNeutralised(parseCsv(await csv.text()).flat(), [FORMULA], "pay.csv");
    const xlsx = await admin.get(`/kpi/pay/export?month=${month}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    const { texts, formulas } = xlsxCells(Buffer.from(await xlsx.arrayBuffer()));
    expect(formulas).toBe(0);
    expectNeutralised(texts, [FORMULA], "pay.xlsx");
  });
});
