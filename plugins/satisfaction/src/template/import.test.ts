import { describe, expect, it } from "vitest";
import { compileSurvey, type SurveyJson } from "@aftercare/forms";
import { validateTemplate } from "./definition";
import { scoreResponse } from "./scores";
import {
  answerValues,
  buildImportedTemplate,
  defaultMapping,
  defaultPoints,
  itemIdFor,
  mappableQuestions,
  mappingOf,
  readImportText,
  sanitiseSurvey,
  vetImportedSurvey,
  type TemplateGeneral,
} from "./import";

/** A survey as another tool would export it: HTML, redirects, a mix of question types. */
const foreign = {
  title: { default: "Service survey", "zh-cn": "服务调查" },
  completedHtml: "<h3>Thanks</h3><img src=x onerror=alert(1)>",
  completedBeforeHtml: "<script>alert(1)</script>",
  loadingHtml: "<b>…</b>",
  completedHtmlOnCondition: [{ expression: "{speed} > 3", html: "<script>x</script>" }],
  navigateToUrl: "https://evil.example/phish",
  logo: "https://evil.example/pixel.png",
  pages: [
    {
      name: "p1",
      elements: [
        { type: "html", name: "banner", html: "<iframe src=https://evil.example></iframe>" },
        { type: "rating", name: "speed", title: { default: "Response speed", "zh-cn": "响应速度" }, rateMin: 1, rateMax: 5, descriptionHtml: "<b>x</b>" },
        {
          type: "radiogroup",
          name: "friendly",
          title: "Friendliness",
          choices: [
            { value: "good", text: { default: "Good", "zh-cn": "好" } },
            { value: "ok", text: "OK" },
            { value: "bad", text: "Bad" },
          ],
        },
        {
          type: "panel",
          name: "more",
          elements: [
            { type: "html", html: "<script>nested()</script>" },
            { type: "dropdown", name: "quality", title: "Quality", choices: [5, 4, 3, 2, 1] },
            { type: "rating", name: "followup", visibleIf: "{speed} < 3" },
            { type: "checkbox", name: "topics", choices: ["a", "b"] },
            { type: "comment", name: "remarks" },
          ],
        },
      ],
    },
  ],
};

const general: TemplateGeneral = {
  title: { en: "Imported service survey", "zh-CN": "导入的服务调查" },
  intro: { en: "", "zh-CN": "" },
  threshold: 85,
  productWeight: 0.8,
};

describe("reading the pasted text", () => {
  const cases: [string, string, string | null][] = [
    ["empty", "   ", "empty"],
    ["not JSON", "<html></html>", "not-json"],
    ["an array", "[1,2]", "not-object"],
    ["null", "null", "not-object"],
    ["too large", `{"title":"${"x".repeat(256 * 1024)}"}`, "too-large"],
    ["an object, with a BOM", "\uFEFF{\"elements\":[]}", null],
  ];
  it.each(cases)("%s", (_name, text, problem) => {
    const r = readImportText(text);
    expect(r.ok ? null : r.problem).toBe(problem);
  });
});

describe("sanitising (stored XSS on the public survey page)", () => {
  it("removes html elements anywhere, every *Html* property and redirects, and says what it removed", () => {
    const { survey, removed, tooDeep } = sanitiseSurvey(foreign);
    const text = JSON.stringify(survey);
    expect(text).not.toMatch(/html/i);
    expect(text).not.toMatch(/<(script|img|iframe|b|h3)/);
    expect(text).not.toContain("evil.example");
    expect(tooDeep).toBe(false);
    expect(removed).toEqual([
      "completedHtml",
      "completedBeforeHtml",
      "loadingHtml",
      "completedHtmlOnCondition",
      "navigateToUrl",
      "logo",
      "pages[0].elements[0] (html)",
      "pages[0].elements[1].descriptionHtml",
      "pages[0].elements[3].elements[0] (html)",
    ]);
    // what is left is untouched
    expect((survey.pages as { elements: { name?: string }[] }[])[0].elements.map((e) => e.name)).toEqual(["speed", "friendly", "more"]);
  });

  it("drops prototype keys instead of assigning them", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"elements":[{"type":"rating","name":"a","constructor":{"x":1}}]}') as Record<string, unknown>;
    const { survey, removed } = sanitiseSurvey(parsed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(survey)).toBe(Object.prototype);
    expect(removed).toEqual(["__proto__", "elements[0].constructor"]);
  });

  it("refuses JSON nested absurdly deep", () => {
    let deep: Record<string, unknown> = { type: "rating", name: "x" };
    for (let i = 0; i < 60; i++) deep = { type: "panel", elements: [deep] };
    expect(vetImportedSurvey({ elements: [deep] }).problems).toEqual(["the JSON is nested more than 40 levels deep"]);
  });

  it("passes on the forms package's problems for what it cannot validate", () => {
    const r = vetImportedSurvey({ elements: [{ type: "matrix", name: "m" }, { type: "radiogroup", name: "r", choices: [1], showOtherItem: true }] });
    expect(r.problems).toEqual(['elements[0]: unsupported element type "matrix"', 'elements[1] ("r"): "showOtherItem" is not supported (it changes the shape of the answers)']);
  });
});

