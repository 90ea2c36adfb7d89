// The PostgreSQL column (issue 9): cases 1 and 3 against a production server on PostgreSQL.
// `BENCH_POSTGRES_URL` names a server; the suite makes its own database there and drops it
// afterwards (or, for the smoke test, works in the database URL it is given, in a schema of its own).
import { performance } from "node:perf_hooks";
import { BENCH_SECRET, sampleRss, scratchDir, startFlags, startReference, startServer } from "./server.mjs";
import { ANSWERS, caseSubmit, reportPageTimes } from "./cases.mjs";
import { loadAppCode, measure } from "./app-code.mjs";
import {
  createBenchDatabase,
  pgAccess,
  pgBenchTemplate,
  pgInsertSession,
  pgPool,
  pgSeedAnsweredCampaigns,
  pgSeedCustomers,
  pgSeedOpenCampaign,
  pgSeedStaff,
  redact,
} from "./pg.mjs";
import fs from "node:fs";
import crypto from "node:crypto";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/**
 * A Kysely on PostgreSQL (the app's own bundled Kysely) whose statements are logged with their
 * wall time as the client sees it (round trip over loopback TCP included).
 */
function timedPgKysely(app, pool) {
  const log = [];
  const db = new app.Kysely({
    dialect: new app.PostgresDialect({ pool }),
    log(event) {
      if (event.level === "query") log.push({ sql: event.query.sql, params: event.query.parameters, ms: event.queryDurationMillis });
    },
  });
  return { db, log };
}

const INDEXED = new Set(["Index Scan", "Index Only Scan", "Bitmap Index Scan"]);

/**
 * `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON)` of a statement: it runs it once more in
 * the server and returns the server's own planning + execution time (no network, no client), the
 * relations read by a sequential scan and by an index, and the shared buffers touched.
 * TIMING OFF leaves out the per-node clock calls that inflate row-heavy plans; the totals stay.
 */
