export type Locale = "en" | "zh-CN";
export const LOCALES: readonly Locale[] = ["zh-CN", "en"];
export const DEFAULT_LOCALE: Locale = "zh-CN";

export type Messages = Readonly<Record<string, string>>;
export type Translate = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

/** True when `value` is one of the supported locales. */
export function isLocale(value: unknown): value is Locale {
  return value === "en" || value === "zh-CN";
}

/**
 * Builds `t(key, vars)` over a message catalogue; `{{name}}` placeholders are replaced,
 * a missing key returns the key itself so it is visible rather than blank.
 *
 * @example
 * const t = createTranslator({ "hi": "Hello {{name}}" }); t("hi", { name: "Li" }) // "Hello Li"
 */
export function createTranslator(messages: Messages): Translate {
  return (key, vars) => {
    const template = messages[key];
    if (template === undefined) return key;
    if (!vars) return template;
    return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
      Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
    );
  };
}

/**
 * Picks the interface language: the user's own choice first, then the browser's
 * Accept-Language (by quality), then the default (zh-CN).
 *
 * @example
 * negotiateLocale(null, "en-US,en;q=0.9,zh;q=0.5") // "en"
 */
export function negotiateLocale(choice: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(choice)) return choice;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}

// Building an Intl formatter costs far more than using one (10,000 invitation mails format the
// same date): keep one per locale and options.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: Locale, time: boolean, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${time}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      // hourCycle h23, not hour12: false (which gives "24:30" after midnight in English).
      ...(time ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" as const } : {}),
      timeZone,
    });
    dateFormats.set(key, format);
  }
  return format;
}

/** Formats an ISO timestamp as a date (and time) in the locale, in the given time zone. */
export function formatDateTime(iso: string | null | undefined, locale: Locale, options: { time?: boolean; timeZone?: string } = {}): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return dateFormat(locale, options.time ?? false, options.timeZone ?? "Asia/Shanghai").format(date);
}

/** Formats a number with the locale's separators. */
export function formatNumber(value: number | null | undefined, locale: Locale, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** Formats a 0–1 share as a percentage. */
export function formatPercent(value: number | null | undefined, locale: Locale, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}
