/**
 * The subset of SurveyJS JSON that Aftercare supports. One such JSON is both the form the browser
 * renders (survey-react-ui) and the schema the server validates answers against (`compileSurvey`).
 *
 * Anything outside this subset that changes the shape of the answers (matrices, files, "other"
 * items, `valueName`, …) is refused by `compileSurvey` with a clear message, so a template can
 * never render a question whose answers the server would then reject.
 */

/** Interface languages (same union as `@aftercare/plugin-api`'s `Locale`). */
export type Locale = "en" | "zh-CN";

/** A SurveyJS localizable string: plain text, or one text per SurveyJS locale code. */
export type LocalizableString =
  | string
  | { readonly default?: string; readonly en?: string; readonly "zh-cn"?: string };

/** The value a choice stores in the answers. */
export type ChoiceValue = string | number;

/** A choice: its bare value (shown as its own text), or a value with a display text. */
export type ChoiceItem = ChoiceValue | { readonly value: ChoiceValue; readonly text?: LocalizableString };

interface ValidatorBase {
  /** Custom error message; replaces the built-in one. */
  readonly text?: LocalizableString;
}
export interface EmailValidatorJson extends ValidatorBase {
  readonly type: "email";
}
export interface NumericValidatorJson extends ValidatorBase {
  readonly type: "numeric";
  readonly minValue?: number;
  readonly maxValue?: number;
}
export interface TextValidatorJson extends ValidatorBase {
  readonly type: "text";
  readonly minLength?: number;
  readonly maxLength?: number;
  /** `false` refuses digits. Default `true`. */
  readonly allowDigits?: boolean;
}
export interface RegexValidatorJson extends ValidatorBase {
  readonly type: "regex";
  /** JavaScript regular expression source, tested against the whole string value. */
  readonly regex: string;
  readonly caseInsensitive?: boolean;
}
export type ValidatorJson = EmailValidatorJson | NumericValidatorJson | TextValidatorJson | RegexValidatorJson;

interface ElementBase {
  readonly name?: string;
  readonly title?: LocalizableString;
  readonly description?: LocalizableString;
  /**
   * A SurveyJS expression. The server does not evaluate expressions: a question with a
   * `visibleIf` (on itself or on a panel/page around it) is never required by the server.
   */
  readonly visibleIf?: string;
  /** `false` hides the element for good. */
  readonly visible?: boolean;
}

interface QuestionBase extends ElementBase {
  readonly name: string;
  readonly isRequired?: boolean;
  /** Custom "required" message. */
  readonly requiredErrorText?: LocalizableString;
  readonly readOnly?: boolean;
  readonly validators?: readonly ValidatorJson[];
  readonly defaultValue?: unknown;
}

export type TextInputType = "text" | "email" | "number" | "tel" | "date" | "datetime-local";

export interface TextQuestionJson extends QuestionBase {
  readonly type: "text";
  /** Default `"text"`. */
  readonly inputType?: TextInputType;
  readonly placeholder?: LocalizableString;
  /** Longest accepted string (UTF-16 code units); default 500 (see `DEFAULT_TEXT_MAX_LENGTH`). */
  readonly maxLength?: number;
  /** Number questions: lowest value. Date questions: earliest `YYYY-MM-DD…` string. */
  readonly min?: number | string;
  /** Number questions: highest value. Date questions: latest `YYYY-MM-DD…` string. */
  readonly max?: number | string;
  readonly step?: number;
}

export interface CommentQuestionJson extends QuestionBase {
  readonly type: "comment";
  readonly placeholder?: LocalizableString;
  /** Longest accepted string; default 5000 (see `DEFAULT_COMMENT_MAX_LENGTH`). */
  readonly maxLength?: number;
  readonly rows?: number;
}

export interface RatingQuestionJson extends QuestionBase {
  readonly type: "rating";
  /** Default 1. */
  readonly rateMin?: number;
  /** Default 5. */
  readonly rateMax?: number;
  /** Default 1. */
  readonly rateStep?: number;
  /** With only one of rateMin/rateMax given, sets the other (SurveyJS semantics). */
  readonly rateCount?: number;
  /** Explicit scale; when non-empty it replaces rateMin/rateMax/rateStep. */
  readonly rateValues?: readonly ChoiceItem[];
  readonly autoGenerate?: boolean;
  readonly rateType?: "labels" | "stars" | "smileys";
  readonly minRateDescription?: LocalizableString;
  readonly maxRateDescription?: LocalizableString;
  readonly displayMode?: "auto" | "buttons" | "dropdown";
}

interface ChoiceQuestionBase extends QuestionBase {
  readonly choices: readonly ChoiceItem[];
  readonly colCount?: number;
  readonly choicesOrder?: "none" | "asc" | "desc" | "random";
}
export interface RadiogroupQuestionJson extends ChoiceQuestionBase {
  readonly type: "radiogroup";
}
export interface DropdownQuestionJson extends ChoiceQuestionBase {
  readonly type: "dropdown";
  readonly placeholder?: LocalizableString;
}
export interface CheckboxQuestionJson extends ChoiceQuestionBase {
  readonly type: "checkbox";
}
export interface TagboxQuestionJson extends ChoiceQuestionBase {
  readonly type: "tagbox";
  readonly placeholder?: LocalizableString;
}

export interface BooleanQuestionJson extends QuestionBase {
  readonly type: "boolean";
  readonly labelTrue?: LocalizableString;
  readonly labelFalse?: LocalizableString;
}

/** Display-only HTML; holds no answer. */
export interface HtmlElementJson extends ElementBase {
  readonly type: "html";
  readonly html?: LocalizableString;
}

/** Computed in the browser; the server ignores its value (it does not evaluate expressions). */
export interface ExpressionElementJson extends ElementBase {
  readonly type: "expression";
  readonly expression?: string;
}

export interface PanelJson extends ElementBase {
  readonly type: "panel";
  readonly elements?: readonly ElementJson[];
}

export type QuestionJson =
  | TextQuestionJson
  | CommentQuestionJson
  | RatingQuestionJson
  | RadiogroupQuestionJson
  | DropdownQuestionJson
  | CheckboxQuestionJson
  | TagboxQuestionJson
  | BooleanQuestionJson;

export type QuestionType = QuestionJson["type"];

export type ElementJson = QuestionJson | HtmlElementJson | ExpressionElementJson | PanelJson;

export interface PageJson {
  readonly name?: string;
  readonly title?: LocalizableString;
  readonly description?: LocalizableString;
  readonly visibleIf?: string;
  readonly visible?: boolean;
  readonly elements?: readonly ElementJson[];
}

/** A whole form: either `pages`, or `elements` for a one-page form. */
export interface SurveyJson {
  readonly title?: LocalizableString;
  readonly description?: LocalizableString;
  readonly locale?: string;
  readonly pages?: readonly PageJson[];
  readonly elements?: readonly ElementJson[];
  readonly completedHtml?: LocalizableString;
  readonly completeText?: LocalizableString;
  readonly showQuestionNumbers?: boolean | "on" | "off" | "onPage" | "recursive";
  readonly checkErrorsMode?: "onNextPage" | "onValueChanged" | "onComplete";
  readonly textUpdateMode?: "onBlur" | "onTyping";
  readonly widthMode?: "auto" | "static" | "responsive";
  /** Default max length of every text question (SurveyJS survey-level setting). */
  readonly maxTextLength?: number;
  /** Default max length of every comment question (SurveyJS survey-level setting). */
  readonly maxCommentLength?: number;
}

/** Survey answers as SurveyJS produces them: question name → value. */
export type SurveyData = Record<string, unknown>;
