import { afterEach, describe, expect, it } from "vitest";
import { assignStaff, decideNomination, nominatePeers, peerList } from "./assignments.server";
import { todoFor } from "./todo.server";
import { openStaffReview } from "../response/review-session.server";
import { minimumWarnings, getCycle } from "../cycle/cycles.server";
import { openedCycle, review360Host, revieweeOf, team, type Host360 } from "../test-support/fixtures";

const hosts: Host360[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

async function setup() {
  const h = await review360Host();
  hosts.push(h);
  const t = await team(h.rdb);
  const cycleId = await openedCycle(h, t.manager, [t.reviewee]);
  const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
  return { h, t, cycleId, rid };
}

async function assignmentOf(h: Host360, rid: number, userId: number) {
  return h.rdb.selectFrom("review360_assignment").select(["id", "status", "rater_group", "source"]).where("reviewee_id", "=", rid).where("rater_user_id", "=", userId).executeTakeFirst();
}

describe("opening a cycle", () => {
  it("assigns self and supervisor automatically, and the nomination is open", async () => {
    const { h, t, rid } = await setup();
    expect(await assignmentOf(h, rid, t.reviewee)).toMatchObject({ rater_group: "self", status: "open", source: "auto" });
    expect(await assignmentOf(h, rid, t.supervisor)).toMatchObject({ rater_group: "supervisor", status: "open", source: "auto" });
    const row = await h.rdb.selectFrom("review360_reviewee").select(["nomination_status", "supervisor_id"]).where("id", "=", rid).executeTakeFirstOrThrow();
    expect(row).toEqual({ nomination_status: "open", supervisor_id: t.supervisor });
  });
});

describe("peer nomination", () => {
  it("refuses fewer than the minimum, more than the maximum, and people who may not be peers", async () => {
    const { h, t, rid } = await setup();
    expect(await nominatePeers(h.ctx, rid, t.others.slice(0, 2))).toEqual({ ok: false, problem: "too-few" });
    expect(await nominatePeers(h.ctx, rid, [...t.others, t.manager])).toEqual({ ok: false, problem: "too-many" });
    expect(await nominatePeers(h.ctx, rid, [t.others[0], t.others[1], t.reviewee])).toEqual({ ok: false, problem: "invalid-rater" });
    expect(await nominatePeers(h.ctx, rid, [t.others[0], t.others[1], t.supervisor])).toEqual({ ok: false, problem: "invalid-rater" });
  });

  it("goes to the supervisor, who edits and approves it; only then can the peers fill in", async () => {
    const { h, t, rid } = await setup();
    const [a, b, c, d, e] = t.others;
    expect(await nominatePeers(h.ctx, rid, [a, b, c, d])).toEqual({ ok: true, count: 4 });
    expect((await peerList(h.rdb, rid)).map((p) => p.status)).toEqual(["proposed", "proposed", "proposed", "proposed"]);
    // Proposed peers have nothing to do yet and cannot open the form.
    expect((await todoFor(h.rdb, a)).reviews).toEqual([]);
    expect(await openStaffReview(h.rdb, (await assignmentOf(h, rid, a))!.id, a)).toBeNull();
    // The supervisor sees it to approve; the reviewee cannot nominate again meanwhile.
    expect((await todoFor(h.rdb, t.supervisor)).approvals.map((x) => x.revieweeId)).toEqual([rid]);
    expect(await nominatePeers(h.ctx, rid, [a, b, c])).toEqual({ ok: false, problem: "not-allowed-now" });

    // Edit: drop d, add e; approve.
    expect(await decideNomination(h.ctx, rid, { kind: "approve", peerIds: [a, b, c, e] })).toEqual({ ok: true, count: 4 });
    expect(await assignmentOf(h, rid, d)).toBeUndefined();
    for (const p of [a, b, c, e]) expect(await assignmentOf(h, rid, p)).toMatchObject({ rater_group: "peers", status: "open", source: "nominated" });
    expect((await todoFor(h.rdb, e)).reviews.map((r) => r.revieweeName)).toEqual(["张伟"]);
    expect(await openStaffReview(h.rdb, (await assignmentOf(h, rid, e))!.id, e)).not.toBeNull();
    const row = await h.rdb.selectFrom("review360_reviewee").select("nomination_status").where("id", "=", rid).executeTakeFirstOrThrow();
    expect(row.nomination_status).toBe("approved");
    expect((await todoFor(h.rdb, t.supervisor)).approvals).toEqual([]);
  });

  it("can be rejected with a note: the proposals go, the reviewee nominates again", async () => {
    const { h, t, rid } = await setup();
    await nominatePeers(h.ctx, rid, t.others.slice(0, 3));
    expect(await decideNomination(h.ctx, rid, { kind: "reject", note: "请提名与你合作最多的同事" })).toEqual({ ok: true, count: 0 });
    expect(await peerList(h.rdb, rid)).toEqual([]);
    const todo = await todoFor(h.rdb, t.reviewee);
    expect(todo.nominations).toEqual([expect.objectContaining({ revieweeId: rid, status: "returned", note: "请提名与你合作最多的同事" })]);
    expect(await nominatePeers(h.ctx, rid, t.others.slice(3, 6))).toEqual({ ok: true, count: 3 });
  });

  it("lets a manager assign peers directly, ready to fill, without a nomination", async () => {
    const { h, t, rid } = await setup();
    expect(await assignStaff(h.rdb, rid, "peers", t.others.slice(0, 3), h.now.iso)).toEqual({ ok: true, count: 3 });
    expect(await assignmentOf(h, rid, t.others[0])).toMatchObject({ status: "open", source: "manager" });
    // Assigning the same people again adds nobody; a person rates a reviewee once.
    expect(await assignStaff(h.rdb, rid, "peers", [t.others[0], t.supervisor], h.now.iso)).toEqual({ ok: true, count: 0 });
  });
});

describe("the set-up warnings", () => {
  it("name the reviewees who cannot reach a group minimum", async () => {
    const { h, t, cycleId, rid } = await setup();
    const cycle = (await getCycle(h.rdb, cycleId))!;
    // Open cycle, nothing assigned but self and supervisor: peers 0/3 and customers 0/3; subordinates absent (no reports).
    expect((await minimumWarnings(h.rdb, cycle)).map((w) => [w.name, w.group, w.have, w.need])).toEqual([
      ["张伟", "peers", 0, 3],
      ["张伟", "customers", 0, 3],
    ]);
    await assignStaff(h.rdb, rid, "peers", t.others.slice(0, 3), h.now.iso);
    expect((await minimumWarnings(h.rdb, cycle)).map((w) => w.group)).toEqual(["customers"]);
  });
});
