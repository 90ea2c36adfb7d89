#!/usr/bin/env node
// `npm run bench`: builds the production server into apps/web/build-bench, seeds scratch databases
// in temp folders, runs the cases of issue 7, prints one table and writes it with every raw
// measurement to test/bench/results/latest.json. See test/bench/README.md.
//
//   npm run bench                  everything (≈ 5–8 min on 2 cores)
//   npm run bench -- --skip-build  reuse apps/web/build-bench from an earlier run
//   npm run bench -- --only 1,7    only these cases (and the suites they need); case 7 is the RSS
//                                  through whichever of cases 1–3 run
//   BENCH_POSTGRES_URL=postgres://user:pw@127.0.0.1:5432/postgres npm run bench
//                                  also cases 1 and 3 on PostgreSQL (rows "1 pg", "3 pg"), in a
//                                  database the bench creates on that server and drops
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, webDir } from "./lib/server.mjs";
import { mailAndImportSuite, satisfactionSuite } from "./lib/cases.mjs";
import { review360Suite } from "./lib/review360.mjs";
import { postgresSuite } from "./lib/pg-cases.mjs";
import { redact } from "./lib/pg.mjs";
import { formatTable, tableRows } from "./lib/table.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const args = new Set(argv);
const onlyAt = argv.indexOf("--only");
/** `--only 1,3`: the case numbers to run, or null for all. */
const only = onlyAt >= 0 ? new Set(String(argv[onlyAt + 1] ?? "").split(",").map(Number).filter((n) => Number.isInteger(n) && n >= 1 && n <= 7)) : null;
if (only && only.size === 0) {
  console.error("--only needs case numbers 1–7, e.g. --only 1,3");
  process.exit(2);
}
const want = (...cases) => !only || cases.some((c) => only.has(c));
const buildDir = process.env.BENCH_BUILD_DIR ?? "build-bench";

/** The sizes of issue 7. */
const CONFIG = {
  buildDir,
  connections: 50,
  duration: 10,
  warmup: 2,
  floorDuration: 5,
  submitTokens: 50_000,
  openTokens: 2_000,
  reportCampaigns: 100,
  reportCustomers: 10_000,
  reportRuns: 7,
  sendCustomers: 10_000,
  importRows: 10_000,
  reviewees: 500,
  raters: 12,
  teamSize: 50,
  only,
};

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = (line) => console.log(`[bench ${elapsed().padStart(5)}] ${line}`);
const phases = {};
async function phase(name, fn) {
  const t = Date.now();
  log(`${name}…`);
  try {
    return await fn();
  } finally {
    phases[name] = Date.now() - t;
  }
}

const machine = { postgres: process.env.BENCH_POSTGRES_URL ? redact(process.env.BENCH_POSTGRES_URL) : null, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadBefore: os.loadavg() };
log(`${machine.cpus} CPUs, load average ${machine.loadBefore.map((x) => x.toFixed(1)).join(" ")}, Node ${machine.node}`);

if (args.has("--skip-build") && fs.existsSync(path.join(webDir, buildDir, "server/index.js"))) {
  log(`reusing apps/web/${buildDir}`);
} else {
  await phase(`build (npx remix vite:build → apps/web/${buildDir})`, () => buildApp(buildDir));
}

const results = {};
if (only) log(`only case${only.size > 1 ? "s" : ""} ${[...only].join(", ")}`);
if (want(1, 2, 3, 7)) results.satisfaction = await phase("cases 1, 2, 3, 7 (satisfaction)", () => satisfactionSuite({ ...CONFIG, log }));
// The PostgreSQL column (issue 9): cases 1 and 3 again on a production server over PostgreSQL.
const pgServer = process.env.BENCH_POSTGRES_URL;
if (want(1, 3)) {
  if (pgServer) {
    results.postgres = await phase("cases 1, 3 on PostgreSQL", () =>
      postgresSuite({ ...CONFIG, log, pg: { serverUrl: pgServer } }).catch((error) => {
        log(`PostgreSQL column failed: ${error instanceof Error ? error.stack : error}`);
        return { error: error instanceof Error ? error.message : String(error) };
      }),
    );
  } else {
    log("PostgreSQL column skipped: set BENCH_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/postgres (a server; the bench creates and drops its own database) to run cases 1 and 3 on PostgreSQL too");
  }
}
if (want(4, 5)) results.mail = await phase("cases 4, 5 (sending, import)", () => mailAndImportSuite({ ...CONFIG, log }));
if (want(6)) results.review360 = await phase("case 6 (360)", () => review360Suite({ ...CONFIG, log }));

const rows = tableRows(results);
const table = formatTable(rows);
machine.loadAfter = os.loadavg();
const judged = rows.filter((r) => r.pass !== null);
const summary = `${judged.filter((r) => r.pass).length} of ${judged.length} targets met · total ${elapsed()} · load average ${machine.loadAfter.map((x) => x.toFixed(1)).join(" ")}`;
console.log(`\n${table}\n\n${summary}\n`);

const outDir = path.join(here, "results");
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(
  path.join(outDir, only ? "latest-partial.json" : "latest.json"),
  `${JSON.stringify({ finishedAt: new Date().toISOString(), totalMs: Date.now() - started, machine, config: { ...CONFIG, only: only ? [...only] : null }, phasesMs: phases, table: rows, summary, results }, null, 2)}\n`,
);
log(`written test/bench/results/${only ? "latest-partial.json" : "latest.json"}`);
