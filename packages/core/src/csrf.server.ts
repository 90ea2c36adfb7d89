import crypto from "node:crypto";
import { readCookie, serializeCookie } from "./cookies";

export const CSRF_COOKIE = "ac_csrf";
export const CSRF_FIELD = "_csrf";

/**
 * CSRF protection: a random per-browser cookie (httpOnly, SameSite=Lax) and a form token that is
 * its HMAC under the server secret. A mutation must carry the token of the cookie it arrives with,
 * and, when the browser sends an Origin header, come from our own origin.
 */
export function csrfTokenFor(cookieValue: string, secret: string): string {
  return crypto.createHmac("sha256", secret).update(`csrf:${cookieValue}`).digest("base64url");
}

/** The CSRF cookie of a request, or a new one (with the Set-Cookie to send) when it has none. */
export function ensureCsrfCookie(request: Request, secure: boolean): { value: string; setCookie: string | null } {
  const existing = readCookie(request.headers.get("Cookie"), CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { value: existing, setCookie: null };
  const value = crypto.randomBytes(32).toString("base64url");
  return { value, setCookie: serializeCookie(CSRF_COOKIE, value, { secure }) };
}

export type CsrfFailure = "cross-origin" | "missing-cookie" | "bad-token";

/** Checks a mutation; returns null when it is allowed, or why it is not. */
export function checkCsrf(request: Request, submitted: string | null, secret: string, allowedOrigins: readonly string[]): CsrfFailure | null {
  const origin = request.headers.get("Origin");
  if (origin && origin !== "null" && !allowedOrigins.includes(origin)) return "cross-origin";
  if (origin === "null") return "cross-origin";
  const cookie = readCookie(request.headers.get("Cookie"), CSRF_COOKIE);
  if (!cookie) return "missing-cookie";
  if (!submitted) return "bad-token";
  const expected = Buffer.from(csrfTokenFor(cookie, secret));
  const given = Buffer.from(submitted);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return "bad-token";
  return null;
}
