import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { coreMigrationSet } from "./migrations";
import { createSession, destroySession, destroyUserSessions, findSession, SESSION_COOKIE, sessionToken, type SessionPolicy } from "./sessions.server";
import type { CoreTables } from "./tables";

const POLICY: SessionPolicy = { idleMinutes: 120, absoluteHours: 12, secure: false };
const T0 = new Date("2026-03-01T08:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let t: TestDatabase<CoreTables>;
let aliceId: number;
let bobId: number;

async function addUser(email: string): Promise<number> {
  const row = await t.db
    .insertInto("users")
    .values({ email, name: email, role: "staff", staff_kind: "field", supervisor_id: null, phone: null, locale: null, password_hash: null, active: 1, created_at: T0.toISOString(), updated_at: T0.toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The token a browser would send back: the value of the Set-Cookie. */
function tokenOf(setCookie: string): string {
  const request = new Request("http://localhost/", { headers: { Cookie: setCookie.split(";")[0] } });
  return sessionToken(request)!;
}

async function sessionRows() {
  return t.db.selectFrom("sessions").selectAll().orderBy("created_at").execute();
}

beforeEach(async () => {
  t = await createTestDatabase<CoreTables>([coreMigrationSet, mailMigrationSet]);
  aliceId = await addUser("alice@example.com");
  bobId = await addUser("bob@example.com");
});
afterEach(() => t.destroy());

describe("createSession / findSession", () => {
  it("creates a session that findSession finds for the cookie's token", async () => {
    const { cookie, sessionId } = await createSession(t.db, aliceId, POLICY, T0);

    expect(await findSession(t.db, tokenOf(cookie), POLICY, minutes(5))).toEqual({ id: sessionId, userId: aliceId });
    const [row] = await sessionRows();
    expect(row).toMatchObject({ user_id: aliceId, created_at: T0.toISOString(), expires_at: "2026-03-01T20:00:00.000Z" });
  });

  it("finds nothing for a missing, unknown or oversized token", async () => {
    await createSession(t.db, aliceId, POLICY, T0);
    expect(await findSession(t.db, null, POLICY, T0)).toBeNull();
    expect(await findSession(t.db, "not-a-session", POLICY, T0)).toBeNull();
    expect(await findSession(t.db, "x".repeat(101), POLICY, T0)).toBeNull();
  });

  it("sets an HttpOnly, SameSite=Lax, Path=/ cookie that lives as long as the absolute limit, without Secure on http", async () => {
    const { cookie } = await createSession(t.db, aliceId, POLICY, T0);
    const attributes = cookie.split("; ");

    expect(attributes[0].startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(attributes).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Lax", "Path=/", `Max-Age=${12 * 3600}`]));
    expect(attributes).not.toContain("Secure");
  });

  it("adds Secure only when the policy says so", async () => {
    const { cookie } = await createSession(t.db, aliceId, { ...POLICY, secure: true }, T0);
    expect(cookie.split("; ")).toContain("Secure");
  });

  it("stores the SHA-256 of the cookie's token, never the token itself", async () => {
    const { cookie, sessionId } = await createSession(t.db, aliceId, POLICY, T0);
    const token = tokenOf(cookie);

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionId).not.toBe(token);
    expect(sessionId).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    const rows = await sessionRows();
    expect(rows.map((r) => r.id)).toEqual([sessionId]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe("expiry", () => {
  it("ends a session idle for the idle limit and deletes its row", async () => {
    const { cookie } = await createSession(t.db, aliceId, POLICY, T0);
    const token = tokenOf(cookie);

    expect(await findSession(t.db, token, POLICY, minutes(119))).not.toBeNull();
    // Seen at 119 minutes, so the idle limit now runs to 239 minutes.
    expect(await findSession(t.db, token, POLICY, minutes(238))).not.toBeNull();
    expect(await findSession(t.db, token, POLICY, minutes(238 + 121))).toBeNull();
    expect(await sessionRows()).toEqual([]);
  });

  it("ends a session at the absolute limit even when it is in constant use, and deletes its row", async () => {
    const { cookie } = await createSession(t.db, aliceId, POLICY, T0);
    const token = tokenOf(cookie);

    for (let m = 60; m < 12 * 60; m += 60) {
      expect(await findSession(t.db, token, POLICY, minutes(m))).not.toBeNull();
    }
    expect(await findSession(t.db, token, POLICY, minutes(12 * 60 + 1))).toBeNull();
    expect(await sessionRows()).toEqual([]);
  });
});

describe("rotation and ending sessions", () => {
  it("deletes the session being replaced when a new one is created (rotation on login)", async () => {
    const first = await createSession(t.db, aliceId, POLICY, T0);
    const second = await createSession(t.db, aliceId, POLICY, minutes(1), tokenOf(first.cookie));

    expect(await findSession(t.db, tokenOf(first.cookie), POLICY, minutes(2))).toBeNull();
    expect(await findSession(t.db, tokenOf(second.cookie), POLICY, minutes(2))).toEqual({ id: second.sessionId, userId: aliceId });
    expect((await sessionRows()).map((r) => r.id)).toEqual([second.sessionId]);
  });

  it("destroySession deletes the row and returns a cookie that clears it", async () => {
    const { cookie } = await createSession(t.db, aliceId, POLICY, T0);

    const cleared = await destroySession(t.db, tokenOf(cookie), POLICY);

    expect(cleared.split("; ")).toEqual(expect.arrayContaining([`${SESSION_COOKIE}=`, "Max-Age=0", "Path=/"]));
    expect(await sessionRows()).toEqual([]);
  });

  it("destroyUserSessions ends every session of that user and no one else's", async () => {
    await createSession(t.db, aliceId, POLICY, T0);
    await createSession(t.db, aliceId, POLICY, minutes(1));
    const bob = await createSession(t.db, bobId, POLICY, minutes(2));

    await destroyUserSessions(t.db, aliceId);

    expect((await sessionRows()).map((r) => r.id)).toEqual([bob.sessionId]);
  });
});
