import type { AddressInfo } from "node:net";
import type { Kysely, Selectable } from "kysely";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Logger } from "@aftercare/plugin-api/index";
import type { MailCaughtTable, MailTables } from "./migrations";

/** Largest message the catcher takes (the SIZE it announces). */
export const CATCHER_MAX_BYTES = 10 * 1024 * 1024;

export interface MailCatcherProps {
  readonly db: Kysely<any>;
  /** Default 127.0.0.1: the catcher has no authentication, keep it on loopback. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Largest message accepted; default CATCHER_MAX_BYTES (10 MB). */
  readonly maxBytes?: number;
  readonly clock?: () => Date;
  readonly logger?: Logger;
}

export interface MailCatcher {
  readonly port: number;
  /** `smtp://127.0.0.1:PORT`, ready for `createTransportFromUrl`. */
  readonly url: string;
  /** Stops listening; open client connections get a few seconds to finish. */
  close(): Promise<void>;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function store(db: Kysely<MailTables>, raw: Buffer, session: SMTPServerSession, receivedAt: string): Promise<void> {
  // textAsHtml (the text part turned into HTML, with a link search over it) is never stored: skip it.
  const parsed = await simpleParser(raw, { skipTextToHtml: true });
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
  await db
    .insertInto("mail_caught")
    .values({
      received_at: receivedAt,
      from_addr: parsed.from?.text || envelopeFrom,
      to_addrs: JSON.stringify(session.envelope.rcptTo.map((r) => r.address)),
      subject: parsed.subject ?? null,
      html: typeof parsed.html === "string" ? parsed.html : null,
      text: parsed.text ?? null,
      headers_json: JSON.stringify(parsed.headerLines.map((h) => ({ key: h.key, line: h.line }))),
      raw: raw.toString("utf8"),
    })
    .execute();
}

/**
 * The built-in SMTP catcher for installs without SMTP_URL: an SMTP server on localhost that
 * accepts every message (authentication optional and never checked, no TLS, 10 MB limit) and stores it in `mail_caught`, where
 * the admin page reads it. A message is acknowledged only once it is stored.
 *
 * @example
 * const catcher = await startMailCatcher({ db });
 * const worker = createOutboxWorker({ db, transport: createTransportFromUrl(catcher.url), from });
 */
export async function startMailCatcher(props: MailCatcherProps): Promise<MailCatcher> {
  const db = props.db as Kysely<MailTables>;
  const host = props.host ?? "127.0.0.1";
  const clock = props.clock ?? (() => new Date());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    // Any credentials are fine: an SMTP_URL with a user and password can point here too.
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "catcher" });
    },
    size: props.maxBytes ?? CATCHER_MAX_BYTES,
    banner: "Aftercare mail catcher",
    logger: false,
    closeTimeout: 3_000,
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) throw smtpError("Message exceeds the catcher's size limit", 552);
          await store(db, raw, session, clock().toISOString());
        })
        .then(
          () => callback(),
          (err: Error & { responseCode?: number }) => {
            if (!err.responseCode) props.logger?.error("mail catcher could not store a message", { error: err.message });
            callback(err.responseCode ? err : smtpError("Could not store the message, try again later", 451));
          },
        );
    },
  });
  server.on("error", (err) => props.logger?.warn("mail catcher connection error", { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(props.port ?? 0, host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    port,
    url: `smtp://${urlHost}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A caught message in a list. */
export interface CaughtSummary {
  readonly id: number;
  readonly receivedAt: string;
  readonly from: string | null;
  readonly to: readonly string[];
  readonly subject: string | null;
}

/** A caught message in full. `html` is the sender's HTML: show it only in a sandboxed iframe. */
export interface CaughtMail extends CaughtSummary {
  readonly html: string | null;
  readonly text: string | null;
  readonly headers: readonly { readonly key: string; readonly line: string }[];
  readonly raw: string;
}

export interface ListCaughtProps {
  /** 1-based. */
  readonly page: number;
  /** 1–100. */
  readonly pageSize: number;
}

export interface CaughtPage {
  readonly items: readonly CaughtSummary[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

function summary(row: Pick<Selectable<MailCaughtTable>, "id" | "received_at" | "from_addr" | "to_addrs" | "subject">): CaughtSummary {
  return { id: row.id, receivedAt: row.received_at, from: row.from_addr, to: JSON.parse(row.to_addrs) as string[], subject: row.subject };
}

/**
 * One page of caught mail, newest first, with the total count.
 *
 * @example
 * const { items, total } = await listCaught(db, { page: 1, pageSize: 20 });
 */
export async function listCaught(db: Kysely<any>, props: ListCaughtProps): Promise<CaughtPage> {
  const pageSize = Math.min(100, Math.max(1, Math.floor(props.pageSize) || 20));
  const page = Math.max(1, Math.floor(props.page) || 1);
  const mdb = db as Kysely<MailTables>;
  const rows = await mdb
    .selectFrom("mail_caught")
    .select(["id", "received_at", "from_addr", "to_addrs", "subject"])
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const { total } = await mdb.selectFrom("mail_caught").select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  return { items: rows.map(summary), total: Number(total), page, pageSize };
}

/**
 * One caught message, or undefined.
 *
 * @example
 * const mail = await getCaught(db, 7);
 */
export async function getCaught(db: Kysely<any>, id: number): Promise<CaughtMail | undefined> {
  const row = await (db as Kysely<MailTables>).selectFrom("mail_caught").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return {
    ...summary(row),
    html: row.html,
    text: row.text,
    headers: JSON.parse(row.headers_json) as CaughtMail["headers"],
    raw: row.raw,
  };
}
