/**
 * Customers may answer "not observed / 无法评价" on a statement they cannot judge: no score is
 * stored, the mean ignores it, and the customer still counts as having answered.
 */
import { afterEach, describe, expect, it } from "vitest";
import { closeCycle } from "../cycle/cycles.server";
import { assignCustomers } from "../raters/assignments.server";
import { revieweeReport } from "../report/report.server";
import { NOT_OBSERVED } from "../definition/survey-json";
import { openCustomerReview, openStaffReview, saveDraft, submitReview } from "./review-session.server";
import { answersFor, insertCustomers, openedCycle, review360Host, revieweeOf, submitAsCustomer, submitAsStaff, team, type Host360 } from "../test-support/fixtures";

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
  const customers = await insertCustomers(h.rdb, [
    { company: "上海精密机械有限公司", email: "c1@example.com" },
    { company: "苏州饲料有限公司", email: "c2@example.com" },
    { company: "杭州新材料有限公司", email: "c3@example.com" },
    { company: "Pacific Feed Co.", email: "c4@example.com", locale: "en" },
  ]);
  await assignCustomers(h.ctx, rid, customers);
  return { h, t, cycleId, rid, customers };
}

async function customerSession(h: Host360, customerId: number) {
  const a = await h.rdb.selectFrom("review360_assignment").select("invitation_id").where("customer_id", "=", customerId).executeTakeFirstOrThrow();
  return (await openCustomerReview(h.ctx, h.ctx.invitations.tokenFor(a.invitation_id!)))!;
}

type Rating = { name: string; rateValues: { value: unknown; text: Record<string, string> }[] };
const ratingsOf = (survey: { pages?: readonly { elements?: readonly unknown[] }[] }) => survey.pages!.flatMap((p) => p.elements as Rating[]).filter((e) => Array.isArray(e.rateValues));

describe("not observed / 无法评价", () => {
  it("is offered to customers on every statement, and to no staff rater", async () => {
    const { h, t, rid, customers } = await setup();
    const customer = ratingsOf((await customerSession(h, customers[0])).survey);
    expect(customer).toHaveLength(12);
    for (const q of customer) {
      expect(q.rateValues.map((v) => v.value)).toEqual([1, 2, 3, 4, 5, NOT_OBSERVED]);
      expect(q.rateValues[5].text).toEqual({ default: "Not observed", en: "Not observed", "zh-cn": "无法评价" });
    }
    const self = await h.rdb.selectFrom("review360_assignment").select("id").where("reviewee_id", "=", rid).where("rater_group", "=", "self").executeTakeFirstOrThrow();
    const staff = ratingsOf((await openStaffReview(h.rdb, self.id, t.reviewee))!.survey);
    for (const q of staff) expect(q.rateValues.map((v) => v.value)).toEqual([1, 2, 3, 4, 5]);
  });

  it("is refused from a staff rater: nothing stored, the review stays open", async () => {
    const { h, t, rid } = await setup();
    const outcome = await submitAsStaff(h, rid, t.supervisor, { ...answersFor(4), communication_1: NOT_OBSERVED });
    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.errors.map((e) => e.name)).toEqual(["communication_1"]);
    const a = await h.rdb.selectFrom("review360_assignment").select("status").where("rater_user_id", "=", t.supervisor).executeTakeFirstOrThrow();
    expect(a.status).toBe("open");
    expect(await h.rdb.selectFrom("review360_answer").select("item").where("reviewee_id", "=", rid).execute()).toEqual([]);
  });

  it("is kept in a customer's draft", async () => {
    const { h, customers } = await setup();
    const session = await customerSession(h, customers[0]);
    expect(await saveDraft(h.ctx, session, { communication_1: NOT_OBSERVED, communication_2: 4 })).toBe(true);
    expect((await customerSession(h, customers[0])).draft).toEqual({ communication_1: NOT_OBSERVED, communication_2: 4 });
  });

  /**
   * Supervisor: 4 everywhere. Four customers (minimum 3):
   *   c1 not observed on communication_1, 5 on the rest; c2 not observed on communication_1, 3 on the rest;
   *   c3 4 everywhere; c4 2 everywhere.
   * communication_1 has only 2 customer scores (< 3): left out for customers (its mean 3 would
   * expose c3 and c4), so its others = supervisor alone = 4.
   * Every other item: customers (5 + 3 + 4 + 2) / 4 = 3.5, spread √((2.25 + 0.25 + 0.25 + 2.25) / 4) = √1.25.
   * communication for customers = the mean of items 2–4 = 3.5 (with communication_1 folded in it
   * would be (3.5 × 12 + 6) / 14 = 3.43); others = 0.5 × 4 + 0.5 × 3.5 = 3.75.
   * Customers count 4 raters, weight 0.3 / 0.6 = 0.5; overall = 0.5 × 4 + 0.5 × 3.5 = 3.75.
   */
  it("counts in participation but not in any mean, and a statement left with too few scores is not shown for the group", async () => {
    const { h, t, cycleId, rid, customers } = await setup();
    await submitAsStaff(h, rid, t.supervisor, answersFor(4));
    const [c1, c2, c3, c4] = customers;
    expect(await submitAsCustomer(h, rid, c1, { ...answersFor(5), communication_1: NOT_OBSERVED })).toEqual({ ok: true, duplicate: false });
    expect(await submitAsCustomer(h, rid, c2, { ...answersFor(3), communication_1: NOT_OBSERVED })).toEqual({ ok: true, duplicate: false });
    await submitAsCustomer(h, rid, c3, answersFor(4));
    await submitAsCustomer(h, rid, c4, answersFor(2));

    // No score row for a "not observed": 4 × 12 − 2 = 46 customer scores; communication_1 has 2.
    const rows = await h.rdb.selectFrom("review360_answer").select(["item", "score"]).where("reviewee_id", "=", rid).where("rater_group", "=", "customers").execute();
    expect(rows).toHaveLength(46);
    expect(rows.filter((r) => r.item === "communication_1").map((r) => r.score).sort()).toEqual([2, 4]);
    // All four customers have answered.
    const done = await h.rdb.selectFrom("review360_assignment").select("status").where("reviewee_id", "=", rid).where("rater_group", "=", "customers").execute();
    expect(done.map((d) => d.status)).toEqual(["submitted", "submitted", "submitted", "submitted"]);

    await closeCycle(h.rdb, cycleId, h.now.iso);
    const report = await revieweeReport(h.rdb, rid);
    if (report?.state !== "ready") throw new Error("report not ready");
    expect(report.participation.find((p) => p.group === "customers")).toEqual({ group: "customers", status: "visible", raters: 4, weight: 0.5 });

    const item = (id: string) => report.items.find((i) => i.id === id)!;
    const customersOf = (row: { groups: readonly { group: string; mean: number | null; spread: number | null }[] }) => row.groups.find((g) => g.group === "customers")!;
    expect(customersOf(item("communication_1"))).toEqual({ group: "customers", mean: null, spread: null });
    expect(item("communication_1").others).toBe(4);
    expect(customersOf(item("communication_2")).mean).toBe(3.5);
    expect(customersOf(item("communication_2")).spread).toBeCloseTo(Math.sqrt(1.25), 10);
    expect(item("communication_2").others).toBeCloseTo(3.75, 10);

    const communication = report.competencies.find((c) => c.id === "communication")!;
    expect(customersOf(communication).mean).toBeCloseTo(3.5, 10);
    expect(communication.others).toBeCloseTo(3.75, 10);
    expect(report.overall).toBeCloseTo(3.75, 10);
  });
});
