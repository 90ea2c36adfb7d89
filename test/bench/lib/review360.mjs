// Case 6: the 360 report. A closed cycle of `reviewees` staff, each rated by `raters` people
// (self, supervisor, peers, subordinates, customers), is seeded into a scratch database migrated
// by the app's own host; one reviewee's report and a supervisor's team heatmap are then timed by
// calling the plugin's own functions (bundled from source), so the SQL is exactly the app's.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./server.mjs";
import { openDb, prng } from "./seed.mjs";

const ENTRY = `
export { createTestHost } from "./packages/core/src/test-host.server.ts";
export { review360Plugin } from "./plugins/review360/src/plugin.ts";
export { createCycle } from "./plugins/review360/src/cycle/cycles.server.ts";
export { revieweeReport, teamHeatmap } from "./plugins/review360/src/report/report.server.ts";
export { DEFAULT_DEFINITION, allItems } from "./plugins/review360/src/definition/competencies.ts";
export { DEFAULT_MIN_RATERS, DEFAULT_RATER_WEIGHTS } from "@aftercare/scoring";
`;

async function load360() {
  const esbuild = createRequire(path.join(repoRoot, "apps/web/package.json"))("esbuild");
  const outDir = path.join(repoRoot, "node_modules/.cache/aftercare-bench");
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `review360-${process.pid}-${Date.now()}.mjs`);
  await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: repoRoot, loader: "ts", sourcefile: "bench-360-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    external: ["better-sqlite3", "pg", "argon2", "nodemailer", "smtp-server", "mailparser", "react", "react-dom", "react/*", "@remix-run/*", "survey-core", "survey-react-ui"],
    logLevel: "silent",
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * @param {object} o
 * @param {number} o.reviewees   staff reviewed in the cycle
 * @param {number} o.raters      submitted raters per reviewee (1 self, 1 supervisor, the rest split over peers, subordinates, customers)
 * @param {number} o.teamSize    reviewees per supervisor (the heatmap's team)
 * @param {number} [o.reportRuns]
 * @param {(line: string) => void} [o.log]
 */
