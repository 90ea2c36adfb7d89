// Authentication, sessions, CSRF, permissions and security headers, over HTTP against the
// production server (no browser).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "./support/app";
import { dbCount, dbGet, dbRun, sessionIdFor } from "./support/db";
import { ADMIN, createClient, DEMO_PASSWORD, type HttpClient, loginHttp, MANAGER, STAFF } from "./support/http";

const MAX_FAILURES = 3;
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES), LOGIN_LOCK_MINUTES: "15" });
});

afterAll(async () => {
  await app?.stop();
});

function setCookieLine(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

async function loggedIn(email: string): Promise<HttpClient> {
  const client = createClient(app.url);
  const res = await loginHttp(client, email, DEMO_PASSWORD);
  expect(res.status, app.output()).toBe(302);
  expect(client.jar.get("ac_session")).toBeTruthy();
  return client;
}

function customerPayload(company: string): string {
  return JSON.stringify({ company, contact_name: "E2E", tier: "high", locale: "en" });
}

describe("login", () => {
  it("logs the demo admin in with an HttpOnly, SameSite=Lax ac_session cookie and redirects", async () => {
    const client = createClient(app.url);
    const res = await loginHttp(client, ADMIN, DEMO_PASSWORD, "/admin/customers");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/admin/customers");
    const cookie = setCookieLine(res, "ac_session");
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    // The cookie opens the app.
    const page = await client.get("/admin/customers");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="customers-table"');
  });

  it("answers a wrong password with 401 and the message, and sets no session", async () => {
    const client = createClient(app.url);
    const res = await loginHttp(client, ADMIN, "not-the-password");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Email or password is wrong.");
    expect(setCookieLine(res, "ac_session")).toBeUndefined();
    expect(client.jar.get("ac_session")).toBeUndefined();
  });

  it(`locks the account after LOGIN_MAX_FAILURES (${MAX_FAILURES}) failures: the next attempt answers 429 even with the right password`, async () => {
    const client = createClient(app.url);
    for (let i = 1; i < MAX_FAILURES; i++) {
      const res = await loginHttp(client, MANAGER, `wrong-${i}`);
      expect(res.status, `failure ${i}`).toBe(401);
    }
    // The failure that reaches the limit locks the account at once.
    const last = await loginHttp(client, MANAGER, "wrong-last");
    expect(last.status).toBe(429);
    const res = await loginHttp(client, MANAGER, DEMO_PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await res.text()).toContain("Too many failed attempts");
    expect(setCookieLine(res, "ac_session")).toBeUndefined();
    // Another account from the same address is not locked by it.
    const other = await loginHttp(createClient(app.url), ADMIN, DEMO_PASSWORD);
    expect(other.status).toBe(302);
  });
});

describe("sessions", () => {
  it("logout ends the session: the old cookie no longer opens /", async () => {
    const client = await loggedIn(ADMIN);
    const token = client.jar.get("ac_session")!;
    expect((await client.get("/")).status).toBe(200);
    const csrf = await client.csrf("/");
    const res = await client.post("/logout", { _csrf: csrf });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login");
    expect(setCookieLine(res, "ac_session")).toMatch(/Max-Age=0/);
    expect(client.jar.get("ac_session")).toBeUndefined();
    // Replaying the old cookie does not get in.
    const replay = createClient(app.url);
    replay.jar.set("ac_session", token);
    const home = await replay.get("/");
    expect(home.status).toBe(302);
    expect(home.headers.get("Location")).toBe("/login?next=%2F");
    expect(await dbGet(app, "select count(*) as n from sessions where id = ?", [sessionIdFor(token)])).toEqual({ n: 0 });
  });

  it("rotates the session cookie on login: the cookie after login differs from one set before", async () => {
    // A cookie planted before login (session fixation) is not the one that comes back.
    const client = createClient(app.url);
    const planted = "planted-session-token-0123456789abcdefghijklmn";
    client.jar.set("ac_session", planted);
    expect((await loginHttp(client, ADMIN, DEMO_PASSWORD)).status).toBe(302);
    const first = client.jar.get("ac_session")!;
    expect(first).toBeTruthy();
    expect(first).not.toBe(planted);
    // Logging in again while logged in issues a new token and retires the old one.
    expect((await loginHttp(client, ADMIN, DEMO_PASSWORD)).status).toBe(302);
    const second = client.jar.get("ac_session")!;
    expect(second).not.toBe(first);
    expect((await client.get("/")).status).toBe(200);
    const old = createClient(app.url);
    old.jar.set("ac_session", first);
    expect((await old.get("/")).status).toBe(302);
  });

  it("redirects an expired (idle past the limit) session to /login", async () => {
    const client = await loggedIn(ADMIN);
    expect((await client.get("/admin/customers")).status).toBe(200);
    const id = sessionIdFor(client.jar.get("ac_session")!);
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const changed = await dbRun(app, "update sessions set last_seen_at = ? where id = ?", [threeHoursAgo, id]);
    expect(changed).toBe(1);
    const res = await client.get("/admin/customers");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?next=%2Fadmin%2Fcustomers");
    expect(await dbGet(app, "select count(*) as n from sessions where id = ?", [id])).toEqual({ n: 0 });
  });
});

describe("CSRF and origin checks", () => {
  it("answers a POST without the CSRF token with 403 and changes nothing", async () => {
    const client = await loggedIn(ADMIN);
    const before = await dbCount(app, "customers");
    const res = await client.post("/admin/customers/new", { intent: "save", payload: customerPayload("E2E No Token Ltd") });
    expect(res.status).toBe(403);
    const wrong = await client.post("/admin/customers/new", { _csrf: "forged-token", intent: "save", payload: customerPayload("E2E Forged Token Ltd") });
    expect(wrong.status).toBe(403);
    expect(await dbCount(app, "customers")).toBe(before);
    // The same request with the token goes through: the 403 was the token's doing.
    const ok = await client.post("/admin/customers/new", { _csrf: await client.csrf("/"), intent: "save", payload: customerPayload("E2E With Token Ltd") });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/admin/customers?done=created");
    expect(await dbCount(app, "customers")).toBe(before + 1);
  });

  it("answers a cross-origin POST (Origin: http://evil.example) with 403, even with a valid token", async () => {
    const client = await loggedIn(ADMIN);
    const csrf = await client.csrf("/");
    const before = await dbCount(app, "customers");
    const res = await client.post("/admin/customers/new", { _csrf: csrf, intent: "save", payload: customerPayload("E2E Evil Ltd") }, { Origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect(await dbCount(app, "customers")).toBe(before);
    // Login and logout are guarded the same way.
    const anonymous = createClient(app.url);
    const loginCsrf = await anonymous.csrf("/login");
    const login = await anonymous.post("/login", { _csrf: loginCsrf, email: ADMIN, password: DEMO_PASSWORD }, { Origin: "http://evil.example" });
    expect(login.status).toBe(403);
    expect(anonymous.jar.get("ac_session")).toBeUndefined();
    const logout = await client.post("/logout", { _csrf: csrf }, { Origin: "http://evil.example" });
    expect(logout.status).toBe(403);
    expect((await client.get("/")).status).toBe(200);
  });
});

describe("permissions", () => {
  it("gives a staff user 403 on /admin/users and on a POST to it", async () => {
    const client = await loggedIn(STAFF);
    const page = await client.get("/admin/users");
    expect(page.status).toBe(403);
    const before = await dbCount(app, "users");
    const csrf = await client.csrf("/");
    const post = await client.post("/admin/users", { _csrf: csrf, intent: "save", payload: "{}" });
    expect(post.status).toBe(403);
    const payload = JSON.stringify({ name: "Mallory", email: "mallory@example.com", role: "admin", locale: "en", password: "mallory-password-1" });
    const create = await client.post("/admin/users/new", { _csrf: csrf, intent: "save", payload });
    expect(create.status).toBe(403);
    const adminId = (await dbGet<{ id: number }>(app, "select id from users where email = ?", [ADMIN]))!.id;
    const deactivate = await client.post(`/admin/users/${adminId}`, { _csrf: csrf, intent: "deactivate" });
    expect(deactivate.status).toBe(403);
    expect(await dbCount(app, "users")).toBe(before);
    expect(await dbGet(app, "select active from users where id = ?", [adminId])).toEqual({ active: 1 });
  });

  it("redirects an anonymous visitor to /login?next=… that comes back to the page", async () => {
    const client = createClient(app.url);
    const res = await client.get("/admin/customers?q=Delta");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?next=%2Fadmin%2Fcustomers%3Fq%3DDelta");
    const back = await loginHttp(client, ADMIN, DEMO_PASSWORD, "/admin/customers?q=Delta");
    expect(back.headers.get("Location")).toBe("/admin/customers?q=Delta");
    // An off-site next is not followed.
    const offsite = await loginHttp(createClient(app.url), ADMIN, DEMO_PASSWORD, "//evil.example/");
    expect(offsite.headers.get("Location")).toBe("/");
  });
});

describe("security headers", () => {
  it("sends CSP, X-Frame-Options DENY and nosniff on pages", async () => {
    const admin = await loggedIn(ADMIN);
    const staff = await loggedIn(STAFF);
    const pages: [HttpClient, string, number][] = [
      [createClient(app.url), "/login", 200],
      [admin, "/", 200],
      [admin, "/admin/customers", 200],
      [staff, "/admin/users", 403],
    ];
    for (const [client, pathname, status] of pages) {
      const res = await client.get(pathname);
      expect(res.status, pathname).toBe(status);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp, pathname).toContain("default-src 'self'");
      expect(csp, pathname).toContain("frame-ancestors 'none'");
      expect(res.headers.get("X-Frame-Options"), pathname).toBe("DENY");
      expect(res.headers.get("X-Content-Type-Options"), pathname).toBe("nosniff");
      await res.arrayBuffer();
    }
  });
});
