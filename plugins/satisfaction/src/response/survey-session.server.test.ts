import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { markOpened, openSurvey, saveProgress, submitResponse, type SurveySession } from "./survey-session.server";
import { campaignProgress } from "../campaign/campaigns.server";
import { DEFAULT_TEMPLATE } from "../template/default-template";
import { saveTemplate } from "../template/templates.server";
import type { TemplateDefinition } from "../template/definition";
import {
  answersFor,
  countRows,
  insertCustomers,
  insertUser,
  plusDays,
  satisfactionHost,
  sentCampaign,
  testClock,
  tokenOf,
  type Db,
  type TestClock,
} from "../test-support/fixtures";

const START = "2026-12-01T01:00:00.000Z";

let clock: TestClock;
let host: TestHost & { sdb: Db };
let owner: number;
let campaignId: number;
let customers: number[];

beforeEach(async () => {
  clock = testClock(START);
  host = await satisfactionHost(clock);
  const manager = await insertUser(host.sdb, { name: "王经理", role: "manager" });
  owner = await insertUser(host.sdb, { name: "张伟 Zhang Wei" });
  customers = await insertCustomers(
    host.sdb,
    Array.from({ length: 6 }, (_, i) => ({
      company: `客户${i + 1}有限公司`,
      email: `customer${i + 1}@example.com`,
      region: i % 2 === 0 ? "华东" : "华南",
      tier: i < 3 ? "high" : "mid",
      ownerId: owner,
    })),
  );
  campaignId = await sentCampaign(host, manager, START);
  clock.set(plusDays(START, 1));
});

afterEach(async () => {
  await host.destroy();
});

async function session(customer: number): Promise<SurveySession> {
  const s = await openSurvey(host.ctx, await tokenOf(host, campaignId, customer));
  if (!s) throw new Error("link did not open");
  return s;
}

async function invitationState(customer: number) {
  const r = await host.sdb
    .selectFrom("satisfaction_recipient as r")
    .innerJoin("invitations as i", "i.id", "r.invitation_id")
    .select("i.state")
    .where("r.campaign_id", "=", campaignId)
    .where("r.customer_id", "=", customer)
    .executeTakeFirstOrThrow();
  return r.state;
}

async function storedNothing() {
  expect(await countRows(host.db, "satisfaction_response")).toBe(0);
  expect(await countRows(host.db, "satisfaction_item_score")).toBe(0);
  expect(await countRows(host.db, "satisfaction_comment")).toBe(0);
  expect(await countRows(host.db, "satisfaction_feedback")).toBe(0);
}

describe("submitResponse validates against the template version", () => {
  it("a missing item is an error naming that question, and nothing is stored", async () => {
    const s = await session(customers[0]);
    const { delivery: _skipped, ...rest } = answersFor([100, 80, 60, 100, 80]);
    const outcome = await submitResponse(host.ctx, s, rest, "zh-CN");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.map((e) => e.name)).toEqual(["delivery"]);
    expect(outcome.errors[0].message).not.toBe("");
    await storedNothing();
    expect(await invitationState(customers[0])).toBe("sent");
    expect(await openSurvey(host.ctx, await tokenOf(host, campaignId, customers[0]))).not.toBeNull();
  });

  it("a value not on the scale is an error, and nothing is stored", async () => {
    const s = await session(customers[0]);
    for (const bad of [90, 0, "very good", 100.5]) {
      const outcome = await submitResponse(host.ctx, s, answersFor([100, 80, 60, 100, 80], { quality: bad }), "en");
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.errors.map((e) => e.name)).toEqual(["quality"]);
    }
    await storedNothing();
  });

  it("an unknown question is an error, and nothing is stored", async () => {
    const s = await session(customers[0]);
    const outcome = await submitResponse(host.ctx, s, answersFor([100, 80, 60, 100, 80], { installation: 100 }), "zh-CN");
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors.map((e) => e.name)).toEqual(["installation"]);
    const notAnObject = await submitResponse(host.ctx, s, [100, 80, 60, 100, 80], "zh-CN");
    expect(notAnObject.ok).toBe(false);
    await storedNothing();
  });

  it("the campaign's version is used even after the template was edited into version 2", async () => {
    // The campaign's version (1) is frozen; the edit adds an "installation" item in version 2.
    const v1 = (await session(customers[0])).template;
    const v2def: TemplateDefinition = {
      ...DEFAULT_TEMPLATE,
      items: [
        ...DEFAULT_TEMPLATE.items.map((i) => (i.id === "service" ? { ...i, weight: 0.15 } : i)),
        { id: "installation", question: "installation", title: { en: "Installation", "zh-CN": "安装调试" }, weight: 0.1, group: "service" as const },
      ],
    };
    const v2 = await saveTemplate(host.sdb, { id: v1.id, name: "v2", definition: v2def, actorId: null, now: clock.iso() });
    expect(v2).not.toBe(v1.id);
    const s = await session(customers[0]);
    expect(s.template.id).toBe(v1.id);
    expect(s.template.version).toBe(1);
    // Version 2's question is unknown to version 1 …
    const withNew = await submitResponse(host.ctx, s, answersFor([100, 80, 60, 100, 80], { installation: 100 }), "zh-CN");
    expect(withNew.ok).toBe(false);
    // … and version 1's five answers are complete: 30 + 12 + 12 + 10 + 20 = 84.
    const ok = await submitResponse(host.ctx, s, answersFor([100, 80, 60, 100, 80]), "zh-CN");
    expect(ok).toMatchObject({ ok: true, duplicate: false });
    const row = await host.sdb.selectFrom("satisfaction_response").select(["template_id", "score"]).executeTakeFirstOrThrow();
    expect(row.template_id).toBe(v1.id);
    expect(row.score).toBeCloseTo(84, 9);
  });
});

