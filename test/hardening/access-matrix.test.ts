// Access matrix: every route the production build mounts (read from its route manifest, so a new
// route cannot slip in untested), tried as anonymous, staff, a lead of another team, the department
// head and admin, with an existing id (own and someone else's) and a missing one. Then every
// action without a CSRF token, as text/plain and cross-origin, and every page fetched with
// state-changing query strings: nothing may change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import type { HttpClient } from "../e2e/support/http";
import { mountedRoutes, type MountedRoute } from "./support/route-manifest";
import { buildPath, clientsByRole, fingerprint, PEOPLE, type Role, ROLES, scalar, startHardenedApp, tokenFor } from "./support/fixture";

/** "login": redirect to /login?next=<the URL>; "home": redirect to /; "away": another redirect. */
type Outcome = 200 | 400 | 403 | 404 | "login" | "home" | "away";
type Row = Readonly<Record<Role, Outcome>>;

/** Shorthands: who holds the permission a route asks for. */
const EVERYONE: Row = { anon: "login", staff: 200, otherLead: 200, manager: 200, admin: 200 };
const MANAGERS: Row = { anon: "login", staff: 403, otherLead: 200, manager: 200, admin: 200 };
const ADMINS: Row = { anon: "login", staff: 403, otherLead: 403, manager: 403, admin: 200 };
const PUBLIC: Row = { anon: 200, staff: 200, otherLead: 200, manager: 200, admin: 200 };
/** Records scoped by the reporting line (decision 008): another person's answers like a missing one. */
const OWN_LINE: Row = { anon: "login", staff: 404, otherLead: 404, manager: 200, admin: 200 };

interface Case {
  /** URL with `{name}` placeholders filled from the seeded database. */
  readonly url: string;
  readonly expect: Row;
}

/**
 * The table: route id → the URLs tried and the expected outcome per role. A missing id answers
 * like the existing one with every 200 turned into 404 (permission is checked before existence).
 */