async function explain(acc, sql, params) {
  const rows = await acc.query(`explain (analyze, buffers, timing off, format json) ${sql}`, params ?? []);
  const raw = rows[0]["QUERY PLAN"];
  const top = (typeof raw === "string" ? JSON.parse(raw) : raw)[0];
  const seqScans = [];
  const indexScans = [];
  let buffers = 0;
  const walk = (node) => {
    if (node["Node Type"] === "Seq Scan") seqScans.push(node["Relation Name"]);
    if (INDEXED.has(node["Node Type"])) indexScans.push(node["Index Name"]);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(top.Plan);
  buffers = (top.Plan["Shared Hit Blocks"] ?? 0) + (top.Plan["Shared Read Blocks"] ?? 0);
  return { planningMs: top["Planning Time"], executionMs: top["Execution Time"], seqScans, indexScans, buffers };
}

/**
 * Cases 1 and 3 on PostgreSQL. `o.pg.serverUrl` (BENCH_POSTGRES_URL: a database of its own is
 * created and dropped) or `o.pg.databaseUrl` (used as given, e.g. a test schema's URL).
 * The other options are satisfactionSuite's.
 */
export async function postgresSuite(o) {
  const log = o.log ?? (() => {});
  const want = (n) => !o.only || o.only.has(n);
  const out = { seed: {} };
  let database = null;
  let url = o.pg.databaseUrl;
  if (!url) {
    database = await createBenchDatabase(o.pg.serverUrl);
    url = database.url;
    log(`  PostgreSQL database ${database.name} on ${redact(o.pg.serverUrl)}`);
  }
  out.database = database?.name ?? "(given)";
  const dir = scratchDir();
  let server = null;
  let acc = null;
  let pool = null;
  try {
    // The app migrates the empty database on its first start, as on SQLite.
    let t = performance.now();
    server = await startServer({ buildDir: o.buildDir, dataDir: dir, databaseUrl: url, env: o.env });
    await server.stop();
    server = null;
    out.seed.migrateMs = performance.now() - t;
    const app = await loadAppCode();
    acc = await pgAccess(url);
    out.server = await acc.value("select version()");
    t = performance.now();
    const template = await pgBenchTemplate(acc);
    const staff = await pgSeedStaff(acc);
    const submitCustomers = await pgSeedCustomers(acc, { count: want(1) ? o.submitTokens : 0, prefix: "Submit", ownerIds: staff.ownerIds });
    const submit = want(1) ? await pgSeedOpenCampaign(acc, { templateId: template.id, customerIds: submitCustomers, secret: BENCH_SECRET, name: "Bench submissions", createdBy: staff.managerId }) : null;
    out.seed.linksMs = performance.now() - t;
    t = performance.now();
    const reportCustomerIds = await pgSeedCustomers(acc, { count: o.reportCustomers, prefix: "Report", ownerIds: staff.ownerIds });
    const campaignIds = await pgSeedAnsweredCampaigns(acc, { template, campaigns: want(3) ? o.reportCampaigns : 0, customerIds: reportCustomerIds, scoreResponse: app.scoreResponse, createdBy: staff.managerId });
    out.seed.loadMs = performance.now() - t;
    // The aggregates the submissions keep, by the SQL of the migration that made them.
    const tStats = performance.now();
    pool = pgPool(url, 2);
    const k = new app.Kysely({ dialect: new app.PostgresDialect({ pool }) });
    await app.backfillCampaignStats(k, campaignIds);
    out.seed.statsMs = performance.now() - tStats;
    const tAnalyze = performance.now();
    await acc.exec("analyze");
    out.seed.analyzeMs = performance.now() - tAnalyze;
    out.seed.reportMs = performance.now() - t;
    out.seed.responses = await acc.value("select count(*) from satisfaction_response");
    out.seed.itemScores = await acc.value("select count(*) from satisfaction_item_score");
    log(
      `  seeded ${out.seed.responses} responses (${out.seed.itemScores} item scores) over ${campaignIds.length} campaigns on PostgreSQL in ${round(out.seed.reportMs / 1000)} s (load ${round(out.seed.loadMs / 1000)} s, aggregates ${round(out.seed.statsMs / 1000)} s, analyze ${round(out.seed.analyzeMs / 1000)} s)`,
    );
    const managerSession = await pgInsertSession(acc, staff.managerId);

    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
    server = await startServer({ buildDir: o.buildDir, dataDir: dir, databaseUrl: url, env: o.env, nodeArgs });
    const rss = sampleRss(server);
    await sleep(o.settleMs ?? 3_000);
    rss.mark("start");
    if (want(1)) {
      log("  case 1 on PostgreSQL: survey submission under load");
      out.submit = await caseSubmit({
        ...o,
        server,
        acc,
        startInsertReference: () => pgInsertReference({ acc, url, app, template }),
        template,
        tokens: submit.tokens,
        campaignId: submit.campaignId,
      });
      rss.mark("case 1");
    }
    if (want(3)) {
      log("  case 3 on PostgreSQL: report at scale");
      out.report = await pgCaseReport({ ...o, server, app, acc, url, template, campaignIds, managerSession });
      rss.mark("case 3");
    }
    out.rss = { nodeFlags: [...startFlags(), ...nodeArgs], peakMb: rss.stop(), peakMbByCase: rss.byMark() };
    const failures = server.output().match(/request failed|\[aftercare\] error/g);
    out.serverErrors = failures ? failures.length : 0;
    return out;
  } finally {
    await server?.stop();
    await pool?.end();
    await acc?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (database) await database.drop();
  }
}

/**
 * The PostgreSQL reference of case 1: a bare node:http server doing one insert per POST through a
 * pg pool into a copy of the app's satisfaction_response table (`LIKE … INCLUDING ALL`: same
 * columns, identity, indexes; no foreign keys, as the SQLite reference) in a schema of its own in
 * the same database, with the server's default durability (synchronous_commit on), as the app.
 */
async function pgInsertReference({ acc, url, app, template }) {
  const schema = `bench_ref_${crypto.randomBytes(4).toString("hex")}`;
  await acc.exec(`create schema ${schema}; create table ${schema}.satisfaction_response (like satisfaction_response including all)`);
  const s = app.scoreResponse(template.definition, ANSWERS);
  const server = await startReference({
    MODE: "pginsert",
    REF_PG_URL: url,
    REF_PG_TABLE: `${schema}.satisfaction_response`,
    REF_SCORES: JSON.stringify({ score: s.score, satisfied: s.satisfied ? 1 : 0, product: s.product, service: s.service, lowest: s.lowestLevel ? 1 : 0 }),
  });
  return { server, cleanup: () => acc.exec(`drop schema ${schema} cascade`), label: "bare pg insert" };
}

/**
 * Case 3 on PostgreSQL: the app's `campaignReport` for one campaign (a different one each run),
 * the trend, the report page; the JSON way as reference. Database time = the server's planning +
 * execution time of every statement the report ran (EXPLAIN ANALYZE of the same SQL and
 * parameters, right after the run), summed; the wall time the client saw over loopback TCP is kept.
 */
async function pgCaseReport({ server, app, acc, url, template, campaignIds, managerSession, reportRuns = 5 }) {
  const pool = pgPool(url, 4);
  try {
    const { db: kdb, log } = timedPgKysely(app, pool);
    const pickCampaign = (i) => campaignIds[(((Math.floor(campaignIds.length / 2) + i * 7) % campaignIds.length) + campaignIds.length) % campaignIds.length];
    await app.campaignReport(kdb, pickCampaign(-1));
    const serverMs = [];
    const wallMs = [];
    let plans = [];
    for (let i = 0; i < reportRuns; i++) {
      log.length = 0;
      await app.campaignReport(kdb, pickCampaign(i));
      const statements = [...log];
      wallMs.push(statements.reduce((a, b) => a + b.ms, 0));
      plans = [];
      for (const st of statements) plans.push({ sql: st.sql, wallMs: round(st.ms, 2), ...(await explain(acc, st.sql, st.params)) });
      serverMs.push(plans.reduce((a, p) => a + p.planningMs + p.executionMs, 0));
    }
    // Index use: every statement reads its table through an index, except tables so small that
    // PostgreSQL's planner reads their page or two directly (≤ 1,000 rows: not a missing index).
    const sizes = new Map((await acc.all("select relname, reltuples from pg_class where relkind = 'r' and relnamespace = (select oid from pg_namespace where nspname = current_schema())")).map((r) => [r.relname, Number(r.reltuples)]));
    const bigSeqScans = plans.flatMap((p) => p.seqScans.filter((rel) => (sizes.get(rel) ?? Infinity) > 1_000));
    const smallSeqScans = plans.flatMap((p) => p.seqScans.filter((rel) => (sizes.get(rel) ?? Infinity) <= 1_000));

    // Reference: the same aggregate (item averages, index, satisfied share) from the raw JSON answers.
    const def = template.definition;
    const pointsOf = (q) => `(case (j ->> '${q}')::float8 ${def.scale.map((l) => `when ${Number(l.value)} then ${Number(l.points)}`).join(" ")} end)`;
    const weighted = def.items.map((i) => `${Number(i.weight)} * ${pointsOf(i.question)}`).join(" + ");
    const jsonSql = `select count(*) as n, ${def.items.map((i) => `avg(${pointsOf(i.question)}) as "${i.id}"`).join(", ")}, avg(${weighted}) as idx, avg(case when ${weighted} >= ${Number(def.threshold)} then 1.0 else 0.0 end) as share
      from satisfaction_response cross join lateral (select answers_json::jsonb as j) x where campaign_id = $1`;
    const json = [];
    let jsonRow = null;
    for (let i = 0; i < Math.max(3, Math.ceil(reportRuns / 2)); i++) {
      const r = await measure(() => acc.query(jsonSql, [pickCampaign(i)]));
      const e = await explain(acc, jsonSql, [pickCampaign(i)]);
      json.push({ wallMs: r.ms, serverMs: e.planningMs + e.executionMs });
      jsonRow = { campaign: pickCampaign(i), ...r.value[0] };
    }
    const check = await app.campaignReport(kdb, jsonRow.campaign);
    const agree =
      Math.abs(check.index - jsonRow.idx) < 1e-6 && Math.abs(check.shareSatisfied - jsonRow.share) < 1e-6 && check.items.every((it) => Math.abs(it.average - jsonRow[it.item]) < 1e-6);

    // The trend across all campaigns: cold on a fresh handle (nothing cached), its server time by
    // EXPLAIN ANALYZE of the statements it ran; warm once the settled campaigns are kept.
    const trendCold = [];
    for (let i = 0; i < 3; i++) {
      const fresh = timedPgKysely(app, pool);
      const r = await measure(() => app.satisfactionTrend(fresh.db));
      let server = 0;
      for (const st of [...fresh.log]) {
        const e = await explain(acc, st.sql, st.params);
        server += e.planningMs + e.executionMs;
      }
      trendCold.push({ wallMs: r.ms, serverMs: server });
    }
    const warm = timedPgKysely(app, pool);
    await app.satisfactionTrend(warm.db);
    const trendWarm = [];
    for (let i = 0; i < 3; i++) trendWarm.push(await measure(() => app.satisfactionTrend(warm.db)));
    const trendJsonSql = `select campaign_id, count(*), avg(${weighted}) from satisfaction_response cross join lateral (select answers_json::jsonb as j) x group by campaign_id`;
    const trendJson = await measure(() => acc.query(trendJsonSql));
    const trendJsonPlan = await explain(acc, trendJsonSql);

    const page = await reportPageTimes({ server, managerSession, pickCampaign, reportRuns });
    return {
      responsesPerCampaign: check.counts.returned,
      campaigns: campaignIds.length,
      dbMs: median(serverMs),
      dbMsMeaning: "server-side planning + execution time (EXPLAIN ANALYZE, TIMING OFF), summed over the report's statements",
      dbWallMs: median(wallMs),
      dbMsRuns: serverMs.map((x) => round(x, 2)),
      dbWallMsRuns: wallMs.map((x) => round(x, 2)),
      statements: plans.map((p) => ({ ...p, planningMs: round(p.planningMs, 3), executionMs: round(p.executionMs, 3) })),
      usesIndex: bigSeqScans.length === 0,
      bigSeqScans,
      smallSeqScans,
      json: { ms: median(json.map((r) => r.serverMs)), wallMs: median(json.map((r) => r.wallMs)), agree },
      trend: {
        campaigns: campaignIds.length,
        ms: median(trendCold.map((r) => r.serverMs)),
        wallMs: median(trendCold.map((r) => r.wallMs)),
        warmMs: median(trendWarm.map((r) => r.ms)),
        jsonMs: trendJsonPlan.planningMs + trendJsonPlan.executionMs,
        jsonWallMs: trendJson.ms,
      },
      page,
    };
  } finally {
    await pool.end();
  }
}
