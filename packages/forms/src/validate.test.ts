import { describe, expect, it } from "vitest";
import type { SurveyJson } from "./types";
import { cleanText, compileSurvey, compiledSurvey, MAX_ERRORS, validateAnswers, type ValidationResult } from "./validate";

/** One survey exercising every supported question type and rule. */
const json: SurveyJson = {
  pages: [
    {
      name: "service",
      elements: [
        { type: "rating", name: "speed", isRequired: true, title: { en: "Speed", "zh-cn": "速度" } },
        { type: "rating", name: "nps", rateMin: 0, rateMax: 10 },
        { type: "rating", name: "half", rateMin: 1, rateMax: 3, rateStep: 0.5 },
        { type: "rating", name: "mood", rateValues: [{ value: "bad", text: "Bad" }, "ok", "good"] },
        { type: "rating", name: "picked", rateValues: [1, 2, 4] },
        { type: "text", name: "count", inputType: "number", min: 0, max: 100 },
        { type: "text", name: "email", inputType: "email" },
        { type: "text", name: "name", isRequired: true },
        { type: "text", name: "code", maxLength: 5, validators: [{ type: "regex", regex: "^[A-Z]+$" }] },
        { type: "text", name: "day", inputType: "date", min: "2024-01-01", max: "2024-12-31" },
        { type: "text", name: "at", inputType: "datetime-local" },
        { type: "text", name: "phone", inputType: "tel", validators: [{ type: "text", minLength: 6, maxLength: 20 }] },
        { type: "text", name: "score", validators: [{ type: "numeric", minValue: 1, maxValue: 10 }] },
        { type: "text", name: "contact", validators: [{ type: "email", text: { en: "Custom email message", "zh-cn": "自定义邮箱提示" } }] },
        { type: "text", name: "nodigits", validators: [{ type: "text", allowDigits: false }] },
        { type: "comment", name: "notes" },
        { type: "comment", name: "short", maxLength: 10 },
      ],
    },
    {
      name: "outcome",
      elements: [
        { type: "radiogroup", name: "solved", choices: [{ value: 0, text: "No" }, { value: 5, text: "Yes" }] },
        { type: "dropdown", name: "region", isRequired: true, requiredErrorText: { en: "Pick a region", "zh-cn": "请选择区域" }, choices: ["north", "south"] },
        { type: "checkbox", name: "channels", choices: ["phone", "email", "visit"] },
        { type: "tagbox", name: "tags", isRequired: true, choices: [1, 2, 3] },
        { type: "boolean", name: "recommend", isRequired: true },
        { type: "text", name: "why", isRequired: true, visibleIf: "{recommend} = false" },
        { type: "panel", name: "extra", visibleIf: "{speed} < 3", elements: [{ type: "comment", name: "complaint", isRequired: true }] },
        { type: "text", name: "locked", isRequired: true, readOnly: true },
        { type: "text", name: "gone", isRequired: true, visible: false },
        { type: "html", name: "info", html: "<p>Thanks</p>" },
        { type: "expression", name: "total", expression: "{speed} + {nps}" },
      ],
    },
  ],
};

/** The smallest valid submission. */
const base = { speed: 4, name: "Li Lei", region: "north", tags: [1], recommend: true } as const;

function run(answers: unknown, locale: "en" | "zh-CN" = "en"): ValidationResult {
  return validateAnswers(json, answers, locale);
}

function errorsOf(result: ValidationResult): { name: string; code: string }[] {
  return result.ok ? [] : result.errors.map(({ name, code }) => ({ name, code }));
}

describe("validateAnswers: the answers must be a plain object", () => {
  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an array", [base]],
    ["a string", JSON.stringify(base)],
    ["a number", 42],
    ["a boolean", true],
    ["a Date", new Date()],
    ["a Map", new Map(Object.entries(base))],
    ["an object with a foreign prototype", Object.assign(Object.create({ inherited: 1 }), base)],
  ])("refuses %s with not_object", (_, answers) => {
    expect(errorsOf(run(answers))).toEqual([{ name: "", code: "not_object" }]);
  });

  it("accepts a null-prototype object", () => {
    expect(run(Object.assign(Object.create(null), base)).ok).toBe(true);
  });
});

