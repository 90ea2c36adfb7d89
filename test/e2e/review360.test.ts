// The 360 review end to end on the production build: a manager sets up a draft cycle for the
// field engineers, adds a behaviour statement of their own, opens it and assigns a peer and a
// customer to Li Na; the peer fills the review after login; the customer fills it from the link
// in the caught mail, answering "Not observed" on the new statement; the manager closes the cycle
// and releases the report; Li Na reads it — and nobody else can.
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, screenshotDir, startApp } from "./support/app";
import { login, open, type OpenBrowser, openBrowser, waitForHydration, useLocale } from "./support/browser";
import { dbAll, dbGet } from "./support/db";
import { DEMO_PASSWORD, MANAGER, STAFF } from "./support/http";

const screenshots = screenshotDir;
const LI_NA = "li.na@aftercare.local";
let app: RunningApp;
let manager: OpenBrowser;
let peer: OpenBrowser;
let customer: OpenBrowser;
let cycleId: number;
let revieweeId: number;
let link: string;
let customerEmail: string;

const NEW_STATEMENT = "Checks the repaired equipment with the customer before leaving.";

/** Fills every rating of the 360 form with `score` (page by page) — "Not observed" on `notObserved` — a comment, and submits. */
async function fillReview(p: Page, score: number, comment: string, notObserved: string | null = null) {
  await p.locator('[data-form-ready="1"]').waitFor();
  for (let page = 0; page < 3; page++) {
    const ratings = p.locator(".sd-question[data-name]:visible");
    const names = await ratings.evaluateAll((els) => els.map((e) => e.getAttribute("data-name")!));
    for (const name of names) {
      const answer = name === notObserved ? /^Not observed$/ : new RegExp(`^${score} · `);
      await p.locator(`[data-name="${name}"]`).getByText(answer).click();
    }
    await p.locator(".sd-navigation__next-btn").click();
  }
  await p.locator('[data-name="strengths"] textarea').fill(comment);
  await p.locator(".sd-navigation__complete-btn").click();
  await p.locator("[data-testid=review-thanks]").waitFor();
}

beforeAll(async () => {
  fs.mkdirSync(screenshots, { recursive: true });
  app = await startApp();
  manager = await openBrowser();
  peer = await openBrowser();
  customer = await openBrowser({ viewport: { width: 390, height: 844 } });
  await login(manager.page, app.url, MANAGER, DEMO_PASSWORD);
  await useLocale(manager.page, "en");
});

afterAll(async () => {
  await manager?.close();
  await peer?.close();
  await customer?.close();
  await app?.stop();
});

