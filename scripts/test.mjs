#!/usr/bin/env node
// `npm test`: typecheck, every package's vitest suite, then the browser suite against a
// production build, all on SQLite; then, when TEST_POSTGRES_URL names a PostgreSQL server, the
// database, mail, core and plugin suites and the browser suite again on a fresh PostgreSQL
// database. Ends with the plain line "N passed, N failed" that CI reads.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-test-"));
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.env.CI ? "0" : process.env.FORCE_COLOR };
let passed = 0;
let failed = 0;
let broken = [];

function run(label, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (result.status !== 0) broken.push(label);
  return result.status === 0;
}

function countVitest(file, label) {
  try {
    const report = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    if ((report.numTotalTests ?? 0) === 0) broken.push(`${label}: no tests ran`);
  } catch {
    broken.push(`${label}: no report`);
  }
}

const typecheckOk = run("typecheck", "npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"]);
if (!typecheckOk) failed += 1;

const unitReport = path.join(outDir, "unit.json");
run("unit and integration tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${unitReport}`]);
countVitest(unitReport, "unit");

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = fs.existsSync(chromium);
if (!haveChromium) {
  console.error(`\nChromium is missing at ${chromium}: install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  broken.push("e2e: chromium missing");
  failed += 1;
} else {
  const e2eReport = path.join(outDir, "e2e.json");
  run("end-to-end tests (production build, chromium)", "npx", ["vitest", "run", "--config", "test/vitest.e2e.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${e2eReport}`]);
  countVitest(e2eReport, "e2e");
}

const pgServer = process.env.TEST_POSTGRES_URL;
if (!pgServer) {
  console.log(
    "\n=== PostgreSQL pass skipped ===\nSet TEST_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/postgres to run the database, plugin and browser suites again on PostgreSQL (.ci/run always does).",
  );
} else {
  const { createRunDatabase } = await import("./postgres-run-db.mjs");
  let runDb;
  try {
    runDb = await createRunDatabase(pgServer);
  } catch (error) {
    console.error(`\nThe PostgreSQL pass could not create its database on TEST_POSTGRES_URL: ${error.message}`);
    broken.push("postgres: no database");
    failed += 1;
  }
  if (runDb) {
    const pgEnv = { AFTERCARE_TEST_POSTGRES_URL: runDb.url };
    const pgUnitReport = path.join(outDir, "pg-unit.json");
    run(`database, core, mail and plugin tests on PostgreSQL (${runDb.name})`, "npx", ["vitest", "run", "--config", "test/vitest.pg.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${pgUnitReport}`], pgEnv);
    countVitest(pgUnitReport, "postgres unit");
    if (haveChromium) {
      const pgE2eReport = path.join(outDir, "pg-e2e.json");
      run("end-to-end tests on PostgreSQL (production build, chromium)", "npx", ["vitest", "run", "--config", "test/vitest.e2e.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${pgE2eReport}`, "e2e/", "scale-out/", "bench/"], pgEnv);
      countVitest(pgE2eReport, "postgres e2e");
    }
    await runDb.drop().catch((error) => console.error(`Could not drop ${runDb.name}: ${error.message}`));
  }
}

if (broken.length) console.log(`\nProblems: ${broken.join("; ")}`);
const summary = `${passed} passed, ${failed} failed`;
if (process.env.AFTERCARE_TEST_SUMMARY) fs.writeFileSync(process.env.AFTERCARE_TEST_SUMMARY, summary);
console.log(`\n${summary}`);
process.exit(broken.length || failed ? 1 : 0);
