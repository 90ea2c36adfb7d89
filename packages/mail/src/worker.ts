import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from "kysely";
import type { SendMailOptions } from "nodemailer";
import { isPostgres } from "@aftercare/db/dialect";
import type { Logger } from "@aftercare/plugin-api/index";
import { exponentialBackoff } from "./backoff";
import { buildMessage } from "./message";
import type { MailOutboxTable, MailTables } from "./migrations";
import { classifySendError, describeSendError } from "./send-error";

/** What the worker needs of a nodemailer transporter. */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<unknown>;
  close?(): void;
}

export interface OutboxWorkerProps {
  readonly db: Kysely<any>;
  /** Owned by the worker from now on: `stop()` closes it. */
  readonly transport: MailTransport;
  /** The From header, e.g. `Aftercare <aftercare@example.com>`. */
  readonly from: string;
  readonly clock?: () => Date;
  /**
   * Rows claimed per round. Default: `concurrency`, so that every claimed row is being sent. A row
   * claimed but still waiting for a connection when the process is killed has its attempt counted
   * all the same; with more rows claimed than sent at once, a crash-looping server would fail
   * mails after `maxAttempts` crashes without ever sending them (found by test/hardening's kill -9 loop).
   */
  readonly batchSize?: number;
  /** Sends running at once within a round. Default 5 (the pooled transport's connections). */
  readonly concurrency?: number;
  /**
   * How long a claim holds a row. A row left in `sending` (worker crashed or killed) is retried
   * once its lease has expired. Default 5 min; keep it well above the transport's timeouts.
   */
  readonly leaseMs?: number;
  /** Attempts before a mail that keeps failing transiently is marked failed. Default 8. */
  readonly maxAttempts?: number;
  /** Delay in ms after the n-th failed attempt; default `exponentialBackoff()`. */
  readonly backoff?: (attempt: number) => number;
  /** Poll interval of `start()`. Default 250 ms. */
  readonly pollMs?: number;
  readonly logger?: Logger;
}

/** What one round did. */
export interface OutboxRoundResult {
  /** Rows claimed (including rows taken over from an expired lease). */
  readonly claimed: number;
  readonly sent: number;
  /** Transient failures put back in the queue with a backoff. */
  readonly retried: number;
  /** Permanent failures, and transient ones out of attempts. */
  readonly failed: number;
  /** Claimed but not tried because the round ran too long; back in the queue, attempt not counted. */
  readonly released: number;
}

export interface OutboxWorker {
  /** Polls every `pollMs` (or at once after `kick()`) until `stop()`. Starting twice is a no-op. */
  start(): void;
  /** Claims and sends one batch. */
  runOnce(): Promise<OutboxRoundResult>;
  /** Wakes a started worker now (call after enqueuing). */
  kick(): void;
  /** Stops polling, waits for sends in flight, then closes the transport. */
  stop(): Promise<void>;
}

type Row = Selectable<MailOutboxTable>;
type Patch = { status: MailOutboxTable["status"] } & Partial<Omit<MailOutboxTable, "id" | "status">>;

const consoleLogger: Logger = {
  info: (message, extra) => console.log(`[mail] ${message}`, extra ?? ""),
  warn: (message, extra) => console.warn(`[mail] ${message}`, extra ?? ""),
  error: (message, extra) => console.error(`[mail] ${message}`, extra ?? ""),
};

/** Rows a worker may claim at `now`: queued and due, or sending with an expired lease. */
function due(now: string) {
  return (eb: ExpressionBuilder<MailTables, "mail_outbox">): Expression<SqlBool> =>
    eb.or([
      eb.and([eb("status", "=", "queued"), eb("next_attempt_at", "<=", now)]),
      eb.and([eb("status", "=", "sending"), eb("lease_until", "<", now)]),
    ]);
}

/**
 * The outbox worker: claims due rows under a lease, sends them, and records the outcome.
 *
 * - Claiming is one transaction that selects due rows and marks them `sending` with a lease,
 *   counting the attempt. The attempt count doubles as a fencing token: every later update is
 *   guarded by `status = 'sending' AND attempts = <claimed value>`, so a worker whose lease was
 *   taken over cannot overwrite the new owner's outcome.
 * - A crash leaves rows in `sending`; they are claimed again when their lease expires (at-least-once:
 *   a message is never lost; the Message-ID is stable so a receiver can drop a repeat).
 * - A send is not started when less than half the lease is left; such rows are released.
 * - 4xx replies, connection errors and timeouts are retried with exponential backoff plus jitter,
 *   up to `maxAttempts`; 5xx replies fail the row at once with the reason in `last_error`.
 *
 * @example
 * const worker = createOutboxWorker({ db, transport: createTransportFromUrl(env.SMTP_URL), from });
 * worker.start();
 * // after enqueuing: worker.kick();  on shutdown: await worker.stop();
 */
