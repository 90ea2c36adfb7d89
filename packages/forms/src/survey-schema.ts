import type { ChoiceValue, QuestionJson, QuestionType, TextInputType } from "./types";

/** A question that holds an answer, as found in a survey JSON (form order). */
export interface QuestionInfo {
  readonly name: string;
  readonly type: QuestionType;
  /** Text questions only (default `"text"`). */
  readonly inputType: TextInputType | undefined;
  /** `isRequired: true` in the JSON. */
  readonly isRequired: boolean;
  /**
   * True when the question or a panel/page around it has a `visibleIf` or `visible: false`:
   * the server cannot tell whether it was shown, so it never requires an answer to it.
   */
  readonly conditional: boolean;
  readonly readOnly: boolean;
  /** Where it sits in the JSON, for messages: `pages[0].elements[2]`. */
  readonly path: string;
  readonly json: QuestionJson;
}

/** What `readSurvey` finds in a survey JSON. */
export interface SurveyOutline {
  readonly questions: readonly QuestionInfo[];
  /** Names of expression elements: the browser sends their computed values; the server drops them. */
  readonly ignoredNames: readonly string[];
  /** Why the JSON cannot be used as a schema; empty when it can. */
  readonly problems: readonly string[];
}

/** Names that must never be question names (they would reach Object.prototype). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const QUESTION_TYPES: ReadonlySet<string> = new Set<QuestionType>([
  "text", "comment", "rating", "radiogroup", "dropdown", "checkbox", "tagbox", "boolean",
]);
const CHOICE_TYPES: ReadonlySet<string> = new Set(["radiogroup", "dropdown", "checkbox", "tagbox"]);
const INPUT_TYPES: ReadonlySet<string> = new Set<TextInputType>(["text", "email", "number", "tel", "date", "datetime-local"]);
const VALIDATOR_TYPES: ReadonlySet<string> = new Set(["email", "numeric", "text", "regex"]);
/** SurveyJS properties that change which keys or values the answers hold; not supported. */
const ANSWER_SHAPE_PROPERTIES: readonly string[] = [
  "valueName", "showOtherItem", "hasOther", "showNoneItem", "hasNone", "showSelectAllItem", "hasSelectAll",
  "showCommentArea", "hasComment", "showRefuseItem", "showDontKnowItem", "choicesByUrl", "choicesFromQuestion",
  "valueTrue", "valueFalse", "storeOthersAsComment",
];

