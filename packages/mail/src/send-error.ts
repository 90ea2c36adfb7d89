/** How a failed send is handled: retried later, or given up at once. */
export type SendErrorKind = "transient" | "permanent";

/** Nodemailer error codes that carry no SMTP reply and would fail the same way on every retry. */
const PERMANENT_CODES: ReadonlySet<string> = new Set(["EENVELOPE", "EMAXRECIPIENTS", "EFILEACCESS", "EURLACCESS", "EOTP"]);

/**
 * Classifies an error thrown by nodemailer's `sendMail`.
 *
 * - An SMTP reply decides when there is one (`responseCode`): 5xx is permanent, except 503 (bad
 *   sequence of commands, a client/session problem), as nodemailer's own `isPermanentResponseCode`;
 *   4xx and anything else is transient.
 * - Without a reply, connection problems (ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, ETLS, …) and unknown
 *   errors are transient (bounded by the worker's maxAttempts); an envelope nodemailer itself refuses
 *   (no valid recipient) is permanent.
 *
 * @example
 * classifySendError(Object.assign(new Error("451 try later"), { responseCode: 451 })) // "transient"
 */
export function classifySendError(err: unknown): SendErrorKind {
  const e = (err ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === "number" && e.responseCode > 0) {
    return e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503 ? "permanent" : "transient";
  }
  return typeof e.code === "string" && PERMANENT_CODES.has(e.code) ? "permanent" : "transient";
}

/** The reason stored in `last_error`: the message (which includes the server's reply), bounded. */
export function describeSendError(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | null;
  const message = e && typeof e.message === "string" ? e.message : String(err);
  const code = e && typeof e.code === "string" && !message.includes(e.code) ? `${e.code}: ` : "";
  const text = `${code}${message}`.replace(/\s+/g, " ").trim();
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}
