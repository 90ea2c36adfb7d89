// The visits plugin in a real browser against the production build: a staff member records a
// service call, dispatches it, records arrival and clearance and closes it; the manager sees it in
// the SLA report; the customer's owner gets the phone return visit (回访) task, by email too.
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./support/app";
import { login, open, type OpenBrowser, openBrowser } from "./support/browser";
import { dbAll, dbGet } from "./support/db";
import { DEMO_PASSWORD, MANAGER, STAFF } from "./support/http";

const OWNER = "li.na@aftercare.local";
const FAULT = "E2E 混合机主轴异响，需要上门";

let app: RunningApp;
const browsers: OpenBrowser[] = [];

beforeAll(async () => {
  app = await startApp();
});

afterEach(() => {
  for (const b of browsers) {
    const problems = b.problems({ clear: true }).filter((p) => !p.includes("/favicon.ico"));
    expect(problems, "browser errors during the test").toEqual([]);
  }
});

afterAll(async () => {
  for (const b of browsers.splice(0)) await b.close();
  await app?.stop();
});

async function as(email: string): Promise<Page> {
  const browser = await openBrowser();
  browsers.push(browser);
  await login(browser.page, app.url, email, DEMO_PASSWORD);
  return browser.page;
}

/** A seeded customer owned by Li Na, with its name. */
async function ownersCustomer(): Promise<{ id: number; company: string }> {
  return (await dbGet<{ id: number; company: string }>(app, "select c.id, c.company from customers c join users u on u.id = c.owner_id where u.email = ? order by c.id limit 1", [OWNER]))!;
}

/** Submits one of the call page's forms and waits for the page that confirms it (`?done=<step>`). */
async function record(page: Page, intent: string, step: string): Promise<void> {
  await Promise.all([page.waitForURL(new RegExp(`\\?done=${step}$`)), page.locator(`button[data-intent="${intent}"]`).click()]);
  await page.locator(".notice-success").waitFor();
}

