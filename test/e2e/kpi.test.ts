// The KPI plugin end to end on the production build (seeded demo data): a supervisor fills a field
// engineer's month with a key-behaviour deduction and sends it, the employee acknowledges, the
// manager approves and locks it and downloads the month's pay sheet.
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./support/app";
import { login, open, type OpenBrowser, openBrowser, waitForHydration, useLocale } from "./support/browser";
import { dbGet } from "./support/db";
import { DEMO_PASSWORD, MANAGER } from "./support/http";

const SUPERVISOR = "field.lead@aftercare.local";
const EMPLOYEE = "sun.min@aftercare.local";

let app: RunningApp;
const browsers: OpenBrowser[] = [];
let sheetId: number;
let month: string;

async function as(email: string): Promise<Page> {
  const b = await openBrowser();
  browsers.push(b);
  await login(b.page, app.url, email, DEMO_PASSWORD);
  await useLocale(b.page, "en");
  return b.page;
}

beforeAll(async () => {
  app = await startApp();
  // The seed leaves Sun Min's last month as a draft with one deduction (argued with a customer, −5).
  const row = (await dbGet<{ id: number; month: string }>(app, "select s.id, s.month from kpi_sheet s join users u on u.id = s.employee_id where u.email = ?", [EMPLOYEE]))!;
  sheetId = row.id;
  month = row.month;
});

afterEach(() => {
  for (const b of browsers) {
    const problems = b.problems({ clear: true }).filter((p) => !p.includes("/favicon.ico"));
    expect(problems, "browser errors during the test").toEqual([]);
  }
});

afterAll(async () => {
  for (const b of browsers) await b.close();
  await app?.stop();
});

describe("a field engineer's month, end to end", () => {
  it("the supervisor records a deduction, scores the month and sends it", async () => {
    const p = await as(SUPERVISOR);
    await open(p, `${app.url}/kpi/sheets/${sheetId}`);
    await p.locator("[data-testid=kpi-open-deduction]").click();
    const deduction = p.locator("[data-testid=kpi-deductions]");
    await deduction.locator('[data-form-ready="1"]').waitFor();
    await deduction.locator('[data-name="behaviour"]').getByText("Service report not filed on time (−3)", { exact: true }).click();
    await deduction.locator('[data-name="occurredOn"] input').fill(`${month}-15`);
    await deduction.locator('[data-name="note"] textarea').fill("Report for the Suzhou call filed four days late.");
    await Promise.all([p.waitForURL(/done=deduction/), deduction.locator(".sd-navigation__complete-btn").click()]);
    await waitForHydration(p);
    await expect.poll(() => p.locator("[data-testid=kpi-deductions] tbody tr").count()).toBe(2);

    // 100 × (0.3×0.9 + 0.3×0.8 + 0.2×0.9 + 0.2×0.9) = 87; − 5 − 3 = 79 → grade B, KPI value 1
    const score = p.locator("[data-testid=kpi-score-form]");
    await score.locator('[data-form-ready="1"]').waitFor();
    for (const [name, value] of [["s_compliance", "9"], ["s_fault_response", "8"], ["s_customer_communication", "9"], ["s_information_feedback", "9"]]) {
      await score.locator(`[data-name="${name}"] input`).fill(value);
    }
    await Promise.all([p.waitForURL(/done=scored/), score.locator(".sd-navigation__complete-btn").click()]);
    await waitForHydration(p);
    await expect.poll(() => p.locator("[data-testid=kpi-total]").textContent()).toBe("79.00");
    expect(await p.locator("[data-testid=kpi-value]").textContent()).toBe("1.00");

    await p.locator("[data-intent=submit]").click();
    await Promise.all([p.waitForURL(/done=submit/), p.locator("[data-confirm=submit]").click()]);
    await waitForHydration(p);
    await expect.poll(() => p.locator("[data-testid=kpi-sheet-status]").textContent()).toBe("Awaiting employee");
  });

  it("the employee sees the sheet and acknowledges it", async () => {
    const p = await as(EMPLOYEE);
    await open(p, `${app.url}/kpi`);
    await p.locator(`[data-testid=kpi-awaiting] a[href="/kpi/sheets/${sheetId}"]`).click();
    await p.waitForURL(new RegExp(`/kpi/sheets/${sheetId}$`));
    await waitForHydration(p);
    await p.locator("[data-testid=kpi-comment]").fill("Agreed; I will file reports on time.");
    await Promise.all([p.waitForURL(/done=acknowledge/), p.locator("[data-testid=kpi-acknowledge]").click()]);
    await waitForHydration(p);
    await expect.poll(() => p.locator("[data-testid=kpi-sheet-status]").textContent()).toBe("Acknowledged");
  });

  it("the manager approves and locks it, then downloads the pay sheet", async () => {
    const p = await as(MANAGER);
    await open(p, `${app.url}/kpi/sheets/${sheetId}`);
    await p.locator("[data-intent=approve]").click();
    await Promise.all([p.waitForURL(/done=approve/), p.locator("[data-confirm=approve]").click()]);
    await waitForHydration(p);
    await expect.poll(() => p.locator("[data-testid=kpi-sheet-status]").textContent()).toBe("Approved and locked");
    await expect.poll(() => p.locator("[data-testid=kpi-history] li").count()).toBe(7);

    await open(p, `${app.url}/kpi/pay?month=${month}`);
    const [xlsx] = await Promise.all([p.waitForEvent("download"), p.locator("[data-testid=kpi-pay-xlsx]").click()]);
    expect(xlsx.suggestedFilename()).toBe(`kpi-pay-${month}.xlsx`);
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      void xlsx.createReadStream().then((stream) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
      }, reject);
    });
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    const [csv] = await Promise.all([p.waitForEvent("download"), p.locator("[data-testid=kpi-pay-csv]").click()]);
    const text = await new Promise<string>((resolve, reject) => {
      void csv.createReadStream().then((stream) => {
        let out = "";
        stream.on("data", (c: Buffer) => (out += c.toString("utf8")));
        stream.on("end", () => resolve(out));
        stream.on("error", reject);
      }, reject);
    });
    // Sun Min: average ¥9 000.00, base coefficient 0.6, KPI value 1 → base 5 400.00, standard and
    // actual performance 3 600.00, actual pay 9 000.00
    const line = text.split("\r\n").find((l) => l.includes(EMPLOYEE));
    expect(line).toContain(",Approved and locked,79,B,1,9000.00,0.6,0.4,5400.00,3600.00,3600.00,9000.00");
  });
});
