#!/usr/bin/env node
// `npm run restore -- <backup file> [<database file>]`
// Puts a backup made by `npm run backup` back as the database named by DATABASE_URL (default
// file:./data/aftercare.db), or as the file given second. Stop the app first: a database that is
// open elsewhere is refused. The backup is refused too when it fails `PRAGMA integrity_check` or
// is not an Aftercare database. The file it replaces is kept as `<name>.before-restore-<UTC timestamp>`.
// Exit codes: 0 done, 1 refused or failed, 2 not applicable (PostgreSQL).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

const usage = "Usage: npm run restore -- <backup file> [<database file>]";

function fail(message, code = 1) {
  console.error(`restore: ${message}`);
  process.exit(code);
}

const url = process.env.DATABASE_URL || "file:./data/aftercare.db";
if (/^postgres(ql)?:\/\//i.test(url)) {
  fail("DATABASE_URL is PostgreSQL: restore a pg_dump archive with pg_restore (e.g. pg_restore --clean -d \"$DATABASE_URL\" aftercare.dump).", 2);
}
const backupArg = process.argv[2];
if (!backupArg) fail(`which backup? ${usage}`);
const backup = path.resolve(backupArg);
if (!fs.existsSync(backup) || !fs.statSync(backup).isFile()) fail(`no backup file at ${backup}.`);
const raw = process.argv[3] ?? (url.startsWith("file:") ? url.slice("file:".length) : url);
if (raw === "" || raw === ":memory:") fail(`DATABASE_URL "${url}" is an in-memory database: there is nowhere to restore to.`);
const target = path.resolve(raw);
if (target === backup) fail("the backup and the database are the same file.");

/** Problems of a would-be backup, or [] when it is a sound Aftercare database. */
function check(file) {
  let db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const result = db.pragma("integrity_check", { simple: false }).map((r) => r.integrity_check);
    if (result.length !== 1 || result[0] !== "ok") return [`it fails the integrity check: ${result.slice(0, 5).join("; ")}`];
    const tables = new Set(db.prepare("select name from sqlite_master where type = 'table'").pluck().all());
    const missing = ["kysely_migration_core", "users", "customers", "invitations", "mail_outbox"].filter((t) => !tables.has(t));
    if (missing.length) return [`it is not an Aftercare database (no ${missing.join(", ")} table)`];
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [`it cannot be read as an SQLite database (${message})`];
  } finally {
    db?.close();
  }
}

const problems = check(backup);
if (problems.length) fail(`refusing ${backup}: ${problems.join("; ")}. The database was not touched.`);

const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
let kept = null;
if (fs.existsSync(target)) {
  // Only a database nobody has open can leave WAL mode; that both proves the app is stopped and
  // folds the WAL into the file, so the file kept below is whole and no stale -wal/-shm is left
  // next to the restored database.
  const db = new Database(target, { fileMustExist: true, timeout: 2_000 });
  try {
    const mode = db.pragma("journal_mode = DELETE", { simple: true });
    if (mode !== "delete") throw new Error(`journal mode stayed ${mode}`);
  } catch (error) {
    db.close();
    const message = error instanceof Error ? error.message : String(error);
    fail(`${target} is in use (${message}). Stop the app (and anything else that has the database open), then run the restore again. The database was not touched.`);
  }
  db.close();
  kept = `${target}.before-restore-${stamp}`;
  fs.renameSync(target, kept);
}
for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(`${target}${suffix}`, { force: true });
fs.mkdirSync(path.dirname(target), { recursive: true });
const partial = `${target}.restoring`;
fs.copyFileSync(backup, partial);
fs.renameSync(partial, target);
if (check(target).length) fail(`the restored file ${target} does not check out (${check(target).join("; ")}); the previous database is ${kept ?? "(none)"}.`);
console.log(`Restored ${backup} to ${target}${kept ? `; the database it replaced is kept as ${kept}` : ""}. Start the app again.`);
