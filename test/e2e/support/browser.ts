// Headless Debian chromium through playwright-core (STACK.md gotcha 11): never a downloaded browser.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface OpenBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught exceptions and console errors of the pages so far; `clear` empties the list. */
  problems(options?: { clear?: boolean }): string[];
  close(): Promise<void>;
}

/** A fresh chromium profile (its own cookies) with one page. */
export async function openBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<OpenBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: options.viewport ?? { width: 1280, height: 860 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  let problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  return {
    context,
    page,
    problems(options = {}) {
      const list = problems;
      if (options.clear) problems = [];
      return list;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until React has hydrated the page (the root layout sets `data-hydrated="1"`). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="1"]').waitFor({ state: "attached" });
}

/** Navigates and waits for hydration; returns the document's response status. */
export async function open(page: Page, url: string): Promise<number | undefined> {
  const response = await page.goto(url);
  await waitForHydration(page);
  return response?.status();
}

/** Logs in through the login form and waits until the app has left the login page. */
export async function login(page: Page, url: string, email: string, password: string): Promise<void> {
  await open(page, `${url}/login`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  try {
    await Promise.all([page.waitForURL((u) => u.pathname !== "/login"), page.locator('form[action="/login"] button[type="submit"]').click()]);
  } catch (error) {
    const notice = await page.locator(".notice").allTextContents().catch(() => []);
    throw new Error(`Login as ${email} did not leave /login (${notice.join(" ") || "no notice shown"}): ${error instanceof Error ? error.message : error}`);
  }
  await waitForHydration(page);
}

/** Puts the interface in `locale` through the language switch (saved for a logged-in user). */
export async function useLocale(page: Page, locale: "en" | "zh-CN"): Promise<void> {
  await waitForHydration(page);
  if ((await page.locator("html").getAttribute("lang")) === locale) return;
  await page.locator("[data-testid=switch-language]").click();
  await page.locator(`html[lang="${locale}"]`).waitFor({ state: "attached" });
  await waitForHydration(page);
}
