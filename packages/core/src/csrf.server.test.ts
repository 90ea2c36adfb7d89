import { describe, expect, it } from "vitest";
import { checkCsrf, CSRF_COOKIE, csrfTokenFor, ensureCsrfCookie } from "./csrf.server";

const SECRET = "0123456789abcdefghijklmnopqrstuvwxyz-secret";
const ORIGINS = ["https://service.example.com"];
const COOKIE_A = "A".repeat(43);
const COOKIE_B = "B".repeat(43);

function post(headers: Record<string, string>): Request {
  return new Request("https://service.example.com/admin/users", { method: "POST", headers });
}

describe("checkCsrf", () => {
  it("accepts the token of the cookie the request carries, from our own origin", () => {
    const request = post({ Cookie: `${CSRF_COOKIE}=${COOKIE_A}`, Origin: "https://service.example.com" });
    expect(checkCsrf(request, csrfTokenFor(COOKIE_A, SECRET), SECRET, ORIGINS)).toBeNull();
  });

  it("accepts a matching token when the browser sends no Origin header", () => {
    const request = post({ Cookie: `${CSRF_COOKIE}=${COOKIE_A}` });
    expect(checkCsrf(request, csrfTokenFor(COOKIE_A, SECRET), SECRET, ORIGINS)).toBeNull();
  });

  it("refuses a request without the CSRF cookie", () => {
    const request = post({ Origin: "https://service.example.com" });
    expect(checkCsrf(request, csrfTokenFor(COOKIE_A, SECRET), SECRET, ORIGINS)).toBe("missing-cookie");
  });

  it("refuses a wrong or missing token", () => {
    const request = post({ Cookie: `${CSRF_COOKIE}=${COOKIE_A}` });
    expect(checkCsrf(request, "wrong", SECRET, ORIGINS)).toBe("bad-token");
    expect(checkCsrf(request, null, SECRET, ORIGINS)).toBe("bad-token");
    expect(checkCsrf(request, csrfTokenFor(COOKIE_A, "another-secret-0123456789abcdefghijkl"), SECRET, ORIGINS)).toBe("bad-token");
  });

  it("refuses the token made for another cookie", () => {
    const request = post({ Cookie: `${CSRF_COOKIE}=${COOKIE_A}` });
    expect(checkCsrf(request, csrfTokenFor(COOKIE_B, SECRET), SECRET, ORIGINS)).toBe("bad-token");
  });

  it("refuses a cross-origin request even with a matching token", () => {
    const request = post({ Cookie: `${CSRF_COOKIE}=${COOKIE_A}`, Origin: "https://evil.example" });
    expect(checkCsrf(request, csrfTokenFor(COOKIE_A, SECRET), SECRET, ORIGINS)).toBe("cross-origin");
  });

  it('refuses Origin "null" (sandboxed frames, data: URLs) even with a matching token', () => {
    const request = post({ Cookie: `${CSRF_COOKIE}=${COOKIE_A}`, Origin: "null" });
    expect(checkCsrf(request, csrfTokenFor(COOKIE_A, SECRET), SECRET, ORIGINS)).toBe("cross-origin");
  });
});

describe("ensureCsrfCookie", () => {
  it("keeps a well-formed cookie the browser already has", () => {
    const request = new Request("https://service.example.com/", { headers: { Cookie: `${CSRF_COOKIE}=${COOKIE_A}` } });
    expect(ensureCsrfCookie(request, true)).toEqual({ value: COOKIE_A, setCookie: null });
  });

  it("issues a new random HttpOnly, SameSite=Lax cookie when there is none or it is malformed", () => {
    const none = ensureCsrfCookie(new Request("https://service.example.com/"), true);
    const malformed = ensureCsrfCookie(new Request("https://service.example.com/", { headers: { Cookie: `${CSRF_COOKIE}=short` } }), false);

    expect(none.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(none.value).not.toBe(malformed.value);
    expect(none.setCookie!.split("; ")).toEqual(expect.arrayContaining([`${CSRF_COOKIE}=${none.value}`, "HttpOnly", "SameSite=Lax", "Path=/", "Secure"]));
    expect(malformed.setCookie!.split("; ")).not.toContain("Secure");
  });
});
