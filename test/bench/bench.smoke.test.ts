// The bench harness on tiny data, in seconds, with no targets: it checks that every case still
// produces its numbers and that the data checks hold (nothing lost, nothing stored or sent twice),
// so `npm run bench` cannot rot between the times someone runs it. Uses the production build the
// browser suite's global setup made for this run.
//
// In the PostgreSQL pass of `npm test` (AFTERCARE_TEST_POSTGRES_URL set: the run's own database)
// it exercises the bench's PostgreSQL column instead — cases 1 and 3 on a production server over
// PostgreSQL, in a schema of its own in that database — and leaves the SQLite cases to the SQLite pass.
import { describe, expect, inject, it } from "vitest";
import { createTestSchema, testPostgresUrl } from "@aftercare/db/test-db";
import { mailAndImportSuite, satisfactionSuite } from "./lib/cases.mjs";
import { postgresSuite } from "./lib/pg-cases.mjs";
import { review360Suite } from "./lib/review360.mjs";
import { formatTable, tableRows } from "./lib/table.mjs";

const buildDir = inject("buildDir");
// The global setup builds with the test plugin mounted: run the server the same way.
const env = { AFTERCARE_TEST_PLUGINS: "1" };
const number = (x: unknown) => typeof x === "number" && Number.isFinite(x);
const pgUrl = testPostgresUrl();
/** The same tiny sizes for the SQLite and the PostgreSQL runs of cases 1 and 3. */
const tiny = {
  connections: 4,
  duration: 1,
  warmup: 0,
  floorDuration: 1,
  submitTokens: 3_000,
  openTokens: 20,
  reportCampaigns: 3,
  reportCustomers: 40,
  reportRuns: 2,
  settleMs: 500,
};

/**
 * Case 1 on either database: answers were stored, each exactly once, every acknowledged one is
 * there, and the report aggregates kept at submission (under concurrent load) equal a recount.
 */
function expectCase1(submit: any): void {
  expect(submit.requests).toBeGreaterThan(0);
  expect(submit.check.acknowledged).toBeGreaterThan(0);
  expect(submit.check.lost).toBe(0);
  expect(submit.check.duplicated).toBe(0);
  expect(submit.check.aggregateMismatches).toBe(0);
  expect(submit.check.aggregate.kept.n).toBe(submit.check.responses);
  expect(submit.errors).toBe(0);
  for (const x of [submit.rps, submit.p99, submit.reference.rps, submit.floor.rps]) expect(number(x)).toBe(true);
}

describe("the bench harness (tiny data, no targets)", () => {
  const results: Record<string, any> = {};

  if (pgUrl) {
    it("cases 1 and 3 on PostgreSQL: submissions stored once with their aggregates, the report through indexes", { timeout: 180_000 }, async () => {
      const schema = await createTestSchema(pgUrl);
      try {
        const p = await postgresSuite({ buildDir, env, pg: { databaseUrl: schema.url }, ...tiny });
        results.postgres = p;
        expectCase1(p.submit);
        expect(p.submit.reference.errors).toBe(0);
        // The seed (counted before the load): 3 campaigns × 40 customers = 120 responses, × 5 items = 600.
        expect(p.seed.responses).toBe(120);
        expect(p.seed.itemScores).toBe(600);
        // Case 3: the report's statements were timed in the server, the JSON reference agrees.
        expect(p.report.responsesPerCampaign).toBe(40);
        expect(p.report.statements.length).toBeGreaterThan(2);
        expect(p.report.statements.every((st: { executionMs: number }) => number(st.executionMs))).toBe(true);
        expect(p.report.usesIndex).toBe(true);
        expect(p.report.json.agree).toBe(true);
        for (const x of [p.report.dbMs, p.report.dbWallMs, p.report.json.ms, p.report.page.ms, p.report.trend.ms, p.report.trend.jsonMs]) expect(number(x)).toBe(true);
        expect(p.serverErrors).toBe(0);
      } finally {
        await schema.drop();
      }
    });
  } else {
    it("cases 1, 2, 3 and 7: submissions, opening the link, the report, memory", { timeout: 120_000 }, async () => {
      const s = await satisfactionSuite({ buildDir, env, ...tiny });
      results.satisfaction = s;
      expectCase1(s.submit);
      // Case 2.
      expect(s.open.requests).toBeGreaterThan(0);
      expect(s.open.errors).toBe(0);
      for (const x of [s.open.rps, s.open.p99, s.open.reference.rps, s.open.floor.rps]) expect(number(x)).toBe(true);
      // Case 3: the report's own SQL was timed and planned, and the JSON reference agrees with it.
      expect(s.report.responsesPerCampaign).toBe(40);
      expect(s.report.statements.length).toBeGreaterThan(2);
      expect(s.report.usesIndex).toBe(true);
      expect(s.report.json.agree).toBe(true);
      for (const x of [s.report.dbMs, s.report.json.ms, s.report.page.ms, s.report.trend.ms, s.report.trend.jsonMs]) expect(number(x)).toBe(true);
      // Case 7.
      expect(s.rss.peakMb).toBeGreaterThan(0);
      expect(s.serverErrors).toBe(0);
    });

    it("cases 4 and 5: sending a campaign through the catcher, importing customers", { timeout: 120_000 }, async () => {
      const m = await mailAndImportSuite({ buildDir, env, sendCustomers: 25, importRows: 25, drainTimeoutMs: 60_000 });
      results.mail = m;
      expect(m.send.enqueued).toBe(25);
      expect(m.send.drained).toBe(true);
      expect(m.send.caught).toBe(25);
      expect(m.send.duplicates).toBe(0);
      for (const x of [m.send.enqueueMs, m.send.mailsPerSecond]) expect(number(x)).toBe(true);
      expect(m.import.imported).toBe(25);
      expect(number(m.import.totalMs)).toBe(true);
      expect(m.serverErrors).toBe(0);
    });

    it("case 6: the 360 report (or a reason it is skipped)", { timeout: 120_000 }, async () => {
      const r = await review360Suite({ reviewees: 6, raters: 4, teamSize: 5, reportRuns: 2 });
      results.review360 = r;
      expect(r.error).toBeUndefined();
      if (r.skipped) expect(typeof r.skipped).toBe("string");
      else for (const x of [r.revieweeMs, r.heatmapMs]) expect(number(x)).toBe(true);
    });
  }

  it("prints one table with a row per figure", () => {
    const rows = tableRows(results, { judge: false });
    expect(rows.length).toBeGreaterThan(pgUrl ? 11 : 15);
    if (pgUrl) expect(rows.filter((r: { id: string }) => r.id.endsWith("pg")).length).toBeGreaterThan(11);
    expect(rows.every((r: { pass: unknown }) => r.pass === null)).toBe(true);
    expect(formatTable(rows)).toContain("Survey submission");
  });
});