describe("360 review, end to end", () => {
  it("the manager sets up a draft for the field engineers (minimums lowered to 1), adds a statement and opens it", async () => {
    const p = manager.page;
    await open(p, `${app.url}/review360/cycles/new`);
    await p.locator('[data-form-ready="1"]').waitFor();
    await p.locator('[data-name="name"] input').fill("E2E 360 cycle");
    await p.locator('[data-name="period"] input').fill("2026 E2E");
    await p.locator('[data-name="staffKinds"]').getByText("Field service engineers", { exact: true }).click();
    await p.locator('[data-name="min_peers"] input').fill("1");
    await p.locator('[data-name="min_customers"] input').fill("1");
    await Promise.all([p.waitForURL(/\/review360\/cycles\/\d+\?done=created$/), p.locator(".sd-navigation__complete-btn").click()]);
    cycleId = Number(new URL(p.url()).pathname.split("/").pop());
    await waitForHydration(p);
    // The draft starts with the default competencies; add a fifth statement to business ability.
    await Promise.all([p.waitForURL(/\/definition$/), p.locator("[data-testid=edit-definition]").click()]);
    await waitForHydration(p);
    const business = p.locator("[data-testid=competency]").nth(2);
    await business.locator("[data-testid=add-item]").click();
    await business.locator('[data-path="competencies.2.items.4.text.zh-CN"]').fill("离开前与客户一起检查修好的设备。");
    await business.locator('[data-path="competencies.2.items.4.text.en"]').fill(NEW_STATEMENT);
    await Promise.all([p.waitForURL(/done=definition/), p.locator("[data-testid=save-definition]").click()]);
    await waitForHydration(p);
    expect(await p.locator("[data-testid=cycle-definition]").textContent()).toContain(NEW_STATEMENT);
    // With every minimum reachable there is nothing to warn about; opening assigns four reviewees.
    expect(await p.locator("[data-testid=minimum-warnings]").count()).toBe(0);
    await p.locator('[data-intent="open"]').click();
    await Promise.all([p.waitForURL(/done=opened/), p.locator('[data-confirm="open"]').click()]);
    revieweeId = (await dbGet<{ id: number }>(app, "select r.id from review360_reviewee r join users u on u.id = r.user_id where r.cycle_id = ? and u.email = ?", [cycleId, LI_NA]))!.id;
    expect(revieweeId).toBeGreaterThan(0);
  });

  it("the manager assigns Zhang Wei as Li Na's peer and invites a customer", async () => {
    const p = manager.page;
    await open(p, `${app.url}/review360/reviewees/${revieweeId}`);
    await p.locator("[data-testid=assign-staff] select[name=user]").selectOption({ label: "张伟 Zhang Wei" });
    await Promise.all([p.waitForURL(/done=assign-staff/), p.locator("[data-testid=assign-staff] button[type=submit]").click()]);
    const c = (await dbGet<{ company: string; contact_name: string | null; email: string }>(app, "select company, contact_name, email from customers where email like '%@%' and email_opt_out = 0 and active = 1 and locale = 'en' order by id limit 1"))!;
    customerEmail = c.email;
    await waitForHydration(p);
    await p.locator("[data-testid=assign-customers] select[name=customer]").selectOption({ label: `${c.company}${c.contact_name ? ` (${c.contact_name})` : ""}` });
    await Promise.all([p.waitForURL(/done=assign-customers/), p.locator("[data-testid=assign-customers] button[type=submit]").click()]);
    await expect.poll(() => p.locator('[data-group="peers"]').textContent()).toContain("Zhang Wei");
  });

  it("the peer sees the review in Reviews to do after login and fills it", async () => {
    const p = peer.page;
    await login(p, app.url, STAFF, DEMO_PASSWORD);
    await useLocale(p, "en");
    expect(await p.locator('[data-widget="review360-todo"]').textContent()).toContain("Review 李娜 Li Na");
    await open(p, `${app.url}/review360`);
    const row = p.locator("[data-testid=reviews-todo] tr", { hasText: "李娜 Li Na" });
    await Promise.all([p.waitForURL(/\/review360\/fill\/\d+$/), row.getByRole("link").click()]);
    await waitForHydration(p);
    await fillReview(p, 4, "Explains faults clearly. Always on time.");
    const done = await dbAll<{ status: string }>(app, "select status from review360_assignment where reviewee_id = ? and rater_group = 'peers' order by id", [revieweeId]);
    expect(done).toEqual([{ status: "submitted" }]);
  });

  it("the customer fills the review from the link in the caught mail, once", async () => {
    const query = "select subject, text from mail_caught where to_addrs like ? and text like '%/review360/r/%' order by id";
    await expect.poll(async () => (await dbAll(app, query, [`%${customerEmail}%`])).length, { timeout: 20_000 }).toBe(1);
    const mail = (await dbGet<{ subject: string; text: string }>(app, query, [`%${customerEmail}%`]))!;
    expect(mail.subject).toContain("How did 李娜 Li Na serve you?");
    link = /(http:\/\/127\.0\.0\.1:\d+\/review360\/r\/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    const p = customer.page;
    await open(p, link);
    expect(await p.locator("html").getAttribute("lang")).toBe("en");
    // The new statement (business_5) is one the customer cannot judge.
    await fillReview(p, 3, "Patient with our operators.", "business_5");
    expect(await open(p, link)).toBe(404);
    await p.locator("[data-testid=link-invalid]").waitFor();
  });

  it("the manager closes the cycle and releases Li Na's report", async () => {
    const p = manager.page;
    await open(p, `${app.url}/review360/cycles/${cycleId}`);
    await p.locator('[data-intent="close"]').click();
    await Promise.all([p.waitForURL(/done=closed/), p.locator('[data-confirm="close"]').click()]);
    await waitForHydration(p);
    await p.locator("[data-testid=completion-table] tr", { hasText: "Li Na" }).locator('[data-intent="release"]').click();
    await Promise.all([p.waitForURL(/done=released/), p.locator('[data-confirm="release"]').click()]);
  });

  it("Li Na reads her released report; Zhang Wei cannot open it", async () => {
    const liNa = await openBrowser();
    try {
      const p = liNa.page;
      await login(p, app.url, LI_NA, DEMO_PASSWORD);
      await useLocale(p, "en");
      await open(p, `${app.url}/review360`);
      await Promise.all([p.waitForURL(/\/review360\/reports\/\d+$/), p.locator("[data-testid=my-reports] a").first().click()]);
      await waitForHydration(p);
      const participation = await p.locator("[data-testid=participation]").textContent();
      expect(participation).toMatch(/Peers: 1 raters · weight 50%/);
      expect(participation).toMatch(/Customers: 1 raters · weight 50%/);
      // Supervisor has not rated: hidden. Others = peers 4 and customers 3 at equal weight = 3.5.
      expect(participation).toMatch(/Supervisor: too few responses to show/);
      const table = await p.locator("[data-testid=report-table]").textContent();
      expect(table).toContain("3.50");
      // The manager's statement is in the report; the customer's "Not observed" left it to the peer: others 4.00.
      expect(await p.locator("[data-testid=report-table] tr", { hasText: NEW_STATEMENT }).textContent()).toContain("4.00");
      expect(await p.locator("[data-testid=comments]").textContent()).toContain("Patient with our operators.");
      await p.screenshot({ path: path.join(screenshots, "review360-report.png"), fullPage: true });
    } finally {
      await liNa.close();
    }
    expect(await open(peer.page, `${app.url}/review360/reports/${revieweeId}`)).toBe(404);
  });
});
