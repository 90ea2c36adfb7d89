// Parity with the browser: survey-core 3 runs in Node, so the same JSON and answers go through
// survey-core's own validation (`model.validate(true)`, the check run on "Complete") and through
// ours, and both must flag the same questions. Where we are deliberately different, a test says so.
import { Model, type QuestionRatingModel } from "survey-core";
import { describe, expect, it } from "vitest";
import { ratingScale } from "./survey-schema";
import type { ElementJson, SurveyJson } from "./types";
import { compileSurvey } from "./validate";

/** Names of the questions survey-core flags. */
function coreFlags(json: SurveyJson, data: Record<string, unknown>): string[] {
  const model = new Model(json);
  model.data = data;
  model.validate(true, false);
  return model.getAllQuestions().filter((q) => q.errors.length > 0).map((q) => q.name).sort();
}

/** Names of the questions our validator flags. */
function ourFlags(json: SurveyJson, data: Record<string, unknown>): string[] {
  const result = compileSurvey(json).validate(data, "en");
  return result.ok ? [] : result.errors.map((e) => e.name).sort();
}

const one = (element: ElementJson): SurveyJson => ({ elements: [element] });

const agreeing: readonly [string, SurveyJson, Record<string, unknown>, readonly string[]][] = [
  // required
  ["required text missing", one({ type: "text", name: "t", isRequired: true }), {}, ["t"]],
  ["required text answered", one({ type: "text", name: "t", isRequired: true }), { t: "x" }, []],
  ["required text whitespace only", one({ type: "text", name: "t", isRequired: true }), { t: "   " }, ["t"]],
  ["required comment missing", one({ type: "comment", name: "c", isRequired: true }), {}, ["c"]],
  ["required rating missing", one({ type: "rating", name: "r", isRequired: true }), {}, ["r"]],
  ["required rating answered 0 on a 0..10 scale", one({ type: "rating", name: "r", isRequired: true, rateMin: 0, rateMax: 10 }), { r: 0 }, []],
  ["required boolean answered false", one({ type: "boolean", name: "b", isRequired: true }), { b: false }, []],
  ["required boolean missing", one({ type: "boolean", name: "b", isRequired: true }), {}, ["b"]],
  ["required checkbox empty", one({ type: "checkbox", name: "c", isRequired: true, choices: ["a", "b"] }), { c: [] }, ["c"]],
  ["required checkbox answered", one({ type: "checkbox", name: "c", isRequired: true, choices: ["a", "b"] }), { c: ["b"] }, []],
  ["required dropdown missing", one({ type: "dropdown", name: "d", isRequired: true, choices: ["a"] }), {}, ["d"]],
  ["required tagbox answered", one({ type: "tagbox", name: "g", isRequired: true, choices: [1, 2] }), { g: [2] }, []],
  ["required read-only question empty", one({ type: "text", name: "t", isRequired: true, readOnly: true }), {}, []],
  ["required question with visible:false empty", one({ type: "text", name: "t", isRequired: true, visible: false }), {}, []],
  ["required question hidden by its visibleIf", { elements: [{ type: "boolean", name: "b" }, { type: "text", name: "t", isRequired: true, visibleIf: "{b} = true" }] }, { b: false }, []],
  ["required question in a hidden panel", { elements: [{ type: "boolean", name: "b" }, { type: "panel", name: "p", visibleIf: "{b} = true", elements: [{ type: "text", name: "t", isRequired: true }] }] }, {}, []],
  // ranges
  ["number below min", one({ type: "text", name: "n", inputType: "number", min: 1, max: 10 }), { n: 0 }, ["n"]],
  ["number at min", one({ type: "text", name: "n", inputType: "number", min: 1, max: 10 }), { n: 1 }, []],
  ["number at max", one({ type: "text", name: "n", inputType: "number", min: 1, max: 10 }), { n: 10 }, []],
  ["number above max", one({ type: "text", name: "n", inputType: "number", min: 1, max: 10 }), { n: 10.5 }, ["n"]],
  ["number above a max given as a string", one({ type: "text", name: "n", inputType: "number", min: "2", max: "4" }), { n: 5 }, ["n"]],
  ["numeric validator in range", one({ type: "text", name: "s", validators: [{ type: "numeric", minValue: 1, maxValue: 3 }] }), { s: "2" }, []],
  ["numeric validator above range", one({ type: "text", name: "s", validators: [{ type: "numeric", minValue: 1, maxValue: 3 }] }), { s: "4" }, ["s"]],
  ["numeric validator below range", one({ type: "text", name: "s", validators: [{ type: "numeric", minValue: 1, maxValue: 3 }] }), { s: "0" }, ["s"]],
  ["numeric validator not a number", one({ type: "text", name: "s", validators: [{ type: "numeric", minValue: 1 }] }), { s: "abc" }, ["s"]],
  ["date before min", one({ type: "text", name: "d", inputType: "date", min: "2024-01-01" }), { d: "2023-12-31" }, ["d"]],
  ["date at min", one({ type: "text", name: "d", inputType: "date", min: "2024-01-01" }), { d: "2024-01-01" }, []],
  ["date after max", one({ type: "text", name: "d", inputType: "date", max: "2024-12-31" }), { d: "2025-01-01" }, ["d"]],
  // lengths and formats
  ["text validator too short", one({ type: "text", name: "t", validators: [{ type: "text", minLength: 3 }] }), { t: "ab" }, ["t"]],
  ["text validator too long", one({ type: "text", name: "t", validators: [{ type: "text", maxLength: 3 }] }), { t: "abcd" }, ["t"]],
  ["regex validator mismatch", one({ type: "text", name: "t", validators: [{ type: "regex", regex: "^\\d+$" }] }), { t: "12a" }, ["t"]],
  ["regex validator match", one({ type: "text", name: "t", validators: [{ type: "regex", regex: "^\\d+$" }] }), { t: "123" }, []],
];

