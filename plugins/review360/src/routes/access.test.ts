/**
 * Route guards, exercised through the real loaders with real sessions: who may open which page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createSession } from "@aftercare/core/sessions.server";
import { sessionPolicy } from "@aftercare/core/guards.server";
import { LOCALE_COOKIE } from "@aftercare/core/locale.server";
import { assignCustomers, assignStaff } from "../raters/assignments.server";
import { closeCycle } from "../cycle/cycles.server";
import { releaseReport } from "../report/release.server";
import { answersFor, insertCustomers, openedCycle, review360Host, revieweeOf, submitAsCustomer, submitAsStaff, team, type Host360 } from "../test-support/fixtures";
import { loader as reportLoader } from "./report";
import { loader as fillLoader } from "./fill";
import { loader as externalLoader } from "./external";
import { loader as exportLoader } from "./cycle-export";
import { loader as nominationsLoader } from "./nominations";
import { loader as cycleLoader } from "./cycle";

const HOST_KEY = Symbol.for("aftercare.host");
let h: Host360;
let t: Awaited<ReturnType<typeof team>>;
let cycleId: number;
let rid: number;
let otherRid: number;
const cookies = new Map<number, string>();

beforeAll(async () => {
  h = await review360Host();
  (globalThis as Record<symbol, unknown>)[HOST_KEY] = Promise.resolve(h);
  t = await team(h.rdb);
  cycleId = await openedCycle(h, t.manager, [t.reviewee, t.others[0]]);
  rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
  otherRid = await revieweeOf(h.rdb, cycleId, t.others[0]);
  await assignStaff(h.rdb, rid, "peers", t.others.slice(1, 4), h.now.iso);
  for (const p of t.others.slice(1, 4)) await submitAsStaff(h, rid, p, answersFor(4, { strengths: "同事评语。" }));
  await submitAsStaff(h, rid, t.reviewee, answersFor(5));
  await submitAsStaff(h, rid, t.supervisor, answersFor(3));
  for (const id of [t.manager, t.supervisor, t.reviewee, t.others[0], t.others[1]]) {
    const { cookie } = await createSession(h.db, id, sessionPolicy(h), new Date(h.now.iso));
    cookies.set(id, cookie.split(";")[0]);
  }
});

afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[HOST_KEY];
  await h.destroy();
});

function args(path: string, params: Record<string, string>, userId?: number): LoaderFunctionArgs {
  const cookie = [userId ? cookies.get(userId) : null, `${LOCALE_COOKIE}=zh-CN`].filter(Boolean).join("; ");
  return { request: new Request(`http://aftercare.test${path}`, { headers: { Cookie: cookie } }), params, context: {} } as LoaderFunctionArgs;
}

/** The status a loader answers with: a thrown Response's, or the init of returned `data()`, else 200. */
async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = (await run()) as { init?: { status?: number } } | null;
    return result?.init?.status ?? 200;
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

describe("the report page", () => {
  it("is 404 for a staff member opening another reviewee's report, released or not", async () => {
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${rid}`, { rid: String(rid) }, t.others[0])))).toBe(404);
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${rid}`, { rid: String(rid) }, t.others[1])))).toBe(404);
  });

  it("is 404 for the reviewee until the manager releases it, then shows their report", async () => {
    expect(await closeCycle(h.rdb, cycleId, h.now.iso)).toBe(true);
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${rid}`, { rid: String(rid) }, t.reviewee)))).toBe(404);
    expect(await releaseReport(h.ctx, rid, t.manager)).toBe(true);
    const result = (await reportLoader(args(`/review360/reports/${rid}`, { rid: String(rid) }, t.reviewee))) as unknown as { data: { reviewee: { name: string }; report: { overall: number } } };
    expect(result.data.reviewee.name).toBe("张伟");
    // Supervisor 3 (weight 0.3) and peers 4 (0.3) visible; customers absent: overall = (3 + 4) / 2 = 3.5.
    expect(result.data.report.overall).toBeCloseTo(3.5, 10);
    // Released to 张伟 does not open it to anyone else.
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${rid}`, { rid: String(rid) }, t.others[0])))).toBe(404);
    // A reviewee of the same cycle cannot read their own unreleased report either.
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${otherRid}`, { rid: String(otherRid) }, t.others[0])))).toBe(404);
    // The manager can.
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${otherRid}`, { rid: String(otherRid) }, t.manager)))).toBe(200);
  });

  it("sends an anonymous visitor to the login page", async () => {
    expect(await statusOf(() => reportLoader(args(`/review360/reports/${rid}`, { rid: String(rid) })))).toBe(302);
  });
});

