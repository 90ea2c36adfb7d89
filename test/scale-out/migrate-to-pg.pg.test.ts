// `npm run db:migrate-to-pg` on the demo data (PostgreSQL pass only): every row arrives, and the
// satisfaction report and responses exported by the app read the same on both databases.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestSchema, testPostgresUrl, type TestSchema } from "@aftercare/db/test-db";
import { repoRoot, type RunningApp, startApp } from "../e2e/support/app";
import { dbAll, dbCount } from "../e2e/support/db";
import { createClient, DEMO_PASSWORD, loginHttp, MANAGER } from "../e2e/support/http";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-move-"));
const sqliteUrl = `file:${path.join(dir, "aftercare.db")}`;
let schema: TestSchema | undefined;
const apps: RunningApp[] = [];

afterAll(async () => {
  for (const app of apps) await app.stop();
  await schema?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function migrateToPg(to: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, AFTERCARE_BUILD_DIR: inject("buildDir") ?? "build", AFTERCARE_TEST_PLUGINS: "1", DATA_DIR: dir };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "DATABASE_URL") delete env[key];
  const run = spawnSync(process.execPath, [path.join(repoRoot, "scripts/migrate-to-pg.mjs"), "--from", sqliteUrl, "--to", to], { cwd: dir, env, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

async function managerExport(app: RunningApp, campaignId: number, what: "report" | "responses"): Promise<string> {
  const client = createClient(app.url);
  await loginHttp(client, MANAGER, DEMO_PASSWORD);
  const res = await client.get(`/satisfaction/campaigns/${campaignId}/export?what=${what}&format=csv`);
  expect(res.status).toBe(200);
  return res.text();
}

describe("npm run db:migrate-to-pg", () => {
  it("moves the demo database into PostgreSQL: every row, and the same reports", async () => {
    // The demo data, written by the app itself on SQLite; then the app is stopped, as the README says.
    const seeded = await startApp({ DATABASE_URL: sqliteUrl });
    await seeded.stop();
    schema = await createTestSchema(testPostgresUrl()!);

    const moved = migrateToPg(schema.url);
    expect(moved.output).toContain("every count checked in PostgreSQL");
    expect(moved.status).toBe(0);
    // The password never reaches the output.
    expect(moved.output).not.toMatch(/postgres:[^@\s]*aftercare@/);

    // Row counts, table by table, counted independently of the tool.
    const sqlite = { dbFile: sqliteUrl.slice("file:".length), databaseUrl: sqliteUrl };
    const pg = { dbFile: "", databaseUrl: schema.url };
    const tables = (await dbAll<{ name: string }>(sqlite, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name")).map((t) => t.name);
    expect(tables.length).toBeGreaterThan(30);
    const counts = async (db: typeof sqlite) => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await dbCount(db, t)] as const)));
    const [before, after] = [await counts(sqlite), await counts(pg)];
    expect(after).toEqual(before);
    expect(before.satisfaction_response).toBeGreaterThan(0);

    // The same app, once on each database: the manager's exports of every campaign are identical.
    const onSqlite = await startApp({ DATABASE_URL: sqliteUrl });
    apps.push(onSqlite);
    const onPg = await startApp({ DATABASE_URL: schema.url });
    apps.push(onPg);
    const campaigns = await dbAll<{ id: number }>(sqlite, "select id from satisfaction_campaign where id in (select campaign_id from satisfaction_response) order by id");
    expect(campaigns.length).toBeGreaterThan(0);
    for (const { id } of campaigns) {
      for (const what of ["report", "responses"] as const) {
        const [a, b] = [await managerExport(onSqlite, id, what), await managerExport(onPg, id, what)];
        expect(b.split("\n").length).toBeGreaterThan(3);
        expect(b).toEqual(a);
      }
    }
  });

  it("refuses to copy into a database that already holds users, and says so", async () => {
    expect(schema).toBeDefined();
    const again = migrateToPg(schema!.url);
    expect(again.status).toBe(1);
    expect(again.output).toContain("already holds users: copy only into a fresh database");
  });

  it("refuses a target that is not PostgreSQL", () => {
    const wrong = migrateToPg("mysql://localhost/aftercare");
    expect(wrong.status).toBe(2);
    expect(wrong.output).toContain("--to must be a postgres:// URL");
  });
});
