// Guessing personal links: an address that keeps sending unusable links (GET or POST, on the survey,
// opt-out and 360 review routes) is refused with 429 for LINK_LOCK_MINUTES once it reaches
// LINK_MAX_FAILURES; it is counted in login_attempts under `link:<ip>`, and other addresses' valid
// links keep working. Each client below connects from its own loopback address (127.0.0.x).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import { CookieJar, csrfFrom, type HttpClient } from "../e2e/support/http";
import { fingerprint, loggedIn, PEOPLE, postAction, scalar, startHardenedApp, tokenFor } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";

// Odd, so the locking guess (the MAX-th, alternating GET and POST) is a document GET showing Retry-After.
const MAX = 7;
const LOCK_MINUTES = 15;

let app: RunningApp;
let campaign: SentCampaign;

/** An HttpClient whose requests leave from `ip` (the server sees it as the client address). */
function clientFrom(ip: string): HttpClient {
  const jar = new CookieJar();
  jar.set("ac_lang", "en");
  const { hostname, port } = new URL(app.url);
  const client: HttpClient = {
    base: app.url,
    jar,
    request(pathname, init = {}) {
      const headers: Record<string, string> = { "Accept-Language": "en" };
      new Headers(init.headers).forEach((value, key) => (headers[key] = value));
      if (jar.header()) headers.Cookie = jar.header();
      const body = typeof init.body === "string" ? init.body : undefined;
      if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
      return new Promise((resolve, reject) => {
        const req = http.request({ host: hostname, port, localAddress: ip, path: pathname, method: init.method ?? "GET", headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
            const status = res.statusCode ?? 0;
            const response = new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: out });
            jar.store(response);
            resolve(response);
          });
        });
        req.on("error", reject);
        req.end(body);
      });
    },
    get: (pathname, headers = {}) => client.request(pathname, { headers }),
    post: (pathname, fields, headers = {}) =>
      client.request(pathname, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() }),
    async csrf(pathname = "/login") {
      return csrfFrom(await (await client.get(pathname)).text());
    },
  };
  return client;
}

/** Unusable links, one per route and method, in turn. */
function guesses(n: number): { method: "GET" | "POST"; path: string }[] {
  const routes = [(t: string) => `/satisfaction/s/${t}`, (t: string) => `/satisfaction/s/${t}/opt-out`, (t: string) => `/review360/r/${t}`];
  return Array.from({ length: n }, (_, i) => ({ method: i % 2 ? "POST" : "GET", path: routes[i % 3](`${"g".repeat(16)}${i}.${"A".repeat(43)}`) }));
}

async function attempt(client: HttpClient, csrf: string, guess: { method: "GET" | "POST"; path: string }): Promise<{ status: number; body: string; retryAfter: string | null }> {
  if (guess.method === "GET") {
    const res = await client.get(guess.path);
    return { status: res.status, body: await res.text(), retryAfter: res.headers.get("Retry-After") };
  }
  const res = await client.post(`${guess.path}.data`, { _csrf: csrf, intent: "submit", payload: "{}" });
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get("Retry-After") };
}

const linkRow = (ip: string) =>
  withDb(app.dbFile, (db) => db.prepare("select failures, first_failure_at, locked_until from login_attempts where key = ?").get(`link:${ip}`)) as
    | { failures: number; first_failure_at: string; locked_until: string | null }
    | undefined;

beforeAll(async () => {
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1", LINK_MAX_FAILURES: String(MAX), LINK_LOCK_MINUTES: String(LOCK_MINUTES) });
  campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hardening link guessing");
});

afterAll(async () => {
  await app?.stop();
});