const emails = ["a@b.co", "x.y+z@ex-ample.com", '"quoted"@example.org', "a@b", "a b@c.de", "a@b.c", "a..b@c.de", ".a@b.cd", "a@[1.2.3.4]", "李雷@例子.中国"];

describe("survey-core and validateAnswers agree", () => {
  it.each(agreeing)("%s", (_, json, data, flagged) => {
    expect(coreFlags(json, data)).toEqual([...flagged]);
    expect(ourFlags(json, data)).toEqual([...flagged]);
  });

  it.each(emails)("on the email %s (inputType email and email validator)", (email) => {
    const byInput = one({ type: "text", name: "e", inputType: "email" });
    const byValidator = one({ type: "text", name: "e", validators: [{ type: "email" }] });
    expect(ourFlags(byInput, { e: email })).toEqual(coreFlags(byInput, { e: email }));
    expect(ourFlags(byValidator, { e: email })).toEqual(coreFlags(byValidator, { e: email }));
  });

  it.each([
    [{}],
    [{ rateMin: 0, rateMax: 10 }],
    [{ rateMin: 1, rateMax: 3, rateStep: 0.5 }],
    [{ rateMin: 0.1, rateMax: 0.5, rateStep: 0.1 }],
    [{ rateMin: 1, rateCount: 3 }],
    [{ rateMax: 10, rateCount: 4 }],
    [{ rateCount: 10 }],
    [{ rateMin: 1, rateMax: 100 }],
    [{ rateMin: 1, rateMax: 15, rateType: "smileys" }],
    [{ rateValues: [1, 2, 4] }],
    [{ rateValues: ["bad", { value: "ok", text: "OK" }, "good"] }],
    [{ rateValues: ["a", "b"], autoGenerate: true, rateMin: 2, rateMax: 4 }],
    [{ rateValues: [], rateMin: 3, rateMax: 6 }],
  ] as const)("on the rating scale of %j", (props) => {
    const model = new Model(one({ type: "rating", name: "r", ...props } as ElementJson));
    const question = model.getQuestionByName("r") as QuestionRatingModel;
    expect(ratingScale(props).values).toEqual(question.visibleChoices.map((item) => item.value));
  });
});

describe("where validateAnswers is deliberately stricter than survey-core", () => {
  // The browser cannot produce these values; a forged request can. survey-core trusts its own UI.
  it.each([
    ["a rating off its scale", one({ type: "rating", name: "r" }), { r: 9 }],
    ["a choice that is not among the choices", one({ type: "dropdown", name: "d", choices: ["a", "b"] }), { d: "zzz" }],
    ["a checkbox item that is not among the choices", one({ type: "checkbox", name: "c", choices: ["a", "b"] }), { c: ["a", "zzz"] }],
    ["a text longer than its maxLength (survey-core only limits the input box)", one({ type: "text", name: "t", maxLength: 3 }), { t: "abcdef" }],
    ["a number sent as a numeric string", one({ type: "text", name: "n", inputType: "number", min: 0, max: 10 }), { n: "5" }],
  ])("%s: survey-core accepts it, we refuse it", (_, json, data) => {
    expect(coreFlags(json, data)).toEqual([]);
    expect(ourFlags(json, data)).toEqual([Object.keys(data)[0]]);
  });

  it("a required question behind a visibleIf that is shown: survey-core requires it, the server does not evaluate the expression", () => {
    const json: SurveyJson = { elements: [{ type: "boolean", name: "b" }, { type: "text", name: "t", isRequired: true, visibleIf: "{b} = true" }] };
    expect(coreFlags(json, { b: true })).toEqual(["t"]);
    expect(ourFlags(json, { b: true })).toEqual([]);
  });
});
