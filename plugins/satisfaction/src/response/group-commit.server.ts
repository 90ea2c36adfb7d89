import { type Kysely, sql, type Transaction } from "kysely";

interface Job<DB> {
  readonly work: (trx: Transaction<DB>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Runs once per group, after every job and before COMMIT, with the values of the jobs that succeeded. */
export type BeforeCommit<DB, T> = (trx: Transaction<DB>, values: readonly T[]) => Promise<void>;

type Key = BeforeCommit<any, any> | null;
// Jobs wait per database and per beforeCommit step: a group shares one step.
const pending = new WeakMap<Kysely<any>, Map<Key, Job<any>[]>>();

/**
 * Runs `work` in a transaction shared with every other `inGroupCommit` call of the same event-loop
 * turn (group commit): one BEGIN/COMMIT, and one write of the pages they share, for a burst of
 * submissions instead of one each. Each piece of work runs in its own savepoint, one after the
 * other, so it sees the ones before it, and one that throws is rolled back alone and rejects alone.
 * The promise settles after the COMMIT: a caller never reports success for uncommitted data.
 *
 * `beforeCommit`, when given, runs once for the whole group after the last job, in the same
 * transaction, with the values of the jobs that succeeded: work every job would repeat on shared
 * rows (counters) is done there once, and late, so the group holds those rows' locks only for
 * the moment before COMMIT. If it throws, the whole group fails.
 *
 * @example
 * const id = await inGroupCommit(db, async (trx) => (await trx.insertInto("t").values(row).returning("id").executeTakeFirstOrThrow()).id);
 */
export function inGroupCommit<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, beforeCommit?: BeforeCommit<DB, T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let groups = pending.get(db);
    if (!groups) pending.set(db, (groups = new Map()));
    const key: Key = (beforeCommit as Key) ?? null;
    let jobs = groups.get(key);
    if (!jobs) {
      groups.set(key, (jobs = []));
      setImmediate(() => void flush(db, key));
    }
    jobs.push({ work, resolve: resolve as (value: unknown) => void, reject });
  });
}

async function flush<DB>(db: Kysely<DB>, key: Key): Promise<void> {
  const groups = pending.get(db)!;
  const jobs = groups.get(key) as Job<DB>[];
  groups.delete(key);
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
      if (key) await key(trx, outcomes.flatMap((o) => (o.ok ? [o.value] : [])));
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
