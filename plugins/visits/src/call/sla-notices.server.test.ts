import fs from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestHost } from "@aftercare/core/test-host.server";
import { visitsPlugin } from "../plugin";
import { SLA_WATCH_JOB } from "../lifecycle.server";
import { recordMilestone, startHold } from "./calls.server";
import { drainOutbox, insertCustomer, insertUser, newCall, startTestSmtpServer, testClock, visitsHost, type VisitsHost } from "../test-support/fixtures";
import type { TestSmtpServer } from "@aftercare/mail/test-smtp-server";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const RECEIVED = "2026-03-02T01:00:00.000Z"; // 09:00 in Shanghai

async function setup() {
  const clock = testClock(RECEIVED);
  const host = await visitsHost(clock);
  hosts.push(host);
  const lead = await insertUser(host.vdb, { name: "刘主管", email: "lead@aftercare.test", role: "manager" });
  const engineer = await insertUser(host.vdb, { name: "Sun Min", email: "sun@aftercare.test", supervisorId: lead, locale: "en" });
  const hotline = await insertUser(host.vdb, { name: "周杰", email: "zhou@aftercare.test" });
  const customer = await insertCustomer(host.vdb, { company: "Pacific Feed Co.", ownerId: engineer });
  const call = await newCall(host, { customerId: customer, takenBy: hotline, receivedAt: RECEIVED, engineerId: engineer });
  return { clock, host, lead, engineer, hotline, customer, call };
}

const notices = (host: VisitsHost) => host.vdb.selectFrom("visits_sla_notice").selectAll().orderBy("call_id").orderBy("clock").orderBy("kind").execute();

describe("the SLA watch job (warnings at 80 %, breach notices)", () => {
  it("warns the engineer and their supervisor once at 80 % and sends the breach notice once — across two runs and a restart", async () => {
    const { clock, host, call } = await setup();
    // 20 min of 30: below the 24-min warning point → nothing.
    clock.set("2026-03-02T01:20:00.000Z");
    await host.runJob(SLA_WATCH_JOB);
    expect(await notices(host)).toEqual([]);

    // 25 min: warning (respond clock only; on site has used 25 min of 24 h).
    clock.set("2026-03-02T01:25:00.000Z");
    await host.runJob(SLA_WATCH_JOB);
    await host.runJob(SLA_WATCH_JOB); // second run: nothing new
    expect(await notices(host)).toEqual([{ call_id: call, clock: "respond", kind: "warning", sent_at: "2026-03-02T01:25:00.000Z" }]);
    const warnings = await drainOutbox(host.db, smtp);
    expect(warnings.map((m) => m.envelopeTo[0]).sort()).toEqual(["lead@aftercare.test", "sun@aftercare.test"]);
    const toEngineer = warnings.find((m) => m.envelopeTo[0] === "sun@aftercare.test")!.parsed;
    // 30 − 25 = 5 min left; due at 09:30 Shanghai time.
    expect(toEngineer.subject).toBe("SLA warning: service call #1 (Pacific Feed Co.) — Response clock, 5 min left");
    expect(toEngineer.text).toContain("http://aftercare.test/visits/calls/1");
    const toLead = warnings.find((m) => m.envelopeTo[0] === "lead@aftercare.test")!.parsed;
    expect(toLead.subject).toBe("响应预警：服务单 #1（Pacific Feed Co.）响应时限剩余 5分钟");

    // 31 min: breached → breach notice once, even when run twice.
    clock.set("2026-03-02T01:31:00.000Z");
    await host.runJob(SLA_WATCH_JOB);
    await host.runJob(SLA_WATCH_JOB);
    const breaches = await drainOutbox(host.db, smtp);
    expect(breaches).toHaveLength(2);
    expect(breaches.find((m) => m.envelopeTo[0] === "sun@aftercare.test")!.parsed.subject).toBe("SLA breached: service call #1 (Pacific Feed Co.) — Response clock");

    // Restart: a new host over the same database runs the job again at 35 min → nothing is sent.
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    clock.set("2026-03-02T01:35:00.000Z");
    const again = await createTestHost({ plugins: [visitsPlugin], clock: clock.now, env: { DATABASE_URL: host.databaseUrl } });
    try {
      await again.runJob(SLA_WATCH_JOB);
      await again.runJob(SLA_WATCH_JOB);
      expect(await drainOutbox(again.db, smtp)).toEqual([]);
      const rows = await again.db.selectFrom("mail_outbox" as never).select(["idempotency_key" as never]).execute();
      expect((rows as { idempotency_key: string }[]).map((r) => r.idempotency_key).sort()).toEqual([
        `visits:sla:${call}:respond:breach:1`,
        `visits:sla:${call}:respond:breach:2`,
        `visits:sla:${call}:respond:warning:1`,
        `visits:sla:${call}:respond:warning:2`,
      ]);
    } finally {
      await again.destroy();
      fs.rmSync(host.dir, { recursive: true, force: true });
    }
  });

  it("sends no breach notice while the call is on hold at the moment it would breach", async () => {
    const { clock, host, call, engineer } = await setup();
    clock.set("2026-03-02T01:20:00.000Z");
    await startHold(host.ctx, { id: call, reason: "customer", note: null, at: clock.iso(), actorId: engineer });
    // 3 hours later, still on hold: the respond clock shows 20 min (below the warning point).
    clock.set("2026-03-02T04:20:00.000Z");
    await host.runJob(SLA_WATCH_JOB);
    expect(await notices(host)).toEqual([]);
    expect(await drainOutbox(host.db, smtp)).toEqual([]);
  });

  it("a clock first seen already breached gets the breach notice only, and a responded call none", async () => {
    const { clock, host, call, engineer } = await setup();
    clock.set("2026-03-02T01:10:00.000Z");
    await recordMilestone(host.ctx, { id: call, milestone: "responded", at: clock.iso(), actorId: engineer });
    // 21 h on the on-site clock of 24 h → 87.5 % → warning; respond clock stopped at 10 min → met, nothing.
    clock.set("2026-03-02T22:00:00.000Z");
    await host.runJob(SLA_WATCH_JOB);
    expect((await notices(host)).map((n) => `${n.clock}:${n.kind}`)).toEqual(["onSite:warning"]);
    // The job was down until 26 h: on site breached → breach only.
    clock.set("2026-03-03T03:00:00.000Z");
    await host.runJob(SLA_WATCH_JOB);
    expect((await notices(host)).map((n) => `${n.clock}:${n.kind}`)).toEqual(["onSite:breach", "onSite:warning"]);
    // A second call received when the job was down and never answered: breach only, no late warning.
    const late = await newCall(host, { customerId: (await host.vdb.selectFrom("customers").select("id").executeTakeFirstOrThrow()).id, takenBy: engineer, receivedAt: "2026-03-03T02:00:00.000Z" });
    await host.runJob(SLA_WATCH_JOB);
    expect((await notices(host)).filter((n) => n.call_id === late).map((n) => `${n.clock}:${n.kind}`)).toEqual(["respond:breach"]);
    await drainOutbox(host.db, smtp);
  });
});
