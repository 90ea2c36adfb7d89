#!/usr/bin/env node
// `npm run db:migrate-to-pg -- --to postgres://user:password@host:5432/aftercare [--from file:./data/aftercare.db]`
// Moves an Aftercare SQLite database into a fresh PostgreSQL database: migrates PostgreSQL with
// the installed plugins (the production build's own host), copies every table in one transaction,
// and counts the rows again on both sides. Stop the app first; point DATABASE_URL at PostgreSQL
// afterwards.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const usage = "Usage: npm run db:migrate-to-pg -- --to postgres://user:password@host:5432/database [--from file:./data/aftercare.db]";

function fail(message, code = 2) {
  console.error(`db:migrate-to-pg: ${message}`);
  process.exit(code);
}

function argument(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith("--")) fail(`--${name} needs a value.\n${usage}`);
  return value;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

const to = argument("to");
const envUrl = process.env.DATABASE_URL?.startsWith("file:") ? process.env.DATABASE_URL : undefined;
const from = argument("from") ?? envUrl ?? "file:./data/aftercare.db";
if (!to) fail(`--to is required.\n${usage}`);
if (!/^postgres(ql)?:\/\//.test(to)) fail(`--to must be a postgres:// URL (got "${redact(to)}").`);
if (!from.startsWith("file:")) fail(`--from must be a file: URL of a SQLite database (got "${from}").`);
const file = path.resolve(from.slice("file:".length));
if (!fs.existsSync(file)) fail(`no SQLite database at ${file}.`);

const buildDir = path.resolve(root, "apps/web", process.env.AFTERCARE_BUILD_DIR ?? "build");
const serverEntry = path.join(buildDir, "server", "index.js");
if (!fs.existsSync(serverEntry)) {
  console.log("Building the app first (npm run build)…");
  const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) fail("the build failed.", 1);
}

// The build's host migrates the database DATABASE_URL names when it is imported: PostgreSQL here.
Object.assign(process.env, { DATABASE_URL: to, SEED_DEMO: "false", AFTERCARE_NO_BACKGROUND: "1", LOG_LEVEL: "silent" });
console.log(`Moving ${file}\n  into ${redact(to)}`);
let host;
try {
  const build = await import(pathToFileURL(serverEntry).href);
  host = await build.entry.module.hostReady;
  const moved = await build.entry.module.migrateToPostgres({
    from: `file:${file}`,
    to,
    progress: (table, rows) => console.log(`  ${table.padEnd(40)} ${String(rows).padStart(9)} rows`),
  });
  const wrong = moved.filter((t) => t.counted !== t.rows);
  const total = moved.reduce((sum, t) => sum + t.rows, 0);
  if (wrong.length) fail(`row counts differ after the copy: ${wrong.map((t) => `${t.name} ${t.rows} → ${t.counted}`).join(", ")}`, 1);
  console.log(`Done: ${moved.length} tables, ${total} rows, every count checked in PostgreSQL.\nNow set DATABASE_URL=${redact(to)} and start the app.`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 1);
} finally {
  await host?.close().catch(() => {});
}