export async function review360Suite(o) {
  const log = o.log ?? (() => {});
  if (!fs.existsSync(path.join(repoRoot, "plugins/review360/src/report/report.server.ts"))) return { skipped: "360 plugin has no report yet" };
  let host = null;
  try {
    const app = await load360();
    host = await app.createTestHost({ plugins: [app.review360Plugin] });
    const seeded = performance.now();
    const now = new Date().toISOString();
    const db = openDb(host.dbFile);
    const random = prng(360);
    const def = app.DEFAULT_DEFINITION;
    const items = app.allItems(def);
    const values = def.scale.map((a) => a.value);
    let cycleId;
    let supervisors;
    try {
      const user = db.prepare("insert into users (email, name, role, staff_kind, supervisor_id, locale, active, created_at, updated_at) values (?, ?, ?, ?, ?, 'en', 1, ?, ?)");
      const customer = db.prepare("insert into customers (company, email, tier, locale, created_at, updated_at) values (?, ?, 'mid', 'en', ?, ?)");
      const teams = Math.ceil(o.reviewees / o.teamSize);
      const { adminId, staffIds, supervisorIds, customerIds } = db.transaction(() => {
        const adminId = Number(user.run("r360.admin@bench.test", "Admin", "admin", null, null, now, now).lastInsertRowid);
        const supervisorIds = [];
        for (let t = 0; t < teams; t++) supervisorIds.push(Number(user.run(`r360.lead${t}@bench.test`, `Lead ${String(t).padStart(3, "0")}`, "manager", "field", null, now, now).lastInsertRowid));
        const staffIds = [];
        for (let i = 0; i < o.reviewees; i++) {
          staffIds.push(Number(user.run(`r360.staff${i}@bench.test`, `Staff ${String(i).padStart(4, "0")}`, "staff", "field", supervisorIds[Math.floor(i / o.teamSize)], now, now).lastInsertRowid));
        }
        const customerIds = [];
        for (let i = 0; i < 50; i++) customerIds.push(Number(customer.run(`R360 Customer ${i}`, `c${i}@r360.bench.test`, now, now).lastInsertRowid));
        return { adminId, staffIds, supervisorIds, customerIds };
      })();
      supervisors = supervisorIds;
      // The cycle and its reviewees through the plugin's own function.
      cycleId = await app.createCycle(
        host.db,
        {
          name: "Bench 360",
          period: "2026",
          weights: app.DEFAULT_RATER_WEIGHTS,
          minRaters: app.DEFAULT_MIN_RATERS,
          peerMin: 3,
          peerMax: 8,
          dueDate: now.slice(0, 10),
          reminderAfterDays: 3,
          reminderMax: 1,
          reviewees: { userIds: staffIds, staffKinds: [], supervisorId: null },
          definition: def,
        },
        adminId,
        now,
      );
      const reviewees = db.prepare("select r.id, r.user_id, u.supervisor_id from review360_reviewee r join users u on u.id = r.user_id where r.cycle_id = ?").all(cycleId);
      if (reviewees.length !== o.reviewees) throw new Error(`createCycle made ${reviewees.length} reviewees, not ${o.reviewees}`);
      const assignment = db.prepare(
        "insert into review360_assignment (cycle_id, reviewee_id, rater_group, rater_user_id, customer_id, invitation_id, source, status, reminders_sent, created_at, submitted_at) values (?, ?, ?, ?, ?, null, 'auto', 'submitted', 0, ?, ?)",
      );
      const answer = db.prepare("insert into review360_answer (cycle_id, reviewee_id, rater_group, competency, item, score, nonce) values (?, ?, ?, ?, ?, ?, ?)");
      const comment = db.prepare("insert into review360_comment (cycle_id, reviewee_id, rater_group, kind, text, nonce) values (?, ?, ?, ?, ?, ?)");
      const others = Math.max(0, o.raters - 2);
      const peers = Math.ceil(others / 3);
      const subordinates = Math.ceil((others - peers) / 2);
      const customersPer = others - peers - subordinates;
      db.transaction(() => {
        for (const [k, r] of reviewees.entries()) {
          const raters = [["self", r.user_id, null], ["supervisor", r.supervisor_id, null]];
          for (let p = 1; p <= peers; p++) raters.push(["peers", staffIds[(k + p) % staffIds.length], null]);
          for (let s = 1; s <= subordinates; s++) raters.push(["subordinates", staffIds[(k + peers + s) % staffIds.length], null]);
          for (let c = 0; c < customersPer; c++) raters.push(["customers", null, customerIds[(k + c) % customerIds.length]]);
          for (const [group, userId, customerId] of raters) {
            assignment.run(cycleId, r.id, group, userId, customerId, now, now);
            for (const { competency, item } of items) answer.run(cycleId, r.id, group, competency, item.id, values[Math.floor(random() * values.length)], crypto.randomBytes(8).toString("hex"));
            comment.run(cycleId, r.id, group, "strengths", `Bench strength ${k}.`, crypto.randomBytes(8).toString("hex"));
            comment.run(cycleId, r.id, group, "improve", `Bench improvement ${k}.`, crypto.randomBytes(8).toString("hex"));
          }
        }
        db.prepare("update review360_cycle set status = 'closed', opened_at = ?, closed_at = ? where id = ?").run(now, now, cycleId);
      })();
    } finally {
      db.close();
    }
    const seedMs = performance.now() - seeded;
    log(`  seeded a closed 360 cycle of ${o.reviewees} reviewees × ${o.raters} raters in ${(seedMs / 1000).toFixed(1)} s`);

    const ids = (await host.db.selectFrom("review360_reviewee").select("id").where("cycle_id", "=", cycleId).orderBy("id").execute()).map((r) => r.id);
    const runs = o.reportRuns ?? 5;
    const pick = (i) => ids[(((Math.floor(ids.length / 2) + i * 37) % ids.length) + ids.length) % ids.length];
    const first = await app.revieweeReport(host.db, pick(-1));
    if (first?.state !== "ready") throw new Error(`The 360 report of a closed cycle is not ready (${first?.state ?? "missing"})`);
    const revieweeMs = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await app.revieweeReport(host.db, pick(i));
      revieweeMs.push(performance.now() - t);
    }
    await app.teamHeatmap(host.db, cycleId, supervisors[supervisors.length - 1]);
    const heatmapMs = [];
    let team = 0;
    for (let i = 0; i < Math.max(2, Math.ceil(runs / 2)); i++) {
      const t = performance.now();
      team = (await app.teamHeatmap(host.db, cycleId, supervisors[i % supervisors.length])).length;
      heatmapMs.push(performance.now() - t);
    }
    return {
      reviewees: o.reviewees,
      raters: o.raters,
      teamSize: team,
      answers: o.reviewees * o.raters * items.length,
      seedMs,
      revieweeMs: median(revieweeMs),
      revieweeRuns: revieweeMs.map((x) => Math.round(x * 10) / 10),
      heatmapMs: median(heatmapMs),
      heatmapRuns: heatmapMs.map((x) => Math.round(x * 10) / 10),
      visibleGroups: first.participation.filter((p) => p.status === "visible").length,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    await host?.destroy();
  }
}
