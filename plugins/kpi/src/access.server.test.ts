import { afterEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { insertOrg, kpiHost, tx } from "./test-support/fixtures";
import { loadSheet, monthSheets, startMonth } from "./sheet/sheets.server";
import { visibleEmployees } from "./access.server";
import { paySheet } from "./pay/pay.server";
import { sheetsAwaiting } from "./sheet/awaiting.server";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MONTH = "2026-11";

async function setup() {
  const host = await kpiHost();
  hosts.push(host);
  const org = await insertOrg(host.kdb);
  await tx(host.kdb, (trx) => startMonth(trx, { month: MONTH, supervisor: org.liu, now: "2026-11-01T00:00:00.000Z" }));
  await tx(host.kdb, (trx) => startMonth(trx, { month: MONTH, supervisor: org.chen, now: "2026-11-01T00:00:00.000Z" }));
  // The top manager also has a sheet for Liu (a supervisor is an employee too).
  await tx(host.kdb, (trx) => startMonth(trx, { month: MONTH, supervisor: org.wang, now: "2026-11-01T00:00:00.000Z" }));
  return { db: host.kdb, org };
}

describe("who sees which sheets (enforced in the queries)", () => {
  it("staff see only their own; supervisors their team and their own; managers their whole line; admins all", async () => {
    const { db, org } = await setup();
    const names = async (actor: { id: number; role: "admin" | "manager" | "staff" }) => (await monthSheets(db, MONTH, actor)).map((s) => s.employee_id).sort((a, b) => a - b);
    expect(await names(org.zhang)).toEqual([org.zhang.id]);
    expect(await names(org.zhou)).toEqual([org.zhou.id]);
    expect(await names(org.liu)).toEqual([org.liu.id, org.zhang.id, org.li.id].sort((a, b) => a - b));
    expect(await names(org.chen)).toEqual([org.chen.id, org.zhou.id].sort((a, b) => a - b));
    const everyone = [org.liu.id, org.chen.id, org.zhang.id, org.li.id, org.zhou.id].sort((a, b) => a - b);
    expect(await names(org.wang)).toEqual(everyone);
    expect(await names(org.admin)).toEqual(everyone);
    // a manager with nobody reporting sees nothing
    expect(await names(org.qian)).toEqual([]);
  });

  it("a sheet outside one's scope does not load, and other reports follow the same rule", async () => {
    const { db, org } = await setup();
    const zhangSheet = (await monthSheets(db, MONTH, org.zhang))[0];
    expect(await loadSheet(db, zhangSheet.id, org.li)).toBeNull();
    expect(await loadSheet(db, zhangSheet.id, org.chen)).toBeNull();
    expect(await loadSheet(db, zhangSheet.id, org.liu)).not.toBeNull();
    expect(await loadSheet(db, zhangSheet.id, org.wang)).not.toBeNull();
    expect((await visibleEmployees(db, org.chen)).map((e) => e.id).sort()).toEqual([org.chen.id, org.zhou.id].sort());
    expect((await paySheet(db, MONTH, org.liu)).map((r) => r.employeeId).sort()).toEqual([org.liu.id, org.zhang.id, org.li.id].sort());
    expect(await paySheet(db, MONTH, org.qian)).toEqual([]);
  });

  it("the awaiting list offers each person only their own next step", async () => {
    const { db, org } = await setup();
    const liu = await sheetsAwaiting(db, org.liu, org.liu.permissions);
    expect(liu.map((i) => [i.employeeName, i.action])).toEqual([
      ["张伟 Zhang", "score"],
      ["李娜 Li", "score"],
    ]);
    expect(await sheetsAwaiting(db, org.zhang, org.zhang.permissions)).toEqual([]);
    expect((await sheetsAwaiting(db, org.wang, org.wang.permissions)).map((i) => [i.employeeName, i.action])).toEqual([
      ["刘主管 Liu", "score"],
      ["陈主管 Chen", "score"],
    ]);
  });
});
