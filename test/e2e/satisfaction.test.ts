// The satisfaction survey end to end on the production build: a manager creates and sends a
// campaign, a customer opens the personal link taken from the caught mail on a phone, fills and
// submits the survey, and the manager sees the response in the analysis report.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, screenshotDir, startApp } from "./support/app";
import { login, open, type OpenBrowser, openBrowser, waitForHydration, useLocale } from "./support/browser";
import { dbAll, dbGet } from "./support/db";
import { DEMO_PASSWORD, MANAGER } from "./support/http";

const screenshots = screenshotDir;
let app: RunningApp;
let manager: OpenBrowser;
let customer: OpenBrowser;
let campaignId: number;
let surveyLink: string;

/** A date `days` from today as YYYY-MM-DD (what a date input takes). */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  fs.mkdirSync(screenshots, { recursive: true });
  app = await startApp();
  manager = await openBrowser();
  customer = await openBrowser({ viewport: { width: 390, height: 844 } });
  await login(manager.page, app.url, MANAGER, DEMO_PASSWORD);
  await useLocale(manager.page, "en");
});

afterAll(async () => {
  await manager?.close();
  await customer?.close();
  await app?.stop();
});

describe("satisfaction survey, end to end", () => {
  it("the manager creates a campaign for high-end customers and sends it", async () => {
    const p = manager.page;
    await open(p, `${app.url}/satisfaction/campaigns/new`);
    await p.locator('[data-form-ready="1"]').waitFor();
    await p.locator('[data-name="name"] input').fill("E2E Q4 survey");
    await p.locator('[data-name="period"] input').fill("2026 Q4");
    await p.locator('[data-name="tiers"]').getByText("High-end", { exact: true }).click();
    await p.locator('[data-name="closesAt"] input').fill(day(14));
    await Promise.all([p.waitForURL(/\/satisfaction\/campaigns\/\d+$/), p.locator(".sd-navigation__complete-btn").click()]);
    campaignId = Number(new URL(p.url()).pathname.split("/").pop());

    // Expected audience, counted from the database: active high-end customers with an email who have not opted out.
    const reachable = (await dbGet<{ n: number }>(app, "select count(*) as n from customers where active = 1 and tier = 'high' and email like '%@%' and email_opt_out = 0"))!.n;
    expect(reachable).toBeGreaterThan(0);
    await expect.poll(() => p.locator("[data-testid=audience-preview]").textContent()).toContain(`${reachable} will get an email`);

    await p.locator('[data-intent="send"]').click();
    await Promise.all([p.waitForURL(/done=sent/), p.locator('[data-confirm="send"]').click()]);
    await waitForHydration(p);
    // The page follows delivery live: every invitation reaches the built-in catcher.
    await expect
      .poll(async () => (await dbGet<{ n: number }>(app, "select count(*) as n from mail_outbox where idempotency_key like ? and status = 'sent'", [`satisfaction:${campaignId}:invite:%`]))!.n, { timeout: 20_000 })
      .toBe(reachable);
    await expect.poll(() => p.locator("[data-testid=campaign-progress]").textContent(), { timeout: 10_000 }).toMatch(new RegExp(`Mail sent\\s*${reachable}`));
  });

  it("each customer's mail is in their language and carries a personal link", async () => {
    // Newest first: the seeded May campaign mailed the same customers before.
    const caught = await dbAll<{ to_addrs: string; subject: string; text: string }>(app, "select to_addrs, subject, text from mail_caught where text like ? order by id desc", [`%/satisfaction/s/%`]);
    const english = await dbAll<{ email: string; company: string }>(app, "select email, company from customers where tier = 'high' and locale = 'en' and email is not null order by id");
    expect(english.length).toBeGreaterThan(0);
    const mail = caught.find((m) => m.to_addrs.includes(english[0].email) && m.subject.includes("how satisfied"));
    expect(mail, `English invitation to ${english[0].email}`).toBeDefined();
    expect(mail!.subject).toContain(english[0].company);
    const links = [...mail!.text.matchAll(/(http:\/\/127\.0\.0\.1:\d+\/satisfaction\/s\/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43})(\/opt-out)?/g)];
    expect(links.some((l) => l[2] === "/opt-out")).toBe(true);
    surveyLink = links.find((l) => !l[2])![1];
    expect(surveyLink.startsWith(app.url)).toBe(true);
  });

  it("the customer opens the link on a phone, progress is kept, and the survey is submitted once", async () => {
    const p = customer.page;
    await open(p, surveyLink);
    await p.locator('[data-form-ready="1"]').waitFor();
    expect(await p.locator("html").getAttribute("lang")).toBe("en");
    const answer = async (question: string, label: string) => p.locator(`[data-name="${question}"]`).getByText(label, { exact: true }).click();
    await Promise.all([p.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/satisfaction/s/")), answer("quality", "Very satisfied")]);
    await p.reload();
    await p.locator('[data-form-ready="1"]').waitFor();
    await expect.poll(() => p.locator('[data-name="quality"] input[value="100"]').isChecked()).toBe(true);

    await answer("price", "Satisfied");
    await answer("delivery", "Neutral");
    await answer("packaging", "Very satisfied");
    await answer("service", "Satisfied");
    await p.locator('[data-name="delivery_why"] textarea').fill("Two deliveries were late.");
    await p.screenshot({ path: path.join(screenshots, "survey-phone.png") });
    await p.locator(".sd-navigation__complete-btn").click();
    await p.locator("[data-testid=survey-thanks]").waitFor();

    const stored = await dbAll<{ score: number; satisfied: number; product_score: number; service_score: number }>(app, "select score, satisfied, product_score, service_score from satisfaction_response where campaign_id = ? order by id", [campaignId]);
    // 0.30·100 + 0.15·80 + 0.20·60 + 0.10·100 + 0.25·80 = 30 + 12 + 12 + 10 + 20 = 84 → below 85, not satisfied.
    // product = (0.30·100 + 0.15·80 + 0.10·100) / 0.55 = 52 / 0.55 = 94.5454…; service = (0.20·60 + 0.25·80) / 0.45 = 32 / 0.45 = 71.111…
    expect(stored).toHaveLength(1);
    expect(stored[0].score).toBeCloseTo(84, 9);
    expect(stored[0].satisfied).toBe(0);
    expect(stored[0].product_score).toBeCloseTo(52 / 0.55, 9);
    expect(stored[0].service_score).toBeCloseTo(32 / 0.45, 9);

    // The link is used now: the same friendly page as an unknown link, and no second response.
    const status = await open(p, surveyLink);
    expect(status).toBe(404);
    await p.locator("[data-testid=link-invalid]").waitFor();
  });

  it("the manager sees the response in the analysis report", async () => {
    const p = manager.page;
    await open(p, `${app.url}/satisfaction/campaigns/${campaignId}/report`);
    const counts = await p.locator("[data-testid=report-counts]").textContent();
    expect(counts).toMatch(/Forms returned\s*1/);
    const scores = await p.locator("[data-testid=report-scores]").textContent();
    expect(scores).toMatch(/Satisfaction index\s*84\.0/);
    expect(scores).toMatch(/Product quality satisfaction\s*94\.5/);
    expect(scores).toMatch(/Service quality satisfaction\s*71\.1/);
    // composite = 0.8 · 94.5454… + 0.2 · 71.111… = 75.636… + 14.222… = 89.858…
    expect(scores).toMatch(/89\.9/);
    expect(await p.locator('[data-item="delivery"] .num').textContent()).toBe("60.0");
    // One of all reachable high-end customers answered: far below the 75 % coverage × recovery target.
    expect(await p.locator("[data-testid=coverage-flag]").getAttribute("data-meets")).toBe("0");
    expect(await p.locator(".comments").first().textContent()).toContain("Two deliveries were late.");
  });

  it("the report of the seeded campaign is worth a screenshot", async () => {
    const p = manager.page;
    await open(p, `${app.url}/satisfaction/campaigns/1/report`);
    await p.locator("[data-testid=report-scores]").waitFor();
    await p.screenshot({ path: path.join(screenshots, "satisfaction-report.png") });
    expect(fs.statSync(path.join(screenshots, "satisfaction-report.png")).size).toBeGreaterThan(10_000);
  });
});