describe("a valid submission", () => {
  it("stores the score, the satisfied flag, the group scores and every item's points as numbers", async () => {
    const s = await session(customers[0]);
    const outcome = await submitResponse(
      host.ctx,
      s,
      answersFor([100, 80, 60, 100, 80], { delivery_why: "两次交货延误。", comments: "希望加强售后回访。", packaging_why: "" }),
      "zh-CN",
    );
    expect(outcome).toMatchObject({ ok: true, duplicate: false, needsFollowUp: true });
    const row = await host.sdb.selectFrom("satisfaction_response").selectAll().executeTakeFirstOrThrow();
    // 0.3·100 + 0.15·80 + 0.2·60 + 0.1·100 + 0.25·80 = 30 + 12 + 12 + 10 + 20 = 84 → not satisfied
    expect(typeof row.score).toBe("number");
    expect(row.score).toBeCloseTo(84, 9);
    expect(row.satisfied).toBe(0);
    // product = (30 + 12 + 10) / 0.55 = 94.5454…, service = (12 + 20) / 0.45 = 71.1111…
    expect(typeof row.product_score).toBe("number");
    expect(row.product_score).toBeCloseTo(94.545454545, 6);
    expect(row.service_score).toBeCloseTo(71.111111111, 6);
    expect(row.lowest_level).toBe(0);
    expect(row).toMatchObject({
      campaign_id: campaignId,
      template_id: s.template.id,
      recipient_id: s.recipient.id,
      customer_id: customers[0],
      region: "华东",
      tier: "high",
      owner_id: owner,
      submitted_at: clock.iso(),
    });
    const items = await host.sdb.selectFrom("satisfaction_item_score").selectAll().orderBy("item").execute();
    expect(items.map((i) => [i.item, i.points, i.campaign_id, i.response_id])).toEqual([
      ["delivery", 60, campaignId, row.id],
      ["packaging", 100, campaignId, row.id],
      ["price", 80, campaignId, row.id],
      ["quality", 100, campaignId, row.id],
      ["service", 80, campaignId, row.id],
    ]);
    for (const i of items) expect(typeof i.points).toBe("number");
    const comments = await host.sdb.selectFrom("satisfaction_comment").select(["item", "text", "response_id"]).orderBy("id").execute();
    expect(comments).toEqual([
      { item: "delivery", text: "两次交货延误。", response_id: row.id },
      { item: null, text: "希望加强售后回访。", response_id: row.id },
    ]);
    expect(await invitationState(customers[0])).toBe("completed");
  });

  it("a response at exactly 85 is stored as satisfied and opens no feedback record", async () => {
    const outcome = await submitResponse(host.ctx, await session(customers[1]), answersFor([80, 100, 100, 60, 80]), "zh-CN");
    expect(outcome).toMatchObject({ ok: true, needsFollowUp: false });
    const row = await host.sdb.selectFrom("satisfaction_response").selectAll().executeTakeFirstOrThrow();
    // 24 + 15 + 20 + 6 + 20 = 85; product = (24 + 15 + 6) / 0.55 = 81.8181…; service = (20 + 20) / 0.45 = 88.8888…
    expect(row.score).toBeCloseTo(85, 9);
    expect(row.satisfied).toBe(1);
    expect(row.product_score).toBeCloseTo(81.818181818, 6);
    expect(row.service_score).toBeCloseTo(88.888888889, 6);
    expect(row).toMatchObject({ region: "华南", tier: "high", lowest_level: 0 });
    expect(await countRows(host.db, "satisfaction_feedback")).toBe(0);
  });

  it("announces the response once on the event bus", async () => {
    const seen: unknown[] = [];
    host.ctx.events.on("satisfaction.response.submitted", (p) => void seen.push(p));
    const s = await session(customers[0]);
    const first = await submitResponse(host.ctx, s, answersFor([80, 80, 80, 80, 80]), "zh-CN");
    await submitResponse(host.ctx, s, answersFor([80, 80, 80, 80, 80]), "zh-CN");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ campaignId, customerId: customers[0], responseId: first.ok ? first.responseId : -1 });
    expect((seen[0] as { score: number }).score).toBeCloseTo(80, 9);
  });
});

