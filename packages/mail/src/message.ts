import { createHash } from "node:crypto";
import type { SendMailOptions } from "nodemailer";
import { safeHeader } from "./layout";
import type { MailOutboxTable } from "./migrations";

/** Headers the outbox sets itself; an enqueued mail cannot override them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "from", "sender", "to", "cc", "bcc", "subject", "message-id", "date", "return-path",
  "mime-version", "content-type", "content-transfer-encoding",
]);

/** The domain of a From value (`Name <a@b.example>` or `a@b.example`), or `localhost`. */
function fromDomain(from: string): string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf("@") + 1).trim().toLowerCase();
  return /^[a-z0-9.-]+$/.test(domain) && address.includes("@") ? domain : "localhost";
}

/**
 * The Message-ID of an outbox mail: a hash of its idempotency key at the sender's domain. Every
 * retry of the same mail carries the same id, so a receiver that saw it once can drop a repeat.
 *
 * @example
 * messageIdFor("campaign:7:invite:42", "Aftercare <noreply@example.com>")
 * // "<5f0c…@example.com>"
 */
export function messageIdFor(key: string, from: string): string {
  const hash = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 40);
  return `<${hash}.outbox@${fromDomain(from)}>`;
}

function extraHeaders(json: string | null): Record<string, string> {
  if (!json) return {};
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (RESERVED_HEADERS.has(name.toLowerCase()) || typeof value !== "string") continue;
    headers[name] = safeHeader(value);
  }
  return headers;
}

type OutboxRow = Pick<MailOutboxTable, "idempotency_key" | "to_addr" | "to_name" | "subject" | "html" | "text" | "headers_json">;

/**
 * The nodemailer message for an outbox row: header values stripped of line breaks, a stable
 * Message-ID, and the row's extra headers except the ones the outbox owns.
 */
export function buildMessage(row: OutboxRow, from: string): SendMailOptions {
  return {
    from,
    to: row.to_name ? { name: safeHeader(row.to_name), address: row.to_addr } : row.to_addr,
    subject: safeHeader(row.subject),
    html: row.html,
    text: row.text,
    messageId: messageIdFor(row.idempotency_key, from),
    headers: extraHeaders(row.headers_json),
  };
}
