import { afterEach, describe, expect, it } from "vitest";
import { describeSchema } from "@aftercare/db/schema-description";
import { testClock, visitsHost, type VisitsHost } from "./test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the visits schema", () => {
  it("matches the committed snapshot (tables and indexes prefixed visits_)", async () => {
    const host = await visitsHost(testClock("2026-03-01T00:00:00.000Z"));
    hosts.push(host);
    // The same snapshot on SQLite and PostgreSQL: the migrations describe one schema on both.
    expect((await describeSchema(host.db, "visits_")).join("\n")).toMatchSnapshot();
  });
});