const TABLE: Readonly<Record<string, { cases: readonly Case[]; missing?: string | null; missingExpect?: Row }>> = {
  "routes/dashboard": { cases: [{ url: "/", expect: EVERYONE }] },
  "routes/login": { cases: [{ url: "/login", expect: { anon: 200, staff: "home", otherLead: "home", manager: "home", admin: "home" } }] },
  "routes/logout": { cases: [{ url: "/logout", expect: { anon: "home", staff: "home", otherLead: "home", manager: "home", admin: "home" } }] },
  "routes/language": { cases: [{ url: "/language", expect: { anon: "home", staff: "home", otherLead: "home", manager: "home", admin: "home" } }] },
  "routes/healthz": { cases: [{ url: "/healthz", expect: PUBLIC }] },
  "routes/link-invalid": { cases: [{ url: "/link-invalid", expect: PUBLIC }] },
  "routes/admin.audit": { cases: [{ url: "/admin/audit", expect: ADMINS }] },
  "routes/admin.mailbox": { cases: [{ url: "/admin/mailbox", expect: ADMINS }] },
  "routes/admin.mailbox.$id": { cases: [{ url: "/admin/mailbox/{mail}", expect: ADMINS }], missing: "/admin/mailbox/999999" },
  "routes/admin.mail": { cases: [{ url: "/admin/mail", expect: ADMINS }] },
  "routes/admin.$entity": {
    cases: [
      { url: "/admin/customers", expect: EVERYONE },
      { url: "/admin/equipment", expect: EVERYONE },
      { url: "/admin/users", expect: ADMINS },
    ],
    // An unknown entity is a 404 for anyone (the list of entities is no secret).
    missing: "/admin/nope",
    missingExpect: { anon: 404, staff: 404, otherLead: 404, manager: 404, admin: 404 },
  },
  "routes/admin.$entity.import": {
    cases: [
      { url: "/admin/customers/import", expect: MANAGERS },
      { url: "/admin/users/import", expect: ADMINS },
    ],
    missing: "/admin/nope/import",
    missingExpect: { anon: 404, staff: 404, otherLead: 404, manager: 404, admin: 404 },
  },
  "routes/admin.$entity.export": {
    cases: [
      { url: "/admin/customers/export.csv", expect: EVERYONE },
      { url: "/admin/users/export.csv", expect: ADMINS },
    ],
    missing: "/admin/nope/export.csv",
    missingExpect: { anon: 404, staff: 404, otherLead: 404, manager: 404, admin: 404 },
  },
  "routes/admin.$entity.$id": {
    cases: [
      { url: "/admin/customers/1", expect: EVERYONE },
      { url: "/admin/customers/new", expect: MANAGERS },
      { url: "/admin/users/{staffId}", expect: ADMINS },
    ],
    missing: "/admin/customers/999999",
  },
  "satisfaction/campaigns": { cases: [{ url: "/satisfaction", expect: MANAGERS }] },
  "satisfaction/campaign-new": { cases: [{ url: "/satisfaction/campaigns/new", expect: MANAGERS }] },
  // A sent campaign cannot be edited: its edit page sends managers back to the campaign.
  "satisfaction/campaign-edit": {
    cases: [{ url: "/satisfaction/campaigns/1/edit", expect: { anon: "login", staff: 403, otherLead: "away", manager: "away", admin: "away" } }],
    missing: "/satisfaction/campaigns/999999/edit",
    missingExpect: { anon: "login", staff: 403, otherLead: 404, manager: 404, admin: 404 },
  },
  "satisfaction/campaign": { cases: [{ url: "/satisfaction/campaigns/1", expect: MANAGERS }], missing: "/satisfaction/campaigns/999999" },
  "satisfaction/report": { cases: [{ url: "/satisfaction/campaigns/1/report", expect: MANAGERS }], missing: "/satisfaction/campaigns/999999/report" },
  "satisfaction/report-export": { cases: [{ url: "/satisfaction/campaigns/1/export", expect: MANAGERS }], missing: "/satisfaction/campaigns/999999/export" },
  "satisfaction/templates": { cases: [{ url: "/satisfaction/templates", expect: ADMINS }] },
  "satisfaction/template": { cases: [{ url: "/satisfaction/templates/1", expect: ADMINS }], missing: "/satisfaction/templates/999999" },
  "satisfaction/feedback-list": { cases: [{ url: "/satisfaction/feedback", expect: EVERYONE }] },
  "satisfaction/feedback": {
    cases: [
      // Feedback records are scoped by permission, not by reporting line: every approver (any
      // manager) sees all of them; staff see their own only.
      { url: "/satisfaction/feedback/{feedbackOwn}", expect: EVERYONE },
      { url: "/satisfaction/feedback/{feedbackOther}", expect: { ...EVERYONE, staff: 404 } },
    ],
    missing: "/satisfaction/feedback/999999",
  },
  // Personal links: the same 404 page for anyone with a link that cannot be used (tokens.test.ts tries valid ones).
  "satisfaction/survey": {
    cases: [{ url: "/satisfaction/s/{usedSurveyToken}", expect: { anon: 404, staff: 404, otherLead: 404, manager: 404, admin: 404 } }],
    missing: "/satisfaction/s/not-a-token",
  },
  // Opting out also works from a used link (the page only offers a button).
  "satisfaction/opt-out": { cases: [{ url: "/satisfaction/s/{usedSurveyToken}/opt-out", expect: PUBLIC }], missing: "/satisfaction/s/not-a-token/opt-out" },
  "review360/todo": { cases: [{ url: "/review360", expect: EVERYONE }] },
  "review360/cycles": { cases: [{ url: "/review360/cycles", expect: MANAGERS }] },
  "review360/cycle-new": { cases: [{ url: "/review360/cycles/new", expect: MANAGERS }] },
  "review360/cycle": { cases: [{ url: "/review360/cycles/1", expect: MANAGERS }], missing: "/review360/cycles/999999" },
  // A cycle past draft cannot be edited: its edit page sends managers back to the cycle.
  "review360/cycle-edit": {
    cases: [{ url: "/review360/cycles/1/edit", expect: { anon: "login", staff: 403, otherLead: "away", manager: "away", admin: "away" } }],
    missing: "/review360/cycles/999999/edit",
    missingExpect: { anon: "login", staff: 403, otherLead: 404, manager: 404, admin: 404 },
  },
  "review360/cycle-definition": {
    cases: [{ url: "/review360/cycles/1/definition", expect: { anon: "login", staff: 403, otherLead: "away", manager: "away", admin: "away" } }],
    missing: "/review360/cycles/999999/definition",
    missingExpect: { anon: "login", staff: 403, otherLead: 404, manager: 404, admin: 404 },
  },
  "review360/cycle-export": { cases: [{ url: "/review360/cycles/1/export", expect: MANAGERS }], missing: "/review360/cycles/999999/export" },
  "review360/reviewee": { cases: [{ url: "/review360/reviewees/{revieweeOwn}", expect: MANAGERS }], missing: "/review360/reviewees/999999" },
  "review360/nominations": {
    cases: [
      { url: "/review360/nominations/{revieweeOwn}", expect: { ...MANAGERS, staff: 200 } },
      { url: "/review360/nominations/{revieweeOther}", expect: { ...MANAGERS, staff: 404 } },
    ],
    missing: "/review360/nominations/999999",
  },
  // A rater's own form only: nobody else, not even admin, opens someone's rating form.
  "review360/fill": {
    cases: [
      { url: "/review360/fill/{assignmentOwn}", expect: { anon: "login", staff: 200, otherLead: 404, manager: 404, admin: 404 } },
      { url: "/review360/fill/{assignmentOther}", expect: { anon: "login", staff: 404, otherLead: 404, manager: 404, admin: 404 } },
    ],
    missing: "/review360/fill/999999",
  },
  "review360/report": {
    cases: [
      { url: "/review360/reports/{revieweeOwn}", expect: { ...MANAGERS, staff: 200 } },
      { url: "/review360/reports/{revieweeOther}", expect: { ...MANAGERS, staff: 404 } },
    ],
    missing: "/review360/reports/999999",
  },
  "review360/external": {
    cases: [{ url: "/review360/r/{usedReviewToken}", expect: { anon: 404, staff: 404, otherLead: 404, manager: 404, admin: 404 } }],
    missing: "/review360/r/not-a-token",
  },
  "visits/visits": { cases: [{ url: "/visits", expect: EVERYONE }] },
  "visits/visit-new": { cases: [{ url: "/visits/new", expect: EVERYONE }] },
  "visits/calendar": { cases: [{ url: "/visits/calendar", expect: EVERYONE }] },
  "visits/calls": { cases: [{ url: "/visits/calls", expect: EVERYONE }] },
  "visits/call-new": { cases: [{ url: "/visits/calls/new", expect: EVERYONE }] },
  "visits/call": {
    cases: [
      // Taken by the support team, the field engineer zhang.wei sent out: both lines see it.
      { url: "/visits/calls/{callOwn}", expect: { ...OWN_LINE, staff: 200, otherLead: 200 } },
      { url: "/visits/calls/{callOther}", expect: { ...OWN_LINE, otherLead: 200 } },
    ],
    missing: "/visits/calls/999999",
  },
  "visits/report": { cases: [{ url: "/visits/report", expect: MANAGERS }] },
  "visits/cadence": { cases: [{ url: "/visits/cadence", expect: EVERYONE }] },
  "visits/customer-history": { cases: [{ url: "/visits/customers/1", expect: EVERYONE }], missing: "/visits/customers/999999" },
  "visits/settings": { cases: [{ url: "/visits/settings", expect: ADMINS }] },
  "visits/visit": {
    cases: [
      { url: "/visits/{visitOwn}", expect: { ...OWN_LINE, staff: 200 } },
      { url: "/visits/{visitOther}", expect: OWN_LINE },
    ],
    missing: "/visits/999999",
  },
  "visits/visit-edit": {
    cases: [
      { url: "/visits/{visitOwnPlanned}/edit", expect: { ...OWN_LINE, staff: 200 } },
      { url: "/visits/{visitOtherPlanned}/edit", expect: OWN_LINE },
    ],
    missing: "/visits/999999/edit",
  },
  "kpi/sheets": { cases: [{ url: "/kpi", expect: EVERYONE }] },
  "kpi/sheet": {
    cases: [
      { url: "/kpi/sheets/{sheetOwn}", expect: { ...OWN_LINE, staff: 200 } },
      { url: "/kpi/sheets/{sheetOther}", expect: OWN_LINE },
    ],
    missing: "/kpi/sheets/999999",
  },
  "kpi/report": { cases: [{ url: "/kpi/report", expect: MANAGERS }] },
  "kpi/pay": { cases: [{ url: "/kpi/pay", expect: MANAGERS }] },
  "kpi/pay-import": { cases: [{ url: "/kpi/pay/import", expect: MANAGERS }] },
  "kpi/pay-export": {
    cases: [
      { url: "/kpi/pay/export?month={month}", expect: MANAGERS },
      { url: "/kpi/pay/export", expect: { ...MANAGERS, otherLead: 400, manager: 400, admin: 400 } },
    ],
  },
  "kpi/schemes": { cases: [{ url: "/kpi/schemes", expect: MANAGERS }] },
  "kpi/scheme-edit": { cases: [{ url: "/kpi/schemes/field/edit", expect: ADMINS }], missing: "/kpi/schemes/nope/edit" },
  "test-plugin/home": { cases: [{ url: "/test-plugin", expect: ADMINS }] },
};

