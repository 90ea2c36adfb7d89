import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SLA_POLICY } from "@aftercare/scoring";
import { checklistFromLines, DEFAULT_CHECKLISTS, DEFAULT_POLICY, parseChecklists, parsePolicy, parseSlaSnapshot, slaPolicyOf } from "./policy";
import { parseSettings, settingsSurveyJson, settingsValues } from "./settings-form";
import { readPolicy, saveSettings } from "./policy.server";
import { getCall } from "./call/calls.server";
import { compiledSurvey } from "@aftercare/forms";
import { createTranslator } from "@aftercare/i18n";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { insertCustomer, insertUser, newCall, testClock, visitsHost, type VisitsHost } from "./test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the configurable policy", () => {
  it("defaults to DOMAIN.md §5: 30 min, 24 h, 24 h, warn at 80 %, twice in 12 months, return visit after 7 days", () => {
    expect(DEFAULT_POLICY).toEqual({ respondMinutes: 30, onSiteHours: 24, clearHours: 24, warningPercent: 80, visitsPerPeriod: 2, periodMonths: 12, dueWithinDays: 30, returnVisitDays: 7 });
    expect(slaPolicyOf(DEFAULT_POLICY)).toEqual(DEFAULT_SLA_POLICY);
    // Broken or partial stored values fall back field by field.
    expect(parsePolicy('{"respondMinutes": 45, "onSiteHours": -1}')).toEqual({ ...DEFAULT_POLICY, respondMinutes: 45 });
    expect(parsePolicy("not json")).toEqual(DEFAULT_POLICY);
    expect(parseSlaSnapshot('{"respondMs": 0}')).toEqual(DEFAULT_SLA_POLICY);
  });

  it("reads checklist lines into stable items and survives a round trip through the settings form", () => {
    const items = checklistFromLines("  油位检查 \n\n油位检查\n安全装置");
    expect(items.map((i) => i.label)).toEqual(["油位检查", "安全装置"]);
    expect(checklistFromLines("油位检查")[0].id).toBe(items[0].id);
    expect(parseChecklists(JSON.stringify({ ...DEFAULT_CHECKLISTS, routine: [{ label: "名片" }], unknown: [] })).routine.map((i) => i.label)).toEqual(["名片"]);
    const t = createTranslator(en);
    const survey = compiledSurvey(settingsSurveyJson(t));
    const answers = { ...settingsValues(DEFAULT_POLICY, DEFAULT_CHECKLISTS), respondMinutes: 20, checklist_routine: "名片\n产品资料" };
    const checked = survey.validate(answers, "en");
    expect(checked.ok).toBe(true);
    const parsed = parseSettings(checked.ok ? checked.data : {});
    expect(parsed.ok && parsed.policy.respondMinutes).toBe(20);
    expect(parsed.ok && parsed.checklists.routine.map((i) => i.label)).toEqual(["名片", "产品资料"]);
    // Out of range is refused by the schema (min/max).
    expect(survey.validate({ ...answers, warningPercent: 100 }, "en").ok).toBe(false);
  });

  it("is saved by an admin with an audit entry; new calls take the new policy, old calls keep theirs", async () => {
    const clock = testClock("2026-03-02T01:00:00.000Z");
    const host = await visitsHost(clock);
    hosts.push(host);
    const admin = await insertUser(host.vdb, { name: "Admin", role: "admin" });
    const customer = await insertCustomer(host.vdb, { company: "X" });
    const before = await newCall(host, { customerId: customer, takenBy: admin, receivedAt: "2026-03-02T00:40:00.000Z" });
    await saveSettings(host.ctx, { policy: { ...DEFAULT_POLICY, respondMinutes: 60 }, checklists: DEFAULT_CHECKLISTS, actorId: admin });
    expect((await readPolicy(host.db)).respondMinutes).toBe(60);
    const after = await newCall(host, { customerId: customer, takenBy: admin, receivedAt: "2026-03-02T00:40:00.000Z" });
    // Both received at 00:40; at 01:20 (40 min) the old call is breached (30 min), the new one running (60 min, 20 left).
    clock.set("2026-03-02T01:20:00.000Z");
    expect((await getCall(host.db, before, clock.iso()))!.clocks.respond.state).toBe("breached");
    expect((await getCall(host.db, after, clock.iso()))!.clocks.respond).toMatchObject({ state: "running", remainingMs: 20 * 60_000 });
    const audit = await host.vdb.selectFrom("audit_log").select(["action", "target", "actor_id", "detail_json"]).where("action", "=", "visits.settings.update").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: "settings:visits", actor_id: admin });
    expect(JSON.parse(audit[0].detail_json!)).toMatchObject({ before: { policy: { respondMinutes: 30 } }, after: { policy: { respondMinutes: 60 } } });
  });

  it("has every message in both languages", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    for (const key of Object.keys(en)) expect([key, placeholders(zhCN[key])]).toEqual([key, placeholders(en[key])]);
  });
});
