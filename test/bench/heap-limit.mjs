#!/usr/bin/env node
// The app's heaviest requests under a V8 heap limit (decision 011): for each setting, the
// production server over one scratch database (1,000,000 responses over 100 campaigns of 10,000)
// answers, as a logged-in user would ask:
//   - the report page of one campaign right after start (its loader computes the trend across all
//     100 campaigns, 1,000,000 responses, nothing cached),
//   - the XLSX export of one campaign's 10,000 responses,
//   - the upload and preview of a 100,000-row customer CSV (the import's row limit).
// Each is checked (HTTP 200 and the expected body); the server's peak RSS (from /proc, every
// 100 ms) and its peak V8 heap (the largest "used before" size in its --trace-gc lines) are kept.
//
//   node test/bench/heap-limit.mjs [--skip-build] [setting…]
//   setting: none | <MB> (--max-old-space-size) | <MB>/<semi MB> (+ --max-semi-space-size)
//   e.g. node test/bench/heap-limit.mjs --skip-build none 128 192 256
// Writes test/bench/results/heap-limit.json.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { buildApp, BENCH_SECRET, rssMb, startServer, webDir } from "./lib/server.mjs";
import { migratedScratch } from "./lib/cases.mjs";
import { benchTemplate, bulkMode, openDb, seedAnsweredCampaigns, seedCustomers, seedStaff } from "./lib/seed.mjs";
import { csrfPair, insertSession, staffCookies } from "./lib/secrets.mjs";
import { loadAppCode, timedKysely } from "./lib/app-code.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const buildDir = process.env.BENCH_BUILD_DIR ?? "build-bench";
const settings = argv.filter((a) => !a.startsWith("--"));
if (settings.length === 0) settings.push("none", "128", "192", "256");
const log = (line) => console.log(`[heap-limit] ${line}`);

function flagsOf(setting) {
  if (setting === "none") return [];
  const [old, semi] = setting.split("/");
  return [`--max-old-space-size=${Number(old)}`, ...(semi ? [`--max-semi-space-size=${Number(semi)}`] : [])];
}

if (!(argv.includes("--skip-build") && fs.existsSync(path.join(webDir, buildDir, "server/index.js")))) {
  log(`building apps/web/${buildDir}…`);
  buildApp(buildDir);
}

