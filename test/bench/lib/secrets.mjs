// The app's token formats, recomputed from the server secret so the harness can mint valid
// personal links, CSRF pairs and staff sessions without going through mail or the login form.
// Mirrors packages/core/src/{invitations,csrf,sessions}.server.ts.
import crypto from "node:crypto";

const hmac = (key, text) => crypto.createHmac("sha256", key).update(text).digest("base64url");
const sha256hex = (text) => crypto.createHash("sha256").update(text).digest("hex");

/** A new invitation id (96 random bits, 16 base64url characters). */
export function invitationId() {
  return crypto.randomBytes(12).toString("base64url");
}

/** The personal link token `<id>.<secret>` and the `secret_hash` the row stores. */
export function invitationToken(secretKey, id) {
  const secret = hmac(secretKey, `invitation:${id}`);
  return { token: `${id}.${secret}`, secretHash: sha256hex(secret) };
}

/** A CSRF cookie value and the form token that goes with it. */
export function csrfPair(secretKey) {
  const cookie = crypto.randomBytes(32).toString("base64url");
  return { cookie, token: hmac(secretKey, `csrf:${cookie}`) };
}

/**
 * Inserts a live session for `userId` (better-sqlite3 handle) and returns its cookie token.
 */
export function insertSession(db, userId, hours = 12) {
  const token = crypto.randomBytes(32).toString("base64url");
  const now = new Date();
  db.prepare("insert into sessions (id, user_id, created_at, last_seen_at, expires_at) values (?, ?, ?, ?, ?)").run(
    sha256hex(token),
    userId,
    now.toISOString(),
    now.toISOString(),
    new Date(now.getTime() + hours * 3_600_000).toISOString(),
  );
  return token;
}

/** Cookie header of a logged-in staff member with a CSRF pair (the token goes in `_csrf`). */
export function staffCookies(sessionToken, csrf, locale = "en") {
  return `ac_session=${sessionToken}; ac_csrf=${csrf.cookie}; ac_lang=${locale}`;
}
