import { afterEach, describe, expect, it } from "vitest";
import { definePlugin } from "@aftercare/plugin-api";
import { createTestHost, type TestHost } from "./test-host.server";
import { type TestClock, testClock } from "./test-clock";

// Two app instances over one database (two hosts in this process, as two servers would be), both
// ticking the same scheduled job: it must run once per interval between them.
const INTERVAL_MS = 15 * 60_000;

function countingPlugin(runs: string[], instance: string) {
  return definePlugin({
    id: "jobs",
    packageName: "@acme/jobs",
    titleKey: "jobs.title",
    locales: { en: {}, "zh-CN": {} },
    init(ctx) {
      ctx.scheduler.every("jobs.digest", INTERVAL_MS, async () => {
        runs.push(instance);
      });
    },
  });
}

const hosts: TestHost[] = [];
afterEach(async () => {
  // The second host shares the first's database: close it first, the owner drops the database.
  for (const h of hosts.splice(0).reverse()) await h.destroy();
});

async function twoInstances(clock: TestClock, runs: string[]) {
  const a = await createTestHost({ plugins: [countingPlugin(runs, "a")], clock: clock.now });
  hosts.push(a);
  const b = await createTestHost({ plugins: [countingPlugin(runs, "b")], clock: clock.now, env: { DATABASE_URL: a.databaseUrl } });
  hosts.push(b);
  return { a, b };
}

describe("scheduled jobs across instances", () => {
  it("run once when both instances tick at the same moment", async () => {
    const clock = testClock("2026-03-01T08:00:00.000Z");
    const runs: string[] = [];
    const { a, b } = await twoInstances(clock, runs);

    const ran = await Promise.all([a.runScheduledJob("jobs.digest"), b.runScheduledJob("jobs.digest")]);

    expect(runs).toHaveLength(1);
    expect(ran.filter(Boolean)).toHaveLength(1);
  });

  it("run once per interval when the instances' timers are a few minutes apart", async () => {
    const clock = testClock("2026-03-01T08:00:00.000Z");
    const runs: string[] = [];
    const { a, b } = await twoInstances(clock, runs);

    // Three intervals; b's timer fires 4 minutes after a's each time.
    for (let i = 0; i < 3; i++) {
      expect(await a.runScheduledJob("jobs.digest")).toBe(true);
      clock.advanceMinutes(4);
      expect(await b.runScheduledJob("jobs.digest")).toBe(false);
      clock.advanceMinutes(11);
    }
    expect(runs).toEqual(["a", "a", "a"]);
  });

  it("are taken over by the other instance when one stops ticking", async () => {
    const clock = testClock("2026-03-01T08:00:00.000Z");
    const runs: string[] = [];
    const { a, b } = await twoInstances(clock, runs);

    expect(await a.runScheduledJob("jobs.digest")).toBe(true);
    // a is gone; b's next tick, one interval later, runs the job.
    clock.advanceMinutes(15);
    expect(await b.runScheduledJob("jobs.digest")).toBe(true);
    expect(runs).toEqual(["a", "b"]);
  });

  it("still run on demand (runJob) whatever the schedule says", async () => {
    const clock = testClock("2026-03-01T08:00:00.000Z");
    const runs: string[] = [];
    const { a } = await twoInstances(clock, runs);

    await a.runScheduledJob("jobs.digest");
    await a.runJob("jobs.digest");

    expect(runs).toEqual(["a", "a"]);
  });
});
