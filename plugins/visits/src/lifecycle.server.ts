import type { Kysely } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import type { VisitsTables } from "./tables";
import type { VisitType } from "./visit/visit-types";
import { readPolicy } from "./policy.server";
import { slaPolicyOf } from "./policy";
import { sendSlaNotices } from "./call/sla-notices.server";
import { sendCadenceDigests } from "./cadence/cadence.server";
import { slaSummaryService } from "./report/sla-report.server";
import { companyDate } from "./time";

type Db = Kysely<VisitsTables>;

/** Job names (`host.runJob(name)` in tests). */
export const SLA_WATCH_JOB = "visits.sla-watch";
export const CADENCE_DIGEST_JOB = "visits.cadence-digest";

/** Provides `visits.slaSummary` and registers the SLA watch (every minute) and the monthly digest (checked hourly). */
export function initVisits(ctx: PluginContext): void {
  ctx.services.provide("visits.slaSummary", slaSummaryService(ctx.db, ctx.clock));
  ctx.scheduler.every(SLA_WATCH_JOB, 60_000, async () => {
    await sendSlaNotices(ctx);
  });
  ctx.scheduler.every(CADENCE_DIGEST_JOB, 60 * 60_000, async () => {
    await sendCadenceDigests(ctx);
  });
}

const H = 3_600_000;
const MIN = 60_000;

/** Demo call timings, relative to receipt (ms); `null` = not reached yet. */
interface DemoCall {
  readonly receivedHoursAgo: number;
  readonly respond: number | null;
  readonly arrive: number | null;
  readonly start: number | null;
  readonly clear: number | null;
  readonly close: number | null;
  readonly holds?: readonly { from: number; to: number | null; reason: "customer" | "parts" }[];
  readonly fault: string;
}

const DEMO_CALLS: readonly DemoCall[] = [
  { receivedHoursAgo: 1000, respond: 10 * MIN, arrive: 5 * H, start: 5.25 * H, clear: 8.25 * H, close: 10 * H, fault: "混合机主电机异响，振动明显" },
  { receivedHoursAgo: 900, respond: 45 * MIN, arrive: 20 * H, start: 20.5 * H, clear: 26.5 * H, close: 28 * H, fault: "制粒机模具温度过高报警" },
  { receivedHoursAgo: 800, respond: 15 * MIN, arrive: 30 * H, start: 30.5 * H, clear: 34.5 * H, close: 36 * H, fault: "包装线封口不严，漏料" },
  { receivedHoursAgo: 700, respond: 5 * MIN, arrive: 8 * H, start: 8.2 * H, clear: 34.2 * H, close: 36 * H, fault: "配料系统称重偏差超过 ±0.5%" },
  { receivedHoursAgo: 600, respond: 20 * MIN, arrive: 22 * H, start: 22.5 * H, clear: 25 * H, close: 27 * H, holds: [{ from: 2 * H, to: 6 * H, reason: "customer" }], fault: "粉碎机筛网破损" },
  { receivedHoursAgo: 500, respond: 28 * MIN, arrive: 12 * H, start: 12.5 * H, clear: 22.5 * H, close: 24 * H, fault: "Mixer gearbox leaking oil" },
  { receivedHoursAgo: 300, respond: 12 * MIN, arrive: 3 * H, start: 3.2 * H, clear: 5.2 * H, close: 6 * H, fault: "触摸屏无响应" },
  { receivedHoursAgo: 200, respond: 35 * MIN, arrive: 26 * H, start: 26.3 * H, clear: 31.3 * H, close: 33 * H, fault: "制粒机电流异常波动" },
  { receivedHoursAgo: 120, respond: 8 * MIN, arrive: 6 * H, start: 6.5 * H, clear: 36.5 * H, close: 38 * H, holds: [{ from: 10 * H, to: 18 * H, reason: "parts" }], fault: "包装线伺服驱动器故障" },
  { receivedHoursAgo: 72, respond: 3 * MIN, arrive: 4 * H, start: 4.1 * H, clear: 5.1 * H, close: 6 * H, fault: "Batching software license expired" },
  // Open calls: a fresh one, one on its way, one breached during work, one on hold, one near its on-site limit.
  { receivedHoursAgo: 1 / 3, respond: null, arrive: null, start: null, clear: null, close: null, fault: "混合机无法启动" },
  { receivedHoursAgo: 3, respond: 10 * MIN, arrive: null, start: null, clear: null, close: null, fault: "粉碎机出料堵塞" },
  { receivedHoursAgo: 50, respond: 15 * MIN, arrive: 10 * H, start: 10.25 * H, clear: null, close: null, fault: "配料系统 PLC 通讯中断" },
  { receivedHoursAgo: 30, respond: 25 * MIN, arrive: null, start: null, clear: null, close: null, holds: [{ from: 4 * H, to: null, reason: "parts" }], fault: "制粒机压辊轴承损坏，等待配件" },
  { receivedHoursAgo: 23, respond: 20 * MIN, arrive: null, start: null, clear: null, close: null, fault: "包装线称重传感器漂移" },
];

const DONE_TYPES: readonly VisitType[] = ["routine", "inspection", "maintenance", "routine", "repair", "installation"];

/**
 * Demo data for the seeded customers (run once by the host): visit history that leaves some
 * customers on time, some due and some overdue; planned visits in the coming weeks; 15 service
 * calls over the last six weeks — most met, some breached, five still open (one on hold) — with
 * their phone return visits.
 */