const { dir, dbFile } = await migratedScratch(buildDir, {});
const results = [];
try {
  const app = await loadAppCode();
  const db = openDb(dbFile);
  const template = benchTemplate(db);
  const staff = seedStaff(db);
  const customers = seedCustomers(db, { count: 10_000, prefix: "Report", ownerIds: staff.ownerIds });
  const t = performance.now();
  const campaignIds = bulkMode(db, () => seedAnsweredCampaigns(db, { template, campaigns: 100, customerIds: customers, scoreResponse: app.scoreResponse, createdBy: staff.managerId }));
  await app.backfillCampaignStats(timedKysely(app, db).db, campaignIds);
  log(`seeded 1,000,000 responses in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const managerSession = insertSession(db, staff.managerId);
  const adminSession = insertSession(db, staff.adminId);
  db.close();

  const csvLines = ["company,contact_name,email,phone,region,tier,locale"];
  for (let i = 0; i < 100_000; i++) csvLines.push(`Heavy Co. ${i},Contact ${i},heavy${i}@import.bench.test,+86 21 5555 ${String(i % 10_000).padStart(4, "0")},华东,${["high", "mid", "standard"][i % 3]},${i % 2 ? "en" : "zh-CN"}`);
  const csv = `${csvLines.join("\r\n")}\r\n`;

  for (const setting of settings) {
    const nodeArgs = [...flagsOf(setting), "--trace-gc"];
    let heapPeak = 0;
    let liveAfterFullGc = 0;
    let gcLines = 0;
    let tail = "";
    const onOutput = (chunk) => {
      const text = tail + chunk;
      const lines = text.split("\n");
      tail = lines.pop() ?? "";
      for (const line of lines) {
        const m = line.match(/(Scavenge|Mark-Compact|Mark-sweep)[^\d]*?(\d+(?:\.\d+)?) \((\d+(?:\.\d+)?)\) -> (\d+(?:\.\d+)?) \((\d+(?:\.\d+)?)\) MB/);
        if (m) {
          gcLines++;
          heapPeak = Math.max(heapPeak, Number(m[2]));
          // What a full collection leaves: the live heap (plus what it could not free yet).
          if (m[1] !== "Scavenge") liveAfterFullGc = Math.max(liveAfterFullGc, Number(m[4]));
        }
      }
    };
    log(`setting ${setting}: node ${nodeArgs.join(" ")}`);
    const server = await startServer({ buildDir, dataDir: dir, dbFile, nodeArgs, onOutput, env: { LOG_LEVEL: "warn" } });
    let rssPeak = 0;
    const sample = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(server.pid) ?? 0)), 100);
    const steps = {};
    const step = async (name, fn) => {
      const rss0 = rssPeak;
      const t0 = performance.now();
      try {
        const detail = await fn();
        steps[name] = { ok: true, ms: Math.round(performance.now() - t0), detail };
      } catch (error) {
        steps[name] = { ok: false, ms: Math.round(performance.now() - t0), error: String(error instanceof Error ? error.message : error).slice(0, 300) };
      }
      steps[name].rssPeakMb = Math.round(Math.max(rss0, rssPeak));
      steps[name].heapPeakMb = Math.round(heapPeak);
      steps[name].liveAfterFullGcMb = Math.round(liveAfterFullGc);
      log(`  ${name}: ${steps[name].ok ? "ok" : `FAILED (${steps[name].error})`} in ${steps[name].ms} ms; RSS peak so far ${steps[name].rssPeakMb} MB, heap peak so far ${steps[name].heapPeakMb} MB, largest heap after a full GC ${steps[name].liveAfterFullGcMb} MB`);
    };
    try {
      await new Promise((r) => setTimeout(r, 3_000));
      const startRss = rssMb(server.pid);
      const csrf = csrfPair(BENCH_SECRET);
      const manager = staffCookies(managerSession, csrf);
      const admin = staffCookies(adminSession, csrf);
      const campaign = campaignIds[50];
      await step("report page, trend of 1,000,000 responses cold", async () => {
        const res = await fetch(`${server.url}/satisfaction/campaigns/${campaign}/report`, { headers: { cookie: manager } });
        const text = await res.text();
        if (res.status !== 200 || !text.includes("report-scores")) throw new Error(`HTTP ${res.status}`);
        return `${Math.round(text.length / 1024)} KB`;
      });
      await step("XLSX export of 10,000 responses", async () => {
        const res = await fetch(`${server.url}/satisfaction/campaigns/${campaign}/export?format=xlsx&what=responses`, { headers: { cookie: manager } });
        const bytes = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200 || bytes.subarray(0, 2).toString() !== "PK") throw new Error(`HTTP ${res.status}`);
        return `${Math.round(bytes.length / 1024)} KB`;
      });
      await step("CSV import of 100,000 customers: upload + preview", async () => {
        const form = new FormData();
        form.set("_csrf", csrf.token);
        form.set("intent", "preview");
        form.set("file", new Blob([csv], { type: "text/csv" }), "customers.csv");
        const up = await fetch(`${server.url}/admin/customers/import.data`, { method: "POST", headers: { cookie: admin }, body: form });
        const upText = await up.text();
        const batch = upText.match(/batch=(\d+)/);
        if (!batch) throw new Error(`upload: HTTP ${up.status} ${upText.slice(0, 200)}`);
        const preview = await fetch(`${server.url}/admin/customers/import.data?batch=${batch[1]}`, { headers: { cookie: admin } });
        const previewText = await preview.text();
        if (preview.status !== 200) throw new Error(`preview: HTTP ${preview.status} ${previewText.slice(0, 200)}`);
        return `${Math.round(csv.length / 1024 / 1024)} MB CSV`;
      });
      await new Promise((r) => setTimeout(r, 500));
      const alive = rssMb(server.pid) !== null;
      const oom = /heap out of memory|Reached heap limit/i.test(server.output());
      results.push({ setting, nodeArgs, startRssMb: startRss, rssPeakMb: Math.round(rssPeak), heapPeakMb: Math.round(heapPeak), liveAfterFullGcMb: Math.round(liveAfterFullGc), gcLines, steps, alive, oom });
    } finally {
      clearInterval(sample);
      await server.stop();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log("\n| setting | report page + cold trend | XLSX 10,000 | CSV 100,000 preview | peak heap | largest heap after a full GC | peak RSS | died (OOM) |\n|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const s = (name) => (r.steps[name].ok ? `ok ${r.steps[name].ms} ms` : "FAILED");
  console.log(`| ${r.setting} | ${s("report page, trend of 1,000,000 responses cold")} | ${s("XLSX export of 10,000 responses")} | ${s("CSV import of 100,000 customers: upload + preview")} | ${r.heapPeakMb} MB | ${r.liveAfterFullGcMb} MB | ${r.rssPeakMb} MB | ${r.oom || !r.alive ? "yes" : "no"} |`);
}
fs.mkdirSync(path.join(here, "results"), { recursive: true });
fs.writeFileSync(path.join(here, "results/heap-limit.json"), `${JSON.stringify({ finishedAt: new Date().toISOString(), results }, null, 2)}\n`);
