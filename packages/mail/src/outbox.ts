import type { Insertable, Kysely, Transaction } from "kysely";
import type { MailService, OutgoingMail } from "@aftercare/plugin-api/index";
import type { MailOutboxTable } from "./migrations";

/** Rows per INSERT statement in `enqueueMany` (13 parameters each, well under SQLite's and PostgreSQL's limits). */
export const ENQUEUE_CHUNK = 500;

export interface MailServiceProps {
  /** Stamps `created_at` and the first `next_attempt_at`; defaults to the system clock. */
  readonly clock?: () => Date;
}

/** A header name as RFC 5322 allows it (printable ASCII except the colon). */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

function toRow(mail: OutgoingMail, now: string): Insertable<MailOutboxTable> {
  if (!mail.key) throw new TypeError("OutgoingMail.key must not be empty");
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mail.to)) throw new TypeError(`OutgoingMail.to is not an email address (key "${mail.key}")`);
  for (const name of Object.keys(mail.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`OutgoingMail.headers has an invalid header name (key "${mail.key}")`);
  }
  const headers = mail.headers && Object.keys(mail.headers).length ? JSON.stringify(mail.headers) : null;
  return {
    idempotency_key: mail.key,
    to_addr: mail.to,
    to_name: mail.toName ?? null,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers_json: headers,
    status: "queued",
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    last_error: null,
    created_at: now,
    sent_at: null,
  };
}

async function insertRows(db: Kysely<any> | Transaction<any>, rows: Insertable<MailOutboxTable>[]): Promise<number> {
  const result = await (db as Kysely<{ mail_outbox: MailOutboxTable }>)
    .insertInto("mail_outbox")
    .values(rows)
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/**
 * The outbox side of mail: plugins enqueue inside the transaction that causes the mail, so
 * the mail exists exactly when that change is committed. The worker (`createOutboxWorker`) sends.
 * A key already in the outbox is ignored, so retrying the caller's operation never mails twice.
 *
 * @example
 * const mail = createMailService();
 * await db.transaction().execute(async (trx) => {
 *   await trx.insertInto("satisfaction_campaign").values(campaign).execute();
 *   await mail.enqueue(trx, { key: `campaign:${id}:invite:${customerId}`, to, subject, html, text });
 * });
 */
export function createMailService(props: MailServiceProps = {}): MailService {
  const clock = props.clock ?? (() => new Date());
  return {
    async enqueue(trx, mail) {
      return (await insertRows(trx, [toRow(mail, clock().toISOString())])) === 1;
    },
    async enqueueMany(trx, mails) {
      if (mails.length === 0) return 0;
      const now = clock().toISOString();
      const rows = mails.map((m) => toRow(m, now));
      const insertAll = async (db: Kysely<any> | Transaction<any>) => {
        let inserted = 0;
        for (let i = 0; i < rows.length; i += ENQUEUE_CHUNK) inserted += await insertRows(db, rows.slice(i, i + ENQUEUE_CHUNK));
        return inserted;
      };
      // Several statements: all or none, even when the caller passed a plain handle.
      if (trx.isTransaction || rows.length <= ENQUEUE_CHUNK) return insertAll(trx);
      return trx.transaction().execute(insertAll);
    },
  };
}
