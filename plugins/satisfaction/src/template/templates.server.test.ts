import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { satisfactionPlugin } from "../plugin";
import { DEFAULT_TEMPLATE } from "./default-template";
import { validateTemplate, type TemplateDefinition } from "./definition";
import { ensureDefaultTemplate, getTemplate, listLatestTemplates, saveTemplate } from "./templates.server";
import { sendCampaign } from "../campaign/campaigns.server";
import { answer, answersFor, draftCampaign, insertCustomers, insertUser, satisfactionHost, testClock, type Db } from "../test-support/fixtures";

const START = "2026-12-01T01:00:00.000Z";
const hosts: TestHost[] = [];

async function host() {
  const h = await satisfactionHost(testClock(START));
  hosts.push(h);
  return h;
}

afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

async function templateRows(db: Db) {
  return db.selectFrom("satisfaction_template").selectAll().orderBy("id").execute();
}

/** The default template with one weight changed. */
function withWeight(item: string, weight: number): TemplateDefinition {
  return { ...DEFAULT_TEMPLATE, items: DEFAULT_TEMPLATE.items.map((i) => (i.id === item ? { ...i, weight } : i)) };
}

describe("the default template", () => {
  it("is created once by the plugin's init: a restart over the same database adds nothing", async () => {
    const first = await createTestHost({ plugins: [satisfactionPlugin], clock: () => new Date(START) });
    hosts.push(first);
    const rows = await templateRows(first.db as unknown as Db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 1, family_id: rows[0].id, frozen: 0, archived: 0 });
    await ensureDefaultTemplate(first.db as unknown as Db, START);
    expect(await templateRows(first.db as unknown as Db)).toHaveLength(1);

    // Restart: a second host over the same file runs init again.
    await first.close();
    hosts.splice(hosts.indexOf(first), 1);
    const second = await createTestHost({ plugins: [satisfactionPlugin], clock: () => new Date(START), env: { DATABASE_URL: first.databaseUrl } });
    try {
      expect(await templateRows(second.db as unknown as Db)).toHaveLength(1);
    } finally {
      await second.destroy();
      fs.rmSync(first.dir, { recursive: true, force: true });
    }
  });

  it("is the 顾客满意度调查表 of DOMAIN.md and validates", async () => {
    const h = await host();
    const [stored] = await listLatestTemplates(h.sdb);
    expect(validateTemplate(stored.definition)).toEqual([]);
    expect(validateTemplate(DEFAULT_TEMPLATE)).toEqual([]);
    const def = stored.definition;
    expect(def.items.map((i) => [i.id, i.weight, i.group])).toEqual([
      ["quality", 0.3, "product"],
      ["price", 0.15, "product"],
      ["delivery", 0.2, "service"],
      ["packaging", 0.1, "product"],
      ["service", 0.25, "service"],
    ]);
    expect(def.scale.map((l) => l.points)).toEqual([100, 80, 60, 40, 20]);
    expect(def.scale.map((l) => l.label["zh-CN"])).toEqual(["非常满意", "满意", "一般", "不满意", "非常不满意"]);
    expect(def.threshold).toBe(85);
    expect(def.productWeight).toBe(0.8);
    // The stored SurveyJS model asks every item (required), a "why" after each, and a closing question.
    const names = (stored.survey as unknown as { pages: { elements: { name: string; isRequired?: boolean }[] }[] }).pages[0].elements;
    expect(names.filter((e) => e.isRequired).map((e) => e.name)).toEqual(["quality", "price", "delivery", "packaging", "service"]);
    expect(names.map((e) => e.name)).toContain("quality_why");
    expect(names.map((e) => e.name)).toContain("comments");
  });
});

describe("validateTemplate", () => {
  it("reports weights off by 0.05 with the actual sum, both ways", () => {
    // 0.35 + 0.15 + 0.2 + 0.1 + 0.25 = 1.05
    expect(validateTemplate(withWeight("quality", 0.35))).toEqual([{ code: "weights-sum", sum: 1.05 }]);
    // 0.3 + 0.15 + 0.2 + 0.1 + 0.2 = 0.95
    expect(validateTemplate(withWeight("service", 0.2))).toEqual([{ code: "weights-sum", sum: 0.95 }]);
  });

  it("reports other problems by code", () => {
    expect(validateTemplate({ ...DEFAULT_TEMPLATE, threshold: 120 })).toEqual([{ code: "bad-threshold" }]);
    expect(validateTemplate({ ...DEFAULT_TEMPLATE, productWeight: 1.2 })).toEqual([{ code: "bad-product-weight" }]);
    expect(validateTemplate({ ...DEFAULT_TEMPLATE, scale: DEFAULT_TEMPLATE.scale.slice(0, 1) })).toEqual([{ code: "scale-too-short" }]);
    const duplicate = { ...DEFAULT_TEMPLATE, items: [...DEFAULT_TEMPLATE.items.slice(0, 4), { ...DEFAULT_TEMPLATE.items[4], id: "quality" }] };
    expect(validateTemplate(duplicate)).toEqual([{ code: "duplicate-item", item: "quality" }]);
    // All items in the product group, while w_product 0.8 leaves 0.2 to an empty service group
    const noService = { ...DEFAULT_TEMPLATE, items: DEFAULT_TEMPLATE.items.map((i) => ({ ...i, group: "product" as const })) };
    expect(validateTemplate(noService)).toEqual([{ code: "empty-group", group: "service" }]);
  });
});

