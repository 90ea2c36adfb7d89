// Shared set-up of the hardening suite: the production server with a known session secret (so the
// tests can derive personal-link tokens from invitation ids, as the server does), logged-in clients
// for each role, and a fingerprint of the data to prove that a refused request changed nothing.
import crypto from "node:crypto";
import path from "node:path";
import { inject } from "vitest";
import { repoRoot, type RunningApp, startApp } from "../../e2e/support/app";
import { withDb } from "../../e2e/support/db";
import { ADMIN, createClient, DEMO_PASSWORD, type HttpClient, loginHttp, MANAGER, STAFF } from "../../e2e/support/http";

export const SESSION_SECRET = "hardening-session-secret-0123456789abcdef";

/** The seeded people the suite acts as: staff, a lead of ANOTHER team, the department head, admin. */
export const PEOPLE = {
  staff: STAFF, // 张伟, field engineer under field.lead
  otherStaff: "li.na@aftercare.local", // another field engineer
  otherLead: "support.lead@aftercare.local", // manager of the support team: not zhang.wei's line
  manager: MANAGER, // department head, sees everything
  admin: ADMIN,
} as const;

export type Role = "anon" | "staff" | "otherLead" | "manager" | "admin";
export const ROLES: readonly Role[] = ["anon", "staff", "otherLead", "manager", "admin"];

/** The production build this run made (the global setup's folder). */
export function buildPath(): string {
  return path.join(repoRoot, "apps/web", inject("buildDir") ?? "build");
}

/**
 * The server under attack. Every test client comes from 127.0.0.1, so the personal-link guessing
 * limit is raised out of the way unless a test sets LINK_MAX_FAILURES itself (link-guessing.test.ts).
 */
export async function startHardenedApp(env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp({ SESSION_SECRET, LINK_MAX_FAILURES: "100000", ...env });
}

/** The personal-link token of an invitation id (the server derives it the same way). */
export function tokenFor(invitationId: string): string {
  return `${invitationId}.${crypto.createHmac("sha256", SESSION_SECRET).update(`invitation:${invitationId}`).digest("base64url")}`;
}

export async function loggedIn(app: RunningApp, email: string): Promise<HttpClient> {
  const client = createClient(app.url);
  const res = await loginHttp(client, email, DEMO_PASSWORD);
  if (res.status !== 302) throw new Error(`login as ${email} answered ${res.status}: ${app.output().slice(-2000)}`);
  return client;
}

/** One client per role (anonymous included), each with its own cookies. */
export async function clientsByRole(app: RunningApp): Promise<Record<Role, HttpClient>> {
  return {
    anon: createClient(app.url),
    staff: await loggedIn(app, PEOPLE.staff),
    otherLead: await loggedIn(app, PEOPLE.otherLead),
    manager: await loggedIn(app, PEOPLE.manager),
    admin: await loggedIn(app, PEOPLE.admin),
  };
}

/** Tables whose rows change by design on any request (sessions touched, rate-limit counters). */
const VOLATILE = new Set(["sessions", "login_attempts"]);

/**
 * A digest of every row of every table (but `VOLATILE` and `except`), per table: equal
 * fingerprints mean no data changed.
 */
export function fingerprint(dbFile: string, except: readonly string[] = []): Record<string, string> {
  return withDb(dbFile, (db) => {
    const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[])
      .map((r) => r.name)
      .filter((t) => !VOLATILE.has(t) && !except.includes(t));
    const out: Record<string, string> = {};
    for (const t of tables) {
      const rows = db
        .prepare(`select * from "${t}"`)
        .raw()
        .all()
        .map((row) => JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? String(v) : v)))
        .sort();
      out[t] = crypto.createHash("sha256").update(rows.join("\n")).digest("hex").slice(0, 16);
    }
    return out;
  });
}

/** A single value from the app's database. */
export function scalar<T = number>(dbFile: string, sqlText: string, ...args: unknown[]): T {
  return withDb(dbFile, (db) => db.prepare(sqlText).pluck().get(...args) as T);
}

/**
 * POSTs a form the way the app's own pages do (Remix single fetch: `<path>.data`), so the answer is
 * the action's own status and data rather than the page re-rendered after it.
 */
export async function postAction(client: HttpClient, pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const [path, query] = pathname.split("?");
  const res = await client.post(`${path}.data${query ? `?${query}` : ""}`, fields, headers);
  return { status: res.status, body: await res.text() };
}
