import { afterEach, describe, expect, it } from "vitest";
import { compiledSurvey } from "@aftercare/forms";
import { createTranslator } from "@aftercare/i18n";
import { cancelVisit, getVisit, saveVisit, VISIT_CLOSED, type VisitClosedEvent } from "./visits.server";
import { checklistQuestion, parseVisitForm, visitSurveyJson } from "./visit-form";
import { DEFAULT_CHECKLISTS } from "../policy";
import { en } from "../locales/en";
import { insertCustomer, insertUser, testClock, visitsHost, type VisitsHost } from "../test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const t = createTranslator(en);
const NOW = "2026-03-02T08:00:00.000Z"; // 16:00 in Shanghai

async function setup() {
  const clock = testClock(NOW);
  const host = await visitsHost(clock);
  hosts.push(host);
  const zhang = await insertUser(host.vdb, { name: "张伟" });
  const li = await insertUser(host.vdb, { name: "李娜" });
  const customer = await insertCustomer(host.vdb, { company: "苏州精密机械有限公司01", ownerId: zhang, installed: "2024-03-15" });
  const equipment = await host.vdb.selectFrom("equipment").select(["id", "model", "serial_number"]).where("customer_id", "=", customer).execute();
  const json = visitSurveyJson({ checklists: DEFAULT_CHECKLISTS, people: [{ id: zhang, name: "张伟" }, { id: li, name: "李娜" }], equipment }, t);
  const closed: VisitClosedEvent[] = [];
  host.ctx.events.on(VISIT_CLOSED, (p) => void closed.push(p as VisitClosedEvent));
  return { clock, host, zhang, li, customer, equipment, json, closed };
}

const inspectionItem = DEFAULT_CHECKLISTS.inspection[0];

describe("the visit report form (SurveyJS) and the visit log", () => {
  it("validates against the same JSON, requires the report when done, and keeps the checklist of the chosen type", async () => {
    const { json } = await setup();
    const survey = compiledSurvey(json);
    const answers = {
      type: "inspection",
      status: "done",
      plannedAt: "2026-03-02T09:00",
      visitors: [1],
      startedAt: "2026-03-02T09:10",
      endedAt: "2026-03-02T08:00",
      [checklistQuestion("inspection", inspectionItem.id)]: true,
    };
    const checked = survey.validate(answers, "en");
    expect(checked.ok).toBe(true);
    // End before start, and no summary: the server's own rules.
    const parsed = parseVisitForm(checked.ok ? checked.data : {}, DEFAULT_CHECKLISTS, NOW);
    expect(parsed).toEqual({ ok: false, errors: [{ name: "summary", key: "validation.required" }, { name: "endedAt", key: "visits.error.endBeforeStart" }] });
    // An unknown visit type is refused by the schema itself.
    expect(survey.validate({ ...answers, type: "party" }, "en").ok).toBe(false);
    const good = survey.validate({ ...answers, endedAt: "2026-03-02T11:00", summary: "巡检完成" }, "en");
    const visit = parseVisitForm(good.ok ? good.data : {}, DEFAULT_CHECKLISTS, NOW);
    expect(visit.ok && visit.visit.checklist).toEqual(DEFAULT_CHECKLISTS.inspection.map((i) => ({ label: i.label, checked: i.id === inspectionItem.id ? true : null })));
    // Company-local times become UTC: 09:10 in Shanghai = 01:10 UTC.
    expect(visit.ok && [visit.visit.startedAt, visit.visit.endedAt]).toEqual(["2026-03-02T01:10:00.000Z", "2026-03-02T03:00:00.000Z"]);
  });

  it("logs a planned visit, reports it done once (emitting visits.visit.closed once), and keeps follow-ups", async () => {
    const { host, zhang, li, customer, equipment, closed } = await setup();
    const base = {
      type: "maintenance" as const,
      plannedAt: "2026-03-02T01:00:00.000Z",
      visitorIds: [li, zhang],
      equipmentIds: [equipment[0].id],
      startedAt: null,
      endedAt: null,
      summary: null,
      findings: null,
      requests: null,
      partsReplaced: null,
      checklist: [],
      followups: [],
    };
    const planned = await saveVisit(host.ctx, { customerId: customer, actorId: zhang, input: { ...base, status: "planned" } });
    expect(planned.ok).toBe(true);
    const id = planned.ok ? planned.id : 0;
    expect(closed).toEqual([]);
    const done = {
      ...base,
      status: "done" as const,
      startedAt: "2026-03-02T01:10:00.000Z",
      endedAt: "2026-03-02T03:00:00.000Z",
      summary: "预防性维护完成",
      partsReplaced: "密封圈 ×2",
      followups: [{ action: "寄送报价单", ownerId: li, dueDate: "2026-03-09" }],
    };
    expect(await saveVisit(host.ctx, { id, customerId: customer, actorId: zhang, input: done })).toEqual({ ok: true, id });
    // A correction of the report does not close it again.
    expect(await saveVisit(host.ctx, { id, customerId: customer, actorId: zhang, input: { ...done, followups: [], summary: "预防性维护完成，已试机" } })).toEqual({ ok: true, id });
    expect(closed).toEqual([{ visitId: id, customerId: customer, type: "maintenance", ownerId: zhang, visitorIds: [li, zhang], endedAt: "2026-03-02T03:00:00.000Z" }]);
    const v = (await getVisit(host.db, id))!;
    expect(v).toMatchObject({ status: "done", owner_id: zhang, visit_date: "2026-03-02", summary: "预防性维护完成，已试机", parts_replaced: "密封圈 ×2" });
    expect(v.visitors.map((p) => p.id).sort()).toEqual([zhang, li].sort());
    expect(v.equipment.map((e) => e.id)).toEqual([equipment[0].id]);
    expect(v.followups).toMatchObject([{ action: "寄送报价单", owner_id: li, due_date: "2026-03-09", done_at: null }]);
    // Done cannot go back to planned; a done visit cannot be cancelled.
    expect(await saveVisit(host.ctx, { id, customerId: customer, actorId: zhang, input: { ...base, status: "planned" } })).toEqual({ ok: false, key: "visits.error.alreadyDone", name: "status" });
    expect(await cancelVisit(host.ctx, { id, reason: "x", actorId: zhang })).toBe(false);
  });

  it("cancels a planned visit with its reason, audited, and keeps it read-only", async () => {
    const { host, zhang, customer } = await setup();
    const input = { type: "routine" as const, status: "planned" as const, plannedAt: "2026-03-05T01:00:00.000Z", visitorIds: [zhang], equipmentIds: [], startedAt: null, endedAt: null, summary: null, findings: null, requests: null, partsReplaced: null, checklist: [], followups: [] };
    const saved = await saveVisit(host.ctx, { customerId: customer, actorId: zhang, input });
    const id = saved.ok ? saved.id : 0;
    expect(await cancelVisit(host.ctx, { id, reason: "客户停产检修", actorId: zhang })).toBe(true);
    expect(await getVisit(host.db, id)).toMatchObject({ status: "cancelled", cancel_reason: "客户停产检修" });
    expect(await saveVisit(host.ctx, { id, customerId: customer, actorId: zhang, input })).toEqual({ ok: false, key: "visits.error.cancelled" });
    const audit = await host.vdb.selectFrom("audit_log").select(["action", "target"]).where("action", "=", "visits.visit.cancel").execute();
    expect(audit).toEqual([{ action: "visits.visit.cancel", target: `visits_visit:${id}` }]);
  });
});
