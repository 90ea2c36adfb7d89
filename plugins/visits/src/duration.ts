import type { Locale } from "@aftercare/plugin-api";

/**
 * A duration for people: days, hours and minutes, the largest two units that are not zero,
 * rounded down to the minute.
 *
 * @example
 * formatDuration(5_400_000, "en");    // "1 h 30 min"
 * formatDuration(5_400_000, "zh-CN"); // "1小时30分钟"
 * formatDuration(30_000, "en");       // "0 min"
 * formatDuration(86_400_000, "en", { days: false }); // "24 h" (allowances)
 */
export function formatDuration(ms: number, locale: Locale, options: { days?: boolean } = {}): string {
  const totalMinutes = Math.floor(Math.max(0, ms) / 60_000);
  const days = options.days === false ? 0 : Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes - days * 1440) / 60);
  const minutes = totalMinutes % 60;
  const units = locale === "en" ? { d: " d", h: " h", m: " min" } : { d: "天", h: "小时", m: "分钟" };
  const parts: string[] = [];
  if (days) parts.push(`${days}${units.d}`);
  if (hours) parts.push(`${hours}${units.h}`);
  if (minutes || parts.length === 0) parts.push(`${minutes}${units.m}`);
  return parts.slice(0, 2).join(locale === "en" ? " " : "");
}

/** Minutes as a number with one decimal, for report tables (`null` stays `null`). */
export function toMinutes(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 6_000) / 10;
}
