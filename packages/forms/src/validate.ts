/**
 * Server-side (and browser-side) validation of survey answers against the survey's own JSON.
 * Pure: no survey-core import, no I/O. Compile a JSON once with `compileSurvey` and reuse the
 * result for every submission.
 *
 * What the server checks, and what it cannot:
 * - answers must be a plain object whose keys are question names of THIS survey;
 * - each answer must have the type and range its question allows (ratings on the scale, choices
 *   among the choices, numbers finite, texts within their length, emails well-formed, …);
 * - required questions must be answered — EXCEPT questions with a `visibleIf` (on themselves or on
 *   a panel/page around them), `visible: false` or `readOnly: true`: the server does not evaluate
 *   SurveyJS expressions, so it cannot know whether such a question was shown; `requiredIf` is not
 *   enforced either. The browser (survey-core) still enforces them.
 * - values of `expression` elements are computed in the browser; they are accepted and dropped.
 */
import { localText } from "./localize";
import {
  choiceItemValue,
  isExpressionBound,
  numberBound,
  ratingScale,
  readSurvey,
  type QuestionInfo,
} from "./survey-schema";
import type { ChoiceValue, Locale, LocalizableString, SurveyData, SurveyJson, ValidatorJson } from "./types";
import { validationMessage, type MessageParams, type ValidationCode } from "./validation-messages";

/** Longest text answer when the JSON sets no `maxLength` (also applied in the browser). */
export const DEFAULT_TEXT_MAX_LENGTH = 500;
/** Longest comment answer when the JSON sets no `maxLength` (also applied in the browser). */
export const DEFAULT_COMMENT_MAX_LENGTH = 5000;
/** A result never lists more errors than this. */
export const MAX_ERRORS = 100;

/** One problem with one answer. `name` is the question name, the unknown key, or `""` for the whole submission. */
export interface ValidationError {
  readonly name: string;
  readonly code: ValidationCode;
  readonly message: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly data: SurveyData }
  | { readonly ok: false; readonly errors: readonly ValidationError[] };