describe("a service call from the hotline to the return visit", () => {
  let callId = 0;
  const customer = { id: 0, company: "" };

  it("is recorded, dispatched, worked and closed by a staff member, each clock shown", async () => {
    Object.assign(customer, await ownersCustomer());
    const page = await as(STAFF);
    await open(page, `${app.url}/visits/calls/new`);
    await page.locator("[data-testid=pick-customer] select[name=customer]").selectOption(String(customer.id));
    await Promise.all([page.waitForURL(/\/visits\/calls\/new\?customer=\d+$/), page.locator("[data-testid=pick-customer] button[type=submit]").click()]);
    await page.locator('[data-form-ready="1"]').waitFor();
    await page.locator('[data-name="fault"] textarea').fill(FAULT);
    await Promise.all([page.waitForURL(/\/visits\/calls\/\d+\?done=created$/), page.locator(".sd-navigation__complete-btn").click()]);
    callId = Number(new URL(page.url()).pathname.split("/").pop());
    expect(await page.locator("[data-testid=sla-clocks] [data-clock=respond]").getAttribute("data-state")).toBe("running");

    await page.locator("select[name=engineer]").selectOption({ label: "张伟 Zhang Wei" });
    await record(page, "dispatch", "dispatch");
    expect(await page.locator("[data-testid=call-engineer]").textContent()).toBe("张伟 Zhang Wei");
    // Arriving on site also records the response; then work, clearance and closing.
    await record(page, "record-arrived", "arrived");
    await record(page, "record-workStarted", "workStarted");
    await record(page, "record-cleared", "cleared");
    for (const clock of ["respond", "onSite", "clear"]) {
      expect(await page.locator(`[data-testid=sla-clocks] [data-clock=${clock}]`).getAttribute("data-state")).toBe("met");
    }
    await page.locator('input[name="resolution"]').fill("更换主轴轴承，试机正常");
    await record(page, "close", "close");
    const row = (await dbGet(app, "select engineer_id, responded_at, arrived_at, cleared_at, closed_at from visits_call where id = ?", [callId]))!;
    expect(row.responded_at).toBe(row.arrived_at);
    expect(row.closed_at).not.toBeNull();
  });

  it("shows in the manager's SLA report for the month", async () => {
    const page = await as(MANAGER);
    await open(page, `${app.url}/visits/report?customer=${customer.id}`);
    await page.locator("[data-testid=sla-summary]").waitFor();
    expect(Number(await page.locator("[data-testid=report-calls]").textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator("[data-testid=by-customer]").textContent()).toContain(customer.company);
    expect(await page.locator("[data-testid=by-engineer]").textContent()).toContain("张伟 Zhang Wei");
  });

  it("gives the customer's owner the phone return visit task, in the list and by email", async () => {
    const page = await as(OWNER);
    await open(page, `${app.url}/visits?type=phone_return&status=planned&customer=${customer.id}`);
    const link = page.locator("[data-testid=visits-table] a", { hasText: `#${callId}` });
    await link.waitFor();
    const mail = await dbAll<{ subject: string }>(app, "select to_addr, subject from mail_outbox where idempotency_key like 'visits:return-visit:%' and to_addr = ? order by id", [OWNER]);
    expect(mail.map((m) => m.subject).some((s) => s.includes(`#${callId}`) && s.includes(customer.company))).toBe(true);
  });
});

describe("the visit log", () => {
  it("lets a staff member write a visit report from the SurveyJS form, with the checklist of its type, and shows it in the calendar", async () => {
    const customer = (await dbGet<{ id: number; company: string }>(app, "select c.id, c.company from customers c join users u on u.id = c.owner_id where u.email = ? order by c.id limit 1", [STAFF]))!;
    const page = await as(STAFF);
    await open(page, `${app.url}/visits/new?customer=${customer.id}&type=inspection`);
    await page.locator('[data-form-ready="1"]').waitFor();
    // Company-local times (UTC+8), three and one hours ago.
    const local = (hoursAgo: number) => new Date(Date.now() + 8 * 3_600_000 - hoursAgo * 3_600_000).toISOString().slice(0, 16);
    await page.locator('[data-name="status"] input[value="done"]').check({ force: true });
    await page.locator('[data-name="startedAt"] input').fill(local(3));
    await page.locator('[data-name="endedAt"] input').fill(local(1));
    await page.locator('[data-name="summary"] textarea').fill("E2E 巡检：设备运行正常");
    await page.locator('[data-name="partsReplaced"] textarea').fill("密封圈 ×2");
    // The inspection checklist (admin-configurable) is shown for this type: tick its first item "yes".
    const firstItem = page.locator('[data-name^="inspection_chk_"]').first();
    await firstItem.waitFor();
    await firstItem.getByText("是", { exact: true }).click();
    await Promise.all([page.waitForURL(/\/visits\/\d+\?done=saved$/), page.locator(".sd-navigation__complete-btn").click()]);
    const visitId = Number(new URL(page.url()).pathname.split("/")[2]);
    const row = (await dbGet<Record<string, string>>(app, "select status, type, summary, parts_replaced, checklist_json, visit_date from visits_visit where id = ?", [visitId]))!;
    expect(row).toMatchObject({ status: "done", type: "inspection", summary: "E2E 巡检：设备运行正常", parts_replaced: "密封圈 ×2" });
    expect(JSON.parse(row.checklist_json).filter((c: { checked: boolean | null }) => c.checked === true)).toHaveLength(1);

    // The calendar shows a done visit on the day it took place (company calendar).
    await open(page, `${app.url}/visits/calendar?month=${row.visit_date.slice(0, 7)}`);
    await page.locator(`[data-testid=visit-calendar] td[data-day="${row.visit_date}"] a[href="/visits/${visitId}"]`).waitFor();
  });
});
