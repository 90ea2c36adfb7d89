import type { Kysely } from "kysely";
import type { CoreTables } from "./tables";
import { lockedFor, recordFailure, type RateLimitPolicy } from "./rate-limit.server";
import { clientIp } from "./guards.server";

/**
 * Guessing personal links (surveys, opt-out, 360 reviews): each request with a link that cannot be
 * used counts a failure for the client address under `link:<ip>` in `login_attempts`; after
 * LINK_MAX_FAILURES inside LINK_LOCK_MINUTES the address gets 429 on every personal link for
 * LINK_LOCK_MINUTES. Other addresses, and their valid links, are not affected.
 */

/** The part of the host the guard needs (the host itself, or a test's stand-in). */
export interface LinkGuardHost {
  readonly db: Kysely<CoreTables>;
  readonly config: { readonly linkMaxFailures: number; readonly linkLockMinutes: number };
  readonly ctx: { clock(): Date };
}

/** The `login_attempts` key of a client address's link failures. */
export function linkKey(ip: string): string {
  return `link:${ip}`;
}

function policy(host: LinkGuardHost): RateLimitPolicy {
  return { maxFailures: host.config.linkMaxFailures, lockMinutes: host.config.linkLockMinutes };
}

/** The 429 answer of a locked address, with Retry-After in seconds. */
function tooMany(minutes: number): Response {
  return new Response(`Too many invalid links from this address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
    status: 429,
    statusText: "Too Many Requests",
    headers: { "Retry-After": String(minutes * 60), "Cache-Control": "no-store", "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** Throws 429 when the request's address is locked out of personal links. Call before reading the link. */
export async function requireLinkAttempt(request: Request, host: LinkGuardHost): Promise<void> {
  const minutes = await lockedFor(host.db, [linkKey(clientIp(request))], host.ctx.clock());
  if (minutes > 0) throw tooMany(minutes);
}

/** Counts a request with an unusable link; throws 429 when this failure locks the address. */
export async function recordLinkFailure(request: Request, host: LinkGuardHost): Promise<void> {
  const key = linkKey(clientIp(request));
  const now = host.ctx.clock();
  await recordFailure(host.db, [{ key, max: (p) => p.maxFailures }], policy(host), now);
  const minutes = await lockedFor(host.db, [key], now);
  if (minutes > 0) throw tooMany(minutes);
}

/**
 * The one call a personal-link route makes: refuses a locked address (429), opens the link with
 * `open`, and counts a failure when it cannot be used (null/false). Returns what `open` returned.
 *
 * @example
 * const session = await guardLink(request, host, () => openSurvey(host.ctx, params.token ?? ""));
 * if (!session) return invalid();
 */
export async function guardLink<T>(request: Request, host: LinkGuardHost, open: () => Promise<T>): Promise<T> {
  await requireLinkAttempt(request, host);
  const result = await open();
  if (result === null || result === undefined || result === false) await recordLinkFailure(request, host);
  return result;
}
