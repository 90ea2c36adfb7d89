#!/usr/bin/env node
// `npm run backup [-- <file>]`
// Copies the SQLite database named by DATABASE_URL (default file:./data/aftercare.db, read from
// the environment as the server does) with SQLite's online backup API, while the app keeps
// running and writing: the copy is one consistent snapshot, taken in a single backup step (a
// read transaction, which in WAL mode blocks no writer). The default target is
// `<database folder>/backups/aftercare-<UTC timestamp>.db`. The copy is written under a temporary
// name, checked with `PRAGMA integrity_check`, then renamed, so a file with the final name is
// always a whole, checked backup. Exit codes: 0 done, 1 failed, 2 not applicable (PostgreSQL).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

function fail(message, code = 1) {
  console.error(`backup: ${message}`);
  process.exit(code);
}

const url = process.env.DATABASE_URL || "file:./data/aftercare.db";
if (/^postgres(ql)?:\/\//i.test(url)) {
  fail("DATABASE_URL is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc \"$DATABASE_URL\" -f aftercare.dump) and restore it with pg_restore.", 2);
}
const raw = url.startsWith("file:") ? url.slice("file:".length) : url;
if (raw === "" || raw === ":memory:") fail(`DATABASE_URL "${url}" is an in-memory database: there is nothing to back up.`);
const source = path.resolve(raw);
if (!fs.existsSync(source)) fail(`no database at ${source} (DATABASE_URL=${url}). Set DATABASE_URL to the database the app uses.`);

const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
const target = path.resolve(process.argv[2] ?? path.join(path.dirname(source), "backups", `aftercare-${stamp}.db`));
if (target === source) fail("the backup file cannot be the database itself.");
if (fs.existsSync(target)) fail(`${target} already exists; give another file name.`);
fs.mkdirSync(path.dirname(target), { recursive: true });
const partial = `${target}.partial`;
fs.rmSync(partial, { force: true });

const started = Date.now();
const db = new Database(source, { fileMustExist: true, timeout: 10_000 });
try {
  // The first step only opens the backup; the second copies every page at once (0x7fffffff), so
  // writes by the running app cannot make SQLite restart the copy over and over.
  await db.backup(partial, { progress: () => 0x7fffffff });
} catch (error) {
  fs.rmSync(partial, { force: true });
  fail(`copying ${source} failed: ${error instanceof Error ? error.message : error}`);
} finally {
  db.close();
}

const copy = new Database(partial, { fileMustExist: true });
let problems;
let tables;
try {
  problems = copy.pragma("integrity_check", { simple: false }).map((r) => r.integrity_check);
  tables = copy.prepare("select count(*) from sqlite_master where type = 'table'").pluck().get();
  // The copy is a database of its own: no WAL file to carry around.
  copy.pragma("journal_mode = DELETE");
} finally {
  copy.close();
}
if (problems.length !== 1 || problems[0] !== "ok") {
  fs.rmSync(partial, { force: true });
  fail(`the copy failed its integrity check (${problems.slice(0, 5).join("; ")}); nothing was kept. Check the database with: sqlite3 ${source} "pragma integrity_check"`);
}
fs.renameSync(partial, target);
const mb = (fs.statSync(target).size / 1024 / 1024).toFixed(1);
console.log(`Backed up ${source} to ${target} (${mb} MB, ${tables} tables, integrity ok, ${Date.now() - started} ms).`);
const shown = path.relative(process.cwd(), target);
console.log(`Restore it with: npm run restore -- ${shown && !shown.startsWith("..") ? shown : target}`);