describe("an address guessing links", () => {
  const GUESSER = "127.0.0.3";

  it(`gets the invalid-link page for ${MAX - 1} guesses, then 429 on the ${MAX}th with Retry-After, counted under link:<ip>`, async () => {
    const guesser = clientFrom(GUESSER);
    const csrf = await guesser.csrf();
    const before = fingerprint(app.dbFile);
    const all = guesses(MAX);
    for (const guess of all.slice(0, MAX - 1)) {
      const res = await attempt(guesser, csrf, guess);
      expect(res.status, `${guess.method} ${guess.path}`).toBe(404);
    }
    expect(linkRow(GUESSER)).toMatchObject({ failures: MAX - 1, locked_until: null });
    const last = await attempt(guesser, csrf, all[MAX - 1]);
    expect(last.status).toBe(429);
    expect(last.retryAfter).toBe(String(LOCK_MINUTES * 60));
    const row = linkRow(GUESSER)!;
    expect(row.failures).toBe(MAX);
    // Locked for LINK_LOCK_MINUTES from the locking failure.
    const lockedFor = new Date(row.locked_until!).getTime() - Date.now();
    expect(lockedFor).toBeGreaterThan((LOCK_MINUTES - 1) * 60_000);
    expect(lockedFor).toBeLessThanOrEqual(LOCK_MINUTES * 60_000);
    // Guessing changed no data (login_attempts is the counter itself).
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("is then refused with 429 and a clear page on every personal-link route, GET and POST, even with a valid link", async () => {
    const guesser = clientFrom(GUESSER);
    const csrf = await guesser.csrf();
    const before = fingerprint(app.dbFile, ["invitations"]);
    const valid = campaign.links[0].token;
    const review = tokenFor(scalar<string>(app.dbFile, "select min(id) from invitations where purpose = 'review360' and state != 'completed'"));
    for (const path of [`/satisfaction/s/${valid}`, `/satisfaction/s/${valid}/opt-out`, `/review360/r/${review}`, "/satisfaction/s/unknown", "/review360/r/unknown"]) {
      const page = await guesser.get(path);
      expect(page.status, `GET ${path}`).toBe(429);
      expect(page.headers.get("Retry-After"), path).toMatch(/^\d+$/);
      const html = await page.text();
      expect(html.includes("Too many requests. Please wait and try again."), `GET ${path} explains`).toBe(true);
      const posted = await postAction(guesser, path, { _csrf: csrf, intent: "submit", payload: JSON.stringify({ quality: 80 }) });
      expect(posted.status, `POST ${path}`).toBe(429);
    }
    // The valid link was not opened, answered nor opted out.
    expect(fingerprint(app.dbFile, ["invitations"])).toEqual(before);
    expect(scalar(app.dbFile, "select opened_at from invitations where id = ?", campaign.links[0].invitationId)).toBeNull();
    // Refused requests are not counted again: the lock does not grow.
    expect(linkRow(GUESSER)!.failures).toBe(MAX);
  });

  it("does not lock out staff logins or other pages from that address", async () => {
    const guesser = clientFrom(GUESSER);
    expect((await guesser.get("/login")).status).toBe(200);
  });

  it("may use links again once LINK_LOCK_MINUTES have passed", async () => {
    // Move the lock into the past, as the clock would after LINK_LOCK_MINUTES.
    const past = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    withDb(app.dbFile, (db) => db.prepare("update login_attempts set first_failure_at = ?, locked_until = ? where key = ?").run(past(LOCK_MINUTES + 1), past(1), `link:${GUESSER}`));
    const guesser = clientFrom(GUESSER);
    expect((await guesser.get(`/satisfaction/s/${campaign.links[1].token}`)).status).toBe(200);
    // A new guess starts a new window instead of locking again at once.
    expect((await guesser.get("/satisfaction/s/unknown")).status).toBe(404);
    expect(linkRow(GUESSER)).toMatchObject({ failures: 1, locked_until: null });
  });
});

describe("other addresses", () => {
  it("keep opening and answering their valid link while a guesser is locked out", async () => {
    const LOCKED = "127.0.0.4";
    const guesser = clientFrom(LOCKED);
    const csrf = await guesser.csrf();
    for (const guess of guesses(MAX)) await attempt(guesser, csrf, guess);
    expect((await guesser.get("/satisfaction/s/unknown")).status).toBe(429);

    const customer = clientFrom("127.0.0.2");
    const { token, recipientId } = campaign.links[2];
    const page = await customer.get(`/satisfaction/s/${token}`);
    expect(page.status).toBe(200);
    const submitted = await postAction(customer, `/satisfaction/s/${token}`, {
      _csrf: csrfFrom(await page.text()),
      intent: "submit",
      payload: JSON.stringify({ quality: 80, price: 80, delivery: 80, packaging: 80, service: 80 }),
    });
    expect(submitted).toEqual({ status: 200, body: expect.stringContaining('"ok",true') });
    expect(scalar(app.dbFile, "select count(*) from satisfaction_response where recipient_id = ?", recipientId)).toBe(1);
    expect(linkRow("127.0.0.2")).toBeUndefined();
  });
});
