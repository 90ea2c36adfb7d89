// 360 anonymity under attack: every 360 report and export route (plugins/review360/src/plugin.ts:
// reports/:rid, cycles/:id/export, and the cycle page's team heatmap, plus the reviewee and
// dashboard pages that count raters) is fetched with every filter it reads (`sup`) and every
// parameter an attacker might try (group, rater ids, reviewee swaps, minimum overrides, format,
// unknown keys, repeated keys). The seeded closed H1 cycle has two groups below their minimum:
// Li Na's customers (2 of 3 submitted) and Sun Min's peers (2 of 3).
// The proof is differential: the hidden groups' stored scores are then turned upside down and
// marker comments are added for them; every answer must stay byte for byte the same. Then the
// ways to change what a closed cycle counts (edit its minimums or definition, remove or add
// raters, reopen it) are tried: each is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import type { HttpClient } from "../e2e/support/http";
import { parseCsv } from "../../packages/core/src/csv";
import { fingerprint, loggedIn, PEOPLE, scalar, startHardenedApp } from "./support/fixture";

let app: RunningApp;
let manager: HttpClient;
let liNa: HttpClient;
/** Seeded ids (looked up, not assumed). */
const ids = {} as Record<"cycle" | "openCycle" | "liNa" | "sunMin" | "zhang" | "customerAssignment" | "peerAssignment" | "customer" | "fieldLead", number>;
const MARKER = "ANONYMITY-MARKER";

/** The (reviewee, group) pairs below their minimum in the seed. */
const hiddenPairs = () => [
  { reviewee: ids.liNa, group: "customers" },
  { reviewee: ids.sunMin, group: "peers" },
];

/** Parameters tried on every URL: filters it reads and ones it should ignore. */
function attackParams(): string[] {
  const { liNa, sunMin, zhang, customerAssignment, peerAssignment, customer, fieldLead, openCycle } = ids;
  return [
    "",
    "group=customers",
    "group=peers",
    "groups=customers,peers",
    "group=peers&group=customers",
    `rater=${customerAssignment}`,
    `raterId=${peerAssignment}`,
    `assignment=${peerAssignment}`,
    `customer=${customer}`,
    `rid=${zhang}`,
    `reviewee=${liNa}`,
    `revieweeId=${sunMin}`,
    `reviewees=${liNa},${sunMin}`,
    "min=1",
    "minRaters=1",
    "min_customers=1&min_peers=1",
    "minimum=0",
    `cycle=${openCycle}`,
    "status=hidden",
    "include=hidden",
    "hidden=1",
    "showHidden=true",
    "all=1",
    "debug=1",
    "format=json",
    "format=xlsx",
    "what=responses",
    "from=2026-01-01&to=2026-12-31",
    `sup=${fieldLead}`,
    "sup=-1",
    "sup=999999",
    "sup=1e3",
    "__proto__[min]=1",
    "constructor[prototype][min]=1",
  ];
}

/** Every 360 report/export URL × every parameter set, with the client that may read it. */
function urls(): { who: "manager" | "liNa"; url: string }[] {
  const pages = [
    `/review360/reports/${ids.liNa}`,
    `/review360/reports/${ids.sunMin}`,
    `/review360/reports/${ids.liNa}.data`,
    `/review360/reports/${ids.sunMin}.data`,
    `/review360/cycles/${ids.cycle}/export`,
    `/review360/cycles/${ids.cycle}`,
    `/review360/cycles/${ids.cycle}.data`,
    `/review360/reviewees/${ids.liNa}`,
    `/review360/reviewees/${ids.sunMin}`,
  ];
  const out: { who: "manager" | "liNa"; url: string }[] = [];
  for (const page of pages) for (const p of attackParams()) out.push({ who: "manager", url: p ? `${page}?${p}` : page });
  // Li Na's own, released report, as she reads it.
  for (const p of attackParams()) out.push({ who: "liNa", url: p ? `/review360/reports/${ids.liNa}?${p}` : `/review360/reports/${ids.liNa}` });
  out.push({ who: "manager", url: "/" });
  return out;
}

