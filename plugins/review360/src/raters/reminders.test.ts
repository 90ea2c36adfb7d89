import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { assignCustomers, assignStaff } from "./assignments.server";
import { closeCycle } from "../cycle/cycles.server";
import { answersFor, insertCustomers, openedCycle, plusDays, review360MailSuite, REVIEW_LINK, revieweeOf, START, submitAsCustomer, submitAsStaff, team } from "../test-support/fixtures";
import { openCustomerReview } from "../response/review-session.server";

const suite = review360MailSuite();

/**
 * Reviewee 张伟 (self), supervisor 刘主管, peers 李娜 / 赵磊 / 孙敏, customers A and B.
 * Submitted: self, 李娜, customer A. Not submitted: 刘主管, 赵磊, 孙敏, customer B.
 * Rule: remind 3 days after assignment or the last reminder, at most 2 times, until 2026-12-21.
 */
async function setup() {
  const h = await suite.host();
  const t = await team(h.rdb);
  const cycleId = await openedCycle(h, t.manager, [t.reviewee]);
  const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
  const peers = t.others.slice(0, 3);
  await assignStaff(h.rdb, rid, "peers", peers, h.now.iso);
  const [a, b] = await insertCustomers(h.rdb, [{ company: "A 公司", email: "a@customer.example" }, { company: "B 公司", email: "b@customer.example" }]);
  await assignCustomers(h.ctx, rid, [a, b]);
  await submitAsStaff(h, rid, t.reviewee, answersFor(4));
  await submitAsStaff(h, rid, peers[0], answersFor(3));
  await submitAsCustomer(h, rid, a, answersFor(5));
  await suite.drain(h); // invitations and "cycle open" mails
  const emails = Object.fromEntries(
    (await h.rdb.selectFrom("users").select(["id", "email"]).execute()).map((u) => [u.id, u.email]),
  );
  return { h, t, cycleId, rid, emails, peers };
}

const recipients = (mails: { envelopeTo: readonly string[] }[]) => mails.map((m) => m.envelopeTo[0]).sort();

describe("reminders", () => {
  it("go only to raters who have not submitted, once per reminder, at most as often as the rule says", async () => {
    const { h, t, rid, emails, peers } = await setup();
    const pending = [emails[t.supervisor], emails[peers[1]], emails[peers[2]], "b@customer.example"].sort();

    // Day 2: too early.
    h.now.iso = plusDays(START, 2);
    await h.runJob("review360.reminders");
    expect(await suite.drain(h)).toEqual([]);

    // Day 3: first reminder to the four non-submitters.
    h.now.iso = plusDays(START, 3);
    await h.runJob("review360.reminders");
    const first = await suite.drain(h);
    expect(recipients(first)).toEqual(pending);
    // Running the job again at the same time sends nothing (idempotency key per rater per reminder).
    await h.runJob("review360.reminders");
    expect(await suite.drain(h)).toEqual([]);

    // 赵磊 submits; day 6: the second reminder skips him.
    await submitAsStaff(h, rid, peers[1], answersFor(4));
    h.now.iso = plusDays(START, 6);
    await h.runJob("review360.reminders");
    expect(recipients(await suite.drain(h))).toEqual([emails[t.supervisor], emails[peers[2]], "b@customer.example"].sort());

    // Day 9: the rule's maximum (2) is reached: nothing more.
    h.now.iso = plusDays(START, 9);
    await h.runJob("review360.reminders");
    expect(await suite.drain(h)).toEqual([]);
    // 4 first reminders + 3 second reminders, each with its own key.
    const keys = await sql<{ k: string }>`select idempotency_key as k from mail_outbox where idempotency_key like 'review360:%:reminder:%'`.execute(h.db);
    expect(keys.rows).toHaveLength(7);
  });

  it("give a customer a link that still opens their own form, and a staff rater a link to the form", async () => {
    const { h, t, rid, emails } = await setup();
    h.now.iso = plusDays(START, 3);
    await h.runJob("review360.reminders");
    const mails = await suite.drain(h);
    const customer = mails.find((m) => m.envelopeTo[0] === "b@customer.example")!.parsed;
    expect(customer.subject).toBe("提醒：请评价张伟的服务");
    const session = await openCustomerReview(h.ctx, REVIEW_LINK.exec(String(customer.text))![1]);
    expect(session).toMatchObject({ revieweeId: rid, group: "customers" });
    const supervisor = mails.find((m) => m.envelopeTo[0] === emails[t.supervisor])!.parsed;
    const assignment = await h.rdb.selectFrom("review360_assignment").select("id").where("rater_user_id", "=", t.supervisor).executeTakeFirstOrThrow();
    expect(String(supervisor.text)).toContain(`http://aftercare.test/review360/fill/${assignment.id}`);
  });

  it("stop after the due date and in closed cycles", async () => {
    const { h, cycleId } = await setup();
    h.now.iso = "2026-12-22T01:00:00.000Z"; // after the due date 2026-12-21
    await h.runJob("review360.reminders");
    expect(await suite.drain(h)).toEqual([]);
    h.now.iso = plusDays(START, 3); // due, but the cycle is closed
    expect(await closeCycle(h.rdb, cycleId, h.now.iso)).toBe(true);
    await h.runJob("review360.reminders");
    expect(await suite.drain(h)).toEqual([]);
  });
});
