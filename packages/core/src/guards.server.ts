import { redirect } from "@remix-run/node";
import type { Viewer, Locale } from "@aftercare/plugin-api";
import { getHost, type Host } from "./host.server";
import { findSession, sessionToken } from "./sessions.server";
import { checkCsrf, CSRF_FIELD } from "./csrf.server";
import { isLocale } from "@aftercare/i18n";
import { cleanText } from "@aftercare/forms/validate";

/** Header set by the app's HTTP server from the socket (never trusted from the client). */
export const CLIENT_IP_HEADER = "x-aftercare-client-ip";

export function clientIp(request: Request): string {
  return request.headers.get(CLIENT_IP_HEADER) ?? "local";
}

/** Session policy derived from configuration. */
export function sessionPolicy(host: Host) {
  return {
    idleMinutes: host.config.sessionIdleMinutes,
    absoluteHours: host.config.sessionAbsoluteHours,
    secure: host.config.publicBaseUrl.startsWith("https:"),
  };
}

/** Origins a mutation may come from: the public base URL's, and the request's own. */
export function allowedOrigins(host: Host, request: Request): string[] {
  const origins = [new URL(host.config.publicBaseUrl).origin];
  try {
    origins.push(new URL(request.url).origin);
  } catch {
    // ignore
  }
  return origins;
}

/** The logged-in staff member, or null. Never throws for anonymous requests. */
export async function getViewer(request: Request): Promise<{ host: Host; viewer: Viewer | null }> {
  const host = await getHost();
  const session = await findSession(host.db, sessionToken(request), sessionPolicy(host), host.ctx.clock());
  if (!session) return { host, viewer: null };
  const user = await host.db
    .selectFrom("users")
    .select(["id", "name", "email", "role", "staff_kind", "locale", "active"])
    .where("id", "=", session.userId)
    .executeTakeFirst();
  if (!user || user.active !== 1) return { host, viewer: null };
  return {
    host,
    viewer: {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      staffKind: user.staff_kind,
      locale: isLocale(user.locale) ? (user.locale as Locale) : null,
      permissions: host.permissionsFor(user.role),
    },
  };
}

/** A logged-in staff member, or a redirect to the login page that comes back here. */
export async function requireViewer(request: Request): Promise<{ host: Host; viewer: Viewer }> {
  const { host, viewer } = await getViewer(request);
  if (!viewer) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return { host, viewer };
}

/** Throws 403 unless the viewer holds the permission. */
export function assertPermission(viewer: Viewer, permission: string): void {
  if (!viewer.permissions.has(permission)) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
}

/** Guard for a loader: logged in and holding `permission`. */
export async function requirePermission(request: Request, permission: string): Promise<{ host: Host; viewer: Viewer }> {
  const result = await requireViewer(request);
  assertPermission(result.viewer, permission);
  return result;
}

async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    throw new Response("Unsupported Media Type", { status: 415, statusText: "Unsupported Media Type" });
  }
  try {
    return await request.formData();
  } catch {
    throw new Response("Bad Request", { status: 400, statusText: "Bad Request" });
  }
}

/** A JSON escape of a character `cleanText` removes (NUL/C0, surrogate halves, bidi controls). */
const JSON_SUSPECT_ESCAPE = /\\u(?:00[01][0-9a-f]|d[89a-f][0-9a-f]{2}|202[a-e]|206[6-9])/i;

function cleanDeep(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanDeep);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanDeep(v)]));
  return value;
}

/**
 * One form field with the app's hostile-character rule applied (`cleanText`: NUL and C0
 * controls, lone surrogates, bidi overrides are removed). A JSON field (the SurveyJS `payload`)
 * can carry them as `\u` escapes: when it does, its strings and keys are cleaned and it is
 * written back; anything that does not parse is left for the route to refuse.
 */
function cleanField(value: string): string {
  const text = cleanText(value);
  if (!JSON_SUSPECT_ESCAPE.test(text) || !/^\s*[[{"]/.test(text)) return text;
  try {
    return JSON.stringify(cleanDeep(JSON.parse(text)));
  } catch {
    return text;
  }
}

/** Checks method and CSRF of a mutation and returns its form data, text cleaned. Used by every action. */
export async function readMutation(request: Request, host: Host): Promise<FormData> {
  if (request.method === "GET" || request.method === "HEAD") throw new Response("Method Not Allowed", { status: 405 });
  const origin = request.headers.get("Origin");
  if (origin && !allowedOrigins(host, request).includes(origin)) {
    throw new Response("Forbidden (cross-origin request)", { status: 403, statusText: "Forbidden" });
  }
  const form = await readForm(request);
  const token = form.get(CSRF_FIELD);
  const failure = checkCsrf(request, typeof token === "string" ? token : null, host.config.sessionSecret, allowedOrigins(host, request));
  if (failure) throw new Response(`Forbidden (CSRF: ${failure})`, { status: 403, statusText: "Forbidden" });
  const cleaned = new FormData();
  for (const [name, value] of form) cleaned.append(cleanText(name), typeof value === "string" ? cleanField(value) : value);
  return cleaned;
}

/** Guard for a staff action: logged in, holding `permission`, CSRF checked. Returns the form. */
export async function requireAction(request: Request, permission: string): Promise<{ host: Host; viewer: Viewer; form: FormData }> {
  const { host, viewer } = await requireViewer(request);
  assertPermission(viewer, permission);
  const form = await readMutation(request, host);
  return { host, viewer, form };
}

/** Guard for a public action (personal links, login): CSRF checked, no account. */
export async function requirePublicAction(request: Request): Promise<{ host: Host; form: FormData }> {
  const host = await getHost();
  const form = await readMutation(request, host);
  return { host, form };
}
