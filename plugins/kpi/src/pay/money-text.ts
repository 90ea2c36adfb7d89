/**
 * Money as people type it (yuan, up to two decimals) and as it is stored (integer cents). Pure
 * helpers: the scoring package has the cent arithmetic but no parsing of typed amounts.
 */

/**
 * Parses a typed amount of yuan into cents, exactly (no floating point): digits with an optional
 * `.` and one or two decimals; thousands separators (`,`) and a leading `¥`/`￥` are allowed.
 * `null` for anything else, including negatives.
 *
 * @example
 * parseYuan("8,000.50"); // 800050
 * parseYuan("12.345"); // null
 */
export function parseYuan(text: string): number | null {
  const clean = text.trim().replace(/^[¥￥]\s*/, "").replace(/,(?=\d{3}(\D|$))/g, "");
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(cents) ? cents : null;
}

/**
 * Cents as yuan text with two decimals, no separators (exports, inputs).
 *
 * @example
 * centsToYuan(800050); // "8000.50"
 */
export function centsToYuan(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Cents as money in the locale, e.g. ¥8,000.50. */
export function formatCents(cents: number | null | undefined, locale: "en" | "zh-CN"): string {
  if (cents === null || cents === undefined) return "–";
  return new Intl.NumberFormat(locale, { style: "currency", currency: "CNY", minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}