describe("other pages", () => {
  it("the CSV export and the cycle page are forbidden to staff", async () => {
    expect(await statusOf(() => exportLoader(args(`/review360/cycles/${cycleId}/export`, { id: String(cycleId) }, t.reviewee)))).toBe(403);
    expect(await statusOf(() => cycleLoader(args(`/review360/cycles/${cycleId}`, { id: String(cycleId) }, t.others[0])))).toBe(403);
  });

  it("a nomination opens only to the reviewee, their supervisor and managers", async () => {
    expect(await statusOf(() => nominationsLoader(args(`/review360/nominations/${rid}`, { rid: String(rid) }, t.others[0])))).toBe(404);
    expect(await statusOf(() => nominationsLoader(args(`/review360/nominations/${rid}`, { rid: String(rid) }, t.reviewee)))).toBe(200);
    expect(await statusOf(() => nominationsLoader(args(`/review360/nominations/${rid}`, { rid: String(rid) }, t.supervisor)))).toBe(200);
  });
});

describe("forms", () => {
  it("a staff member cannot open someone else's form (and so its draft)", async () => {
    const h2 = await review360Host();
    (globalThis as Record<symbol, unknown>)[HOST_KEY] = Promise.resolve(h2);
    try {
      const t2 = await team(h2.rdb);
      const c2 = await openedCycle(h2, t2.manager, [t2.reviewee]);
      const r2 = await revieweeOf(h2.rdb, c2, t2.reviewee);
      const self = await h2.rdb.selectFrom("review360_assignment").select("id").where("reviewee_id", "=", r2).where("rater_group", "=", "self").executeTakeFirstOrThrow();
      await h2.rdb.updateTable("review360_assignment").set({ draft_json: JSON.stringify({ communication_1: 2 }) }).where("id", "=", self.id).execute();
      const session = async (id: number) => (await createSession(h2.db, id, sessionPolicy(h2), new Date(h2.now.iso))).cookie.split(";")[0];
      const request = async (userId: number) =>
        ({ request: new Request(`http://aftercare.test/review360/fill/${self.id}`, { headers: { Cookie: await session(userId) } }), params: { aid: String(self.id) }, context: {} }) as LoaderFunctionArgs;
      expect(await statusOf(async () => fillLoader(await request(t2.others[0])))).toBe(404);
      expect(await statusOf(async () => fillLoader(await request(t2.manager)))).toBe(404);
      const own = (await fillLoader(await request(t2.reviewee))) as unknown as { data: { draft: unknown } };
      expect(own.data.draft).toEqual({ communication_1: 2 });
      // Once submitted, the rater's own page says so; the draft is gone with the submission.
      await submitAsStaff(h2, r2, t2.reviewee, answersFor(4));
      const after = (await fillLoader(await request(t2.reviewee))) as unknown as { data: Record<string, unknown> };
      expect(after.data).toEqual({ done: true });

      // A customer's link opens only its own form; a made-up token gets the same 404 as a used one.
      const [customer] = await insertCustomers(h2.rdb, [{ company: "A 公司", email: "a@example.com" }]);
      await assignCustomers(h2.ctx, r2, [customer]);
      const inv = await h2.rdb.selectFrom("review360_assignment").select("invitation_id").where("customer_id", "=", customer).executeTakeFirstOrThrow();
      const token = h2.ctx.invitations.tokenFor(inv.invitation_id!);
      const page = (await externalLoader(args(`/review360/r/${token}`, { token }))) as unknown as { data: { revieweeName: string; invalid: boolean } };
      expect(page.data).toMatchObject({ invalid: false, revieweeName: "张伟" });
      expect(await statusOf(() => externalLoader(args(`/review360/r/x.y`, { token: "x.y" })))).toBe(404);
      await submitAsCustomer(h2, r2, customer, answersFor(3));
      expect(await statusOf(() => externalLoader(args(`/review360/r/${token}`, { token })))).toBe(404);
    } finally {
      (globalThis as Record<symbol, unknown>)[HOST_KEY] = Promise.resolve(h);
      await h2.destroy();
    }
  });
});
