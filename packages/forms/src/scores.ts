/**
 * Numbers read from VALIDATED answers (`validateAnswers(...).data`), to be stored in numeric
 * columns at submission time (reports aggregate those columns, never the JSON).
 */
import { choiceItemValue, ratingScale, type QuestionInfo } from "./survey-schema";
import type { SurveyData, SurveyJson } from "./types";
import { compiledSurvey } from "./validate";

const questionsByJson = new WeakMap<object, ReadonlyMap<string, QuestionInfo>>();

function questionMap(json: SurveyJson): ReadonlyMap<string, QuestionInfo> {
  let map = questionsByJson.get(json);
  if (!map) {
    map = new Map(compiledSurvey(json).questions.map((q) => [q.name, q]));
    questionsByJson.set(json, map);
  }
  return map;
}

function question(json: SurveyJson, name: string): QuestionInfo {
  const q = questionMap(json).get(name);
  if (!q) throw new Error(`The survey has no question named "${name}"`);
  return q;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** True for the questions `numericAnswers` reads: number inputs, and ratings whose scale is all numbers. */
export function isNumericQuestion(q: QuestionInfo): boolean {
  if (q.json.type === "text") return q.inputType === "number";
  if (q.json.type === "rating") return ratingScale(q.json).values.every((v) => typeof v === "number");
  return false;
}

/** True for choice questions whose every choice value is a number (its points). */
export function isPointsQuestion(q: QuestionInfo): boolean {
  const json = q.json;
  if (json.type !== "radiogroup" && json.type !== "dropdown" && json.type !== "checkbox" && json.type !== "tagbox") return false;
  return json.choices.every((item) => typeof choiceItemValue(item) === "number");
}

/**
 * The answers of rating and number questions, `null` when unanswered. Throws if a name is not a
 * rating/number question of this survey (a template and its scoring disagree: fail loudly).
 *
 * @example
 * numericAnswers(json, result.data, ["speed", "quality"]) // { speed: 4, quality: null }
 */
export function numericAnswers(json: SurveyJson, data: Readonly<SurveyData>, names: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const name of names) {
    const q = question(json, name);
    if (!isNumericQuestion(q)) throw new Error(`"${name}" is not a numeric rating or number question`);
    out[name] = finite(Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined);
  }
  return out;
}

/**
 * Points of choice questions whose choice values are numbers: the chosen value for
 * radiogroup/dropdown, the sum of the chosen values for checkbox/tagbox; `null` when unanswered.
 * Throws if a name is not such a question of this survey.
 *
 * @example
 * // choices: [{ value: 0, text: "No" }, { value: 2, text: "Partly" }, { value: 5, text: "Yes" }]
 * choicePoints(json, { solved: 5 }, ["solved"]) // { solved: 5 }
 */
export function choicePoints(json: SurveyJson, data: Readonly<SurveyData>, names: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const name of names) {
    const q = question(json, name);
    if (!isPointsQuestion(q)) throw new Error(`"${name}" is not a choice question whose choice values are numbers`);
    const value = Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined;
    if (Array.isArray(value)) {
      const points = value.map(finite).filter((p): p is number => p !== null);
      out[name] = points.length > 0 ? points.reduce((sum, p) => sum + p, 0) : null;
    } else {
      out[name] = finite(value);
    }
  }
  return out;
}
