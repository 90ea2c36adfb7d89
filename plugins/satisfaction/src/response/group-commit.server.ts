import { type Kysely, sql, type Transaction } from "kysely";

interface Job<DB> {
  readonly work: (trx: Transaction<DB>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const pending = new WeakMap<Kysely<any>, Job<any>[]>();

/**
 * Runs `work` in a transaction shared with every other `inGroupCommit` call of the same event-loop
 * turn (group commit): one BEGIN/COMMIT, and one write of the pages they share, for a burst of
 * submissions instead of one each. Each piece of work runs in its own savepoint, one after the
 * other, so it sees the ones before it, and one that throws is rolled back alone and rejects alone.
 * The promise settles after the COMMIT: a caller never reports success for uncommitted data.
 *
 * @example
 * const id = await inGroupCommit(db, async (trx) => (await trx.insertInto("t").values(row).returning("id").executeTakeFirstOrThrow()).id);
 */
export function inGroupCommit<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let jobs = pending.get(db);
    if (!jobs) {
      pending.set(db, (jobs = []));
      setImmediate(() => void flush(db));
    }
    jobs.push({ work, resolve: resolve as (value: unknown) => void, reject });
  });
}

async function flush<DB>(db: Kysely<DB>): Promise<void> {
  const jobs = pending.get(db) as Job<DB>[];
  pending.delete(db);
  const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      for (const job of jobs) {
        await sql`savepoint group_commit_job`.execute(trx);
        try {
          const value = await job.work(trx);
          await sql`release group_commit_job`.execute(trx);
          outcomes.push({ ok: true, value });
        } catch (error) {
          try {
            await sql`rollback to group_commit_job`.execute(trx);
            await sql`release group_commit_job`.execute(trx);
          } catch {
            // SQLite ended the whole transaction itself (disk full, I/O error): the savepoint is gone
            // and so is the group's work. Every job fails, with this job's error — the real cause
            // (found by test/hardening/faults-disk-full-http; it used to be "no such savepoint").
            throw error;
          }
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    // BEGIN or COMMIT failed: nothing of this group is stored.
    for (const job of jobs) job.reject(error);
    return;
  }
  jobs.forEach((job, i) => {
    const outcome = outcomes[i];
    if (outcome.ok) job.resolve(outcome.value);
    else job.reject(outcome.error);
  });
}
