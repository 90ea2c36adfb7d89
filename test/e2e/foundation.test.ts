// The foundation in a real browser against the production build: language, CSV import, mail,
// plugin mounting, the SurveyJS edit form and the phone layout. Writes the README screenshots.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, screenshotDir, startApp } from "./support/app";
import { login, open, type OpenBrowser, openBrowser, useLocale } from "./support/browser";
import { dbAll, dbCount, dbGet } from "./support/db";
import { ADMIN, DEMO_PASSWORD, STAFF } from "./support/http";

const screenshots = screenshotDir;
const CSV_HEADER = "company,contact_name,email,phone,region,tier,owner_id,locale";

let app: RunningApp;
let browser: OpenBrowser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(screenshots, { recursive: true });
  app = await startApp();
  browser = await openBrowser();
  page = browser.page;
  await login(page, app.url, ADMIN, DEMO_PASSWORD);
});

// No page may throw or log an error (hydration mismatches, CSP refusals, failed chunks…).
// The app has no favicon; the browser's request for it is not a page problem.
afterEach(() => {
  const problems = browser.problems({ clear: true }).filter((p) => !p.includes("/favicon.ico"));
  expect(problems, "browser errors during the test").toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const navLink = (p: Page, text: string) => p.locator("nav.sidebar a", { hasText: new RegExp(`^${text}$`) });

async function screenshot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

/** Uploads CSV text on the import page and waits for the preview. */
async function previewImport(p: Page, csv: string): Promise<void> {
  await open(p, `${app.url}/admin/customers/import`);
  await p.locator("[data-testid=import-file]").setInputFiles({ name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  await Promise.all([p.waitForURL(/\/admin\/customers\/import\?batch=\d+$/), p.locator("form:has([data-testid=import-file]) button[type=submit]").click()]);
  await p.locator("[data-testid=import-preview]").waitFor();
}

async function customerByCompany(company: string): Promise<{ id: number; owner_id: number | null; tier: string; contact_name: string | null } | undefined> {
  return dbGet(app, "select id, owner_id, tier, contact_name from customers where company = ?", [company]);
}

describe("language", () => {
  it("switches the interface between English and 简体中文", async () => {
    await open(page, `${app.url}/`);
    await useLocale(page, "en");
    await navLink(page, "Customers").waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.locator("[data-testid=switch-language]").textContent()).toBe("简体中文");

    await page.locator("[data-testid=switch-language]").click();
    await page.locator('html[lang="zh-CN"]').waitFor({ state: "attached" });
    await navLink(page, "客户").waitFor();
    await navLink(page, "测试插件").waitFor();
    expect(await navLink(page, "Customers").count()).toBe(0);
    expect(await page.locator("[data-testid=switch-language]").textContent()).toBe("English");

    // The choice is saved: a fresh load keeps it.
    await open(page, `${app.url}/admin/customers`);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await navLink(page, "客户").waitFor();

    await page.locator("[data-testid=switch-language]").click();
    await page.locator('html[lang="en"]').waitFor({ state: "attached" });
    await navLink(page, "Customers").waitFor();
    await navLink(page, "Test plugin").waitFor();
    expect(await navLink(page, "客户").count()).toBe(0);
    // Switching brought the viewer back to the page they were on.
    expect(new URL(page.url()).pathname).toBe("/admin/customers");
  });
});

describe("test plugin", () => {
  it("is mounted for the admin: nav entry, its page with its seeded notes, and its dashboard widget", async () => {
    await open(page, `${app.url}/`);
    await useLocale(page, "en");
    const widget = page.locator("[data-widget=test-widget]");
    await widget.waitFor();
    expect(await widget.locator("h2").textContent()).toBe("Test widget");
    expect(await widget.locator(".stat-value").textContent()).toBe("2");
    await screenshot(page, "dashboard");

    const entry = navLink(page, "Test plugin");
    expect(await entry.getAttribute("href")).toBe("/test-plugin");
    await Promise.all([page.waitForURL(`${app.url}/test-plugin`), entry.click()]);
    const home = page.locator("[data-testid=test-plugin-home]");
    await home.waitFor();
    expect(await home.textContent()).toContain("Notes: 2");
    // Its migration made its own table, its seed filled it once.
    expect(await dbCount(app, "test_plugin_note")).toBe(2);
    // A fresh load is server-rendered by the production build too.
    expect(await open(page, `${app.url}/test-plugin`)).toBe(200);
    expect(await page.locator("[data-testid=test-plugin-home]").textContent()).toContain("Notes: 2");
  });

  it("is hidden from a staff user, who gets 403 on /test-plugin", async () => {
    const staff = await openBrowser();
    try {
      await login(staff.page, app.url, STAFF, DEMO_PASSWORD);
      await open(staff.page, `${app.url}/`);
      await staff.page.locator("nav.sidebar a").first().waitFor();
      const hrefs = await staff.page.locator("nav.sidebar a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      expect(hrefs).not.toContain("/test-plugin");
      expect(await staff.page.locator("nav.sidebar").textContent()).not.toMatch(/测试插件|Test plugin/);
      expect(await staff.page.locator("[data-widget=test-widget]").count()).toBe(0);
      expect(await open(staff.page, `${app.url}/test-plugin`)).toBe(403);
      await staff.page.locator("[data-testid=error-message]").waitFor();
      expect(await staff.page.locator("[data-testid=test-plugin-home]").count()).toBe(0);
      const unexpected = staff.problems().filter((p) => !p.includes("/favicon.ico") && !p.includes("status of 403"));
      expect(unexpected, "browser errors during the test").toEqual([]);
    } finally {
      await staff.close();
    }
  });
});

describe("customer CSV import", () => {
  it("previews and imports 2 new customers, lists them, and records customers.import in the audit log", async () => {
    const before = await dbCount(app, "customers");
    const csv = [
      CSV_HEADER,
      "E2E Import Alpha Ltd,Alice Able,alpha@example.com,13800001111,华东,high,zhang.wei@aftercare.local,en",
      "E2E 导入贝塔有限公司,Bob Baker,beta@example.com,13800002222,华南,high,zhang.wei@aftercare.local,zh-CN",
    ].join("\n");
    await open(page, `${app.url}/`);
    await useLocale(page, "en");
    await previewImport(page, csv);
    const preview = page.locator("[data-testid=import-preview]");
    expect(await preview.locator("h2").textContent()).toBe("Preview: 2 rows ready, 0 rows with errors");
    const rows = preview.locator("tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator("td").nth(1).textContent()).toBe("create");
    expect(await rows.nth(1).locator("td").nth(1).textContent()).toBe("create");
    // Nothing is written before the commit.
    expect(await dbCount(app, "customers")).toBe(before);

    await Promise.all([page.waitForURL(/\/admin\/customers\?imported=2-0$/), page.locator("[data-testid=import-commit]").click()]);
    await page.locator(".notice-success", { hasText: "Imported: 2 created, 0 updated." }).waitFor();
    const table = page.locator("[data-testid=customers-table]");
    const alpha = table.locator("tr", { hasText: "E2E Import Alpha Ltd" });
    await alpha.waitFor();
    expect(await alpha.textContent()).toContain("张伟 Zhang Wei");
    expect(await alpha.textContent()).toContain("High-end");
    await table.locator("tr", { hasText: "E2E 导入贝塔有限公司" }).waitFor();
    await screenshot(page, "customers");

    expect(await dbCount(app, "customers")).toBe(before + 2);
    const zhang = (await dbGet<{ id: number }>(app, "select id from users where email = ?", [STAFF]))!.id;
    expect(await customerByCompany("E2E Import Alpha Ltd")).toMatchObject({ owner_id: zhang, tier: "high", contact_name: "Alice Able" });
    expect(await customerByCompany("E2E 导入贝塔有限公司")).toMatchObject({ owner_id: zhang, tier: "high" });

    await open(page, `${app.url}/admin/audit`);
    const entry = page.locator("[data-testid=audit-table] tr", { has: page.locator("code", { hasText: /^customers\.import$/ }) });
    await entry.first().waitFor();
    expect(await entry.count()).toBe(1);
    expect(await entry.textContent()).toContain('"created":2');
  });

  it("shows the error of a bad row and imports nothing", async () => {
    const before = await dbCount(app, "customers");
    const csv = [
      CSV_HEADER,
      "E2E Good Row Ltd,Carol,carol@example.com,,华北,mid,zhang.wei@aftercare.local,en",
      "E2E Bad Row Ltd,Dave,not-an-email,,华北,gold,nobody@aftercare.local,en",
    ].join("\n");
    await open(page, `${app.url}/`);
    await useLocale(page, "en");
    await previewImport(page, csv);
    const preview = page.locator("[data-testid=import-preview]");
    expect(await preview.locator("h2").textContent()).toBe("Preview: 1 rows ready, 1 rows with errors");
    const bad = preview.locator("tr.row-error");
    expect(await bad.count()).toBe(1);
    expect(await bad.locator("td").first().textContent()).toBe("3");
    const errors = (await bad.locator(".error-text").textContent()) ?? "";
    expect(errors).toContain("Email must be a valid email address.");
    expect(errors).toContain("Tier must be one of the listed values.");
    expect(errors).toContain("nobody@aftercare.local");
    expect(await preview.locator("[data-testid=import-commit]").count()).toBe(0);
    await preview.locator(".notice-warning", { hasText: "nothing has been imported" }).waitFor();

    expect(await dbCount(app, "customers")).toBe(before);
    expect(await customerByCompany("E2E Good Row Ltd")).toBeUndefined();
    expect(await customerByCompany("E2E Bad Row Ltd")).toBeUndefined();
  });
});

describe("mail", () => {
  /** Sends the test message from /admin/mail and opens it from the mailbox. */
  async function sendAndOpen(subject: string, body: string): Promise<void> {
    await open(page, `${app.url}/admin/mail`);
    await page.locator("[data-testid=send-test]").click();
    await page.locator(".notice-success", { hasText: ADMIN }).waitFor();

    await open(page, `${app.url}/admin/mailbox`);
    const link = page.locator("[data-testid=mailbox-table] a", { hasText: subject });
    const deadline = Date.now() + 15_000;
    while ((await link.count()) === 0) {
      if (Date.now() > deadline) throw new Error(`"${subject}" did not reach the mailbox within 15 s.\nServer output:\n${app.output()}`);
      await page.waitForTimeout(1_000);
      if ((await link.count()) === 0) await open(page, `${app.url}/admin/mailbox`);
    }
    expect(await page.locator("[data-testid=mailbox-table] tr", { has: page.locator("a", { hasText: subject }) }).first().textContent()).toContain(ADMIN);
    if (subject === "Aftercare test message") await screenshot(page, "mailbox");

    await Promise.all([page.waitForURL(/\/admin\/mailbox\/\d+$/), link.first().click()]);
    await page.locator("h1", { hasText: new RegExp(`^${subject}$`) }).waitFor();
    // The HTML part, in its sandboxed frame.
    await page.frameLocator("[data-testid=mail-body] iframe").locator("body", { hasText: body }).waitFor();
    // The plain-text part.
    await page.locator('[role=tab]').nth(1).click();
    await page.locator("[data-testid=mail-body] pre", { hasText: body }).waitFor();
  }

  it("sends a test message that appears in the mailbox, in the sender's language", async () => {
    await open(page, `${app.url}/`);
    await useLocale(page, "en");
    await sendAndOpen("Aftercare test message", "This is a test message from Aftercare.");

    await useLocale(page, "zh-CN");
    await sendAndOpen("Aftercare 测试邮件", "这是一封来自 Aftercare 的测试邮件。");
    await useLocale(page, "en");

    // Each click sent exactly one message (other mail, e.g. from plugins, may be there too).
    const caught = await dbAll<{ subject: string }>(app, "select subject from mail_caught where to_addrs like ? order by id", [`%${ADMIN}%`]);
    const tests = caught.map((c) => c.subject).filter((s) => s.startsWith("Aftercare "));
    expect(tests).toEqual(["Aftercare test message", "Aftercare 测试邮件"]);
  });
});

describe("customer edit form (SurveyJS)", () => {
  async function seededCustomer(): Promise<{ id: number; company: string; contact_name: string }> {
    return (await dbGet(app, "select id, company, contact_name from customers where company not like 'E2E%' order by id desc limit 1"))!;
  }

  it("saves a changed contact person and shows it in the list with the success notice", async () => {
    const customer = await seededCustomer();
    const contact = "E2E 新联系人 Zoe";
    await open(page, `${app.url}/`);
    await useLocale(page, "en");
    await open(page, `${app.url}/admin/customers/${customer.id}`);
    await page.locator('[data-form-ready="1"]').waitFor();
    const input = page.locator('[data-name="contact_name"] input');
    expect(await input.inputValue()).toBe(customer.contact_name);
    await input.fill(contact);
    await Promise.all([page.waitForURL(/\/admin\/customers\?done=updated$/), page.locator(".sd-navigation__complete-btn").click()]);
    await page.locator(".notice-success", { hasText: "Saved." }).waitFor();
    const row = page.locator("[data-testid=customers-table] tr", { hasText: customer.company });
    await row.waitFor();
    expect(await row.textContent()).toContain(contact);
    expect((await customerByCompany(customer.company))?.contact_name).toBe(contact);
  });

  it("refuses to save without the required company: a validation message, nothing saved", async () => {
    const customer = await seededCustomer();
    const audits = await dbCount(app, "audit_log");
    await open(page, `${app.url}/admin/customers/${customer.id}`);
    await page.locator('[data-form-ready="1"]').waitFor();
    const company = page.locator('[data-name="company"]');
    expect(await company.locator("input").inputValue()).toBe(customer.company);
    await company.locator("input").fill("");
    await page.locator('[data-name="contact_name"] input').fill("Should Not Be Saved");
    await page.locator(".sd-navigation__complete-btn").click();
    const error = company.locator(".sd-question__erbox");
    await error.waitFor();
    expect(((await error.textContent()) ?? "").trim().length).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe(`/admin/customers/${customer.id}`);
    expect(await dbGet(app, "select company, contact_name from customers where id = ?", [customer.id])).toEqual({
      company: customer.company,
      contact_name: customer.contact_name,
    });
    expect(await dbCount(app, "audit_log")).toBe(audits);
  });
});

describe("phone layout", () => {
  it("works at 390×844: the menu toggle opens the navigation", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await open(page, `${app.url}/`);
      await useLocale(page, "en");
      const nav = page.locator("nav.sidebar");
      const toggle = page.locator(".menu-toggle");
      expect(await toggle.isVisible()).toBe(true);
      expect(await nav.isVisible()).toBe(false);
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      // Nothing sticks out sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      await toggle.click();
      await nav.waitFor({ state: "visible" });
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      const customers = navLink(page, "Customers");
      expect(await customers.isVisible()).toBe(true);
      await Promise.all([page.waitForURL(`${app.url}/admin/customers`), customers.click()]);
      await page.locator("[data-testid=customers-table]").waitFor();
      await nav.waitFor({ state: "hidden" });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });
});
