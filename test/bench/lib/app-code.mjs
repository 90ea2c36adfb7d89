// The app's own functions, bundled from their TypeScript source with esbuild (which Vite ships),
// so the harness runs exactly the SQL and scoring the server runs — nothing is copied here.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./server.mjs";

const ENTRY = `
export { campaignReport, satisfactionTrend, NO_FILTER } from "./plugins/satisfaction/src/report/report.server.ts";
export { scoreResponse } from "./plugins/satisfaction/src/template/scores.ts";
export { backfillCampaignStats } from "./plugins/satisfaction/src/migrations.ts";
export { Kysely, PostgresDialect, SqliteDialect } from "kysely";
`;

let loaded;

/** Bundles (once per process) and imports the report and scoring code of the satisfaction plugin. */
export async function loadAppCode() {
  if (loaded) return loaded;
  // esbuild is Vite's dependency; resolve it from the web app so the bench needs no install.
  const esbuild = createRequire(path.join(repoRoot, "apps/web/package.json"))("esbuild");
  // Inside node_modules/.cache: ignored by git, and `better-sqlite3` resolves from there.
  const outDir = path.join(repoRoot, "node_modules/.cache/aftercare-bench");
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `app-code-${process.pid}-${Date.now()}.mjs`);
  await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: repoRoot, loader: "ts", sourcefile: "bench-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    external: ["better-sqlite3", "pg", "argon2", "nodemailer", "smtp-server", "mailparser"],
    logLevel: "silent",
  });
  try {
    loaded = await import(pathToFileURL(outfile).href);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
  return loaded;
}

/** CPU time (user + system) of this process in ms since `from` (a `process.cpuUsage()` value). */
const cpuSince = (from) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/**
 * A Kysely over a better-sqlite3 handle whose statements are timed: `log` collects
 * `{ sql, params, ms, cpuMs }` for every statement Kysely prepares and runs (prepare + execution;
 * `ms` is wall time, `cpuMs` the CPU time this process spent, which a busy shared machine does
 * not inflate).
 */
export function timedKysely(app, raw) {
  const log = [];
  const timedStatement = (stmt, sql, prepare) =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "all" || prop === "run" || prop === "get") {
          return (...args) => {
            const t0 = performance.now();
            const c0 = process.cpuUsage();
            try {
              return target[prop](...args);
            } finally {
              log.push({ sql, params: args[0], ms: prepare.ms + performance.now() - t0, cpuMs: prepare.cpuMs + cpuSince(c0) });
            }
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const database = new Proxy(raw, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql) => {
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          const stmt = target.prepare(sql);
          return timedStatement(stmt, sql, { ms: performance.now() - t0, cpuMs: cpuSince(c0) });
        };
      }
      if (prop === "close") return () => {};
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const db = new app.Kysely({ dialect: new app.SqliteDialect({ database }) });
  return { db, log };
}

/** Runs `fn` and returns its wall and CPU time in ms with its value. */
export async function measure(fn) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  return { ms: performance.now() - t0, cpuMs: cpuSince(c0), value };
}