describe("saving and versioning", () => {
  it("saving an unfrozen template updates it in place", async () => {
    const h = await host();
    const [stored] = await listLatestTemplates(h.sdb);
    const edited: TemplateDefinition = { ...DEFAULT_TEMPLATE, threshold: 80 };
    const id = await saveTemplate(h.sdb, { id: stored.id, name: "Edited", definition: edited, actorId: null, now: "2026-12-01T02:00:00.000Z" });
    expect(id).toBe(stored.id);
    const rows = await templateRows(h.sdb);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: stored.id, version: 1, name: "Edited", frozen: 0, updated_at: "2026-12-01T02:00:00.000Z" });
    expect((await getTemplate(h.sdb, stored.id))!.definition.threshold).toBe(80);
  });

  it("a new template starts its own family at version 1", async () => {
    const h = await host();
    const id = await saveTemplate(h.sdb, { id: null, name: "Service only", definition: { ...DEFAULT_TEMPLATE, productWeight: 0.5 }, actorId: null, now: START });
    const t = await getTemplate(h.sdb, id);
    expect(t).toMatchObject({ id, familyId: id, version: 1, frozen: false });
    expect(await listLatestTemplates(h.sdb)).toHaveLength(2);
  });

  it("after a campaign is sent its version is frozen; saving makes version 2 and the campaign keeps version 1", async () => {
    const h = await host();
    const manager = await insertUser(h.sdb, { name: "王经理", role: "manager" });
    const [customer] = await insertCustomers(h.sdb, [{ company: "上海精密机械有限公司", email: "buyer@example.com" }]);
    const [v1] = await listLatestTemplates(h.sdb);
    const campaignId = await draftCampaign(h.sdb, manager, START, { templateId: v1.id });
    expect((await getTemplate(h.sdb, v1.id))!.frozen).toBe(false);
    await sendCampaign(h.ctx, campaignId, START);
    expect((await getTemplate(h.sdb, v1.id))!.frozen).toBe(true);

    const edited = withWeight("quality", 0.25);
    const editedOk: TemplateDefinition = { ...edited, items: edited.items.map((i) => (i.id === "service" ? { ...i, weight: 0.3 } : i)) };
    expect(validateTemplate(editedOk)).toEqual([]);
    const v2id = await saveTemplate(h.sdb, { id: v1.id, name: "v2", definition: editedOk, actorId: manager, now: "2026-12-02T00:00:00.000Z" });
    expect(v2id).not.toBe(v1.id);
    const v2 = (await getTemplate(h.sdb, v2id))!;
    expect(v2).toMatchObject({ familyId: v1.familyId, version: 2, frozen: false });

    // Version 1 is untouched, the campaign still points at it, and the list shows version 2.
    const v1again = (await getTemplate(h.sdb, v1.id))!;
    expect(v1again.definition).toEqual(DEFAULT_TEMPLATE);
    const campaign = await h.sdb.selectFrom("satisfaction_campaign").select("template_id").where("id", "=", campaignId).executeTakeFirstOrThrow();
    expect(campaign.template_id).toBe(v1.id);
    expect((await listLatestTemplates(h.sdb)).map((t) => [t.id, t.version])).toEqual([[v2id, 2]]);

    // Saving version 2 again (not frozen) edits it in place; saving the frozen version 1 again makes version 3.
    expect(await saveTemplate(h.sdb, { id: v2id, name: "v2b", definition: editedOk, actorId: manager, now: "2026-12-03T00:00:00.000Z" })).toBe(v2id);
    const v3id = await saveTemplate(h.sdb, { id: v1.id, name: "v3", definition: editedOk, actorId: manager, now: "2026-12-03T00:00:00.000Z" });
    expect((await getTemplate(h.sdb, v3id))!).toMatchObject({ familyId: v1.familyId, version: 3 });

    // A response to the campaign is scored with version 1's weights and points at version 1:
    // 100/80/60/100/80 under v1 = 30 + 12 + 12 + 10 + 20 = 84 (under v2 it would be 25 + 12 + 12 + 10 + 24 = 83).
    const outcome = await answer(h, campaignId, customer, answersFor([100, 80, 60, 100, 80]));
    expect(outcome.ok).toBe(true);
    const response = await h.sdb.selectFrom("satisfaction_response").select(["template_id", "score"]).executeTakeFirstOrThrow();
    expect(response.template_id).toBe(v1.id);
    expect(response.score).toBeCloseTo(84, 9);
  });

  it("a version that is not frozen in this database is edited in place even after another database froze the same id", async () => {
    // Two hosts in one process (as every test file has): template ids repeat across databases.
    const a = await host();
    const manager = await insertUser(a.sdb, { name: "王经理", role: "manager" });
    await insertCustomers(a.sdb, [{ company: "A 公司", email: "a@example.com" }]);
    const [ta] = await listLatestTemplates(a.sdb);
    await sendCampaign(a.ctx, await draftCampaign(a.sdb, manager, START, { templateId: ta.id }), START);
    expect((await getTemplate(a.sdb, ta.id))!.frozen).toBe(true);

    const b = await host();
    const [tb] = await listLatestTemplates(b.sdb);
    expect(tb.id).toBe(ta.id);
    expect((await getTemplate(b.sdb, tb.id))!.frozen).toBe(false);
    const id = await saveTemplate(b.sdb, { id: tb.id, name: "B", definition: { ...DEFAULT_TEMPLATE, threshold: 90 }, actorId: null, now: START });
    expect(id).toBe(tb.id);
    expect(await templateRows(b.sdb)).toHaveLength(1);
  });
});
