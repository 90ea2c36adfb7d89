import nodemailer from "nodemailer";
import type { SMTPPoolOptions } from "nodemailer";

/** The URL with its password hidden, for error messages and logs. */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

/**
 * Parses `smtp://user:pass@host:port` (STARTTLS when the server offers it, default port 587) or
 * `smtps://user:pass@host:port` (TLS from the start, default port 465) into pooled nodemailer
 * options: 5 connections, timeouts well under the outbox lease. User and password may be
 * percent-encoded. Throws an Error naming the problem (password redacted) for anything else.
 *
 * @example
 * smtpOptionsFromUrl("smtps://mailer:s3cret@smtp.example.com") // { host: "smtp.example.com", port: 465, secure: true, … }
 */
export function smtpOptionsFromUrl(url: string): SMTPPoolOptions & { pool: true } {
  const shown = redactSmtpUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`SMTP URL is malformed: "${shown}" (expected smtp://user:password@host:587 or smtps://user:password@host:465)`);
  }
  const secure = parsed.protocol === "smtps:";
  if (!secure && parsed.protocol !== "smtp:") {
    throw new Error(`SMTP URL must start with smtp:// or smtps:// (got "${shown}")`);
  }
  if (!parsed.hostname) throw new Error(`SMTP URL has no host: "${shown}"`);
  if (parsed.search || parsed.hash || (parsed.pathname && parsed.pathname !== "/")) {
    throw new Error(`SMTP URL must not have a path, query or fragment: "${shown}"`);
  }
  let user: string;
  let pass: string;
  try {
    user = decodeURIComponent(parsed.username);
    pass = decodeURIComponent(parsed.password);
  } catch {
    throw new Error(`SMTP URL has a badly percent-encoded user or password: "${shown}"`);
  }
  return {
    pool: true,
    maxConnections: 5,
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: user || pass ? { user, pass } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
}

/**
 * A pooled nodemailer transport for an SMTP URL (see `smtpOptionsFromUrl`).
 *
 * @example
 * const transport = createTransportFromUrl(process.env.SMTP_URL!);
 */
export function createTransportFromUrl(url: string) {
  return nodemailer.createTransport(smtpOptionsFromUrl(url));
}