export function createOutboxWorker(props: OutboxWorkerProps): OutboxWorker {
  const db = props.db as Kysely<MailTables>;
  const { transport, from } = props;
  const clock = props.clock ?? (() => new Date());
  const concurrency = Math.max(1, props.concurrency ?? 5);
  const batchSize = props.batchSize ?? concurrency;
  const leaseMs = props.leaseMs ?? 5 * 60_000;
  const maxAttempts = props.maxAttempts ?? 8;
  const backoff = props.backoff ?? exponentialBackoff();
  const pollMs = props.pollMs ?? 250;
  const logger = props.logger ?? consoleLogger;

  const inFlight = new Set<Promise<unknown>>();
  let running = false;
  let stopped = false;
  let kicked = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let stopping: Promise<void> | null = null;

  async function claim(): Promise<{ rows: Row[]; leaseUntil: number }> {
    const now = clock();
    const nowIso = now.toISOString();
    const leaseUntil = now.getTime() + leaseMs;
    const rows = await db.transaction().execute(async (trx) => {
      let select = trx
        .selectFrom("mail_outbox")
        .select("id")
        .where(due(nowIso))
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(batchSize);
      if (isPostgres(trx)) select = select.forUpdate().skipLocked();
      const ids = (await select.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      // The due condition again: a row another worker claimed meanwhile is not taken.
      return trx
        .updateTable("mail_outbox")
        .set((eb) => ({ status: "sending", lease_until: new Date(leaseUntil).toISOString(), attempts: eb("attempts", "+", 1) }))
        .where("id", "in", ids)
        .where(due(nowIso))
        .returningAll()
        .execute();
    });
    return { rows, leaseUntil };
  }

  /** Applies the outcome of this worker's attempt; false when the row is no longer ours. */
  async function settle(row: Row, patch: Patch): Promise<boolean> {
    const result = await db
      .updateTable("mail_outbox")
      .set({ lease_until: null, ...patch })
      .where("id", "=", row.id)
      .where("status", "=", "sending")
      .where("attempts", "=", row.attempts)
      .executeTakeFirst();
    const ours = result.numUpdatedRows > 0n;
    if (!ours) {
      logger.warn("mail outbox: a row was taken over by another worker after its lease expired; outcome not recorded", {
        id: row.id,
        key: row.idempotency_key,
        status: patch.status,
      });
    }
    return ours;
  }

  async function attempt(row: Row): Promise<keyof Omit<OutboxRoundResult, "claimed"> | null> {
    let message: SendMailOptions;
    try {
      message = buildMessage(row, from);
    } catch (err) {
      // A row that cannot become a message (corrupt headers_json) will never send.
      const why = `cannot build the message: ${describeSendError(err)}`;
      if (!(await settle(row, { status: "failed", last_error: why }))) return null;
      logger.error("mail failed", { id: row.id, key: row.idempotency_key, reason: why });
      return "failed";
    }
    try {
      await transport.sendMail(message);
    } catch (err) {
      const reason = describeSendError(err);
      const kind = classifySendError(err);
      if (kind === "transient" && row.attempts < maxAttempts) {
        const next = new Date(clock().getTime() + Math.max(0, backoff(row.attempts))).toISOString();
        if (!(await settle(row, { status: "queued", next_attempt_at: next, last_error: reason }))) return null;
        logger.warn("mail deferred", { id: row.id, key: row.idempotency_key, attempts: row.attempts, next, reason });
        return "retried";
      }
      const why = kind === "permanent" ? reason : `gave up after ${row.attempts} attempts: ${reason}`;
      if (!(await settle(row, { status: "failed", last_error: why }))) return null;
      logger.error("mail failed", { id: row.id, key: row.idempotency_key, attempts: row.attempts, reason: why });
      return "failed";
    }
    const now = clock().toISOString();
    for (let tries = 1; ; tries++) {
      try {
        return (await settle(row, { status: "sent", sent_at: now, last_error: null })) ? "sent" : null;
      } catch (err) {
        // Delivered but not recorded: after the lease it would be sent again. Try a little harder.
        if (tries >= 3) {
          logger.error("mail sent but not marked sent; it may be sent again after its lease", {
            id: row.id,
            key: row.idempotency_key,
            error: describeSendError(err),
          });
          return null;
        }
        await new Promise((r) => setTimeout(r, 50 * tries));
      }
    }
  }

  async function round(): Promise<OutboxRoundResult> {
    const counts = { claimed: 0, sent: 0, retried: 0, failed: 0, released: 0 };
    const { rows, leaseUntil } = await claim();
    counts.claimed = rows.length;
    const queue: Row[] = [];
    for (const row of rows) {
      if (row.attempts > maxAttempts) {
        // Claimed again after earlier attempts never finished (the worker died each time).
        const why = `gave up after ${maxAttempts} attempts: the last one did not finish (worker stopped or crashed)`;
        if (await settle(row, { status: "failed", last_error: row.last_error ? `${why}; before that: ${row.last_error}` : why })) {
          logger.error("mail failed", { id: row.id, key: row.idempotency_key, reason: why });
          counts.failed++;
        }
      } else {
        queue.push(row);
      }
    }
    const next = async (): Promise<void> => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        if (clock().getTime() > leaseUntil - leaseMs / 2) {
          // Too little lease left to be sure of finishing before another worker may take it over.
          const released = await settle(row, { status: "queued", attempts: row.attempts - 1 });
          if (released) counts.released++;
          continue;
        }
        const outcome = await attempt(row);
        if (outcome) counts[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, next));
    return counts;
  }

  function runOnce(): Promise<OutboxRoundResult> {
    const p = round();
    inFlight.add(p);
    const done = () => inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      timer.unref?.();
      function finish() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = finish;
    });
  }

  async function poll(): Promise<void> {
    while (running) {
      kicked = false;
      let full = false;
      let failed = false;
      try {
        full = (await runOnce()).claimed >= batchSize;
      } catch (err) {
        failed = true;
        logger.error("mail outbox round failed", { error: describeSendError(err) });
      }
      if (!running) break;
      if (failed) await sleep(Math.max(pollMs, 5_000));
      else if (!full && !kicked) await sleep(pollMs);
    }
  }

  return {
    start() {
      if (running || stopped) return;
      running = true;
      loop = poll();
    },
    runOnce,
    kick() {
      kicked = true;
      wake?.();
    },
    stop() {
      running = false;
      stopped = true;
      wake?.();
      stopping ??= (async () => {
        await loop;
        await Promise.allSettled([...inFlight]);
        transport.close?.();
      })();
      return stopping;
    },
  };
}