export async function seedVisits(ctx: PluginContext): Promise<void> {
  const db = ctx.db as Db;
  if (await db.selectFrom("visits_call").select("id").limit(1).executeTakeFirst()) return;
  const customers = await db.selectFrom("customers").select(["id", "owner_id", "company"]).where("active", "=", 1).orderBy("id").execute();
  const field = await db.selectFrom("users").select("id").where("staff_kind", "=", "field").where("role", "=", "staff").where("active", "=", 1).orderBy("id").execute();
  const support = await db.selectFrom("users").select("id").where("staff_kind", "=", "support").where("role", "=", "staff").where("active", "=", 1).orderBy("id").execute();
  if (customers.length === 0 || field.length === 0) return;
  const takers = support.length ? support : field;
  const nowMs = ctx.clock().getTime();
  const nowIso = new Date(nowMs).toISOString();
  const iso = (ms: number) => new Date(ms).toISOString();
  const equipment = await db.selectFrom("equipment").select(["id", "customer_id"]).orderBy("id").execute();
  const firstEquipment = new Map<number, number>();
  for (const e of equipment) if (!firstEquipment.has(e.customer_id)) firstEquipment.set(e.customer_id, e.id);
  const policyJson = JSON.stringify(slaPolicyOf(await readPolicy(db)));

  await db.transaction().execute(async (trx) => {
    const t = trx as Db;
    const insertVisit = async (v: { customerId: number; ownerId: number; type: VisitType; plannedMs: number; done: boolean; summary?: string; sourceCallId?: number }) => {
      const started = v.done ? v.plannedMs + 30 * MIN : null;
      const row = await t
        .insertInto("visits_visit")
        .values({
          customer_id: v.customerId,
          type: v.type,
          status: v.done ? "done" : "planned",
          owner_id: v.ownerId,
          planned_at: iso(v.plannedMs),
          started_at: started === null ? null : iso(started),
          ended_at: started === null ? null : iso(started + 2 * H),
          visit_date: started === null ? null : companyDate(iso(started)),
          summary: v.done ? (v.summary ?? "设备运行正常，客户对服务满意。") : null,
          findings: v.done ? "无重大问题。" : null,
          requests: null,
          parts_replaced: null,
          checklist_json: null,
          cancel_reason: null,
          source_call_id: v.sourceCallId ?? null,
          created_by: v.ownerId,
          created_at: nowIso,
          updated_at: nowIso,
          closed_at: started === null ? null : iso(started + 2 * H),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.insertInto("visits_visit_visitor").values({ visit_id: row.id, user_id: v.ownerId }).execute();
      const eq = firstEquipment.get(v.customerId);
      if (eq && v.type !== "phone_return") await t.insertInto("visits_visit_equipment").values({ visit_id: row.id, equipment_id: eq }).execute();
      return row.id;
    };

    const DAY = 24 * H;
    for (const [i, c] of customers.entries()) {
      const ownerId = c.owner_id ?? field[i % field.length].id;
      const type = DONE_TYPES[i % DONE_TYPES.length];
      const pattern = i % 4;
      // 0: on time (2 visits in 12 months); 1: overdue (2nd visit 13 months ago); 2: due soon; 3: never visited.
      const pastDays = pattern === 0 ? [40, 200] : pattern === 1 ? [100, 395] : pattern === 2 ? [150, 340] : [];
      for (const d of pastDays) await insertVisit({ customerId: c.id, ownerId, type, plannedMs: nowMs - d * DAY, done: true });
      if (i % 3 === 0) await insertVisit({ customerId: c.id, ownerId, type: i % 2 ? "inspection" : "routine", plannedMs: nowMs + (2 + (i % 25)) * DAY, done: false });
    }

    for (const [i, spec] of DEMO_CALLS.entries()) {
      const customer = customers[(i * 7) % customers.length];
      const engineer = customer.owner_id ?? field[i % field.length].id;
      const received = nowMs - spec.receivedHoursAgo * H;
      const stamp = (offset: number | null) => (offset === null ? null : iso(received + offset));
      const row = await t
        .insertInto("visits_call")
        .values({
          customer_id: customer.id,
          equipment_id: firstEquipment.get(customer.id) ?? null,
          channel: i % 3 === 2 ? "email" : "hotline",
          fault: spec.fault,
          taken_by: takers[i % takers.length].id,
          engineer_id: engineer,
          policy_json: policyJson,
          received_at: iso(received),
          dispatched_at: iso(received + 5 * MIN),
          responded_at: stamp(spec.respond),
          arrived_at: stamp(spec.arrive),
          work_started_at: stamp(spec.start),
          cleared_at: stamp(spec.clear),
          closed_at: stamp(spec.close),
          resolution: spec.close === null ? null : "已修复并试机，客户确认。",
          created_at: iso(received),
          updated_at: nowIso,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const h of spec.holds ?? []) {
        await t.insertInto("visits_call_hold").values({ call_id: row.id, reason: h.reason, note: null, start_at: iso(received + h.from), end_at: stamp(h.to), created_by: engineer }).execute();
      }
      if (spec.close !== null) {
        const planned = received + spec.close + 7 * DAY;
        await insertVisit({ customerId: customer.id, ownerId: customer.owner_id ?? engineer, type: "phone_return", plannedMs: planned, done: planned < nowMs, summary: "电话回访：设备运行正常，客户已能熟练操作。", sourceCallId: row.id });
      }
    }
  });
}