describe("validateAnswers: only this survey's question names", () => {
  it.each([
    ["a question of another template", { ...base, q_other_template: 3 }, "q_other_template"],
    ["an html element's name (it holds no answer)", { ...base, info: "x" }, "info"],
    ["a panel's name", { ...base, extra: "x" }, "extra"],
    ["a page's name", { ...base, service: 1 }, "service"],
    ["constructor", { ...base, constructor: 1 }, "constructor"],
    ["prototype", { ...base, prototype: 1 }, "prototype"],
    ["a name differing only by case", { ...base, Speed: 4 }, "Speed"],
  ])("refuses %s as unknown_field", (_, answers, name) => {
    expect(errorsOf(run(answers))).toEqual([{ name, code: "unknown_field" }]);
  });

  it("refuses a __proto__ key from JSON.parse and pollutes nothing", () => {
    const answers: unknown = JSON.parse(`{"speed":4,"name":"Li","region":"north","tags":[1],"recommend":true,"__proto__":{"polluted":true}}`);
    expect(errorsOf(run(answers))).toEqual([{ name: "__proto__", code: "unknown_field" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accepts an expression element's value and drops it from the data", () => {
    const result = run({ ...base, total: 99 });
    expect(result).toEqual({ ok: true, data: { ...base } });
  });

  it("returns a new object holding only known names", () => {
    const answers = { ...base, channels: ["phone"] };
    const result = run(answers);
    if (!result.ok) throw new Error("expected ok");
    expect(result.data).not.toBe(answers);
    expect(result.data.channels).not.toBe(answers.channels);
    expect(Object.keys(result.data).sort()).toEqual(["channels", "name", "recommend", "region", "speed", "tags"]);
  });
});

type Case = readonly [label: string, patch: Record<string, unknown>, expected: { readonly error: readonly [string, string] } | { readonly data: Record<string, unknown> }];

const cases: readonly Case[] = [
  // required
  ["missing required rating", { speed: undefined }, { error: ["speed", "required"] }],
  ["null required rating", { speed: null }, { error: ["speed", "required"] }],
  ["empty required text", { name: "" }, { error: ["name", "required"] }],
  ["whitespace-only required text", { name: "  \t " }, { error: ["name", "required"] }],
  ["required text that is only NUL bytes", { name: "\u0000\u0000" }, { error: ["name", "required"] }],
  ["empty required tagbox", { tags: [] }, { error: ["tags", "required"] }],
  ["missing required dropdown", { region: undefined }, { error: ["region", "required"] }],
  ["required boolean answered false", { recommend: false }, { data: { recommend: false } }],
  ["required question with visibleIf left empty (server does not evaluate expressions)", { recommend: false, why: undefined }, { data: { recommend: false } }],
  ["required question inside a panel with visibleIf left empty", { speed: 1 }, { data: { speed: 1 } }],
  ["required read-only question left empty", {}, { data: { ...base } }],
  ["required question with visible:false left empty", {}, { data: { ...base } }],
  ["optional answers left out of the data when empty", { nps: null, email: "", channels: [], notes: "   " }, { data: { ...base } }],
  // ratings
  ["rating on the default 1..5 scale", { speed: 5 }, { data: { speed: 5 } }],
  ["rating as a numeric string", { speed: "5" }, { error: ["speed", "not_a_number"] }],
  ["rating NaN", { speed: Number.NaN }, { error: ["speed", "not_a_number"] }],
  ["rating Infinity", { speed: Number.POSITIVE_INFINITY }, { error: ["speed", "not_a_number"] }],
  ["rating 1e309 (parses to Infinity)", JSON.parse(`{"speed":1e309}`) as Record<string, unknown>, { error: ["speed", "not_a_number"] }],
  ["rating above the scale", { speed: 6 }, { error: ["speed", "out_of_range"] }],
  ["rating below the scale", { speed: 0 }, { error: ["speed", "out_of_range"] }],
  ["rating between two steps", { speed: 2.5 }, { error: ["speed", "out_of_range"] }],
  ["rating as a boolean", { speed: true }, { error: ["speed", "not_a_number"] }],
  ["rating 0 on a 0..10 scale", { nps: 0 }, { data: { nps: 0 } }],
  ["rating -0 normalised to 0", { nps: -0 }, { data: { nps: 0 } }],
  ["rating on a half-step scale", { half: 2.5 }, { data: { half: 2.5 } }],
  ["rating off a half-step scale", { half: 1.25 }, { error: ["half", "out_of_range"] }],
  ["rating with string rateValues", { mood: "bad" }, { data: { mood: "bad" } }],
  ["rating outside string rateValues", { mood: "meh" }, { error: ["mood", "not_in_choices"] }],
  ["rating with numeric rateValues, value skipped by the scale", { picked: 3 }, { error: ["picked", "not_in_choices"] }],
  ["rating with numeric rateValues, value beyond the scale", { picked: 9 }, { error: ["picked", "out_of_range"] }],
  // numbers
  ["number within min/max", { count: 100 }, { data: { count: 100 } }],
  ["number as a string", { count: "50" }, { error: ["count", "not_a_number"] }],
  ["number above max", { count: 101 }, { error: ["count", "out_of_range"] }],
  ["number below min", { count: -1 }, { error: ["count", "out_of_range"] }],
  ["number NaN", { count: Number.NaN }, { error: ["count", "not_a_number"] }],
  ["number -Infinity", { count: Number.NEGATIVE_INFINITY }, { error: ["count", "not_a_number"] }],
  ["number as an array", { count: [5] }, { error: ["count", "not_a_number"] }],
  ["numeric validator on a text answer in range", { score: "5" }, { data: { score: "5" } }],
  ["numeric validator on a non-numeric text", { score: "five" }, { error: ["score", "not_a_number"] }],
  ["numeric validator out of range", { score: "11" }, { error: ["score", "out_of_range"] }],
  // choices
  ["radiogroup numeric choice", { solved: 5 }, { data: { solved: 5 } }],
  ["radiogroup choice 0", { solved: 0 }, { data: { solved: 0 } }],
  ["radiogroup numeric choice sent as a string", { solved: "5" }, { error: ["solved", "not_in_choices"] }],
  ["radiogroup value not among the choices", { solved: 3 }, { error: ["solved", "not_in_choices"] }],
  ["dropdown value not among the choices", { region: "east" }, { error: ["region", "not_in_choices"] }],
  ["dropdown value wrapped in an array", { region: ["north"] }, { error: ["region", "not_in_choices"] }],
  ["checkbox with two choices", { channels: ["visit", "phone"] }, { data: { channels: ["visit", "phone"] } }],
  ["checkbox with a duplicate", { channels: ["phone", "phone"] }, { error: ["channels", "duplicate_choice"] }],
  ["checkbox with an unknown choice", { channels: ["phone", "fax"] }, { error: ["channels", "not_in_choices"] }],
  ["checkbox given a bare string", { channels: "phone" }, { error: ["channels", "invalid_type"] }],
  ["tagbox numeric choice sent as a string", { tags: [1, "2"] }, { error: ["tags", "not_in_choices"] }],
  ["tagbox with every choice", { tags: [3, 2, 1] }, { data: { tags: [3, 2, 1] } }],
  ["boolean given a string", { recommend: "true" }, { error: ["recommend", "invalid_type"] }],
  // texts
  ["text given a number", { name: 42 }, { error: ["name", "invalid_type"] }],
  ["text given an object", { name: { toString: "x" } }, { error: ["name", "invalid_type"] }],
  ["text at the default limit (500)", { name: "x".repeat(500) }, { data: { name: "x".repeat(500) } }],
  ["text over the default limit (500)", { name: "x".repeat(501) }, { error: ["name", "too_long"] }],
  ["comment at the default limit (5000)", { notes: "x".repeat(5000) }, { data: { notes: "x".repeat(5000) } }],
  ["comment over the default limit (5000)", { notes: "x".repeat(5001) }, { error: ["notes", "too_long"] }],
  ["comment over its own maxLength", { short: "x".repeat(11) }, { error: ["short", "too_long"] }],
  ["text over its own maxLength", { code: "ABCDEF" }, { error: ["code", "too_long"] }],
  ["regex validator match", { code: "ABC" }, { data: { code: "ABC" } }],
  ["regex validator mismatch", { code: "abc" }, { error: ["code", "pattern_mismatch"] }],
  ["email input well-formed", { email: "li.lei@example.cn" }, { data: { email: "li.lei@example.cn" } }],
  ["email input malformed", { email: "li.lei@example" }, { error: ["email", "invalid_email"] }],
  ["email validator malformed", { contact: "nope" }, { error: ["contact", "invalid_email"] }],
  ["text validator too short", { phone: "12345" }, { error: ["phone", "too_short"] }],
  ["text validator too long", { phone: "1".repeat(21) }, { error: ["phone", "too_long"] }],
  ["text validator refusing digits", { nodigits: "room 5" }, { error: ["nodigits", "digits_not_allowed"] }],
  // dates
  ["date in range (leap day)", { day: "2024-02-29" }, { data: { day: "2024-02-29" } }],
  ["date that does not exist", { day: "2023-02-29" }, { error: ["day", "invalid_date"] }],
  ["date after max", { day: "2025-01-01" }, { error: ["day", "out_of_range"] }],
  ["date before min", { day: "2023-12-31" }, { error: ["day", "out_of_range"] }],
  ["date in another format", { day: "01/02/2024" }, { error: ["day", "invalid_date"] }],
  ["date given a number", { day: 20240101 }, { error: ["day", "invalid_type"] }],
  ["datetime-local well-formed", { at: "2024-05-01T10:30" }, { data: { at: "2024-05-01T10:30" } }],
  ["datetime-local with a space", { at: "2024-05-01 10:30" }, { error: ["at", "invalid_date"] }],
  ["datetime-local at 24:00", { at: "2024-05-01T24:00" }, { error: ["at", "invalid_date"] }],
  // cleaning
  ["NUL bytes stripped", { name: "Li\u0000 Lei" }, { data: { name: "Li Lei" } }],
  ["lone high surrogate stripped", { name: "ok\uD800" }, { data: { name: "ok" } }],
  ["lone low surrogate stripped", { notes: "\uDC00fine" }, { data: { notes: "fine" } }],
  ["emoji (a valid surrogate pair) kept", { name: "好评 😀" }, { data: { name: "好评 😀" } }],
];

describe("validateAnswers: per-question rules", () => {
  it.each(cases)("%s", (_, patch, expected) => {
    const answers: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete answers[key];
      else answers[key] = value;
    }
    const result = run(answers);
    if ("error" in expected) {
      expect(errorsOf(result)).toEqual([{ name: expected.error[0], code: expected.error[1] }]);
    } else {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.data).toEqual({ ...base, ...expected.data });
      // toEqual does not tell 0 from -0: compare primitives with Object.is.
      if (result.ok) {
        for (const [key, value] of Object.entries(expected.data)) {
          if (typeof value !== "object") expect(Object.is(result.data[key], value)).toBe(true);
        }
      }
    }
  });
});

describe("validateAnswers: messages", () => {
  it.each([
    ["en", null, "", "The answers must be an object."],
    ["zh-CN", null, "", "答案必须是一个对象。"],
    ["en", { ...base, name: "" }, "name", "Please answer this question."],
    ["zh-CN", { ...base, name: "" }, "name", "请回答此问题。"],
    ["en", { ...base, speed: 9 }, "speed", "The value must be between 1 and 5."],
    ["zh-CN", { ...base, speed: 9 }, "speed", "数值必须在 1 到 5 之间。"],
    ["en", { ...base, speed: "4" }, "speed", "Please enter a number."],
    ["zh-CN", { ...base, speed: "4" }, "speed", "请输入数字。"],
    ["en", { ...base, region: "east" }, "region", "Please choose one of the options."],
    ["zh-CN", { ...base, region: "east" }, "region", "请从给定选项中选择。"],
    ["en", { ...base, short: "x".repeat(11) }, "short", "Please use at most 10 characters."],
    ["zh-CN", { ...base, short: "x".repeat(11) }, "short", "最多可输入 10 个字符。"],
    ["en", { ...base, email: "x" }, "email", "Please enter a valid email address."],
    ["zh-CN", { ...base, email: "x" }, "email", "请输入有效的电子邮件地址。"],
    ["en", { ...base, nope: 1 }, "nope", "Unknown field."],
    ["zh-CN", { ...base, nope: 1 }, "nope", "未知字段。"],
    ["en", { ...base, count: -5 }, "count", "The value must be between 0 and 100."],
    ["en", { ...base, contact: "x" }, "contact", "Custom email message"],
    ["zh-CN", { ...base, contact: "x" }, "contact", "自定义邮箱提示"],
    ["en", { ...base, region: undefined }, "region", "Pick a region"],
    ["zh-CN", { ...base, region: undefined }, "region", "请选择区域"],
  ] as const)("%s: %j gives the message for %s", (locale, answers, name, message) => {
    const result = run(answers, locale);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual(expect.objectContaining({ name, message }));
  });
});

describe("validateAnswers: several errors", () => {
  it("lists every failing question in form order, then unknown keys", () => {
    const result = run({ speed: 7, name: "", region: "east", tags: [1], recommend: "yes", zz: 1 });
    expect(errorsOf(result)).toEqual([
      { name: "speed", code: "out_of_range" },
      { name: "name", code: "required" },
      { name: "region", code: "not_in_choices" },
      { name: "recommend", code: "invalid_type" },
      { name: "zz", code: "unknown_field" },
    ]);
  });

  it(`caps the list at MAX_ERRORS (${MAX_ERRORS})`, () => {
    const answers: Record<string, unknown> = { ...base };
    for (let i = 0; i < 1000; i++) answers[`junk${i}`] = i;
    const result = run(answers);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toHaveLength(MAX_ERRORS);
  });
});

describe("compileSurvey", () => {
  it("returns a validator that gives the same answer on every call", () => {
    const form = compileSurvey(json);
    const first = form.validate({ ...base, speed: 9 }, "en");
    for (let i = 0; i < 3; i++) expect(form.validate({ ...base, speed: 9 }, "en")).toEqual(first);
    expect(form.validate(base, "en")).toEqual({ ok: true, data: { ...base } });
  });

  it("lists the answerable questions in form order", () => {
    expect(compileSurvey(json).questions.map((q) => q.name)).toEqual([
      "speed", "nps", "half", "mood", "picked", "count", "email", "name", "code", "day", "at", "phone", "score", "contact",
      "nodigits", "notes", "short", "solved", "region", "channels", "tags", "recommend", "why", "complaint", "locked", "gone",
    ]);
  });

  it("is cached per JSON object by validateAnswers", () => {
    expect(compiledSurvey(json)).toBe(compiledSurvey(json));
    expect(compiledSurvey({ ...json })).not.toBe(compiledSurvey(json));
  });

  it("honours survey-level maxTextLength and maxCommentLength", () => {
    const form = compileSurvey({ maxTextLength: 3, maxCommentLength: 4, elements: [{ type: "text", name: "t" }, { type: "comment", name: "c" }] });
    expect(errorsOf(form.validate({ t: "abcd", c: "abcde" }, "en"))).toEqual([
      { name: "t", code: "too_long" },
      { name: "c", code: "too_long" },
    ]);
    expect(form.validate({ t: "abc", c: "abcd" }, "en").ok).toBe(true);
  });

  it("accepts top-level elements without pages", () => {
    const form = compileSurvey({ elements: [{ type: "rating", name: "r", isRequired: true }] });
    expect(form.validate({ r: 3 }, "en")).toEqual({ ok: true, data: { r: 3 } });
    expect(errorsOf(form.validate({}, "en"))).toEqual([{ name: "r", code: "required" }]);
  });
});

describe("cleanText", () => {
  it.each([
    ["plain", "plain"],
    ["a\u0000b", "ab"],
    ["\uD800x", "x"],
    ["x\uDC00", "x"],
    ["\uD800\uD83D\uDE00", "\uD83D\uDE00"],
    ["\uD800\u0000\uDC00", ""],
    ["中文 😀", "中文 😀"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["\u2067a\u2069 \u202Bb\u202C \u202Ac\u202D", "a b c"],
    ["bell\u0007 tab\tline\r\nend", "bell tab\tline\r\nend"],
    ["\u200Fמחיר\u200E", "\u200Fמחיר\u200E"],
  ])("%j becomes %j", (input, output) => {
    expect(cleanText(input)).toBe(output);
  });
});
