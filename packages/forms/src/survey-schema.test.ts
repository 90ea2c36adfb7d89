import { describe, expect, it } from "vitest";
import { ratingScale, readSurvey } from "./survey-schema";
import { compileSurvey, findSurveyProblems, SurveySchemaError } from "./validate";
import type { SurveyJson } from "./types";

const q = (element: Record<string, unknown>): unknown => ({ elements: [element] });

describe("findSurveyProblems", () => {
  it("finds nothing in a JSON made of supported parts", () => {
    expect(
      findSurveyProblems({
        title: { en: "Visit", "zh-cn": "回访" },
        pages: [
          {
            elements: [
              { type: "rating", name: "r", rateValues: [1, { value: 2, text: { en: "Two" } }] },
              { type: "panel", elements: [{ type: "text", name: "t", inputType: "date", min: "=today()" }] },
              { type: "html", html: "<b>hi</b>" },
              { type: "expression", name: "sum", expression: "{r} * 2" },
            ],
          },
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    ["a non-object JSON", [], "the survey JSON must be an object"],
    ["pages that are not an array", { pages: {} }, "pages: must be an array"],
    ["pages and elements together", { pages: [], elements: [] }, `use either "pages" or "elements"`],
    ["an unsupported question type", q({ type: "matrix", name: "m" }), `unsupported element type "matrix"`],
    ["a file question", q({ type: "file", name: "f" }), `unsupported element type "file"`],
    ["a question without a name", q({ type: "text" }), `needs a non-empty "name"`],
    ["a question named __proto__", q({ type: "text", name: "__proto__" }), `"__proto__" cannot be a question name`],
    ["a question named constructor", q({ type: "text", name: "constructor" }), `"constructor" cannot be a question name`],
    ["a duplicate name", { elements: [{ type: "text", name: "a" }, { type: "panel", elements: [{ type: "comment", name: "a" }] }] }, `the name "a" is used twice`],
    ["an 'other' item", q({ type: "radiogroup", name: "c", choices: ["a"], showOtherItem: true }), `"showOtherItem" is not supported`],
    ["a valueName", q({ type: "text", name: "t", valueName: "x" }), `"valueName" is not supported`],
    ["choices loaded from a URL", q({ type: "dropdown", name: "d", choices: ["a"], choicesByUrl: { url: "x" } }), `"choicesByUrl" is not supported`],
    ["an unsupported inputType", q({ type: "text", name: "t", inputType: "range" }), `unsupported inputType "range"`],
    ["empty choices", q({ type: "checkbox", name: "c", choices: [] }), `"choices" must be a non-empty array`],
    ["a choice with an object value", q({ type: "dropdown", name: "d", choices: [{ value: { x: 1 } }] }), "every choice needs a string or finite number value"],
    ["a rateStep of 0", q({ type: "rating", name: "r", rateStep: 0 }), `"rateStep" must be greater than 0`],
    ["an empty rating scale", q({ type: "rating", name: "r", rateMin: 5, rateMax: 1 }), "the rating scale is empty"],
    ["a non-numeric rateMax", q({ type: "rating", name: "r", rateMax: "5" }), `"rateMax" must be a number`],
    ["an unsupported validator", q({ type: "text", name: "t", validators: [{ type: "expression", expression: "1" }] }), `unsupported validator "expression"`],
    ["an invalid regex", q({ type: "text", name: "t", validators: [{ type: "regex", regex: "(" }] }), `"regex" is not a valid regular expression`],
    ["a non-numeric number min", q({ type: "text", name: "n", inputType: "number", min: "low" }), `"min" must be a number`],
    ["a non-date date max", q({ type: "text", name: "d", inputType: "date", max: "soon" }), `"max" must be a YYYY-MM-DD date`],
    ["a non-numeric maxLength", q({ type: "comment", name: "c", maxLength: "10" }), `"maxLength" must be a number`],
  ])("reports %s", (_, json, problem) => {
    const problems = findSurveyProblems(json);
    expect(problems.some((p) => p.includes(problem)), problems.join("\n")).toBe(true);
  });
});

describe("compileSurvey on an unusable JSON", () => {
  it("throws a SurveySchemaError carrying every problem", () => {
    const bad = { elements: [{ type: "matrix", name: "m" }, { type: "text" }] } as unknown as SurveyJson;
    let thrown: unknown;
    try {
      compileSurvey(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SurveySchemaError);
    expect((thrown as SurveySchemaError).problems).toHaveLength(2);
  });
});

describe("readSurvey", () => {
  it("marks questions under a visibleIf (own, panel or page) or visible:false as conditional", () => {
    const outline = readSurvey({
      pages: [
        { elements: [{ type: "text", name: "plain" }, { type: "text", name: "own", visibleIf: "{plain} = 1" }] },
        { visibleIf: "{plain} = 2", elements: [{ type: "text", name: "onPage" }] },
        { elements: [{ type: "panel", visible: false, elements: [{ type: "panel", elements: [{ type: "text", name: "nested" }] }] }] },
      ],
    });
    expect(outline.questions.map((x) => [x.name, x.conditional])).toEqual([
      ["plain", false],
      ["own", true],
      ["onPage", true],
      ["nested", true],
    ]);
  });
});

describe("ratingScale", () => {
  it.each([
    [{}, [1, 2, 3, 4, 5]],
    [{ rateMin: 0, rateMax: 10 }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    [{ rateMin: 1, rateMax: 2, rateStep: 0.25 }, [1, 1.25, 1.5, 1.75, 2]],
    [{ rateMin: 1, rateCount: 3 }, [1, 2, 3]],
    [{ rateMax: 10, rateCount: 3 }, [8, 9, 10]],
    [{ rateValues: ["a", { value: "b" }] }, ["a", "b"]],
    [{ rateValues: ["a"], autoGenerate: true }, [1, 2, 3, 4, 5]],
    [{ rateMin: 1, rateMax: 100 }, Array.from({ length: 20 }, (_, i) => i + 1)],
  ])("%j gives %j", (json, values) => {
    expect(ratingScale(json)).toMatchObject({ values });
  });
});
