import { describe, expect, it } from "vitest";
import { assignCustomers } from "../raters/assignments.server";
import { openCustomerReview, saveDraft, submitReview } from "./review-session.server";
import { answersFor, insertCustomers, openedCycle, review360MailSuite, REVIEW_LINK, revieweeOf, team } from "../test-support/fixtures";

const suite = review360MailSuite();

async function setup() {
  const h = await suite.host();
  const t = await team(h.rdb);
  const cycleId = await openedCycle(h, t.manager, [t.reviewee, t.others[0]]);
  const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
  const other = await revieweeOf(h.rdb, cycleId, t.others[0]);
  const [zh, en, opted] = await insertCustomers(h.rdb, [
    { company: "上海精密机械有限公司", email: "buyer@shanghai-jm.example" },
    { company: "Pacific Feed Co.", email: "ops@pacific.example", locale: "en" },
    { company: "退订公司", email: "no@example.com", optedOut: true },
  ]);
  await suite.drain(h); // the "cycle open" mails to staff
  return { h, t, rid, other, zh, en, opted };
}

describe("a customer rater", () => {
  it("gets a mail in their language with a personal link that opens their own form, and works once", async () => {
    const { h, rid, zh, en } = await setup();
    expect(await assignCustomers(h.ctx, rid, [zh, en])).toEqual({ ok: true, count: 2 });
    const mails = await suite.drain(h);
    expect(mails.map((m) => m.envelopeTo[0]).sort()).toEqual(["buyer@shanghai-jm.example", "ops@pacific.example"]);
    const zhMail = mails.find((m) => m.envelopeTo[0] === "buyer@shanghai-jm.example")!.parsed;
    const enMail = mails.find((m) => m.envelopeTo[0] === "ops@pacific.example")!.parsed;
    expect(zhMail.subject).toBe("上海精密机械有限公司：请评价张伟的服务");
    expect(enMail.subject).toBe("How did 张伟 serve you? A short review for Pacific Feed Co.");
    const token = REVIEW_LINK.exec(String(zhMail.text))![1];
    expect(String(zhMail.html)).toContain(`/review360/r/${token}`);

    const session = await openCustomerReview(h.ctx, token);
    expect(session).toMatchObject({ revieweeId: rid, group: "customers", perspective: "customer", revieweeName: "张伟" });
    const own = await h.rdb.selectFrom("review360_assignment").select("id").where("customer_id", "=", zh).executeTakeFirstOrThrow();
    expect(session!.assignmentId).toBe(own.id);

    // A saved draft comes back when the link is reopened.
    expect(await saveDraft(h.ctx, session!, { communication_1: 4, strengths: "很耐心" })).toBe(true);
    expect((await openCustomerReview(h.ctx, token))!.draft).toEqual({ communication_1: 4, strengths: "很耐心" });

    expect(await submitReview(h.ctx, session!, answersFor(4), "zh-CN")).toEqual({ ok: true, duplicate: false });
    // Used: the link no longer opens, a resubmission stores nothing more.
    expect(await openCustomerReview(h.ctx, token)).toBeNull();
    expect(await submitReview(h.ctx, session!, answersFor(1), "zh-CN")).toEqual({ ok: true, duplicate: true });
    const answers = await h.rdb.selectFrom("review360_answer").select(["score"]).where("reviewee_id", "=", rid).execute();
    expect(answers).toHaveLength(12);
    expect(new Set(answers.map((a) => a.score))).toEqual(new Set([4]));
  });

  it("cannot open anything with a tampered token or another purpose's token", async () => {
    const { h, rid, zh } = await setup();
    await assignCustomers(h.ctx, rid, [zh]);
    const mail = (await suite.drain(h))[0].parsed;
    const token = REVIEW_LINK.exec(String(mail.text))![1];
    const [id, secret] = token.split(".");
    expect(await openCustomerReview(h.ctx, `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`)).toBeNull();
    const [foreign] = await h.ctx.invitations.createMany(h.db, [{ purpose: "satisfaction", subjectRef: "1", locale: "zh-CN", expiresAt: "2027-01-01T00:00:00.000Z" }]);
    expect(await openCustomerReview(h.ctx, foreign.token)).toBeNull();
  });

  it("is not offered when opted out, and invalid when the cycle is closed", async () => {
    const { h, rid, zh, opted } = await setup();
    expect(await assignCustomers(h.ctx, rid, [opted])).toEqual({ ok: false, problem: "invalid-rater" });
    await assignCustomers(h.ctx, rid, [zh]);
    const token = REVIEW_LINK.exec(String((await suite.drain(h))[0].parsed.text))![1];
    await h.rdb.updateTable("review360_cycle").set({ status: "closed" }).execute();
    expect(await openCustomerReview(h.ctx, token)).toBeNull();
  });
});
