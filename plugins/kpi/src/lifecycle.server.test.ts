import { afterEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { describeSchema } from "@aftercare/db/schema-description";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { kpiPlugin } from "./plugin";
import type { KpiTables } from "./tables";
import { monthHealth } from "./report/health.server";
import { paySheet } from "./pay/pay.server";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the demo seed", () => {
  it("scores last month for the seeded staff in every state, flags the support scheme and sets average pay", async () => {
    const host = await createTestHost({ plugins: [kpiPlugin], seedDemo: true, clock: () => new Date("2026-12-05T02:00:00.000Z") });
    hosts.push(host);
    const db = host.db as unknown as Kysely<KpiTables>;
    const rows = await db.selectFrom("kpi_sheet as s").innerJoin("users as u", "u.id", "s.employee_id").select(["u.email", "s.month", "s.status", "s.total", "s.kpi_value"]).orderBy("u.email").execute();
    expect(rows.map((r) => [r.email.split("@")[0], r.month, r.status, r.total, r.kpi_value])).toEqual([
      ["li.na", "2026-11", "acknowledged", 91, 1.5],
      ["sun.min", "2026-11", "draft", null, null],
      ["wu.fang", "2026-11", "disputed", 65.8, 0.8],
      ["zhang.wei", "2026-11", "locked", 82, 1],
      ["zhao.lei", "2026-11", "submitted", 72, 0.8],
      ["zheng.hao", "2026-11", "draft", null, null],
      ["zhou.jie", "2026-11", "locked", 68.7, 0.8],
    ]);
    const admin = await db.selectFrom("users").select("id").where("email", "=", "admin@aftercare.local").executeTakeFirstOrThrow();
    const health = await monthHealth(db, "2026-11", { id: admin.id, role: "admin" });
    expect(health.map((h) => [h.scheme.kind, h.health.unreasonable])).toEqual([
      ["field", false],
      ["support", true],
    ]);
    const pay = await paySheet(db, "2026-11", { id: admin.id, role: "admin" });
    expect(pay.filter((p) => p.averagePayCents !== null)).toHaveLength(7);
    // zhang.wei: avg 8 000.00, c 0.6, KPI 1 → 4 800.00 + 3 200.00 = 8 000.00
    expect(pay.find((p) => p.email === "zhang.wei@aftercare.local")!.pay).toEqual({ baseCents: 480_000, standardPerformanceCents: 320_000, actualPerformanceCents: 320_000, actualPayCents: 800_000 });
  });
});

describe("the schema", () => {
  it("matches the snapshot", async () => {
    const host = await createTestHost({ plugins: [kpiPlugin] });
    hosts.push(host);
    // The same snapshot on SQLite and PostgreSQL: the migrations describe one schema on both.
    expect((await describeSchema(host.db, "kpi_")).join("\n")).toMatchSnapshot();
  });
});

describe("the messages", () => {
  it("exist in both languages with the same placeholders", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    const vars = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    for (const key of Object.keys(en)) expect([key, vars(zhCN[key])]).toEqual([key, vars(en[key])]);
  });
});