/** Thrown by `compileSurvey` when a JSON cannot serve as a schema; `problems` says why. */
export class SurveySchemaError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid survey JSON: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}`);
    this.name = "SurveySchemaError";
    this.problems = problems;
  }
}

/** A survey JSON turned into a reusable validator. */
export interface CompiledSurvey {
  /** The answerable questions, in form order. */
  readonly questions: readonly QuestionInfo[];
  /**
   * Checks one submission. Returns a new object holding only this survey's questions, with
   * normalised values (NUL bytes and lone surrogates removed from texts, empty answers left out).
   */
  validate(answers: unknown, locale: Locale): ValidationResult;
}

/**
 * Lists why `json` cannot be used as a form schema (unsupported types or properties, missing or
 * duplicate names, bad choices…); an empty list means it can. Use it to vet an imported JSON.
 *
 * @example
 * findSurveyProblems({ elements: [{ type: "matrix", name: "m" }] })
 * // ['elements[0]: unsupported element type "matrix"']
 */
export function findSurveyProblems(json: unknown): string[] {
  return [...readSurvey(json).problems];
}

/**
 * Compiles a survey JSON into a validator; throws `SurveySchemaError` if the JSON is not usable.
 * Compile once per JSON and reuse the result: validation is then a loop over prepared checks.
 *
 * @example
 * const form = compileSurvey(json);
 * const result = form.validate(await request.json(), "zh-CN");
 * if (!result.ok) return json({ errors: result.errors }, 400);
 */
export function compileSurvey(json: SurveyJson): CompiledSurvey {
  const outline = readSurvey(json);
  if (outline.problems.length > 0) throw new SurveySchemaError(outline.problems);
  const survey = json as SurveyJson;
  const checks = outline.questions.map((q) => compileQuestion(q, survey));
  const known = new Set<string>([...outline.questions.map((q) => q.name), ...outline.ignoredNames]);
  return {
    questions: outline.questions,
    validate(answers, locale) {
      if (!isPlainObject(answers)) {
        return { ok: false, errors: [{ name: "", code: "not_object", message: validationMessage("not_object", locale) }] };
      }
      const errors: ValidationError[] = [];
      const fail = (name: string, issue: Issue): void => {
        if (errors.length < MAX_ERRORS) errors.push({ name, code: issue.code, message: issue.message(locale) });
      };
      const data: SurveyData = {};
      for (const q of checks) {
        const raw = hasOwn(answers, q.name) ? answers[q.name] : undefined;
        const result = raw === undefined || raw === null || raw === "" ? EMPTY : q.check(raw);
        if (result === EMPTY) {
          if (q.required) fail(q.name, q.requiredIssue);
        } else if (result instanceof Issue) {
          fail(q.name, result);
        } else {
          data[q.name] = result;
        }
      }
      for (const key of Object.keys(answers)) {
        if (!known.has(key)) fail(key, UNKNOWN_FIELD); // expression values: known, dropped (not in `checks`)
      }
      return errors.length > 0 ? { ok: false, errors } : { ok: true, data };
    },
  };
}

const compiledByJson = new WeakMap<object, CompiledSurvey>();

/**
 * Validates `answers` against `json` in one call. The compiled form is cached per JSON object
 * (treat survey JSON as immutable once used). Throws `SurveySchemaError` for an unusable JSON.
 *
 * @example
 * const result = validateAnswers(template.json, body, locale);
 * if (result.ok) await saveResponse(result.data);
 */
export function validateAnswers(json: SurveyJson, answers: unknown, locale: Locale): ValidationResult {
  return compiledSurvey(json).validate(answers, locale);
}

/** The cached `compileSurvey(json)`. */
export function compiledSurvey(json: SurveyJson): CompiledSurvey {
  if (typeof json !== "object" || json === null) throw new SurveySchemaError(["the survey JSON must be an object"]);
  let compiled = compiledByJson.get(json);
  if (!compiled) {
    compiled = compileSurvey(json);
    compiledByJson.set(json, compiled);
  }
  return compiled;
}

/**
 * The app's one rule for hostile characters in text it receives (decision: clean, not refuse):
 * removes NUL and the other C0 controls except tab and line ends (they break databases, XML and
 * mail), unpaired UTF-16 surrogates (they break JSON consumers and UTF-8), and the bidi
 * embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069 (they reorder what a reader
 * sees: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf"). Everything else, including emoji, the
 * plain direction marks U+200E/U+200F and Arabic or Hebrew text, is kept as is. Applied at the
 * boundary to every form field (`readMutation` in @aftercare/core/guards.server), to every survey
 * text answer, to entity input and CSV imports, and again to every export cell.
 *
 * @example
 * cleanText("a\u0000b\uD800") // "ab"
 * cleanText("invoice\u202Efdp.exe") // "invoicefdp.exe"
 */
export function cleanText(text: string): string {
  return SUSPECT_CHAR.test(text) ? text.replace(UNSAFE_CHARS, "") : text;
}
const SUSPECT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\u202A-\u202E\u2066-\u2069]/;
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// ---------------------------------------------------------------------------------------------

/** Why one answer is refused; turns into a message in the reader's language. */
class Issue {
  constructor(
    readonly code: ValidationCode,
    readonly params: MessageParams = {},
    readonly text?: LocalizableString,
  ) {}
  message(locale: Locale): string {
    return (this.text !== undefined && localText(this.text, locale)) || validationMessage(this.code, locale, this.params);
  }
}

/** The answer is empty (absent, null, "", whitespace, []). */
const EMPTY: unique symbol = Symbol("empty");
type Outcome = unknown; // the normalised value, EMPTY, or an Issue
type Check = (value: unknown) => Outcome;
type ValueRule = (value: unknown) => Issue | undefined;

const UNKNOWN_FIELD = new Issue("unknown_field");
const INVALID_TYPE = new Issue("invalid_type");
const NOT_A_NUMBER = new Issue("not_a_number");
const NOT_IN_CHOICES = new Issue("not_in_choices");
const DUPLICATE_CHOICE = new Issue("duplicate_choice");
const INVALID_EMAIL = new Issue("invalid_email");
const INVALID_DATE = new Issue("invalid_date");

interface CompiledQuestion {
  readonly name: string;
  readonly required: boolean;
  readonly requiredIssue: Issue;
  readonly check: Check;
}

function compileQuestion(q: QuestionInfo, survey: SurveyJson): CompiledQuestion {
  const json = q.json;
  const rules = compileValidators(json.validators ?? []);
  let check: Check;
  switch (json.type) {
    case "text": {
      const inputType = q.inputType ?? "text";
      if (inputType === "number") check = numberCheck(numberBound(json.min), numberBound(json.max), rules);
      else if (inputType === "date" || inputType === "datetime-local") check = dateCheck(inputType, json.min, json.max, rules);
      else check = textCheck(maxLength(json.maxLength, survey.maxTextLength, DEFAULT_TEXT_MAX_LENGTH), inputType === "email", rules);
      break;
    }
    case "comment":
      check = textCheck(maxLength(json.maxLength, survey.maxCommentLength, DEFAULT_COMMENT_MAX_LENGTH), false, rules);
      break;
    case "rating":
      check = ratingCheck(json, rules);
      break;
    case "radiogroup":
    case "dropdown":
      check = singleChoiceCheck(json.choices, rules);
      break;
    case "checkbox":
    case "tagbox":
      check = multiChoiceCheck(json.choices, rules);
      break;
    case "boolean":
      check = (value) => (typeof value === "boolean" ? value : INVALID_TYPE);
      break;
  }
  return {
    name: q.name,
    required: q.isRequired && !q.conditional && !q.readOnly,
    requiredIssue: new Issue("required", {}, json.requiredErrorText),
    check,
  };
}

/** Question maxLength > survey-level default > our default; 0 or less means "not set". */
function maxLength(own: number | undefined, surveyDefault: number | undefined, fallback: number): number {
  if (typeof own === "number" && own > 0) return own;
  if (typeof surveyDefault === "number" && surveyDefault > 0) return surveyDefault;
  return fallback;
}

function applyRules(value: unknown, rules: readonly ValueRule[]): Outcome {
  for (const rule of rules) {
    const issue = rule(value);
    if (issue) return issue;
  }
  return value;
}

function textCheck(limit: number, email: boolean, rules: readonly ValueRule[]): Check {
  const tooLong = new Issue("too_long", { max: limit });
  return (value) => {
    if (typeof value !== "string") return INVALID_TYPE;
    const text = cleanText(value);
    if (text.trim() === "") return EMPTY;
    if (text.length > limit) return tooLong;
    if (email && !EMAIL.test(text)) return INVALID_EMAIL;
    return applyRules(text, rules);
  };
}

function numberCheck(min: number | undefined, max: number | undefined, rules: readonly ValueRule[]): Check {
  const outOfRange = new Issue("out_of_range", { min, max });
  return (value) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return NOT_A_NUMBER;
    const n = value === 0 ? 0 : value; // -0 → 0
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) return outOfRange;
    return applyRules(n, rules);
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?$/;

function dateCheck(inputType: "date" | "datetime-local", min: unknown, max: unknown, rules: readonly ValueRule[]): Check {
  const pattern = inputType === "date" ? DATE : DATE_TIME;
  const low = typeof min === "string" && !isExpressionBound(min) ? min : undefined;
  const high = typeof max === "string" && !isExpressionBound(max) ? max : undefined;
  const outOfRange = new Issue("out_of_range", { min: low, max: high });
  return (value) => {
    if (typeof value !== "string") return INVALID_TYPE;
    const match = pattern.exec(value);
    if (!match || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) return INVALID_DATE;
    // ISO strings compare like the dates they hold; a date-only bound compares as its midnight.
    if ((low !== undefined && value < low) || (high !== undefined && value.slice(0, high.length) > high)) return outOfRange;
    return applyRules(value, rules);
  };
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function ratingCheck(json: Parameters<typeof ratingScale>[0], rules: readonly ValueRule[]): Check {
  const scale = ratingScale(json);
  const allowed = new Set<unknown>(scale.values);
  const numeric = scale.min !== undefined && scale.max !== undefined;
  const generated = !(Array.isArray(json.rateValues) && json.rateValues.length > 0 && json.autoGenerate !== true);
  const outOfRange = new Issue("out_of_range", { min: scale.min, max: scale.max });
  return (value) => {
    if (allowed.has(value)) return applyRules(value === 0 ? 0 : value, rules);
    if (!numeric) return NOT_IN_CHOICES;
    if (typeof value !== "number" || !Number.isFinite(value)) return NOT_A_NUMBER;
    if (value < scale.min! || value > scale.max!) return outOfRange;
    return generated ? outOfRange : NOT_IN_CHOICES; // inside the range but off the scale's steps
  };
}

function choiceSet(choices: readonly unknown[]): Set<ChoiceValue> {
  const values = new Set<ChoiceValue>();
  for (const item of choices) {
    const value = choiceItemValue(item);
    if (value !== undefined) values.add(value);
  }
  return values;
}

function singleChoiceCheck(choices: readonly unknown[], rules: readonly ValueRule[]): Check {
  const allowed = choiceSet(choices);
  return (value) => {
    if (!allowed.has(value as ChoiceValue)) return NOT_IN_CHOICES;
    return applyRules(value === 0 ? 0 : value, rules);
  };
}

function multiChoiceCheck(choices: readonly unknown[], rules: readonly ValueRule[]): Check {
  const allowed = choiceSet(choices);
  return (value) => {
    if (!Array.isArray(value)) return INVALID_TYPE;
    if (value.length === 0) return EMPTY;
    const picked = new Set<unknown>();
    const copy: ChoiceValue[] = [];
    for (const item of value) {
      if (!allowed.has(item as ChoiceValue)) return NOT_IN_CHOICES;
      if (picked.has(item)) return DUPLICATE_CHOICE;
      picked.add(item);
      copy.push(item === 0 ? 0 : (item as ChoiceValue));
    }
    return applyRules(copy, rules);
  };
}

/** Our own email pattern, close to survey-core's: local part (or "quoted") @ dotted domain, TLD ≥ 2. */
const EMAIL = /^(?:[^<>()[\]\\.,;:\s@"]+(?:\.[^<>()[\]\\.,;:\s@"]+)*|"[^"\r\n]+")@(?:[^<>()[\]\\.,;:\s@"=]+\.)+[^<>()[\]\\.,;:\s@"=]{2,}$/;

function compileValidators(validators: readonly ValidatorJson[]): ValueRule[] {
  return validators.map((validator): ValueRule => {
    switch (validator.type) {
      case "email": {
        const invalid = new Issue("invalid_email", {}, validator.text);
        return (value) => (typeof value === "string" && !EMAIL.test(value) ? invalid : undefined);
      }
      case "numeric": {
        const { minValue: min, maxValue: max } = validator;
        const notNumber = new Issue("not_a_number", {}, validator.text);
        const outOfRange = new Issue("out_of_range", { min, max }, validator.text);
        return (value) => {
          if (typeof value !== "number" && typeof value !== "string") return undefined;
          const n = typeof value === "number" ? value : value.trim() === "" ? NaN : Number(value);
          if (!Number.isFinite(n)) return notNumber;
          if ((min !== undefined && n < min) || (max !== undefined && n > max)) return outOfRange;
          return undefined;
        };
      }
      case "text": {
        const { minLength, maxLength: longest, allowDigits } = validator;
        const tooShort = new Issue("too_short", { min: minLength }, validator.text);
        const tooLong = new Issue("too_long", { max: longest }, validator.text);
        const digits = new Issue("digits_not_allowed", {}, validator.text);
        return (value) => {
          if (typeof value !== "string") return undefined;
          if (minLength !== undefined && minLength > 0 && value.length < minLength) return tooShort;
          if (longest !== undefined && longest > 0 && value.length > longest) return tooLong;
          if (allowDigits === false && /\d/.test(value)) return digits;
          return undefined;
        };
      }
      case "regex": {
        const pattern = new RegExp(validator.regex, validator.caseInsensitive ? "i" : "");
        const mismatch = new Issue("pattern_mismatch", {}, validator.text);
        const fits = (item: unknown): boolean =>
          (typeof item !== "string" && typeof item !== "number") || pattern.test(String(item));
        return (value) => ((Array.isArray(value) ? value.every(fits) : fits(value)) ? undefined : mismatch);
      }
    }
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
