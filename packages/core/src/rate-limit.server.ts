import type { Kysely } from "kysely";
import type { CoreTables } from "./tables";

export interface RateLimitPolicy {
  readonly maxFailures: number;
  readonly lockMinutes: number;
}

/** Keys a login is counted under: the account and the client address (which gets 4× the allowance). */
export function loginKeys(email: string, ip: string): { key: string; max: (p: RateLimitPolicy) => number }[] {
  return [
    { key: `account:${email.trim().toLowerCase()}`, max: (p) => p.maxFailures },
    { key: `ip:${ip}`, max: (p) => p.maxFailures * 4 },
  ];
}

/** Minutes left on a lock for any of the keys, or 0 when login may be tried. */
export async function lockedFor(db: Kysely<CoreTables>, keys: readonly string[], now: Date): Promise<number> {
  const rows = await db.selectFrom("login_attempts").select(["locked_until"]).where("key", "in", keys).execute();
  let until = 0;
  for (const row of rows) {
    if (row.locked_until) until = Math.max(until, new Date(row.locked_until).getTime());
  }
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 60_000) : 0;
}

/** Counts a failure for each key inside a window of `lockMinutes`; locks a key that reaches its limit. */
export async function recordFailure(
  db: Kysely<CoreTables>,
  keys: readonly { key: string; max: (p: RateLimitPolicy) => number }[],
  policy: RateLimitPolicy,
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.lockMinutes * 60_000).toISOString();
  const lockUntil = new Date(now.getTime() + policy.lockMinutes * 60_000).toISOString();
  await db.transaction().execute(async (trx) => {
    for (const { key, max } of keys) {
      const row = await trx.selectFrom("login_attempts").selectAll().where("key", "=", key).executeTakeFirst();
      const fresh = !row || row.first_failure_at < windowStart;
      const failures = fresh ? 1 : row.failures + 1;
      const locked_until = failures >= max(policy) ? lockUntil : fresh ? null : row.locked_until;
      if (row) {
        await trx
          .updateTable("login_attempts")
          .set({ failures, first_failure_at: fresh ? now.toISOString() : row.first_failure_at, locked_until })
          .where("key", "=", key)
          .execute();
      } else {
        await trx.insertInto("login_attempts").values({ key, failures, first_failure_at: now.toISOString(), locked_until }).execute();
      }
    }
  });
}

/** A successful login clears the account's counter (the address keeps its own). */
export async function clearFailures(db: Kysely<CoreTables>, key: string): Promise<void> {
  await db.deleteFrom("login_attempts").where("key", "=", key).execute();
}
