// Personal links under attack: every malformed, guessed, foreign, used or expired token answers the
// same "This link cannot be used" page with 404, on GET and on POST, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { countRows, withDb } from "../e2e/support/db";
import { createClient, type HttpClient } from "../e2e/support/http";
import { fingerprint, loggedIn, PEOPLE, postAction, scalar, startHardenedApp, tokenFor } from "./support/fixture";
import { type SentCampaign, sendCampaign, validAnswers } from "./support/campaign";

let app: RunningApp;
let customer: HttpClient;
let campaign: SentCampaign;
let usedToken: string;
let expiredToken: string;

const ROUTES = { satisfaction: "/satisfaction/s/", review360: "/review360/r/" } as const;

/** The card every unusable link shows, taken from the page (the rest of the page carries the CSRF token). */
function invalidCard(html: string): string | null {
  return /<div class="card narrow" data-testid="link-invalid">.*?<\/div>/s.exec(html)?.[0] ?? null;
}

beforeAll(async () => {
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1" });
  campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hardening tokens");
  customer = createClient(app.url);
  customer.jar.set("ac_lang", "en");
  // One link used up by a real submission, one made expired.
  usedToken = campaign.links[0].token;
  const page = await customer.get(`${ROUTES.satisfaction}${usedToken}`);
  expect(page.status, "the fresh link opens").toBe(200);
  const { csrfFrom } = await import("../e2e/support/http");
  const csrf = csrfFrom(await page.text());
  const submitted = await postAction(customer, `${ROUTES.satisfaction}${usedToken}`, { _csrf: csrf, intent: "submit", payload: JSON.stringify(validAnswers()) });
  expect(submitted.status, submitted.body.slice(0, 300)).toBe(200);
  expiredToken = campaign.links[1].token;
  withDb(app.dbFile, (db) => db.prepare("update invitations set expires_at = ? where id = ?").run(new Date(Date.now() - 60_000).toISOString(), campaign.links[1].invitationId));
});

afterAll(async () => {
  await app?.stop();
});

/** Every bad token, by name. `route` is the route tried (tokens of one purpose are tried on the other). */
function badTokens(route: keyof typeof ROUTES): Record<string, string> {
  const valid = campaign.links[2].token;
  const [id, secret] = valid.split(".");
  const reviewUsed = tokenFor(scalar<string>(app.dbFile, "select min(id) from invitations where purpose = 'review360' and state = 'completed'"));
  return {
    "one character": "x",
    "8 KB long": "a".repeat(8 * 1024),
    "wrong alphabet, right length": `${"!".repeat(16)}.${"~".repeat(43)}`,
    "SQL injection": "' OR 1=1--",
    "SQL injection in the id part": `${"' OR 1=1--".padEnd(16, "-")}.${secret}`,
    "valid id, wrong secret": `${id}.${"A".repeat(43)}`,
    "valid id, secret of another link": `${id}.${campaign.links[3].token.split(".")[1]}`,
    "valid secret, one character off": `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`,
    "a path traversal": "..%2F..%2Fadmin",
    "NUL byte": `${id}%00.${secret}`,
    "right-to-left override": `${id}%E2%80%AE.${secret}`,
    "another purpose's token": route === "satisfaction" ? reviewUsed : valid,
    "a used link": route === "satisfaction" ? usedToken : reviewUsed,
    "an expired link": expiredToken,
  };
}

describe.each(Object.keys(ROUTES) as (keyof typeof ROUTES)[])("%s personal links", (route) => {
  it("answer every bad token on GET with the same 404 page, and change nothing", async () => {
    const before = fingerprint(app.dbFile);
    const pages = new Map<string, string | null>();
    for (const [name, token] of Object.entries(badTokens(route))) {
      const res = await customer.get(`${ROUTES[route]}${token}`);
      const html = await res.text();
      expect(res.status, name).toBe(404);
      expect(res.headers.get("Cache-Control"), name).toBe("no-store");
      const card = invalidCard(html);
      expect(card, name).toContain("This link cannot be used");
      pages.set(name, card);
    }
    // One page for all: nothing tells a guessed id from a wrong secret or a used link.
    expect(new Set(pages.values()).size).toBe(1);
    expect([...pages.values()][0]).toContain("The link is unknown, has expired or has already been used.");
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("answer every bad token on POST (submit and progress, valid CSRF) with 404, and store nothing", async () => {
    const before = fingerprint(app.dbFile);
    const csrf = await customer.csrf("/login");
    for (const [name, token] of Object.entries(badTokens(route))) {
      for (const intent of ["submit", "progress"]) {
        const res = await postAction(customer, `${ROUTES[route]}${token}`, { _csrf: csrf, intent, payload: JSON.stringify(validAnswers()) });
        const body = res.body;
        // A draft save from a dead link answers "not saved" quietly (the page is gone already).
        if (route === "review360" && intent === "progress") {
          expect([200, 404], `${name} ${intent}`).toContain(res.status);
          if (res.status === 200) expect(body, `${name} ${intent}`).toContain('"saved",false');
        } else {
          expect(res.status, `${name} ${intent}: ${body.slice(0, 200)}`).toBe(404);
        }
      }
    }
    expect(fingerprint(app.dbFile)).toEqual(before);
  });
});

describe("links that are not tokens at all", () => {
  it("answers an empty token with the app's 404 page", async () => {
    for (const prefix of Object.values(ROUTES)) {
      const res = await customer.get(prefix);
      expect(res.status, prefix).toBe(404);
      await res.arrayBuffer();
    }
  });

  it("refuses a 1 MB token in the URL with 431 (headers too large) before the app sees it", async () => {
    const before = countRows(app.dbFile, "satisfaction_response");
    const res = await fetch(`${app.url}${ROUTES.satisfaction}${"a".repeat(1024 * 1024)}`).catch((error: Error) => error);
    // Node refuses the request line; depending on timing the socket may be closed instead.
    if (res instanceof Error) expect(res.message).toMatch(/fetch failed|other side closed|ECONNRESET|EPIPE/);
    else expect(res.status).toBe(431);
    expect(countRows(app.dbFile, "satisfaction_response")).toBe(before);
    // The server is still up.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("a valid link still works after all that", () => {
  it("opens and accepts a submission exactly once", async () => {
    const { token, recipientId } = campaign.links[4];
    const page = await customer.get(`${ROUTES.satisfaction}${token}`);
    expect(page.status).toBe(200);
    // A personal page is never cached, nor sends its URL to other sites as a referrer.
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    expect(page.headers.get("Referrer-Policy")).toMatch(/^(same-origin|no-referrer)$/);
    expect(invalidCard(await page.text())).toBeNull();
    const csrf = await customer.csrf("/login");
    const first = await postAction(customer, `${ROUTES.satisfaction}${token}`, { _csrf: csrf, intent: "submit", payload: JSON.stringify(validAnswers()) });
    expect(first).toEqual({ status: 200, body: expect.stringContaining('"ok",true') });
    const again = await postAction(customer, `${ROUTES.satisfaction}${token}`, { _csrf: csrf, intent: "submit", payload: JSON.stringify(validAnswers()) });
    expect(again).toEqual({ status: 404, body: expect.stringContaining('"invalid",true') });
    expect(scalar(app.dbFile, "select count(*) from satisfaction_response where recipient_id = ?", recipientId)).toBe(1);
  });
});
