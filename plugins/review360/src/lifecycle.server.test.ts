import { afterEach, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { review360Plugin } from "./plugin";
import type { Db } from "./cycle/cycles.server";
import { revieweeReport } from "./report/report.server";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the demo seed", () => {
  it("creates a closed cycle with reports (one group hidden where too few answered) and an open cycle awaiting a nomination", async () => {
    const host = await createTestHost({ plugins: [review360Plugin], seedDemo: true, clock: () => new Date("2026-12-01T01:00:00.000Z") });
    hosts.push(host);
    const db = host.db as unknown as Db;
    const cycles = await db.selectFrom("review360_cycle").select(["id", "status"]).orderBy("id").execute();
    expect(cycles.map((c) => c.status)).toEqual(["closed", "open"]);
    const reviewees = await db
      .selectFrom("review360_reviewee as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select(["r.id", "u.email", "r.released_at"])
      .where("r.cycle_id", "=", cycles[0].id)
      .execute();
    const zhang = reviewees.find((r) => r.email === "zhang.wei@aftercare.local")!;
    expect(zhang.released_at).not.toBeNull();
    const report = await revieweeReport(db, zhang.id);
    expect(report?.state).toBe("ready");
    const sun = reviewees.find((r) => r.email === "sun.min@aftercare.local")!;
    const sunReport = await revieweeReport(db, sun.id);
    expect(sunReport?.state === "ready" && sunReport.participation.find((p) => p.group === "peers")?.status).toBe("hidden");
    const pending = await db.selectFrom("review360_reviewee").select("nomination_status").where("cycle_id", "=", cycles[1].id).where("nomination_status", "=", "submitted").execute();
    expect(pending).toHaveLength(1);
    expect(host.jobNames()).toContain("review360.reminders");
  });
});