describe("mappable questions", () => {
  const { survey } = vetImportedSurvey(foreign);

  it("are the single-answer rating, radiogroup and dropdown questions; conditional and multi-answer ones are listed as skipped", () => {
    const { questions, skipped } = mappableQuestions(survey);
    expect(questions.map((q) => [q.name, q.type, q.title])).toEqual([
      ["speed", "rating", { en: "Response speed", "zh-CN": "响应速度" }],
      ["friendly", "radiogroup", { en: "Friendliness", "zh-CN": "Friendliness" }],
      ["quality", "dropdown", { en: "Quality", "zh-CN": "Quality" }],
    ]);
    expect(questions[0].choices.map((c) => c.value)).toEqual([1, 2, 3, 4, 5]);
    expect(questions[1].choices).toEqual([
      { value: "good", label: { en: "Good", "zh-CN": "好" } },
      { value: "ok", label: { en: "OK", "zh-CN": "OK" } },
      { value: "bad", label: { en: "Bad", "zh-CN": "Bad" } },
    ]);
    expect(skipped).toEqual([
      { name: "followup", reason: "conditional" },
      { name: "topics", reason: "multiple" },
    ]);
  });

  it("offer their distinct answer values once each, in order of appearance", () => {
    const { questions } = mappableQuestions(survey);
    const values = answerValues(questions);
    expect(values.map((v) => [v.key, v.questions])).toEqual([
      ["1", ["speed", "quality"]],
      ["2", ["speed", "quality"]],
      ["3", ["speed", "quality"]],
      ["4", ["speed", "quality"]],
      ["5", ["speed", "quality"]],
      ["good", ["friendly"]],
      ["ok", ["friendly"]],
      ["bad", ["friendly"]],
    ]);
    expect(values.some((v) => v.mixedTypes)).toBe(false);
  });

  it("flags a value that is a number in one question and a text in another", () => {
    const values = answerValues([
      { name: "a", choices: [{ value: 1, label: { en: "1", "zh-CN": "1" } }] },
      { name: "b", choices: [{ value: "1", label: { en: "1", "zh-CN": "1" } }] },
    ]);
    expect(values).toEqual([{ key: "1", value: 1, label: { en: "1", "zh-CN": "1" }, questions: ["a", "b"], mixedTypes: true }]);
  });
});

describe("defaults offered to the admin", () => {
  const cases: [string, (string | number)[], number[]][] = [
    ["1–5 rating like the default scale", [1, 2, 3, 4, 5], [20, 40, 60, 80, 100]],
    ["0–10 rating", [0, 5, 10], [0, 50, 100]],
    ["negative to positive", [-2, 0, 2], [0, 50, 100]],
    ["texts best first", ["good", "ok", "bad"], [100, 50, 0]],
    ["one text", ["yes"], [100]],
    ["nothing", [], []],
  ];
  it.each(cases)("points: %s", (_name, values, expected) => {
    expect(defaultPoints(values)).toEqual(expected);
  });

  const ids: [string, string[], string][] = [
    ["Product Quality", [], "product_quality"],
    ["3. 价格", [], "q_3"],
    ["speed", ["speed"], "speed_2"],
    ["speed", ["speed", "speed_2"], "speed_3"],
    ["__x__", [], "x"],
    ["a".repeat(60), [], "a".repeat(36)],
  ];
  it.each(ids)("item id for %s (taken %j) is %s", (name, taken, expected) => {
    expect(itemIdFor(name, new Set(taken))).toBe(expected);
  });

  it("equal weights that sum to exactly 1, the last question in the service group", () => {
    const { questions } = mappableQuestions(vetImportedSurvey(foreign).survey);
    const m = defaultMapping(questions);
    expect(m.items.map((i) => [i.id, i.weight, i.group])).toEqual([
      ["speed", 0.34, "product"],
      ["friendly", 0.33, "product"],
      ["quality", 0.33, "service"],
    ]);
    expect(m.values.map((v) => [v.key, v.points])).toEqual([
      ["1", 20], ["2", 40], ["3", 60], ["4", 80], ["5", 100], ["good", 100], ["ok", 50], ["bad", 0],
    ]);
  });
});

