/** Months as `YYYY-MM` text (the form every month column holds). */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === "string" && MONTH.test(value);
}

/** The month of an instant, in China Standard Time (UTC+8, no daylight saving). */
export function monthOf(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** The month before `month`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** Whether a `YYYY-MM-DD` date lies in the month. */
export function dateInMonth(date: string, month: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && date.slice(0, 7) === month && !Number.isNaN(new Date(`${date}T00:00:00Z`).getTime()) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
}

/** The month in the query string, or the month before the clock's (sheets are scored at month end). */
export function monthParam(url: URL, now: Date): string {
  const raw = url.searchParams.get("month");
  return isMonth(raw) ? raw : previousMonth(monthOf(now));
}
