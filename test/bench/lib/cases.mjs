// The benchmark cases of issue 7. Each suite starts its own production server over its own scratch
// database, seeds what its cases need, measures, checks the data afterwards and returns raw
// measurements (no targets: run.mjs judges them, the smoke test only checks that they exist).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BENCH_SECRET, sampleRss, scratchDir, startFlags, startReference, startServer } from "./server.mjs";
import { benchTemplate, bulkMode, count, openDb, seedAnsweredCampaigns, seedCustomers, seedDraftCampaign, seedOpenCampaign, seedStaff } from "./seed.mjs";
import { csrfPair, insertSession, staffCookies } from "./secrets.mjs";
import { runLoad } from "./load.mjs";
import { loadAppCode, measure, timedKysely } from "./app-code.mjs";

/** Complete answers of the default template (every rated item; no comment). */
export const ANSWERS = { quality: 100, price: 80, delivery: 80, packaging: 100, service: 100 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Starts a server once over a new scratch database so the migrations run, then stops it. */
export async function migratedScratch(buildDir, env) {
  const dir = scratchDir();
  const dbFile = path.join(dir, "aftercare.db");
  try {
    const server = await startServer({ buildDir, dataDir: dir, dbFile, env });
    await server.stop();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, dbFile };
}

// ---------------------------------------------------------------------------------------------
// Cases 1, 2, 3 and 7 (satisfaction), on one server.

/**
 * @param {object} o
 * @param {string} o.buildDir          build folder under apps/web
 * @param {number} o.connections       autocannon connections (cases 1, 2)
 * @param {number} o.duration          seconds of measured load per run (cases 1, 2)
 * @param {number} o.warmup            seconds of unmeasured load before each run
 * @param {number} o.submitTokens      personal links available to case 1 (each is used once)
 * @param {number} o.openTokens        personal links case 2 cycles through
 * @param {number} o.reportCampaigns   closed campaigns seeded for case 3
 * @param {number} o.reportCustomers   customers answering each of them
 * @param {number} o.reportRuns        timed runs of each case-3 measurement
 * @param {Set<number>} [o.only]      the cases to run (all when absent); the others are not measured
 * @param {Record<string,string>} [o.env] extra server environment
 * @param {(line: string) => void} [o.log]
 */
export async function satisfactionSuite(o) {
  const log = o.log ?? (() => {});
  const out = { seed: {} };
  // `--only 7` alone measures the memory through all three.
  const want = (n) => !o.only || o.only.has(n) || (o.only.has(7) && ![1, 2, 3].some((c) => o.only.has(c)));
  const { dir, dbFile } = await migratedScratch(o.buildDir, o.env);
  let server = null;
  let db = null;
  try {
    const app = await loadAppCode();
    db = openDb(dbFile);
    let t = performance.now();
    const template = benchTemplate(db);
    const staff = seedStaff(db);
    const submitCustomers = seedCustomers(db, { count: o.submitTokens, prefix: "Submit", ownerIds: staff.ownerIds });
    const openCustomers = seedCustomers(db, { count: o.openTokens, prefix: "Open", ownerIds: staff.ownerIds });
    const submit = seedOpenCampaign(db, { templateId: template.id, customerIds: submitCustomers, secret: BENCH_SECRET, name: "Bench submissions", createdBy: staff.managerId });
    const open = seedOpenCampaign(db, { templateId: template.id, customerIds: openCustomers, secret: BENCH_SECRET, name: "Bench opening", createdBy: staff.managerId });
    out.seed.linksMs = performance.now() - t;
    log(`  seeded ${o.submitTokens + o.openTokens} personal links in ${round(out.seed.linksMs / 1000)} s`);
    t = performance.now();
    const reportCustomerIds = seedCustomers(db, { count: o.reportCustomers, prefix: "Report", ownerIds: staff.ownerIds });
    // (the report's data only when case 3 runs: it is what case 7 measures the server with)
    const campaignIds = bulkMode(db, () =>
      seedAnsweredCampaigns(db, { template, campaigns: want(3) ? o.reportCampaigns : 0, customerIds: reportCustomerIds, scoreResponse: app.scoreResponse, createdBy: staff.managerId }),
    );
    // The per-campaign aggregates the submissions keep, filled by the SQL of the migration that
    // created them (migration 03's backfill), as on a database migrated with these responses.
    const tStats = performance.now();
    await app.backfillCampaignStats(timedKysely(app, db).db, campaignIds);
    out.seed.statsMs = performance.now() - tStats;
    out.seed.reportMs = performance.now() - t;
    out.seed.responses = count(db, "select count(*) from satisfaction_response");
    out.seed.itemScores = count(db, "select count(*) from satisfaction_item_score");
    log(`  seeded ${out.seed.responses} responses (${out.seed.itemScores} item scores) over ${campaignIds.length} campaigns in ${round(out.seed.reportMs / 1000)} s`);
    const managerSession = insertSession(db, staff.managerId);

    // BENCH_SERVER_NODE_ARGS: extra node flags for the measured server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
    server = await startServer({ buildDir: o.buildDir, dataDir: dir, dbFile, env: o.env, nodeArgs });
    const rss = sampleRss(server);
    // The plugins' scheduled jobs run once 2 s after the start: let them finish first.
    await sleep(o.settleMs ?? 3_000);
    rss.mark("start");
    if (want(1)) {
      log("  case 1: survey submission under load");
      out.submit = await caseSubmit({
        ...o,
        server,
        acc: sqliteAccess(db),
        startInsertReference: () => sqliteInsertReference({ db, app, template }),
        template,
        tokens: submit.tokens,
        campaignId: submit.campaignId,
      });
      rss.mark("case 1");
    }
    if (want(2)) {
      log("  case 2: opening the personal link");
      out.open = await caseOpen({ ...o, server, tokens: open.tokens });
      rss.mark("case 2");
    }
    if (want(3)) {
      log("  case 3: report at scale");
      out.report = await caseReport({ ...o, server, app, template, campaignIds, managerSession });
      rss.mark("case 3");
    }
    out.rss = { nodeFlags: [...startFlags(), ...nodeArgs], peakMb: rss.stop(), samples: rss.samples(), peakMbByCase: rss.byMark() };
    const failures = server.output().match(/request failed|\[aftercare\] error/g);
    out.serverErrors = failures ? failures.length : 0;
    return out;
  } finally {
    await server?.stop();
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Async access to a better-sqlite3 handle with the same shape as `pgAccess` (lib/pg.mjs), so the
 * row checks after case 1 run the same SQL on both.
 */
export function sqliteAccess(db) {
  return {
    dialect: "sqlite",
    all: async (sql, ...params) => db.prepare(sql).all(...params),
    get: async (sql, ...params) => db.prepare(sql).get(...params),
    value: async (sql, ...params) => db.prepare(sql).pluck().get(...params),
  };
}

/**
 * The SQLite reference of case 1: a bare node:http server doing one better-sqlite3 insert of the
 * same row per POST, same table, indexes and synchronous mode. Returns `{ server, cleanup }`.
 */
async function sqliteInsertReference({ db, app, template }) {
  const refDir = scratchDir("aftercare-bench-ref-");
  const schema = db.prepare("select sql from sqlite_master where tbl_name = 'satisfaction_response' and sql is not null order by type = 'index', name").pluck().all();
  const s = app.scoreResponse(template.definition, ANSWERS);
  const server = await startReference({
    MODE: "insert",
    REF_DB: path.join(refDir, "ref.db"),
    REF_SCHEMA: JSON.stringify(schema),
    REF_SCORES: JSON.stringify({ score: s.score, satisfied: s.satisfied ? 1 : 0, product: s.product, service: s.service, lowest: s.lowestLevel ? 1 : 0 }),
  });
  return { server, cleanup: () => fs.rmSync(refDir, { recursive: true, force: true }), label: "bare insert" };
}

/** Case 1: POST complete answers with distinct valid links, as the browser does (single fetch). */
export async function caseSubmit({ server, acc, startInsertReference, template, tokens, campaignId, connections, duration, warmup, floorDuration }) {
  const csrf = csrfPair(BENCH_SECRET);
  const headers = { cookie: `ac_csrf=${csrf.cookie}; ac_lang=en`, "content-type": "application/x-www-form-urlencoded" };
  const body = new URLSearchParams({ _csrf: csrf.token, intent: "submit", payload: JSON.stringify(ANSWERS) }).toString();
  const okBody = (b) => b.includes('"ok",true');

  // The reference: one insert of the same row per POST, same table and indexes, same durability.
  const { server: ref, cleanup, label } = await startInsertReference();
  let reference;
  try {
    const refNext = () => ({ method: "POST", path: "/satisfaction/s/reference.data", headers, body });
    if (warmup) await runLoad({ url: ref.url, connections, duration: warmup, next: refNext, okBody });
    reference = await runLoad({ url: ref.url, connections, duration, next: refNext, okBody, pid: ref.pid });
  } finally {
    await ref.stop();
    await cleanup();
  }

  let issued = 0;
  const next = () => {
    const k = issued++;
    // Past the end the links repeat: counted below as duplicates (the pool must be big enough).
    return { method: "POST", path: `/satisfaction/s/${tokens[k % tokens.length]}.data`, headers, body, tag: k % tokens.length };
  };
  const warm = warmup ? await runLoad({ url: server.url, connections, duration: warmup, next, okBody }) : null;
  // The framework's floor on the same server: the smallest public action (switching the language:
  // CSRF check, no account, a redirect), with no database write.
  const floorBody = new URLSearchParams({ _csrf: csrf.token, locale: "en" }).toString();
  const floorNext = () => ({ method: "POST", path: "/language.data", headers, body: floorBody });
  const floor = await runLoad({ url: server.url, connections, duration: floorDuration ?? duration, next: floorNext, okStatus: 202, pid: server.pid });

  const run = await runLoad({ url: server.url, connections, duration, next, okBody, pid: server.pid });
  await sleep(300);

  // Count the rows afterwards: every acknowledged submission stored once, nothing stored twice.
  const acknowledged = [...(warm?.acknowledged ?? []), ...run.acknowledged];
  const ackSet = new Set(acknowledged);
  const stored = new Set(
    await acc.all("select rc.invitation_id as id from satisfaction_response r join satisfaction_recipient rc on rc.id = r.recipient_id where r.campaign_id = ?", campaignId).then((rows) => rows.map((r) => r.id)),
  );
  const responses = await acc.value("select count(*) from satisfaction_response where campaign_id = ?", campaignId);
  const distinctRecipients = await acc.value("select count(distinct recipient_id) from satisfaction_response where campaign_id = ?", campaignId);
  const itemRows = await acc.value("select count(*) from satisfaction_item_score where campaign_id = ?", campaignId);
  const completed = await acc.value("select count(*) from invitations where purpose = 'satisfaction' and subject_ref = ? and state = 'completed'", String(campaignId));
  const lost = [...ackSet].filter((k) => !stored.has(tokens[k].slice(0, 16))).length;
  // The report aggregates the submissions kept under load must equal a recount of the rows.
  const kept = await acc.get(
    "select coalesce(sum(responses), 0) as n, coalesce(sum(score_sum), 0) as total, coalesce(sum(satisfied), 0) as satisfied from satisfaction_campaign_group_stat where campaign_id = ?",
    campaignId,
  );
  const recount = await acc.get("select count(*) as n, coalesce(sum(score), 0) as total, coalesce(sum(satisfied), 0) as satisfied from satisfaction_response where campaign_id = ?", campaignId);
  const keptItems = await acc.value("select coalesce(sum(answers), 0) from satisfaction_campaign_item_stat where campaign_id = ?", campaignId);
  const aggregateMismatches =
    (kept.n !== recount.n) + (Math.abs(kept.total - recount.total) > 1e-6 * Math.max(1, recount.total)) + (kept.satisfied !== recount.satisfied) + (keptItems !== itemRows);
  const duplicated =
    acknowledged.length - ackSet.size + (responses - distinctRecipients) + Math.max(0, issued - tokens.length) + Math.abs(itemRows - responses * template.definition.items.length) + Math.abs(completed - responses);
  const errors = (r) => (r ? r.errors + r.timeouts + r.non2xx + r.badBodies : 0);
  return {
    path: "POST /satisfaction/s/<token>.data (single fetch, as the browser submits)",
    connections,
    durationS: duration,
    rps: run.total / run.duration,
    p50: run.p50,
    p99: run.p99,
    steadyP99: run.steadyP99,
    requests: run.total,
    errors: errors(run) + errors(warm),
    status: run.status,
    cpuMsPerRequest: run.cpuMsPerRequest,
    reference: { label, rps: reference.total / reference.duration, p99: reference.p99, errors: errors(reference), cpuMsPerRequest: reference.cpuMsPerRequest },
    floor: { path: "POST /language.data", rps: floor.total / floor.duration, p99: floor.p99, errors: floor.errors + floor.timeouts + floor.non2xx, cpuMsPerRequest: floor.cpuMsPerRequest },
    check: { acknowledged: ackSet.size, responses, lost, duplicated, aggregateMismatches, aggregate: { kept, recount, keptItems, itemRows }, unacknowledgedRows: responses - ackSet.size, linksUsed: issued, linksAvailable: tokens.length },
  };
}

/** Case 2: GET the personal link (token lookup, loaders, server render), cycling over `tokens`. */
async function caseOpen({ server, tokens, connections, duration, warmup, floorDuration }) {
  const csrf = csrfPair(BENCH_SECRET);
  const headers = { cookie: `ac_csrf=${csrf.cookie}; ac_lang=en` };
  const first = await fetch(`${server.url}/satisfaction/s/${tokens[0]}`, { headers });
  const html = await first.text();
  if (first.status !== 200 || !html.includes("survey-page")) throw new Error(`The survey page did not render (HTTP ${first.status})`);
  const refDir = scratchDir("aftercare-bench-ref-");
  fs.writeFileSync(path.join(refDir, "page.html"), html);
  const ref = await startReference({ MODE: "html", REF_HTML: path.join(refDir, "page.html") });
  let reference;
  try {
    const refNext = () => ({ path: "/satisfaction/s/reference", headers });
    if (warmup) await runLoad({ url: ref.url, connections, duration: warmup, next: refNext });
    reference = await runLoad({ url: ref.url, connections, duration, next: refNext, pid: ref.pid });
  } finally {
    await ref.stop();
    fs.rmSync(refDir, { recursive: true, force: true });
  }
  let k = 0;
  const next = () => ({ path: `/satisfaction/s/${tokens[k++ % tokens.length]}`, headers });
  if (warmup) await runLoad({ url: server.url, connections, duration: warmup, next });
  // The framework's floor on the same server: the smallest public page (root loader, no query).
  const floor = await runLoad({ url: server.url, connections, duration: floorDuration ?? duration, next: () => ({ path: "/link-invalid", headers }), pid: server.pid });
  const run = await runLoad({ url: server.url, connections, duration, next, pid: server.pid });
  return {
    path: "GET /satisfaction/s/<token> (document: root + survey loaders, React server render)",
    pageBytes: Buffer.byteLength(html),
    rps: run.total / run.duration,
    p50: run.p50,
    p99: run.p99,
    steadyP99: run.steadyP99,
    requests: run.total,
    errors: run.errors + run.timeouts + run.non2xx,
    cpuMsPerRequest: run.cpuMsPerRequest,
    reference: { rps: reference.total / reference.duration, p99: reference.p99, cpuMsPerRequest: reference.cpuMsPerRequest },
    floor: { path: "GET /link-invalid", rps: floor.total / floor.duration, p99: floor.p99, errors: floor.errors + floor.timeouts + floor.non2xx, cpuMsPerRequest: floor.cpuMsPerRequest },
  };
}

/** EXPLAIN QUERY PLAN of a statement: its lines, and whether it reads a table without an index. */
function plan(raw, sql, params) {
  const rows = raw.prepare(`explain query plan ${sql}`).all(...(params ?? []));
  const lines = rows.map((r) => r.detail);
  const fullScans = lines.filter((d) => /^SCAN (?!CONSTANT)/.test(d) && !/USING (COVERING )?INDEX/.test(d));
  return { lines, fullScans };
}

/**
 * The full report page over HTTP, rendered, as a logged-in manager sees it: one first view, then
 * `reportRuns` views of different campaigns (median ms), and the server's CPU time per page.
 */
export async function reportPageTimes({ server, managerSession, pickCampaign, reportRuns }) {
  const csrf = csrfPair(BENCH_SECRET);
  const headers = { cookie: staffCookies(managerSession, csrf) };
  const get = async (id) => {
    const res = await fetch(`${server.url}/satisfaction/campaigns/${id}/report`, { headers });
    const text = await res.text();
    if (res.status !== 200 || !text.includes("report-scores")) throw new Error(`The report page of campaign ${id} answered HTTP ${res.status}`);
    return text.length;
  };
  const firstPage = await measure(() => get(pickCampaign(-1)));
  const pageMs = [];
  let pageBytes = 0;
  const cpu0 = server.cpuMs();
  for (let i = 0; i < reportRuns; i++) {
    const r = await measure(() => get(pickCampaign(i)));
    pageMs.push(r.ms);
    pageBytes = r.value;
  }
  const serverCpuPerPage = (server.cpuMs() - cpu0) / reportRuns;
  return { ms: median(pageMs), runs: pageMs.map((x) => round(x)), firstMs: firstPage.ms, serverCpuMs: serverCpuPerPage, bytes: pageBytes };
}

/**
 * Case 3: one campaign's report among many, its page, the trend; the JSON way as reference.
 * Database time is measured around every statement the app's own `campaignReport` runs, as CPU
 * time (what the database works; a busy shared machine inflates wall time, which is kept too).
 */
async function caseReport({ server, app, template, campaignIds, managerSession, reportRuns = 5 }) {
  const raw = openDb(server.dbFile);
  try {
    const { db: kdb, log } = timedKysely(app, raw);
    const pickCampaign = (i) => campaignIds[(((Math.floor(campaignIds.length / 2) + i * 7) % campaignIds.length) + campaignIds.length) % campaignIds.length];
    // A different campaign each run.
    await app.campaignReport(kdb, pickCampaign(-1));
    const dbCpuMs = [];
    const dbWallMs = [];
    let statements = [];
    let report = null;
    for (let i = 0; i < reportRuns; i++) {
      log.length = 0;
      report = await app.campaignReport(kdb, pickCampaign(i));
      dbWallMs.push(log.reduce((a, b) => a + b.ms, 0));
      dbCpuMs.push(log.reduce((a, b) => a + b.cpuMs, 0));
      statements = log.map((l) => ({ sql: l.sql, params: l.params, ms: l.ms, cpuMs: l.cpuMs }));
    }
    const plans = statements.map((st) => ({ sql: st.sql, ms: round(st.ms, 2), cpuMs: round(st.cpuMs, 2), ...plan(raw, st.sql, st.params) }));
    const usesIndex = plans.every((p) => p.fullScans.length === 0);

    // Reference: the same aggregate (item averages, index, satisfied share) from the raw JSON answers.
    const def = template.definition;
    const pointsOf = (q) => `(case json_extract(answers_json, '$.${q}') ${def.scale.map((l) => `when ${Number(l.value)} then ${Number(l.points)}`).join(" ")} end)`;
    const weighted = def.items.map((i) => `${Number(i.weight)} * ${pointsOf(i.question)}`).join(" + ");
    const jsonSql = `select count(*) as n, ${def.items.map((i) => `avg(${pointsOf(i.question)}) as "${i.id}"`).join(", ")}, avg(${weighted}) as idx, avg(case when ${weighted} >= ${Number(def.threshold)} then 1.0 else 0.0 end) as share
      from satisfaction_response where campaign_id = ?`;
    const jsonStmt = raw.prepare(jsonSql);
    const json = [];
    let jsonRow = null;
    for (let i = 0; i < Math.max(3, Math.ceil(reportRuns / 2)); i++) {
      const r = await measure(() => jsonStmt.get(pickCampaign(i)));
      json.push(r);
      jsonRow = { campaign: pickCampaign(i), ...r.value };
    }
    // The two ways must agree (same aggregate), or the comparison means nothing.
    const check = await app.campaignReport(kdb, jsonRow.campaign);
    const agree =
      Math.abs(check.index - jsonRow.idx) < 1e-6 &&
      Math.abs(check.shareSatisfied - jsonRow.share) < 1e-6 &&
      check.items.every((it) => Math.abs(it.average - jsonRow[it.item]) < 1e-6);

    // The trend over all campaigns (the app's function). Cold: a fresh handle, so nothing is
    // cached and every campaign's responses are aggregated; warm: what later page views cost
    // once the figures of long-closed campaigns are kept.
    const trendCold = [];
    for (let i = 0; i < 3; i++) {
      const fresh = timedKysely(app, raw);
      trendCold.push(await measure(() => app.satisfactionTrend(fresh.db)));
    }
    const warmHandle = timedKysely(app, raw);
    await app.satisfactionTrend(warmHandle.db);
    const trendWarm = [];
    for (let i = 0; i < 3; i++) trendWarm.push(await measure(() => app.satisfactionTrend(warmHandle.db)));
    const trendJson = await measure(() => raw.prepare(`select campaign_id, count(*), avg(${weighted}) from satisfaction_response group by campaign_id`).all());

    const page = await reportPageTimes({ server, managerSession, pickCampaign, reportRuns });
    return {
      responsesPerCampaign: report?.counts.returned,
      campaigns: campaignIds.length,
      dbMs: median(dbCpuMs),
      dbWallMs: median(dbWallMs),
      dbMsRuns: dbCpuMs.map((x) => round(x, 2)),
      dbWallMsRuns: dbWallMs.map((x) => round(x, 2)),
      statements: plans,
      usesIndex,
      json: { ms: median(json.map((r) => r.cpuMs)), wallMs: median(json.map((r) => r.ms)), agree },
      trend: {
        campaigns: campaignIds.length,
        ms: median(trendCold.map((r) => r.cpuMs)),
        wallMs: median(trendCold.map((r) => r.ms)),
        warmMs: median(trendWarm.map((r) => r.cpuMs)),
        jsonMs: trendJson.cpuMs,
        jsonWallMs: trendJson.ms,
      },
      page,
    };
  } finally {
    raw.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Cases 4 and 5 (sending a campaign, importing customers), on a second server.

/**
 * @param {object} o
 * @param {string} o.buildDir
 * @param {number} o.sendCustomers    recipients of the campaign sent in case 4
 * @param {number} o.importRows       customers in the CSV of case 5
 * @param {number} [o.drainTimeoutMs] how long case 4 waits for the outbox to drain
 * @param {Record<string,string>} [o.env]
 * @param {(line: string) => void} [o.log]
 */
export async function mailAndImportSuite(o) {
  const log = o.log ?? (() => {});
  // `--only 7` alone measures the memory through all three.
  const want = (n) => !o.only || o.only.has(n) || (o.only.has(7) && ![1, 2, 3].some((c) => o.only.has(c)));
  const { dir, dbFile } = await migratedScratch(o.buildDir, o.env);
  let server = null;
  let db = null;
  try {
    db = openDb(dbFile);
    const template = benchTemplate(db);
    const staff = seedStaff(db);
    seedCustomers(db, { count: o.sendCustomers, prefix: "Send", ownerIds: staff.ownerIds, region: "BenchSend" });
    const campaignId = seedDraftCampaign(db, { templateId: template.id, name: "Bench send", audience: { tiers: [], regions: ["BenchSend"], ownerId: null }, createdBy: staff.managerId });
    const managerSession = insertSession(db, staff.managerId);
    const adminSession = insertSession(db, staff.adminId);
    // BENCH_SERVER_NODE_ARGS: extra node flags for the measured server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
    server = await startServer({ buildDir: o.buildDir, dataDir: dir, dbFile, env: o.env, nodeArgs });
    log("  case 4: sending a campaign");
    const send = await caseSend({ ...o, server, db, campaignId, managerSession });
    log("  case 5: importing customers from CSV");
    const importResult = await caseImport({ ...o, server, db, adminSession });
    const failures = server.output().match(/request failed|\[aftercare\] error|mail failed/g);
    return { send, import: importResult, serverErrors: failures ? failures.length : 0 };
  } finally {
    await server?.stop();
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Case 4: the manager sends the campaign (the app's action over HTTP); the outbox drains into the catcher. */
async function caseSend({ server, db, campaignId, managerSession, sendCustomers, drainTimeoutMs = 180_000 }) {
  const csrf = csrfPair(BENCH_SECRET);
  const prefix = `satisfaction:${campaignId}:`;
  const keyRange = "idempotency_key >= ? and idempotency_key < ?";
  const keys = [prefix, `${prefix}\uffff`];
  const send = await timed(async () => {
    const res = await fetch(`${server.url}/satisfaction/campaigns/${campaignId}.data`, {
      method: "POST",
      headers: { cookie: staffCookies(managerSession, csrf), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf.token, intent: "send" }).toString(),
    });
    const text = await res.text();
    if (!text.includes("done=sent")) throw new Error(`Sending the campaign failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  });
  const enqueuedAt = performance.now();
  const enqueued = count(db, `select count(*) from mail_outbox where ${keyRange}`, ...keys);
  const sentAtAnswer = count(db, `select count(*) from mail_outbox where status = 'sent' and ${keyRange}`, ...keys);
  let sent = sentAtAnswer;
  let failed = 0;
  let caught = 0;
  const deadline = Date.now() + drainTimeoutMs;
  while (Date.now() < deadline) {
    sent = count(db, `select count(*) from mail_outbox where status = 'sent' and ${keyRange}`, ...keys);
    failed = count(db, `select count(*) from mail_outbox where status = 'failed' and ${keyRange}`, ...keys);
    caught = count(db, "select count(*) from mail_caught");
    if (sent + failed >= enqueued && caught >= sent) break;
    await sleep(100);
  }
  const drainMs = performance.now() - enqueuedAt;
  await sleep(1_000); // anything sent twice would show up now
  caught = count(db, "select count(*) from mail_caught");
  const distinctKeys = count(db, `select count(distinct idempotency_key) from mail_outbox where ${keyRange}`, ...keys);
  const distinctTo = count(db, "select count(distinct to_addrs) from mail_caught");
  const recipients = count(db, "select count(*) from satisfaction_recipient where campaign_id = ? and status = 'invited'", campaignId);
  return {
    recipients: sendCustomers,
    enqueueMs: send.ms,
    enqueued,
    invited: recipients,
    sentDuringEnqueue: sentAtAnswer,
    drainMs,
    mailsPerSecond: (sent - sentAtAnswer) / (drainMs / 1000),
    sent,
    failed,
    caught,
    duplicates: caught - distinctTo + (enqueued - distinctKeys) + Math.max(0, caught - sent),
    drained: sent === enqueued && caught === enqueued,
  };
}

/** Case 5: an admin uploads a CSV of new customers, sees the preview and commits it (over HTTP). */
async function caseImport({ server, db, adminSession, importRows }) {
  const csrf = csrfPair(BENCH_SECRET);
  const cookie = staffCookies(adminSession, csrf);
  const lines = ["company,contact_name,email,phone,region,tier,locale"];
  const tiers = ["high", "mid", "standard"];
  for (let i = 0; i < importRows; i++) lines.push(`Imported Co. ${i},Contact ${i},imp${i}@import.bench.test,+86 21 5555 ${String(i).padStart(4, "0")},华东,${tiers[i % 3]},${i % 2 ? "en" : "zh-CN"}`);
  const csv = lines.join("\r\n") + "\r\n";
  const before = count(db, "select count(*) from customers");
  const upload = await timed(async () => {
    const form = new FormData();
    form.set("_csrf", csrf.token);
    form.set("intent", "preview");
    form.set("file", new Blob([csv], { type: "text/csv" }), "customers.csv");
    const res = await fetch(`${server.url}/admin/customers/import.data`, { method: "POST", headers: { cookie }, body: form });
    const text = await res.text();
    const batch = text.match(/batch=(\d+)/);
    if (!batch) throw new Error(`The upload was not staged: HTTP ${res.status} ${text.slice(0, 300)}`);
    return Number(batch[1]);
  });
  const batch = upload.value;
  const preview = await timed(async () => {
    // What the browser loads after the upload's redirect: the preview page's data.
    const res = await fetch(`${server.url}/admin/customers/import.data?batch=${batch}`, { headers: { cookie } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`The preview failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  });
  const commit = await timed(async () => {
    const res = await fetch(`${server.url}/admin/customers/import.data`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf.token, intent: "commit", batch: String(batch) }).toString(),
    });
    const text = await res.text();
    if (!text.includes(`imported=${importRows}-0`)) throw new Error(`The import was not committed: HTTP ${res.status} ${text.slice(0, 300)}`);
  });
  const imported = count(db, "select count(*) from customers") - before;
  return { rows: importRows, uploadMs: upload.ms, previewMs: preview.ms, commitMs: commit.ms, totalMs: upload.ms + preview.ms + commit.ms, imported, csvBytes: Buffer.byteLength(csv) };
}
