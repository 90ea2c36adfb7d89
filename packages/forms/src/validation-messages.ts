import type { Locale } from "./types";

/** Machine-readable reason of a validation error. */
export type ValidationCode =
  | "not_object"
  | "unknown_field"
  | "required"
  | "invalid_type"
  | "not_a_number"
  | "out_of_range"
  | "not_in_choices"
  | "duplicate_choice"
  | "too_long"
  | "too_short"
  | "invalid_email"
  | "invalid_date"
  | "pattern_mismatch"
  | "digits_not_allowed";

type MessageKey = Exclude<ValidationCode, "out_of_range"> | "out_of_range_between" | "out_of_range_min" | "out_of_range_max";

const MESSAGES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  en: {
    not_object: "The answers must be an object.",
    unknown_field: "Unknown field.",
    required: "Please answer this question.",
    invalid_type: "This answer is not valid for this question.",
    not_a_number: "Please enter a number.",
    out_of_range_between: "The value must be between {min} and {max}.",
    out_of_range_min: "The value must be at least {min}.",
    out_of_range_max: "The value must be at most {max}.",
    not_in_choices: "Please choose one of the options.",
    duplicate_choice: "An option was chosen more than once.",
    too_long: "Please use at most {max} characters.",
    too_short: "Please enter at least {min} characters.",
    invalid_email: "Please enter a valid email address.",
    invalid_date: "Please enter a valid date.",
    pattern_mismatch: "The answer does not have the expected format.",
    digits_not_allowed: "Digits are not allowed here.",
  },
  "zh-CN": {
    not_object: "答案必须是一个对象。",
    unknown_field: "未知字段。",
    required: "请回答此问题。",
    invalid_type: "此问题的答案无效。",
    not_a_number: "请输入数字。",
    out_of_range_between: "数值必须在 {min} 到 {max} 之间。",
    out_of_range_min: "数值不能小于 {min}。",
    out_of_range_max: "数值不能大于 {max}。",
    not_in_choices: "请从给定选项中选择。",
    duplicate_choice: "同一选项被选择了多次。",
    too_long: "最多可输入 {max} 个字符。",
    too_short: "请至少输入 {min} 个字符。",
    invalid_email: "请输入有效的电子邮件地址。",
    invalid_date: "请输入有效的日期。",
    pattern_mismatch: "答案格式不正确。",
    digits_not_allowed: "此处不允许输入数字。",
  },
};

/** Parameters some messages show. */
export interface MessageParams {
  readonly min?: number | string;
  readonly max?: number | string;
}

/**
 * The built-in message for `code` in `locale`.
 *
 * @example
 * validationMessage("out_of_range", "en", { min: 1, max: 5 }) // "The value must be between 1 and 5."
 */
export function validationMessage(code: ValidationCode, locale: Locale, params: MessageParams = {}): string {
  const catalogue = MESSAGES[locale] ?? MESSAGES.en;
  let key: MessageKey;
  if (code === "out_of_range") {
    key = params.min !== undefined && params.max !== undefined ? "out_of_range_between" : params.min !== undefined ? "out_of_range_min" : "out_of_range_max";
  } else {
    key = code;
  }
  return catalogue[key].replace(/\{(min|max)\}/g, (_, name: "min" | "max") => String(params[name] ?? ""));
}
