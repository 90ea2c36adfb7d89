import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { addId } from "@aftercare/db/dialect";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { type AftercarePlugin, definePlugin, type Logger, type PluginContext } from "@aftercare/plugin-api";
import { parseConfig } from "./config.server";
import { createHost, type Host } from "./host.server";
import { coreMigrationSet } from "./migrations";
import { verifyPassword } from "./passwords.server";
import { DEMO_PASSWORD, seedDemo } from "./seed.server";
import type { CoreTables } from "./tables";

const T0 = new Date("2026-03-01T08:00:00.000Z");
const quiet: Logger = { info() {}, warn() {}, error() {} };

let t: TestDatabase<CoreTables>;
let dataDir: string;
const hosts: Host[] = [];

beforeEach(async () => {
  t = await createTestDatabase<CoreTables>([coreMigrationSet, mailMigrationSet]);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-seed-"));
});
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  await t.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the real host on the test database with demo seeding on, as the app does at start-up. */
async function start(plugins: readonly AftercarePlugin[] = []): Promise<Host> {
  const config = parseConfig({ DATABASE_URL: t.url, DATA_DIR: dataDir, LOG_LEVEL: "silent", SEED_DEMO: "true", MAIL_WORKER: "false" });
  const host = await createHost({ config, plugins, background: false, clock: () => T0, logger: quiet });
  hosts.push(host);
  return host;
}

async function counts(db: Kysely<CoreTables>) {
  const [users, customers, equipment] = await Promise.all(
    (["users", "customers", "equipment"] as const).map(async (table) => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)),
  );
  return { users, customers, equipment };
}

function demoPlugin(calls: { n: number }): AftercarePlugin {
  return definePlugin({
    id: "demo-plugin",
    packageName: "@acme/demo-plugin",
    titleKey: "demo.title",
    locales: { en: {}, "zh-CN": {} },
    migrations: {
      "2026-03-01-notes": {
        async up(db: Kysely<any>) {
          await addId(db, db.schema.createTable("demo_plugin_notes")).addColumn("body", "text").execute();
        },
      },
    },
    async seed(ctx: PluginContext) {
      calls.n++;
      await ctx.db.insertInto("demo_plugin_notes").values({ body: "hello" }).execute();
    },
  });
}

describe("seedDemo", () => {
  it("seeds an empty database with an admin, managers and staff of both kinds, each staff member under a manager", async () => {
    const host = await start();

    const users = await t.db.selectFrom("users").selectAll().execute();
    const byId = new Map(users.map((u) => [u.id, u]));
    expect(users.filter((u) => u.role === "admin").map((u) => u.email)).toEqual(["admin@aftercare.local"]);
    expect(users.filter((u) => u.role === "manager").length).toBeGreaterThanOrEqual(1);
    const staff = users.filter((u) => u.role === "staff");
    expect(new Set(staff.map((u) => u.staff_kind))).toEqual(new Set(["support", "field"]));
    for (const member of staff) {
      expect(member.supervisor_id).not.toBeNull();
      expect(byId.get(member.supervisor_id!)?.role).toBe("manager");
    }
    expect(users.every((u) => u.active === 1 && u.created_at === T0.toISOString())).toBe(true);
    expect(host.demoLogins.map((l) => l.email)).toContain("admin@aftercare.local");
    expect(await verifyPassword(users.find((u) => u.role === "admin")!.password_hash, DEMO_PASSWORD)).toBe(true);
  });

  it("seeds 30 customers, each owned by someone from field service and with at least one piece of equipment", async () => {
    await start();

    const customers = await t.db.selectFrom("customers").selectAll().execute();
    expect(customers).toHaveLength(30);
    expect(new Set(customers.map((c) => c.company)).size).toBe(30);
    const fieldIds = new Set((await t.db.selectFrom("users").select("id").where("staff_kind", "=", "field").execute()).map((u) => u.id));
    for (const customer of customers) expect(fieldIds.has(customer.owner_id!)).toBe(true);
    const equipment = await t.db.selectFrom("equipment").select(["customer_id", "serial_number"]).execute();
    expect(new Set(equipment.map((e) => e.customer_id))).toEqual(new Set(customers.map((c) => c.id)));
    expect(new Set(equipment.map((e) => e.serial_number)).size).toBe(equipment.length);
  });

  it("creates nothing more when it runs again (idempotent)", async () => {
    const host = await start();
    const first = await counts(t.db);

    await seedDemo(host.db, [], host.ctx);
    await host.close();
    hosts.splice(0);
    await start();

    expect(await counts(t.db)).toEqual(first);
  });

  it("leaves a database that already has users alone", async () => {
    await t.db
      .insertInto("users")
      .values({ email: "owner@example.com", name: "Owner", role: "admin", staff_kind: null, supervisor_id: null, phone: null, locale: null, password_hash: null, active: 1, created_at: T0.toISOString(), updated_at: T0.toISOString() })
      .execute();

    await start();

    expect(await counts(t.db)).toEqual({ users: 1, customers: 0, equipment: 0 });
  });

  it("runs a plugin's seed once and remembers it across restarts", async () => {
    const calls = { n: 0 };
    const host = await start([demoPlugin(calls)]);
    await seedDemo(host.db, host.plugins, host.ctx);
    await host.close();
    hosts.splice(0);
    await start([demoPlugin(calls)]);

    expect(calls.n).toBe(1);
    expect(await (t.db as Kysely<any>).selectFrom("demo_plugin_notes").select("body").execute()).toEqual([{ body: "hello" }]);
    const remembered = await t.db.selectFrom("settings").select(["key", "value_json"]).where("key", "=", "demo-seed:demo-plugin").execute();
    expect(remembered).toEqual([{ key: "demo-seed:demo-plugin", value_json: JSON.stringify({ at: T0.toISOString() }) }]);
  });
});