async function fetchAll(): Promise<Map<string, { status: number; body: string }>> {
  const out = new Map<string, { status: number; body: string }>();
  for (const { who, url } of urls()) {
    const res = await (who === "manager" ? manager : liNa).get(url);
    out.set(`${who} ${url}`, { status: res.status, body: await res.text() });
  }
  return out;
}

/** The cycle export's rows for one reviewee (first column is the reviewee's name). */
function exportRowsOf(csv: string, name: string): string[][] {
  return parseCsv(csv).filter((r) => r[0] === name);
}

let before: Map<string, { status: number; body: string }>;

beforeAll(async () => {
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1" });
  const f = app.dbFile;
  ids.cycle = scalar(f, "select id from review360_cycle where status = 'closed' order by id limit 1");
  ids.openCycle = scalar(f, "select id from review360_cycle where status = 'open' order by id limit 1");
  const rid = (email: string) => scalar<number>(f, "select r.id from review360_reviewee r join users u on u.id = r.user_id where r.cycle_id = ? and u.email = ?", ids.cycle, email);
  ids.liNa = rid(PEOPLE.otherStaff);
  ids.sunMin = rid("sun.min@aftercare.local");
  ids.zhang = rid(PEOPLE.staff);
  ids.customerAssignment = scalar(f, "select min(id) from review360_assignment where reviewee_id = ? and rater_group = 'customers' and status = 'submitted'", ids.liNa);
  ids.peerAssignment = scalar(f, "select min(id) from review360_assignment where reviewee_id = ? and rater_group = 'peers' and status = 'submitted'", ids.sunMin);
  ids.customer = scalar(f, "select customer_id from review360_assignment where id = ?", ids.customerAssignment);
  ids.fieldLead = scalar(f, "select id from users where email = 'field.lead@aftercare.local'");
  // The seed's premise, checked: exactly these groups sit below the minimum of 3.
  const submitted = (reviewee: number, group: string) => scalar<number>(f, "select count(*) from review360_assignment where reviewee_id = ? and rater_group = ? and status = 'submitted'", reviewee, group);
  expect(submitted(ids.liNa, "customers")).toBe(2);
  expect(submitted(ids.sunMin, "peers")).toBe(2);
  expect(JSON.parse(scalar<string>(f, "select min_raters_json from review360_cycle where id = ?", ids.cycle))).toMatchObject({ peers: 3, customers: 3 });
  for (const { reviewee, group } of hiddenPairs()) expect(scalar<number>(f, "select count(*) from review360_answer where reviewee_id = ? and rater_group = ?", reviewee, group)).toBeGreaterThan(0);

  manager = await loggedIn(app, PEOPLE.manager);
  // Li Na's report is released to her, so she can attack her own report too.
  const csrf = await manager.csrf(`/review360/reviewees/${ids.liNa}`);
  const released = await manager.post(`/review360/reviewees/${ids.liNa}`, { _csrf: csrf, intent: "release" });
  expect(released.headers.get("Location")).toBe(`/review360/reviewees/${ids.liNa}?done=release`);
  liNa = await loggedIn(app, PEOPLE.otherStaff);
  before = await fetchAll();
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("a group below its minimum stays hidden whatever the URL asks", () => {
  it("shows the hidden groups as hidden, with no count, on the plain report", () => {
    for (const { reviewee, group } of hiddenPairs()) {
      const html = before.get(`manager /review360/reports/${reviewee}`)!.body;
      const badge = new RegExp(`<span class="badge badge-hidden" data-group="${group}" data-status="hidden">([^<]*(?:<!-- -->[^<]*)*)</span>`).exec(html);
      expect(badge, `${group} badge of reviewee ${reviewee}`).not.toBeNull();
      // The manager reads Chinese (users.locale): "客户: 人数不足，不予显示" — no number of raters.
      expect(badge![1].replace(/<!-- -->/g, "")).toBe(`${group === "peers" ? "同事" : "客户"}: 人数不足，不予显示`);
      // No column for the group in the scores table.
      const table = /<table class="table report-table"[\s\S]*?<\/thead>/.exec(html)![0];
      expect(table).not.toContain(group === "peers" ? ">同事<" : ">客户<");
    }
  });

  it("answers every parameter set exactly as the plain URL (parameters cannot narrow or widen a group)", () => {
    const wrong: string[] = [];
    let tried = 0;
    for (const { who, url } of urls()) {
      const [path, query] = url.split("?");
      if (!query || path === `/review360/cycles/${ids.cycle}` || path === `/review360/cycles/${ids.cycle}.data`) continue; // the heatmap's `sup` filter narrows reviewees by design: checked below
      tried++;
      const plain = before.get(`${who} ${path}`)!;
      const got = before.get(`${who} ${url}`)!;
      // Remix forms post back to the page's own URL, query included: that echo is not data.
      const echo = (body: string) => body.replace(/action="([^"?]*)\?[^"]*"/g, 'action="$1"');
      if (got.status !== plain.status || echo(got.body) !== echo(plain.body)) wrong.push(`${who} ${url}: ${got.status} differs from ${path}`);
    }
    expect(wrong).toEqual([]);
    expect(tried).toBeGreaterThan(250);
  });

  it("keeps the hidden groups out of the export: a participation line without count, no score or comment rows", () => {
    const csv = before.get(`manager /review360/cycles/${ids.cycle}/export`)!.body;
    for (const [reviewee, group] of [
      [ids.liNa, "客户"],
      [ids.sunMin, "同事"],
    ] as const) {
      const name = scalar<string>(app.dbFile, "select u.name from review360_reviewee r join users u on u.id = r.user_id where r.id = ?", reviewee);
      const rows = exportRowsOf(csv, name);
      expect(rows.length).toBeGreaterThan(20);
      const mentions = rows.filter((r) => r[3] === group || r[3].startsWith(`${group} · `) || r[3] === `参与情况: ${group}`);
      // Only "参与情况: <group>" (participation), "人数不足，不予显示" (too few to show), raters and value empty.
      expect(mentions).toEqual([[name, "", "", `参与情况: ${group}`, "", "", "", "人数不足，不予显示"]]);
    }
  });

  it("the heatmap's supervisor filter shows each reviewee's row exactly as unfiltered", () => {
    const rowOf = (html: string, reviewee: number) => new RegExp(`<tr><td><a data-discover="true" href="/review360/reports/${reviewee}"[^]*?</tr>`).exec(html)?.[0] ?? null;
    const all = before.get(`manager /review360/cycles/${ids.cycle}`)!.body;
    for (const sup of [`sup=${ids.fieldLead}`, "sup=-1", "sup=999999", "group=customers"]) {
      const filtered = before.get(`manager /review360/cycles/${ids.cycle}?${sup}`)!.body;
      for (const reviewee of [ids.liNa, ids.sunMin]) {
        const row = rowOf(all, reviewee);
        expect(row, `row of ${reviewee}`).not.toBeNull();
        // Li Na's and Sun Min's supervisor is field.lead: their rows stay under that filter; under another, they are gone.
        if (sup === "sup=999999") expect(rowOf(filtered, reviewee), sup).toBeNull();
        else expect(rowOf(filtered, reviewee), sup).toBe(row);
      }
    }
  });

  it("answers byte for byte the same after the hidden groups' scores are inverted and comments added", async () => {
    withDb(app.dbFile, (db) => {
      for (const { reviewee, group } of hiddenPairs()) {
        db.prepare("update review360_answer set score = 6 - score where reviewee_id = ? and rater_group = ?").run(reviewee, group);
        for (const kind of ["strengths", "improve"]) {
          db.prepare("insert into review360_comment (cycle_id, reviewee_id, rater_group, kind, text, nonce) values (?, ?, ?, ?, ?, ?)").run(ids.cycle, reviewee, group, kind, `${MARKER} ${group} ${kind}.`, `${kind}-${group}-marker`);
        }
      }
    });
    const after = await fetchAll();
    const wrong: string[] = [];
    for (const [key, was] of before) {
      const now = after.get(key)!;
      if (now.status !== was.status || now.body !== was.body) wrong.push(key);
      if (now.body.includes(MARKER)) wrong.push(`${key} shows a hidden comment`);
    }
    expect(wrong).toEqual([]);
    expect(before.size).toBeGreaterThan(300);
  }, 120_000);
});

describe("a closed cycle's groups cannot be changed to bring a hidden group out", () => {
  it("refuses lowering the minimums, editing the definition, removing or adding raters, reopening; nothing changes", async () => {
    const f = app.dbFile;
    const unchanged = fingerprint(f, ["audit_log"]);
    const csrf = await manager.csrf(`/review360/cycles/${ids.cycle}`);
    const cycle = withDb(f, (db) => db.prepare("select * from review360_cycle where id = ?").get(ids.cycle)) as Record<string, string | number>;
    const weights = JSON.parse(String(cycle.weights_json)) as Record<string, number>;
    const edit = {
      name: cycle.name,
      period: cycle.period,
      dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
      reviewees: [],
      ...Object.fromEntries(Object.entries(weights).filter(([g]) => g !== "self").map(([g, w]) => [`weight_${g}`, w])),
      min_supervisor: 1,
      min_peers: 1,
      min_subordinates: 1,
      min_customers: 1,
      peerMin: 1,
      peerMax: 6,
      reminderAfterDays: 5,
      reminderMax: 0,
    };
    const editAnswer = await manager.post(`/review360/cycles/${ids.cycle}/edit`, { _csrf: csrf, intent: "save", payload: JSON.stringify(edit) });
    expect([editAnswer.status, editAnswer.headers.get("Location")]).toEqual([302, `/review360/cycles/${ids.cycle}?problem=not-draft`]);
    const definition = await manager.post(`/review360/cycles/${ids.cycle}/definition`, { _csrf: csrf, definition: String(cycle.definition_json) });
    expect([definition.status, definition.headers.get("Location")]).toEqual([302, `/review360/cycles/${ids.cycle}?problem=not-draft`]);
    // Remove a submitted peer of Sun Min's (2 → 1), add customers to Li Na (2 → 3 assigned).
    const peerRow = scalar<number>(f, "select min(id) from review360_assignment where reviewee_id = ? and rater_group = 'peers' and status = 'submitted'", ids.sunMin);
    const removed = await manager.post(`/review360/reviewees/${ids.sunMin}`, { _csrf: csrf, intent: "remove", assignment: String(peerRow) });
    expect([removed.status, removed.headers.get("Location")]).toEqual([302, `/review360/reviewees/${ids.sunMin}?problem=not-allowed-now`]);
    const otherCustomer = scalar<number>(f, "select min(id) from customers where email is not null and id not in (select customer_id from review360_assignment where reviewee_id = ? and customer_id is not null)", ids.liNa);
    const added = await manager.post(`/review360/reviewees/${ids.liNa}`, { _csrf: csrf, intent: "assign-customers", customer: String(otherCustomer) });
    expect(added.status).toBe(302);
    expect(added.headers.get("Location")).toMatch(new RegExp(`^/review360/reviewees/${ids.liNa}\\?problem=`));
    const staffAdd = await manager.post(`/review360/reviewees/${ids.sunMin}`, { _csrf: csrf, intent: "assign-staff", group: "peers", user: String(scalar(f, "select id from users where email = 'zhou.jie@aftercare.local'")) });
    expect(staffAdd.headers.get("Location")).toMatch(new RegExp(`^/review360/reviewees/${ids.sunMin}\\?problem=`));
    const reopened = await manager.post(`/review360/cycles/${ids.cycle}`, { _csrf: csrf, intent: "open" });
    expect(reopened.status).toBe(302);
    expect(scalar(f, "select status from review360_cycle where id = ?", ids.cycle)).toBe("closed");
    expect(fingerprint(f, ["audit_log"])).toEqual(unchanged);
    // And the reports still hide both groups.
    for (const { reviewee, group } of hiddenPairs()) {
      const html = await (await manager.get(`/review360/reports/${reviewee}`)).text();
      expect(html).toContain(`data-group="${group}" data-status="hidden"`);
    }
  });
});
