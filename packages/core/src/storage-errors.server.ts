import { data } from "@remix-run/node";

/** SQLite result codes (better-sqlite3's `code`, extended codes included) meaning "cannot store now". */
const SQLITE_STORAGE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|PROTOCOL)/;
/** PostgreSQL SQLSTATEs of the same kind: insufficient resources (53…: disk full, out of memory), I/O error, cannot connect now, connection failures. */
const PG_STORAGE = /^(53\d{3}|58030|57P03|08\d{3})$/;

/**
 * True when a database error means the database cannot store anything right now (disk full, I/O
 * error, read-only or locked file, PostgreSQL out of space or unreachable) rather than a bug.
 *
 * @example
 * isStorageFailure(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" })) // true
 */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (SQLITE_STORAGE.test(code) || PG_STORAGE.test(code));
}

/**
 * Runs a write for an action; a storage failure becomes HTTP 503, which the root error page
 * explains in the user's language ("nothing was saved, try again later") instead of the generic
 * 500 page. The cause is logged here (Remix does not log a thrown answer). Other errors pass.
 *
 * @example
 * const outcome = await withStorage(request, () => submitResponse(host.ctx, session, answers, locale));
 */
export async function withStorage<T>(request: Request, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isStorageFailure(error)) throw error;
    const e = error as { code: string; message?: string };
    console.error(`[aftercare] storage failure ${request.method} ${new URL(request.url).pathname}: ${e.code} ${e.message ?? ""}`);
    throw data(null, { status: 503, statusText: "Service Unavailable", headers: { "Retry-After": "300", "Cache-Control": "no-store" } });
  }
}