describe("exactly one response", () => {
  it("submitting twice stores one response; the second submit changes nothing", async () => {
    const s = await session(customers[0]);
    const first = await submitResponse(host.ctx, s, answersFor([100, 100, 100, 100, 100]), "zh-CN");
    const second = await submitResponse(host.ctx, s, answersFor([20, 20, 20, 20, 20]), "zh-CN");
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toMatchObject({ ok: true, duplicate: true });
    if (!first.ok || !second.ok) return;
    expect(second.responseId).toBe(first.responseId);
    expect(await countRows(host.db, "satisfaction_response")).toBe(1);
    expect(await countRows(host.db, "satisfaction_item_score")).toBe(5);
    expect(await countRows(host.db, "satisfaction_feedback")).toBe(0);
    const row = await host.sdb.selectFrom("satisfaction_response").select("score").executeTakeFirstOrThrow();
    expect(row.score).toBeCloseTo(100, 9);
  });

  it("two tabs submitting at once store one response and one feedback record", async () => {
    // Both tabs opened the link before either submitted.
    const tab1 = await session(customers[2]);
    const tab2 = await session(customers[2]);
    // 20/40/20/40/20 = 6 + 6 + 4 + 4 + 5 = 25 and 40/40/40/40/40 = 40: both low.
    const outcomes = await Promise.all([
      submitResponse(host.ctx, tab1, answersFor([20, 40, 20, 40, 20]), "zh-CN"),
      submitResponse(host.ctx, tab2, answersFor([40, 40, 40, 40, 40]), "zh-CN"),
    ]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const ids = outcomes.map((o) => (o.ok ? o.responseId : -1));
    expect(ids[0]).toBe(ids[1]);
    expect(outcomes.filter((o) => o.ok && !o.duplicate)).toHaveLength(1);
    expect(await countRows(host.db, "satisfaction_response")).toBe(1);
    expect(await countRows(host.db, "satisfaction_item_score")).toBe(5);
    expect(await countRows(host.db, "satisfaction_feedback")).toBe(1);
    expect(await countRows(host.db, "satisfaction_feedback_event")).toBe(1);
  });

  it("after completion the link no longer opens", async () => {
    const token = await tokenOf(host, campaignId, customers[0]);
    const s = (await openSurvey(host.ctx, token))!;
    await submitResponse(host.ctx, s, answersFor([80, 80, 80, 80, 80]), "zh-CN");
    expect(await openSurvey(host.ctx, token)).toBeNull();
    expect(await campaignProgress(host.sdb, campaignId)).toMatchObject({ completed: 1, started: 1, opened: 1 });
  });
});

describe("feedback records for low responses", () => {
  async function feedbackFor(responseId: number) {
    const rows = await host.sdb.selectFrom("satisfaction_feedback").selectAll().where("response_id", "=", responseId).execute();
    const events = await host.sdb
      .selectFrom("satisfaction_feedback_event")
      .selectAll()
      .where("feedback_id", "in", rows.length ? rows.map((r) => r.id) : [-1])
      .execute();
    return { rows, events };
  }

  it("a score below 85 opens exactly one record with a 'created' event", async () => {
    // 84 (see above): below the threshold, no item at the lowest level
    const outcome = await submitResponse(host.ctx, await session(customers[0]), answersFor([100, 80, 60, 100, 80]), "zh-CN");
    if (!outcome.ok) throw new Error("submit failed");
    const { rows, events } = await feedbackFor(outcome.responseId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      customer_id: customers[0],
      source: "survey",
      campaign_id: campaignId,
      status: "open",
      owner_id: owner,
      created_at: clock.iso(),
      // due a week later: 2026-12-02 + 7 days
      due_date: "2026-12-09",
    });
    expect(JSON.parse(rows[0].description)).toMatchObject({ score: 84, lowItems: [] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "created", at: clock.iso(), actor_id: null });
    expect(await countRows(host.db, "satisfaction_feedback")).toBe(1);
  });

  it("a satisfied score with an item at the lowest level also opens one, naming the item", async () => {
    // 100/100/100/20/100 = 30 + 15 + 20 + 2 + 25 = 92: satisfied, but packaging is 非常不满意
    const outcome = await submitResponse(host.ctx, await session(customers[3]), answersFor([100, 100, 100, 20, 100]), "zh-CN");
    expect(outcome).toMatchObject({ ok: true, needsFollowUp: true });
    if (!outcome.ok) return;
    const row = await host.sdb.selectFrom("satisfaction_response").select(["score", "satisfied", "lowest_level"]).executeTakeFirstOrThrow();
    expect(row.score).toBeCloseTo(92, 9);
    expect(row.satisfied).toBe(1);
    expect(row.lowest_level).toBe(1);
    const { rows, events } = await feedbackFor(outcome.responseId);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].description)).toMatchObject({ score: 92, lowItems: ["packaging"] });
    expect(events.map((e) => e.action)).toEqual(["created"]);
  });

  it("a satisfied response without a lowest-level item opens none", async () => {
    // 100/100/80/80/100 = 30 + 15 + 16 + 8 + 25 = 94
    const outcome = await submitResponse(host.ctx, await session(customers[4]), answersFor([100, 100, 80, 80, 100]), "zh-CN");
    expect(outcome).toMatchObject({ ok: true, needsFollowUp: false });
    expect(await countRows(host.db, "satisfaction_feedback")).toBe(0);
    expect(await countRows(host.db, "satisfaction_feedback_event")).toBe(0);
  });
});