let app: RunningApp;
let clients: Record<Role, HttpClient>;
let routes: MountedRoute[];
let ids: Record<string, string>;

function fill(url: string): string {
  return url.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`no fixture id {${name}}`);
    return ids[name];
  });
}

function outcomeOf(res: Response, url: string): Outcome | number {
  if (res.status === 302) {
    const location = res.headers.get("Location") ?? "";
    if (location === `/login?next=${encodeURIComponent(url)}`) return "login";
    if (location === "/") return "home";
    return "away";
  }
  return res.status;
}

beforeAll(async () => {
  // No background jobs: the data must change only by the requests under test.
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1" });
  clients = await clientsByRole(app);
  routes = mountedRoutes(buildPath());
  const f = app.dbFile;
  const uid = (email: string) => scalar<number>(f, "select id from users where email = ?", email);
  const staff = uid(PEOPLE.staff);
  const other = uid(PEOPLE.otherStaff);
  const one = (q: string, ...a: unknown[]) => String(scalar(f, q, ...a));
  // Background work is off, so nothing reaches the catcher: one caught message for the mailbox page.
  withDb(f, (db) =>
    db.prepare("insert into mail_caught (received_at, from_addr, to_addrs, subject, html, text, headers_json, raw) values (?, ?, ?, ?, ?, ?, ?, ?)").run(new Date().toISOString(), "a@example.com", '["b@example.com"]', "Hello", null, "Hello", "{}", "Subject: Hello\r\n\r\nHello"),
  );
  ids = {
    staffId: String(staff),
    mail: one("select coalesce(min(id), 0) from mail_caught"),
    feedbackOwn: one("select min(id) from satisfaction_feedback where owner_id = ?", staff),
    feedbackOther: one("select min(id) from satisfaction_feedback where owner_id = ?", other),
    usedSurveyToken: tokenFor(one("select min(id) from invitations where purpose = 'satisfaction' and state = 'completed'")),
    usedReviewToken: tokenFor(one("select min(id) from invitations where purpose = 'review360' and state = 'completed'")),
    revieweeOwn: one("select min(id) from review360_reviewee where user_id = ?", staff),
    revieweeOther: one("select min(id) from review360_reviewee where user_id = ?", other),
    assignmentOwn: one("select min(id) from review360_assignment where rater_user_id = ?", staff),
    assignmentOther: one("select min(id) from review360_assignment where rater_user_id = ?", other),
    callOwn: one("select min(id) from visits_call where engineer_id = ?", staff),
    callOther: one("select min(id) from visits_call where engineer_id = ?", other),
    visitOwn: one("select min(id) from visits_visit where owner_id = ?", staff),
    visitOther: one("select min(id) from visits_visit where owner_id = ?", other),
    visitOwnPlanned: one("select min(id) from visits_visit where owner_id = ? and status = 'planned'", staff),
    visitOtherPlanned: one("select min(id) from visits_visit where owner_id = ? and status = 'planned'", other),
    sheetOwn: one("select min(id) from kpi_sheet where employee_id = ?", staff),
    sheetOther: one("select min(id) from kpi_sheet where employee_id = ?", other),
    month: one("select max(month) from kpi_sheet"),
  };
  for (const [name, value] of Object.entries(ids)) if (value === "null" || value === "0") throw new Error(`The demo data has no row for {${name}}`);
});