/** SurveyJS caps an auto-generated rating scale at this many items (`settings.ratingMaximumRateValueCount`). */
const RATING_MAX_ITEMS = 20;
/** SurveyJS shows at most this many smileys. */
const RATING_MAX_SMILEYS = 10;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isChoiceValue(value: unknown): value is ChoiceValue {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** The value of a choice item (`"a"`, `3`, or `{ value, text }`); `undefined` when malformed. */
export function choiceItemValue(item: unknown): ChoiceValue | undefined {
  if (isChoiceValue(item)) return item;
  if (isRecord(item) && isChoiceValue(item.value)) return item.value;
  return undefined;
}

/**
 * Walks a survey JSON (trusted or not: it may come from an admin's import) and lists its
 * answerable questions and, in `problems`, everything that keeps it from being a schema.
 *
 * @example
 * readSurvey({ elements: [{ type: "rating", name: "speed" }] }).questions[0].name // "speed"
 */
export function readSurvey(json: unknown): SurveyOutline {
  const questions: QuestionInfo[] = [];
  const ignoredNames: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();

  const claimName = (name: unknown, path: string): name is string => {
    if (typeof name !== "string" || name.trim() === "") {
      problems.push(`${path}: a question needs a non-empty "name"`);
      return false;
    }
    if (RESERVED_NAMES.has(name)) {
      problems.push(`${path}: "${name}" cannot be a question name`);
      return false;
    }
    if (seen.has(name)) {
      problems.push(`${path}: the name "${name}" is used twice`);
      return false;
    }
    seen.add(name);
    return true;
  };

  const walkElements = (elements: unknown, path: string, conditional: boolean): void => {
    if (elements === undefined) return;
    if (!Array.isArray(elements)) {
      problems.push(`${path}: must be an array`);
      return;
    }
    elements.forEach((element: unknown, index) => {
      const at = `${path}[${index}]`;
      if (!isRecord(element)) {
        problems.push(`${at}: must be an object`);
        return;
      }
      const hidden = conditional || isConditional(element);
      const type = element.type;
      if (type === "panel") {
        walkElements(element.elements, `${at}.elements`, hidden);
      } else if (type === "html") {
        // Display only: holds no answer.
      } else if (type === "expression") {
        if (element.name !== undefined && claimName(element.name, at)) ignoredNames.push(element.name);
      } else if (typeof type === "string" && QUESTION_TYPES.has(type)) {
        const named = claimName(element.name, at);
        const before = problems.length;
        checkQuestion(element, at, problems);
        if (named && problems.length === before) {
          questions.push({
            name: element.name as string,
            type: type as QuestionType,
            inputType: type === "text" ? ((element.inputType as TextInputType | undefined) ?? "text") : undefined,
            isRequired: element.isRequired === true,
            conditional: hidden,
            readOnly: element.readOnly === true,
            path: at,
            json: element as unknown as QuestionJson,
          });
        }
      } else {
        problems.push(`${at}: unsupported element type ${JSON.stringify(type)}`);
      }
    });
  };

  if (!isRecord(json)) {
    return { questions, ignoredNames, problems: ["the survey JSON must be an object"] };
  }
  if (json.pages !== undefined && json.elements !== undefined) {
    problems.push(`use either "pages" or "elements", not both`);
  }
  if (json.pages !== undefined) {
    if (!Array.isArray(json.pages)) {
      problems.push(`pages: must be an array`);
    } else {
      json.pages.forEach((page: unknown, index) => {
        const at = `pages[${index}]`;
        if (!isRecord(page)) problems.push(`${at}: must be an object`);
        else walkElements(page.elements, `${at}.elements`, isConditional(page));
      });
    }
  }
  walkElements(json.elements, "elements", false);
  for (const key of ["maxTextLength", "maxCommentLength"] as const) {
    if (json[key] !== undefined && !isNonNegativeNumber(json[key])) problems.push(`${key}: must be a number ≥ 0`);
  }
  return { questions, ignoredNames, problems };
}

function isConditional(element: Record<string, unknown>): boolean {
  return (typeof element.visibleIf === "string" && element.visibleIf.trim() !== "") || element.visible === false;
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function checkQuestion(q: Record<string, unknown>, at: string, problems: string[]): void {
  const label = `${at} (${JSON.stringify(q.name)})`;
  for (const property of ANSWER_SHAPE_PROPERTIES) {
    const value = q[property];
    if (value !== undefined && value !== false && value !== "" && value !== null) {
      problems.push(`${label}: "${property}" is not supported (it changes the shape of the answers)`);
    }
  }
  if (q.type === "text" && q.inputType !== undefined && !(typeof q.inputType === "string" && INPUT_TYPES.has(q.inputType))) {
    problems.push(`${label}: unsupported inputType ${JSON.stringify(q.inputType)}`);
  }
  if (q.maxLength !== undefined && !(typeof q.maxLength === "number" && Number.isFinite(q.maxLength))) {
    problems.push(`${label}: "maxLength" must be a number`);
  }
  if (q.type === "text") {
    const dateLike = q.inputType === "date" || q.inputType === "datetime-local";
    for (const key of ["min", "max"] as const) {
      const bound = q[key];
      if (bound === undefined) continue;
      const ok = dateLike
        ? typeof bound === "string" && (isExpressionBound(bound) || DATE_PREFIX.test(bound))
        : q.inputType === "number"
          ? numberBound(bound) !== undefined || (typeof bound === "string" && isExpressionBound(bound))
          : true;
      if (!ok) problems.push(`${label}: "${key}" must be ${dateLike ? "a YYYY-MM-DD date" : "a number"}`);
    }
  }
  if (CHOICE_TYPES.has(q.type as string)) {
    if (!Array.isArray(q.choices) || q.choices.length === 0) {
      problems.push(`${label}: "choices" must be a non-empty array`);
    } else if (q.choices.some((item) => choiceItemValue(item) === undefined)) {
      problems.push(`${label}: every choice needs a string or finite number value`);
    }
  }
  if (q.type === "rating") checkRating(q, label, problems);
  if (q.validators !== undefined) checkValidators(q.validators, label, problems);
}

function checkRating(q: Record<string, unknown>, label: string, problems: string[]): void {
  for (const key of ["rateMin", "rateMax", "rateStep", "rateCount"] as const) {
    if (q[key] !== undefined && !(typeof q[key] === "number" && Number.isFinite(q[key]))) {
      problems.push(`${label}: "${key}" must be a number`);
      return;
    }
  }
  if (q.rateStep !== undefined && (q.rateStep as number) <= 0) {
    problems.push(`${label}: "rateStep" must be greater than 0`);
    return;
  }
  if (q.rateValues !== undefined) {
    if (!Array.isArray(q.rateValues)) {
      problems.push(`${label}: "rateValues" must be an array`);
      return;
    }
    if (q.rateValues.some((item) => choiceItemValue(item) === undefined)) {
      problems.push(`${label}: every rate value needs a string or finite number value`);
      return;
    }
  }
  if (ratingScale(q as never).values.length === 0) problems.push(`${label}: the rating scale is empty`);
}

function checkValidators(validators: unknown, label: string, problems: string[]): void {
  if (!Array.isArray(validators)) {
    problems.push(`${label}: "validators" must be an array`);
    return;
  }
  validators.forEach((validator: unknown, index) => {
    const at = `${label}.validators[${index}]`;
    if (!isRecord(validator) || typeof validator.type !== "string" || !VALIDATOR_TYPES.has(validator.type)) {
      problems.push(`${at}: unsupported validator ${JSON.stringify(isRecord(validator) ? validator.type : validator)}`);
      return;
    }
    const numbers = validator.type === "numeric" ? ["minValue", "maxValue"] : validator.type === "text" ? ["minLength", "maxLength"] : [];
    for (const key of numbers) {
      if (validator[key] !== undefined && !(typeof validator[key] === "number" && Number.isFinite(validator[key]))) {
        problems.push(`${at}: "${key}" must be a number`);
      }
    }
    if (validator.type === "regex") {
      if (typeof validator.regex !== "string" || validator.regex === "") {
        problems.push(`${at}: "regex" must be a non-empty string`);
      } else {
        try {
          new RegExp(validator.regex);
        } catch {
          problems.push(`${at}: "regex" is not a valid regular expression`);
        }
      }
    }
  });
}

/** A date or date-time min/max literal (`2024-01-31`, `2024-01-31T08:00`). */
export const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

/** SurveyJS min/max may be an expression (`"=today()"`); the server ignores those. */
export function isExpressionBound(value: string): boolean {
  return value.trim().startsWith("=");
}

/** A numeric min/max as a number (`5` or `"5"`); `undefined` otherwise. */
export function numberBound(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && !isExpressionBound(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The values a rating question accepts, computed the way survey-core 3 computes its scale. */
export interface RatingScale {
  readonly values: readonly ChoiceValue[];
  /** Set for generated (numeric) scales. */
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/**
 * The scale of a rating question: `rateValues` when given (and `autoGenerate` is not `true`),
 * otherwise `rateMin..rateMax` by `rateStep` (defaults 1, 5, 1), with `rateCount` filling in a
 * missing end, capped like survey-core (20 items, 10 smileys).
 */
export function ratingScale(q: {
  readonly rateMin?: number; readonly rateMax?: number; readonly rateStep?: number; readonly rateCount?: number;
  readonly rateValues?: readonly unknown[]; readonly autoGenerate?: boolean; readonly rateType?: string;
}): RatingScale {
  const cap = q.rateType === "smileys" ? RATING_MAX_SMILEYS : Infinity;
  const explicit = Array.isArray(q.rateValues) ? q.rateValues : [];
  if (explicit.length > 0 && q.autoGenerate !== true) {
    const values = explicit.slice(0, cap).map(choiceItemValue).filter((v): v is ChoiceValue => v !== undefined);
    const numeric = values.every((v) => typeof v === "number");
    return {
      values,
      min: numeric ? Math.min(...(values as number[])) : undefined,
      max: numeric ? Math.max(...(values as number[])) : undefined,
    };
  }
  const step = q.rateStep ?? 1;
  let min = q.rateMin ?? 1;
  let max = q.rateMax ?? 5;
  if (q.rateCount !== undefined) {
    let count = Math.max(2, q.rateCount);
    if (count > RATING_MAX_ITEMS && count > explicit.length) count = RATING_MAX_ITEMS;
    if (q.rateMin !== undefined && q.rateMax === undefined) max = min + step * (count - 1);
    if (q.rateMax !== undefined && q.rateMin === undefined) min = max - step * (count - 1);
  }
  const values: number[] = [];
  let value = min;
  while (value <= max && values.length < Math.min(RATING_MAX_ITEMS, cap)) {
    values.push(value);
    value = roundToStep(value + step, step);
  }
  return { values, min: values[0], max: values[values.length - 1] };
}

/** Removes float noise (`1.1 + 0.1`) to the number of decimals in `step`, as survey-core does. */
function roundToStep(value: number, step: number): number {
  if (!value || Math.round(value) === value) return value;
  let decimals = 0;
  let scaled = step;
  while (Math.round(scaled) !== scaled && decimals < 20) {
    scaled *= 10;
    decimals++;
  }
  return parseFloat(value.toFixed(decimals));
}

