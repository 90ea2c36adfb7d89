// `npm run backup` while customers keep submitting to the production server, then `npm run restore`
// of that backup into a fresh place: the copy passes `integrity_check`, holds every submission
// acknowledged before the backup started, and the production server starts on it. Restore refuses
// a damaged file, a database that is not Aftercare's, and a database that is in use, touching
// nothing; both scripts send PostgreSQL users to pg_dump / pg_restore.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../e2e/support/app";
import { withDb } from "../e2e/support/db";
import { MANAGER } from "../e2e/support/http";
import { loggedIn } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";
import { addCustomers, answersAt, integrityCheck, mintCsrf, scratchDir, type ServerRun, sleep, startServerIn, submitSurvey } from "./support/faults";

const backupScript = path.join(repoRoot, "scripts/backup.mjs");
const restoreScript = path.join(repoRoot, "scripts/restore.mjs");
const scratch = scratchDir("aftercare-faults-backup-");
const elsewhere = scratchDir("aftercare-faults-restore-");
let server: ServerRun;
let campaign: SentCampaign;

function script(file: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [file, ...args], { cwd: elsewhere.dir, env: { ...process.env, ...env }, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Same as `script`, without blocking this process (the submissions go on meanwhile). */
function scriptAsync(file: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: elsewhere.dir, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

function sha(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

beforeAll(async () => {
  server = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
  addCustomers(server.dbFile, 600, "standard", "backup");
  campaign = await sendCampaign(server, await loggedIn(server, MANAGER), "Backup while writing", "standard");
}, 120_000);

afterAll(async () => {
  await server?.stop();
  scratch.remove();
  elsewhere.remove();
});

describe("npm run backup / npm run restore", () => {
  const backupFile = path.join(elsewhere.dir, "backups", "while-writing.db");
  const restored = path.join(elsewhere.dir, "restored", "aftercare.db");
  let ackedBeforeBackup: number[] = [];

  it("backs up while submissions continue; the restored copy passes integrity_check and holds every submission acknowledged before the backup", async () => {
    const queue = campaign.links.map((l) => l);
    const acked: { recipientId: number; at: number }[] = [];
    const csrf = mintCsrf();
    let stop = false;
    const customer = async () => {
      while (!stop) {
        const link = queue.shift();
        if (!link) return;
        const result = await submitSurvey(server.url, link.token, answersAt(100), csrf);
        if (result.kind !== "ok") throw new Error(`submission refused: ${JSON.stringify(result)}`);
        acked.push({ recipientId: link.recipientId, at: Date.now() });
      }
    };
    const customers = Array.from({ length: 4 }, customer);
    while (acked.length < 60) await sleep(10);

    ackedBeforeBackup = acked.map((a) => a.recipientId);
    const backupStarted = Date.now();
    const result = await scriptAsync(backupScript, [backupFile], { DATABASE_URL: `file:${server.dbFile}` });
    const backupEnded = Date.now();
    const during = acked.filter((a) => a.at >= backupStarted && a.at <= backupEnded).length;
    stop = true;
    await Promise.all(customers);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Backed up .*aftercare\.db to .*while-writing\.db \([\d.]+ MB, \d+ tables, integrity ok, \d+ ms\)\.\n/);
    console.log(`[faults] backup while writing: ${ackedBeforeBackup.length} submissions acknowledged before it, ${during} during it, ${acked.length} in all`);

    const restore = script(restoreScript, [backupFile, restored], {});
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(restore.stdout).toBe(`Restored ${backupFile} to ${restored}. Start the app again.\n`);
    expect(integrityCheck(restored)).toBe("ok");
    const inCopy = new Set(withDb(restored, (db) => db.prepare("select recipient_id from satisfaction_response where campaign_id = ?").pluck().all(campaign.id) as number[]));
    expect(ackedBeforeBackup.filter((id) => !inCopy.has(id))).toEqual([]);
    // Nothing in the copy that the live database does not have, each response whole.
    expect(inCopy.size).toBeLessThanOrEqual(acked.length);
    expect(withDb(restored, (db) => db.prepare("select count(*) from satisfaction_item_score s join satisfaction_response r on r.id = s.response_id where r.campaign_id = ?").pluck().get(campaign.id))).toBe(inCopy.size * 5);
    expect(fs.readdirSync(path.dirname(restored))).toEqual(["aftercare.db"]);

    // The production server starts on the restored database and serves it.
    const onCopy = await startServerIn(path.dirname(restored), { AFTERCARE_NO_BACKGROUND: "1" });
    try {
      expect((await fetch(`${onCopy.url}/healthz`)).status).toBe(200);
    } finally {
      await onCopy.stop();
    }
  });

  it("restores over an existing database, keeping the replaced file as .before-restore-<timestamp>", () => {
    const target = path.join(elsewhere.dir, "over", "aftercare.db");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(backupFile, target);
    withDb(target, (db) => db.prepare("delete from satisfaction_item_score").run());
    const before = sha(target);

    const result = script(restoreScript, [backupFile], { DATABASE_URL: `file:${target}` });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const kept = fs.readdirSync(path.dirname(target)).filter((f) => f.includes(".before-restore-"));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^aftercare\.db\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(sha(path.join(path.dirname(target), kept[0]))).toBe(before);
    expect(result.stdout).toContain(`the database it replaced is kept as ${path.join(path.dirname(target), kept[0])}`);
    expect(integrityCheck(target)).toBe("ok");
    expect(withDb(target, (db) => db.prepare("select count(*) from satisfaction_item_score").pluck().get())).toBeGreaterThan(0);
  });

  it("refuses a damaged backup, a database that is not Aftercare's, and a database in use, touching nothing", async () => {
    const target = server.dbFile; // the live database of the running server
    const damaged = path.join(elsewhere.dir, "damaged.db");
    const bytes = fs.readFileSync(backupFile);
    // Overwrite the middle of the file (index and table pages) with a pattern.
    bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 16_384);
    fs.writeFileSync(damaged, bytes);
    const foreign = path.join(elsewhere.dir, "foreign.db");
    const foreignDb = new Database(foreign);
    foreignDb.exec("create table notes (id integer primary key, text text)");
    foreignDb.close();
    const text = path.join(elsewhere.dir, "notes.txt");
    fs.writeFileSync(text, "not a database\n".repeat(100));
    const other = path.join(elsewhere.dir, "untouched", "aftercare.db");
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.copyFileSync(backupFile, other);
    const otherBefore = sha(other);

    const cases: [string, string, RegExp][] = [
      ["damaged", damaged, /^restore: refusing .*damaged\.db: it (fails the integrity check|cannot be read as an SQLite database).*The database was not touched\.\n$/],
      ["foreign", foreign, /^restore: refusing .*foreign\.db: it is not an Aftercare database \(no kysely_migration_core, users, customers, invitations, mail_outbox table\)\. The database was not touched\.\n$/],
      ["text", text, /^restore: refusing .*notes\.txt: it cannot be read as an SQLite database \(file is not a database\)\. The database was not touched\.\n$/],
      ["missing", path.join(elsewhere.dir, "nope.db"), /^restore: no backup file at .*nope\.db\.\n$/],
    ];
    for (const [name, file, message] of cases) {
      const result = script(restoreScript, [file, other], {});
      expect(result.status, name).toBe(1);
      expect(result.stderr, name).toMatch(message);
      expect(sha(other), name).toBe(otherBefore);
    }
    expect(fs.readdirSync(path.dirname(other))).toEqual(["aftercare.db"]);

    // The running server has its database open: refused, and the server keeps working.
    const rows = withDb(target, (db) => db.prepare("select count(*) from satisfaction_response").pluck().get());
    const inUse = script(restoreScript, [backupFile], { DATABASE_URL: `file:${target}` });
    expect(inUse.status).toBe(1);
    expect(inUse.stderr).toMatch(/^restore: .*aftercare\.db is in use \(database is locked\)\. Stop the app .* The database was not touched\.\n$/);
    expect(fs.readdirSync(path.dirname(target)).filter((f) => f.includes("before-restore"))).toEqual([]);
    expect(withDb(target, (db) => db.prepare("select count(*) from satisfaction_response").pluck().get())).toBe(rows);
    const link = campaign.links.at(-1)!;
    expect(await submitSurvey(server.url, link.token, answersAt(80))).toEqual({ kind: "ok" });
  });

  it("sends PostgreSQL users to pg_dump and pg_restore with exit code 2", () => {
    const env = { DATABASE_URL: "postgres://aftercare:secret@db.internal:5432/aftercare" };
    const backup = script(backupScript, [], env);
    expect(backup.status).toBe(2);
    expect(backup.stdout).toBe("");
    expect(backup.stderr).toBe('backup: DATABASE_URL is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc "$DATABASE_URL" -f aftercare.dump) and restore it with pg_restore.\n');
    const restore = script(restoreScript, ["x.dump"], env);
    expect(restore.status).toBe(2);
    expect(restore.stderr).toBe('restore: DATABASE_URL is PostgreSQL: restore a pg_dump archive with pg_restore (e.g. pg_restore --clean -d "$DATABASE_URL" aftercare.dump).\n');
    expect(backup.stderr + restore.stderr).not.toContain("secret");
  });
});