afterAll(async () => {
  await app?.stop();
});

describe("the table covers every mounted route", () => {
  it("lists each route of the production build's manifest, and only those", () => {
    const mounted = routes.map((r) => r.id).sort();
    expect(mounted.length).toBeGreaterThan(50);
    expect(mounted.filter((id) => !(id in TABLE)), "mounted routes missing from TABLE").toEqual([]);
    expect(Object.keys(TABLE).filter((id) => !mounted.includes(id)), "TABLE rows for routes no longer mounted").toEqual([]);
  });
});

describe("GET route × role → expected status", () => {
  it("answers every route, for every role, with the expected outcome (existing, others' and missing ids)", async () => {
    const before = fingerprint(app.dbFile, ["invitations"]);
    const wrong: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const row = TABLE[route.id];
      const cases = [...row.cases];
      if (route.pattern.includes(":")) {
        expect(row.missing, `${route.id} takes a parameter: give it a missing-id URL`).toBeTruthy();
      }
      if (row.missing) {
        const derived = Object.fromEntries(ROLES.map((r) => [r, row.cases[0].expect[r] === 200 ? 404 : row.cases[0].expect[r]])) as Row;
        cases.push({ url: row.missing, expect: row.missingExpect ?? derived });
      }
      for (const c of cases) {
        const url = fill(c.url);
        for (const role of ROLES) {
          const res = await clients[role].get(url);
          await res.arrayBuffer();
          tried++;
          const got = outcomeOf(res, url);
          const want = c.expect[role] as Outcome | number;
          if (got !== want) wrong.push(`${route.id} ${c.url} as ${role}: expected ${want}, got ${got}${res.status === 302 ? ` → ${res.headers.get("Location")}` : ""}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThan(400);
    // Loading pages changes no data (invitations may be marked opened by design).
    expect(fingerprint(app.dbFile, ["invitations"])).toEqual(before);
    expect(app.output()).not.toMatch(/request failed|\[aftercare\] error/);
  });
});

describe("actions refuse forged and token-less mutations", () => {
  /** The first URL of each route that has an action, with its placeholders filled. */
  function actionUrls(): { id: string; url: string }[] {
    return routes.filter((r) => r.hasAction).map((r) => ({ id: r.id, url: fill(TABLE[r.id].cases[0].url) }));
  }

  it("answers every action POSTed without the CSRF token with 403 (admin holds every permission) and changes nothing", async () => {
    const before = fingerprint(app.dbFile);
    const wrong: string[] = [];
    const urls = actionUrls();
    expect(urls.length).toBeGreaterThan(30);
    for (const { id, url } of urls) {
      for (const intent of ["save", "send", "submit", "delete", "close", "approve"]) {
        const res = await clients.admin.post(url, { intent, payload: "{}" });
        const body = await res.text();
        if (res.status !== 403 || !body.includes("CSRF")) wrong.push(`${id} ${url} intent=${intent}: ${res.status} ${body.slice(0, 80)}`);
      }
      // A forged token is no better than none.
      const forged = await clients.admin.post(url, { _csrf: "A".repeat(43), intent: "save", payload: "{}" });
      if (forged.status !== 403) wrong.push(`${id} ${url} forged token: ${forged.status}`);
      await forged.arrayBuffer();
    }
    expect(wrong).toEqual([]);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("answers a text/plain POST (what a cross-site form may send without a preflight) with 415 and changes nothing", async () => {
    const before = fingerprint(app.dbFile);
    const csrf = await clients.admin.csrf("/");
    const wrong: string[] = [];
    for (const { id, url } of actionUrls()) {
      const res = await clients.admin.request(url, { method: "POST", headers: { "Content-Type": "text/plain" }, body: `_csrf=${csrf}&intent=save&payload={}` });
      const body = await res.text();
      if (res.status !== 415 || !body.includes("Unsupported Media Type")) wrong.push(`${id} ${url}: ${res.status} ${body.slice(0, 80)}`);
    }
    expect(wrong).toEqual([]);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("answers a cross-origin POST with 403 even with a valid token, and changes nothing", async () => {
    const before = fingerprint(app.dbFile);
    const csrf = await clients.admin.csrf("/");
    const wrong: string[] = [];
    for (const { id, url } of actionUrls()) {
      for (const origin of ["http://evil.example", "null"]) {
        const res = await clients.admin.post(url, { _csrf: csrf, intent: "save", payload: "{}" }, { Origin: origin });
        const body = await res.text();
        if (res.status !== 403 || !body.includes("cross-origin")) wrong.push(`${id} ${url} Origin ${origin}: ${res.status} ${body.slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("never changes state on GET, whatever the query string asks for", async () => {
    const before = fingerprint(app.dbFile, ["invitations"]);
    for (const { url } of actionUrls()) {
      for (const role of ["admin", "manager"] as const) {
        const sep = url.includes("?") ? "&" : "?";
        const res = await clients[role].get(`${url}${sep}intent=send&intent=delete&intent=close&intent=approve&_method=POST&_action=delete`);
        expect(res.status, `${role} GET ${url}`).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
    expect(fingerprint(app.dbFile, ["invitations"])).toEqual(before);
  });
});
