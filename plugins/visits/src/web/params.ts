/** Parsing of URL parameters and form fields shared by the route modules. */
import { isMonth } from "../time";

/** A positive integer id from a route parameter, or a 404. */
export function idParam(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** A positive integer from a query or form value, or null. */
export function optionalId(raw: FormDataEntryValue | string | null | undefined): number | null {
  if (typeof raw !== "string" || !/^\d{1,12}$/.test(raw)) return null;
  const id = Number(raw);
  return id > 0 ? id : null;
}

/** The `page` query parameter (1–100000). */
export function pageParam(url: URL): number {
  return Math.max(1, Math.min(100_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
}

/** The `month` query parameter when it is `YYYY-MM`, else `fallback`. */
export function monthParam(url: URL, fallback: string): string {
  const m = url.searchParams.get("month");
  return isMonth(m) ? m : fallback;
}

/** A trimmed text form field, at most `max` characters, or null when empty. */
export function textField(form: FormData, name: string, max = 2000): string | null {
  const v = form.get(name);
  if (typeof v !== "string") return null;
  const s = v.trim().slice(0, max);
  return s ? s : null;
}

/** One of `choices`, or null. */
export function choiceParam<T extends string>(raw: string | null | undefined, choices: readonly T[]): T | null {
  return raw && (choices as readonly string[]).includes(raw) ? (raw as T) : null;
}
