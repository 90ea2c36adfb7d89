import type { Kysely } from "kysely";
import type { CoreTables } from "./tables";

/**
 * Scheduled jobs run once per interval across every instance sharing the database, not once per
 * instance: each timer tick first claims the job's next run in `job_schedule` with one
 * conditional update, and only the instance whose update took the row runs the job.
 *
 * A tick up to `JITTER_MS` early still claims, so two instances whose timers drift keep running
 * the job once per interval between them.
 */
const JITTER_MS = 1_000;

/**
 * Claims the run of `name` due at `now`; true when this caller should run it.
 *
 * @example
 * if (await claimScheduledRun(db, "satisfaction.reminders", 15 * 60_000, new Date())) await job();
 */
export async function claimScheduledRun(db: Kysely<CoreTables>, name: string, intervalMs: number, now: Date): Promise<boolean> {
  const nowIso = now.toISOString();
  await db.insertInto("job_schedule").values({ name, next_run_at: nowIso, last_started_at: null }).onConflict((oc) => oc.column("name").doNothing()).execute();
  const next = new Date(now.getTime() + Math.max(intervalMs - JITTER_MS, 1)).toISOString();
  const result = await db
    .updateTable("job_schedule")
    .set({ next_run_at: next, last_started_at: nowIso })
    .where("name", "=", name)
    .where("next_run_at", "<=", nowIso)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
