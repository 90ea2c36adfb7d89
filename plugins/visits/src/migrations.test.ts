import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { testClock, visitsHost, type VisitsHost } from "./test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the visits schema", () => {
  it("matches the committed snapshot (tables and indexes prefixed visits_)", async () => {
    const host = await visitsHost(testClock("2026-03-01T00:00:00.000Z"));
    hosts.push(host);
    const rows = await sql<{ type: string; name: string; sql: string | null }>`select type, name, sql from sqlite_master where name like 'visits_%' order by type, name`.execute(host.db);
    expect(rows.rows.map((r) => `${r.type} ${r.name}\n${r.sql ?? "(auto)"}`).join("\n\n")).toMatchSnapshot();
  });
});