describe("progress", () => {
  it("saveProgress keeps only known questions, and a reopened link resumes them", async () => {
    const s = await session(customers[5]);
    await markOpened(host.ctx, s);
    expect(await invitationState(customers[5])).toBe("opened");
    expect(await saveProgress(host.ctx, s, { quality: 100, quality_why: "耐用", price: { nested: 1 }, bogus: "x", __proto__x: 1 })).toBe(true);
    expect(await invitationState(customers[5])).toBe("started");
    const stored = await host.sdb.selectFrom("satisfaction_recipient").select("progress_json").where("id", "=", s.recipient.id).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.progress_json!)).toEqual({ quality: 100, quality_why: "耐用" });

    const reopened = await session(customers[5]);
    expect(reopened.recipient.progress).toEqual({ quality: 100, quality_why: "耐用" });

    // Later saves replace the earlier ones.
    expect(await saveProgress(host.ctx, reopened, { quality: 80, price: 60 })).toBe(true);
    expect((await session(customers[5])).recipient.progress).toEqual({ quality: 80, price: 60 });

    // Not an object, or too big: refused, the saved progress stays.
    expect(await saveProgress(host.ctx, reopened, [1, 2])).toBe(false);
    expect(await saveProgress(host.ctx, reopened, null)).toBe(false);
    expect(await saveProgress(host.ctx, reopened, { comments: "长".repeat(70_000) })).toBe(false);
    expect((await session(customers[5])).recipient.progress).toEqual({ quality: 80, price: 60 });

    // Submitting clears the progress.
    await submitResponse(host.ctx, reopened, answersFor([80, 60, 80, 80, 80]), "zh-CN");
    const after = await host.sdb.selectFrom("satisfaction_recipient").select("progress_json").where("id", "=", s.recipient.id).executeTakeFirstOrThrow();
    expect(after.progress_json).toBeNull();
  });
});
