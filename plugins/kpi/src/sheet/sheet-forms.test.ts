import { describe, expect, it } from "vitest";
import { compiledSurvey, findSurveyProblems } from "@aftercare/forms";
import { createTranslator } from "@aftercare/i18n";
import { en } from "../locales/en";
import { DEFAULT_FIELD_SCHEME, DEFAULT_SUPPORT_SCHEME } from "../scheme/definition";
import { schemeFormJson } from "../scheme/scheme-form";
import { averagePayFormJson, parseAveragePayForm } from "../pay/average-pay-form";
import { deductionFormJson, parsePlanForm, parseScoreForm, planFormJson, scoreFormJson } from "./sheet-forms";

const t = createTranslator(en);
const planItems = [
  { id: 11, description: "工单闭环", requirement: "≥95%", weight: 60 },
  { id: 12, description: "手册", requirement: "初稿", weight: 40 },
];

describe("the SurveyJS forms", () => {
  it("are all usable as server-side schemas", () => {
    const forms = [
      planFormJson(t),
      deductionFormJson(DEFAULT_FIELD_SCHEME, "2026-11", "en", t),
      scoreFormJson({ def: DEFAULT_FIELD_SCHEME, planItems: [], deductionPoints: 3, suggestion: { calls: 4, metShare: { respond: 1, onSite: 0.5, clear: null }, score: 7.5 }, locale: "en", t }),
      scoreFormJson({ def: DEFAULT_SUPPORT_SCHEME, planItems, deductionPoints: 0, suggestion: null, locale: "zh-CN", t }),
      schemeFormJson("field", t),
      schemeFormJson("support", t),
      averagePayFormJson([{ id: 1, name: "张伟" }], t),
    ];
    for (const json of forms) expect(findSurveyProblems(json)).toEqual([]);
  });

  it("validate a field month's scores against each indicator's scale and read them back", () => {
    const json = scoreFormJson({ def: DEFAULT_FIELD_SCHEME, planItems: [], deductionPoints: 0, suggestion: null, locale: "en", t });
    expect(compiledSurvey(json).validate({ s_compliance: 11, s_fault_response: 8, s_customer_communication: 7, s_information_feedback: 9 }, "en")).toMatchObject({ ok: false, errors: [{ name: "s_compliance" }] });
    const ok = compiledSurvey(json).validate({ s_compliance: 9, s_fault_response: 8, s_customer_communication: 7, s_information_feedback: 9, note: " 好 " }, "en");
    if (!ok.ok) throw new Error("expected valid");
    expect(parseScoreForm(DEFAULT_FIELD_SCHEME, [], ok.data)).toEqual({ scores: { compliance: 9, "fault-response": 8, "customer-communication": 7, "information-feedback": 9 }, completions: {}, note: "好" });
  });

  it("read a support month's completions per plan item", () => {
    const json = scoreFormJson({ def: DEFAULT_SUPPORT_SCHEME, planItems, deductionPoints: 0, suggestion: null, locale: "en", t });
    const ok = compiledSurvey(json).validate({ c_11: 90, c_12: 50, s_daily_work: 80 }, "en");
    if (!ok.ok) throw new Error("expected valid");
    expect(parseScoreForm(DEFAULT_SUPPORT_SCHEME, planItems, ok.data)).toEqual({ scores: { "daily-work": 80 }, completions: { 11: 90, 12: 50 }, note: null });
  });

  it("read the filled plan slots in order", () => {
    expect(parsePlanForm({ p1_description: "A", p1_requirement: "r", p1_weight: 70, p2_description: "", p3_description: "B", p3_requirement: "s", p3_weight: 30 })).toEqual([
      { description: "A", requirement: "r", weight: 70 },
      { description: "B", requirement: "s", weight: 30 },
    ]);
  });

  it("read typed average pay in cents and refuse a malformed amount", () => {
    const json = averagePayFormJson([{ id: 1, name: "A" }, { id: 2, name: "B" }], t);
    expect(compiledSurvey(json).validate({ e_1: "8000.123" }, "en")).toMatchObject({ ok: false, errors: [{ name: "e_1" }] });
    expect(parseAveragePayForm([{ id: 1 }, { id: 2 }], { e_1: "8,000.50" })).toEqual({ entries: [{ employeeId: 1, cents: 800_050 }], bad: [] });
  });
});
