#!/usr/bin/env node
// `npm test`: typecheck, every package's vitest suite, then the browser suite against a
// production build. Ends with the plain line "N passed, N failed" that CI reads.
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
if (!fs.existsSync(chromium)) {
  console.error(`\nChromium is missing at ${chromium}: install it with "apt-get update && apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  broken.push("e2e: chromium missing");
  failed += 1;
} else {
  const e2eReport = path.join(outDir, "e2e.json");
  run("end-to-end tests (production build, chromium)", "npx", ["vitest", "run", "--config", "test/vitest.e2e.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${e2eReport}`]);
  countVitest(e2eReport, "e2e");
}

if (broken.length) console.log(`\nProblems: ${broken.join("; ")}`);
const summary = `${passed} passed, ${failed} failed`;
if (process.env.AFTERCARE_TEST_SUMMARY) fs.writeFileSync(process.env.AFTERCARE_TEST_SUMMARY, summary);
console.log(`\n${summary}`);
process.exit(broken.length || failed ? 1 : 0);
