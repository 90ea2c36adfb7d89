import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { CoreTables } from "./tables";
import { readCookie, serializeCookie } from "./cookies";

export const SESSION_COOKIE = "ac_session";

export interface SessionPolicy {
  readonly idleMinutes: number;
  readonly absoluteHours: number;
  readonly secure: boolean;
}

function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/**
 * Creates a session row and returns the Set-Cookie value. The cookie holds only a random
 * token; the table stores its SHA-256, so a leaked database does not leak live sessions.
 * `replacing` (the previous cookie token, if any) is deleted: rotation on login.
 */
export async function createSession(
  db: Kysely<CoreTables>,
  userId: number,
  policy: SessionPolicy,
  now: Date,
  replacing?: string | null,
): Promise<{ cookie: string; sessionId: string }> {
  const token = crypto.randomBytes(32).toString("base64url");
  const id = hashToken(token);
  const at = now.toISOString();
  const expires = new Date(now.getTime() + policy.absoluteHours * 3_600_000).toISOString();
  await db.transaction().execute(async (trx) => {
    if (replacing) await trx.deleteFrom("sessions").where("id", "=", hashToken(replacing)).execute();
    await trx.insertInto("sessions").values({ id, user_id: userId, created_at: at, last_seen_at: at, expires_at: expires }).execute();
  });
  return { cookie: serializeCookie(SESSION_COOKIE, token, { secure: policy.secure, maxAgeSeconds: policy.absoluteHours * 3600 }), sessionId: id };
}

/** Reads the session cookie of a request, or null. */
export function sessionToken(request: Request): string | null {
  return readCookie(request.headers.get("Cookie"), SESSION_COOKIE);
}

/**
 * Finds the live session for a token: not past its absolute expiry, not idle for longer than
 * the idle limit. Refreshes last_seen_at at most once a minute. Expired sessions are deleted.
 */
export async function findSession(
  db: Kysely<CoreTables>,
  token: string | null,
  policy: SessionPolicy,
  now: Date,
): Promise<{ id: string; userId: number } | null> {
  if (!token || token.length > 100) return null;
  const id = hashToken(token);
  const row = await db.selectFrom("sessions").select(["id", "user_id", "last_seen_at", "expires_at"]).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const idleLimit = new Date(new Date(row.last_seen_at).getTime() + policy.idleMinutes * 60_000);
  if (row.expires_at <= now.toISOString() || idleLimit <= now) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return null;
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await db.updateTable("sessions").set({ last_seen_at: now.toISOString() }).where("id", "=", id).execute();
  }
  return { id: row.id, userId: row.user_id };
}

/** Deletes the session and returns a Set-Cookie value that clears the cookie. */
export async function destroySession(db: Kysely<CoreTables>, token: string | null, policy: SessionPolicy): Promise<string> {
  if (token) await db.deleteFrom("sessions").where("id", "=", hashToken(token)).execute();
  return serializeCookie(SESSION_COOKIE, "", { secure: policy.secure, maxAgeSeconds: 0 });
}

/** Ends every session of a user (deactivation, password change). */
export async function destroyUserSessions(db: Kysely<CoreTables>, userId: number): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}
