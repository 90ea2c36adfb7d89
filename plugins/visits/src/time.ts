/**
 * The company calendar. Timestamps are stored as ISO-8601 UTC; people think in the company's
 * local time (Asia/Shanghai, UTC+8 all year, no daylight saving): calendar days, months, the
 * times typed into forms. These helpers convert between the two. Pure.
 */

/** Offset of the company time zone from UTC (China Standard Time). */
export const COMPANY_OFFSET_MS = 8 * 3_600_000;

/** The company-calendar date (`YYYY-MM-DD`) of an instant. */
export function companyDate(iso: string): string {
  return new Date(Date.parse(iso) + COMPANY_OFFSET_MS).toISOString().slice(0, 10);
}

/** The company-calendar month (`YYYY-MM`) of an instant. */
export function companyMonth(iso: string): string {
  return companyDate(iso).slice(0, 7);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** True for `YYYY-MM`. */
export function isMonth(value: unknown): value is string {
  return typeof value === "string" && MONTH.test(value);
}

/**
 * The UTC instants bounding a company-calendar month: `[from, to)`.
 *
 * @example
 * monthRange("2026-03"); // { from: "2026-02-28T16:00:00.000Z", to: "2026-03-31T16:00:00.000Z" }
 */
export function monthRange(month: string): { from: string; to: string } {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, got "${month}"`);
  const [y, mo] = [Number(m[1]), Number(m[2])];
  return {
    from: new Date(Date.UTC(y, mo - 1, 1) - COMPANY_OFFSET_MS).toISOString(),
    to: new Date(Date.UTC(y, mo, 1) - COMPANY_OFFSET_MS).toISOString(),
  };
}

/** The month before or after `month` (`delta` months). */
export function shiftMonth(month: string, delta: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, got "${month}"`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

/**
 * A company-local `YYYY-MM-DDTHH:mm` (what `<input type="datetime-local">` sends) as a UTC
 * ISO instant; `null` when malformed.
 *
 * @example
 * fromCompanyLocal("2026-03-01T09:30"); // "2026-03-01T01:30:00.000Z"
 */
export function fromCompanyLocal(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = LOCAL.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return new Date(ms - COMPANY_OFFSET_MS).toISOString();
}

/** A UTC instant as company-local `YYYY-MM-DDTHH:mm` (for `datetime-local` inputs). */
export function toCompanyLocal(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(Date.parse(iso) + COMPANY_OFFSET_MS).toISOString().slice(0, 16);
}

/** Adds days to an instant. */
export function addDaysIso(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}
