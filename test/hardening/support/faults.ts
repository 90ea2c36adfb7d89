// Support for the fault suite: the production server on a database that outlives it (so it can be
// killed with SIGKILL and started again on the same file), CSRF tokens minted from the known
// session secret (no page load per request), and a survey submission as the page posts it.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RunningApp, startApp } from "../../e2e/support/app";
import { withDb } from "../../e2e/support/db";
import { SESSION_SECRET } from "./fixture";

/** One run of the production server over `dir/aftercare.db`. */
export type ServerRun = RunningApp;

/** A folder with a database that several server runs share, one after the other. */
export function scratchDir(prefix = "aftercare-faults-"): { dir: string; dbFile: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, dbFile: path.join(dir, "aftercare.db"), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the production server over `dir/aftercare.db` (created, migrated and seeded on the first
 * run; SQLite, whatever the pass) with the suite's session secret, and waits for `/healthz`.
 * `stop()` and `kill9()` end the process; the folder and its database stay for the next run.
 */
export function startServerIn(dir: string, env: Record<string, string> = {}): Promise<ServerRun> {
  return startApp({
    DATABASE_URL: `file:${path.join(dir, "aftercare.db")}`,
    DATA_DIR: dir,
    SESSION_SECRET,
    LINK_MAX_FAILURES: "100000",
    LOG_LEVEL: "silent",
    ...env,
  });
}

/** A CSRF cookie and its form token, as the server derives them (csrf.server.ts). */
export function mintCsrf(): { cookie: string; token: string } {
  const cookie = crypto.randomBytes(32).toString("base64url");
  const token = crypto.createHmac("sha256", SESSION_SECRET).update(`csrf:${cookie}`).digest("base64url");
  return { cookie, token };
}

/** Every item of the seeded template at one level (100, 80, 60, 40 or 20 points). */
export function answersAt(points: number): Record<string, number> {
  return { quality: points, price: points, delivery: points, packaging: points, service: points };
}

export type SubmitResult = { kind: "ok" } | { kind: "refused"; status: number; body: string } | { kind: "no-answer"; error: string };

/**
 * Submits a survey the way the page does (single fetch `.data`, CSRF cookie + field). "ok" is an
 * acknowledgement (200 with `ok`); "no-answer" is a connection that died before an answer.
 */
export async function submitSurvey(baseUrl: string, token: string, answers: Record<string, unknown>, csrf = mintCsrf()): Promise<SubmitResult> {
  try {
    const res = await fetch(`${baseUrl}/satisfaction/s/${token}.data`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `ac_csrf=${csrf.cookie}; ac_lang=en`, "Accept-Language": "en" },
      body: new URLSearchParams({ _csrf: csrf.token, intent: "submit", payload: JSON.stringify(answers) }).toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(20_000),
    });
    const body = await res.text();
    if (res.status === 200 && body.includes('"ok"')) return { kind: "ok" };
    return { kind: "refused", status: res.status, body: body.slice(0, 500) };
  } catch (error) {
    return { kind: "no-answer", error: error instanceof Error ? `${error.message} ${(error as { cause?: Error }).cause?.message ?? ""}` : String(error) };
  }
}

/** `PRAGMA integrity_check` of a SQLite file: "ok" or the problems found. */
export function integrityCheck(dbFile: string): string {
  return withDb(dbFile, (db) => (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; "));
}

/**
 * Adds `n` reachable customers of tier `tier` (emails `fault-<tag>-<i>@customer.example`) directly,
 * so one campaign has enough personal links for a long fault loop.
 */
export function addCustomers(dbFile: string, n: number, tier: string, tag: string): void {
  withDb(dbFile, (db) => {
    const now = new Date().toISOString();
    const insert = db.prepare("insert into customers (company, contact_name, email, region, tier, locale, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(`Fault ${tag} Co ${i}`, `Contact ${i}`, `fault-${tag}-${i}@customer.example`, "East", tier, i % 2 ? "en" : "zh-CN", now, now);
    })();
  });
}

/** A small deterministic random source (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
