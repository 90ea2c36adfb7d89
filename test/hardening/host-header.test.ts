// A spoofed Host (and X-Forwarded-Host) on the request that sends a campaign never changes the links
// in the mails: they are built from PUBLIC_BASE_URL, which is configuration.
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import type { HttpClient } from "../e2e/support/http";
import { loggedIn, PEOPLE, startHardenedApp } from "./support/fixture";

let app: RunningApp;
let manager: HttpClient;

beforeAll(async () => {
  app = await startHardenedApp();
  manager = await loggedIn(app, PEOPLE.manager);
});

afterAll(async () => {
  await app?.stop();
});

/** A form POST with any Host header (fetch does not let a caller set Host). */
function rawPost(pathname: string, fields: Record<string, string>, headers: Record<string, string>): Promise<{ status: number; location: string | undefined }> {
  const body = new URLSearchParams(fields).toString();
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: pathname, method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body), Cookie: manager.jar.header(), "Accept-Language": "en", ...headers } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

it("sends every invitation with links on PUBLIC_BASE_URL even when the send request says Host: evil.example", async () => {
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  const csrf = await manager.csrf("/satisfaction/campaigns/new");
  const payload = { name: "Hardening host header", period: "2026 Q4", templateId: 1, tiers: ["high"], opensAt: day(0), closesAt: day(14), reminderAfterDays: 7, reminderMax: 0 };
  const evil = { Host: "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" };
  const created = await rawPost("/satisfaction/campaigns/new", { _csrf: csrf, intent: "save", payload: JSON.stringify(payload) }, evil);
  expect(created.status).toBe(302);
  const id = Number(/\/satisfaction\/campaigns\/(\d+)$/.exec(created.location ?? "")?.[1]);
  expect(id).toBeGreaterThan(0);
  const sent = await rawPost(`/satisfaction/campaigns/${id}`, { _csrf: csrf, intent: "send" }, evil);
  expect(sent.status).toBe(302);
  expect(sent.location).toContain("done=sent");
  const invited = withDb(app.dbFile, (db) => (db.prepare("select count(*) n from satisfaction_recipient where campaign_id = ? and status = 'invited'").get(id) as { n: number }).n);
  expect(invited).toBeGreaterThan(0);
  // Wait for the mail worker to deliver every invitation to the built-in catcher.
  await expect
    .poll(() => withDb(app.dbFile, (db) => (db.prepare("select count(*) n from mail_outbox where idempotency_key like ? and status = 'sent'").get(`satisfaction:${id}:invite:%`) as { n: number }).n), { timeout: 30_000 })
    .toBe(invited);
  const mails = withDb(app.dbFile, (db) => db.prepare("select html, text from mail_caught where text like ?").all(`%/satisfaction/s/%`)) as { html: string | null; text: string | null }[];
  expect(mails.length).toBeGreaterThanOrEqual(invited);
  for (const mail of mails) {
    const all = `${mail.text ?? ""}\n${mail.html ?? ""}`;
    expect(all).not.toContain("evil.example");
    const links = [...all.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.startsWith(`${app.url}/`), link).toBe(true);
  }
});