describe("building the imported template", () => {
  const { survey } = vetImportedSurvey(foreign);
  const { questions } = mappableQuestions(survey);

  it("makes a valid definition (imported, best level first) and a survey requiring the mapped questions", () => {
    const m = defaultMapping(questions);
    const mapping = { ...m, items: m.items.map((i) => (i.question === "friendly" ? { ...i, use: false } : i.question === "speed" ? { ...i, weight: 0.6 } : { ...i, weight: 0.4 })) };
    const built = buildImportedTemplate(survey, mapping, general);
    expect(built.problems).toEqual([]);
    expect(validateTemplate(built.definition)).toEqual([]);
    expect(built.definition).toMatchObject({ imported: true, whyComments: false, threshold: 85, productWeight: 0.8 });
    expect(built.definition.items).toEqual([
      { id: "speed", question: "speed", title: { en: "Response speed", "zh-CN": "响应速度" }, weight: 0.6, group: "product" },
      { id: "quality", question: "quality", title: { en: "Quality", "zh-CN": "Quality" }, weight: 0.4, group: "service" },
    ]);
    // only the values the used questions offer, best first
    expect(built.definition.scale.map((l) => [l.value, l.points])).toEqual([[5, 100], [4, 80], [3, 60], [2, 40], [1, 20]]);
    expect(built.levelKeys).toEqual(["5", "4", "3", "2", "1"]);
    const text = JSON.stringify(built.survey);
    expect(text).toContain('"name":"speed","title":{"default":"Response speed","zh-cn":"响应速度"},"rateMin":1,"rateMax":5,"isRequired":true');
    expect(text).toContain('"name":"quality","title":"Quality","choices":[5,4,3,2,1],"isRequired":true');
    expect(text).not.toMatch(/"name":"friendly"[^}]*isRequired/);
    // the stored survey is usable by the server and scores like the definition says
    const form = compileSurvey(built.survey);
    expect(form.validate({ friendly: "ok" }, "en").ok).toBe(false); // mapped questions are required
    const answers = form.validate({ speed: 4, quality: 2, friendly: "ok" }, "en");
    expect(answers.ok).toBe(true);
    const scores = scoreResponse(built.definition, answers.ok ? answers.data : {});
    expect(scores?.score).toBeCloseTo(0.6 * 80 + 0.4 * 40, 9); // 64
    expect(scores?.items).toEqual({ speed: 80, quality: 40 });
  });

  it("maps text answers to the points the admin chose", () => {
    const mapping = {
      items: [
        { question: "friendly", use: true, id: "friendly", title: { en: "Friendliness", "zh-CN": "服务态度" }, weight: 1, group: "product" as const },
      ],
      values: [
        { key: "good", points: 100, label: { en: "Good", "zh-CN": "好" } },
        { key: "ok", points: 70, label: { en: "OK", "zh-CN": "一般" } },
        { key: "bad", points: 10, label: { en: "Bad", "zh-CN": "差" } },
      ],
    };
    const built = buildImportedTemplate(survey, mapping, { ...general, productWeight: 1 });
    expect(validateTemplate(built.definition)).toEqual([]);
    const scores = scoreResponse(built.definition, { friendly: "ok" });
    expect(scores).toMatchObject({ score: 70, satisfied: false, lowestLevel: false });
    expect(scoreResponse(built.definition, { friendly: "bad" })).toMatchObject({ score: 10, lowestLevel: true });
  });

  it("lets validateTemplate report weights that do not add up, with the sum", () => {
    const m = defaultMapping(questions);
    const built = buildImportedTemplate(survey, { ...m, items: m.items.map((i) => ({ ...i, weight: 0.3 })) }, general);
    expect(validateTemplate(built.definition)).toContainEqual({ code: "weights-sum", sum: 0.9 });
  });

  it("reports questions that are not in the survey, and unmapped values as bad points", () => {
    const m = defaultMapping(questions);
    const built = buildImportedTemplate(survey, { items: [...m.items, { ...m.items[0], question: "ghost", id: "ghost" }], values: m.values.filter((v) => v.key !== "3") }, general);
    expect(built.problems).toEqual([{ code: "unknown-question", question: "ghost" }]);
    const bad = validateTemplate(built.definition).filter((p) => p.code === "bad-points");
    expect(bad).toHaveLength(1);
    const level = (bad[0] as { level: number }).level;
    expect(built.levelKeys[level - 1]).toBe("3");
  });

  it("gives back the saved mapping for editing", () => {
    const m = defaultMapping(questions);
    const mapping = { ...m, items: m.items.map((i) => (i.question === "friendly" ? { ...i, use: false } : i.question === "speed" ? { ...i, weight: 0.6 } : { ...i, weight: 0.4 })) };
    const built = buildImportedTemplate(survey, mapping, general);
    const again = mappingOf(built.definition, built.survey as SurveyJson);
    expect(again.items.map((i) => [i.question, i.use, i.id, i.weight])).toEqual([
      ["speed", true, "speed", 0.6],
      ["friendly", false, "friendly", 0],
      ["quality", true, "quality", 0.4],
    ]);
    expect(again.values.find((v) => v.key === "4")?.points).toBe(80);
  });
});
