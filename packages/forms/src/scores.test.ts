import { describe, expect, it } from "vitest";
import { choicePoints, numericAnswers } from "./scores";
import type { SurveyJson } from "./types";
import { validateAnswers } from "./validate";

const json: SurveyJson = {
  elements: [
    { type: "rating", name: "speed" },
    { type: "rating", name: "nps", rateMin: 0, rateMax: 10 },
    { type: "rating", name: "mood", rateValues: ["bad", "good"] },
    { type: "text", name: "hours", inputType: "number", min: 0 },
    { type: "text", name: "remark" },
    { type: "radiogroup", name: "solved", choices: [{ value: 0, text: "No" }, { value: 2, text: "Partly" }, { value: 5, text: "Yes" }] },
    { type: "checkbox", name: "extras", choices: [{ value: 1, text: "Called back" }, { value: 3, text: "Visited" }] },
    { type: "dropdown", name: "region", choices: ["north", "south"] },
  ],
};

describe("numericAnswers", () => {
  it("reads rating and number answers, null when unanswered", () => {
    expect(numericAnswers(json, { speed: 4, nps: 0, hours: 2.5 }, ["speed", "nps", "hours"])).toEqual({ speed: 4, nps: 0, hours: 2.5 });
    expect(numericAnswers(json, {}, ["speed", "hours"])).toEqual({ speed: null, hours: null });
  });

  it("reads the data validateAnswers returns", () => {
    const result = validateAnswers(json, { speed: 5, hours: 8, remark: "ok" }, "en");
    if (!result.ok) throw new Error("expected valid answers");
    expect(numericAnswers(json, result.data, ["speed", "nps", "hours"])).toEqual({ speed: 5, nps: null, hours: 8 });
  });

  it("gives null for a value that is not a finite number", () => {
    expect(numericAnswers(json, { speed: "4", nps: Number.NaN }, ["speed", "nps"])).toEqual({ speed: null, nps: null });
  });

  it.each([
    ["an unknown name", "nope", /no question named "nope"/],
    ["a text question", "remark", /not a numeric rating or number question/],
    ["a rating with string values", "mood", /not a numeric rating or number question/],
    ["a choice question", "solved", /not a numeric rating or number question/],
  ])("throws for %s", (_, name, message) => {
    expect(() => numericAnswers(json, {}, [name])).toThrow(message);
  });
});

describe("choicePoints", () => {
  it("takes a single choice's value as its points, 0 included", () => {
    expect(choicePoints(json, { solved: 5 }, ["solved"])).toEqual({ solved: 5 });
    expect(choicePoints(json, { solved: 0 }, ["solved"])).toEqual({ solved: 0 });
  });

  it("sums the points of the chosen checkbox items", () => {
    expect(choicePoints(json, { extras: [1, 3] }, ["extras"])).toEqual({ extras: 4 });
  });

  it("gives null when unanswered", () => {
    expect(choicePoints(json, { extras: [] }, ["solved", "extras"])).toEqual({ solved: null, extras: null });
  });

  it.each([
    ["an unknown name", "nope", /no question named "nope"/],
    ["a choice question with string values", "region", /not a choice question whose choice values are numbers/],
    ["a rating", "speed", /not a choice question whose choice values are numbers/],
  ])("throws for %s", (_, name, message) => {
    expect(() => choicePoints(json, {}, [name])).toThrow(message);
  });
});
