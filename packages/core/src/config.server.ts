import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Settings read from environment variables at start-up. */
export interface Config {
  readonly port: number;
  readonly databaseUrl: string;
  /** Unset: the built-in SMTP catcher is started. */
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  /** Base of every link in emails; never taken from the request. */
  readonly publicBaseUrl: string;
  readonly sessionSecret: string;
  readonly dataDir: string;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  readonly loginMaxFailures: number;
  readonly loginLockMinutes: number;
  /** Invalid personal-link requests a client address may make before it is locked out (HTTP 429). */
  readonly linkMaxFailures: number;
  readonly linkLockMinutes: number;
  /** Seed demo data when the database is empty. */
  readonly seedDemo: boolean;
  /** Run the outbox worker in this process. */
  readonly mailWorker: boolean;
  /** How long the outbox worker's claim on a mail lasts; a mail left by a killed worker is sent again after it. */
  readonly mailLeaseSeconds: number;
  readonly logLevel: "silent" | "info";
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every setting.`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

/** Hides the user-info part (`user:password@`) of a URL-like value before it is echoed in an error. */
function redactUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, "$1***@");
}

/** Checks SESSION_SECRET when it is given (the length rule applies even when other settings are bad). */
function checkSessionSecret(env: Env, problems: string[]): void {
  const given = env.SESSION_SECRET;
  if (given !== undefined && given !== "" && given.length < 32) problems.push("SESSION_SECRET must be at least 32 characters long");
}

/** The session secret from SESSION_SECRET, or from (or into) `<dataDir>/session-secret`. Call once the config is valid. */
function sessionSecret(env: Env, dataDir: string): string {
  const given = env.SESSION_SECRET;
  if (given !== undefined && given !== "") return given;
  const file = path.join(dataDir, "session-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // created below
  }
  const secret = crypto.randomBytes(32).toString("base64url");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * Validates the environment; throws a ConfigError listing every bad variable at once.
 *
 * @example
 * const config = parseConfig(process.env);
 */
export function parseConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const port = integer(env, "PORT", 3000, 1, 65535, problems);
  const databaseUrl = env.DATABASE_URL || "file:./data/aftercare.db";
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with file: (SQLite) or postgres:// (got "${redactUserinfo(databaseUrl)}")`);
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\/[^\s/]+/.test(smtpUrl)) {
    problems.push(`SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465 (got "${redactUserinfo(smtpUrl)}")`);
  }
  const mailFrom = env.MAIL_FROM || "Aftercare <aftercare@localhost>";
  if (!/^[^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>$|^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address like "Service <service@example.com>" (got "${mailFrom}")`);
  }
  let publicBaseUrl = env.PUBLIC_BASE_URL || `http://localhost:${port}`;
  try {
    const url = new URL(publicBaseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("protocol");
    publicBaseUrl = publicBaseUrl.replace(/\/+$/, "");
  } catch {
    problems.push(`PUBLIC_BASE_URL must be an http(s) URL such as https://service.example.com (got "${publicBaseUrl}")`);
  }
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const logLevel = env.LOG_LEVEL === "silent" ? "silent" : "info";
  const sessionIdleMinutes = integer(env, "SESSION_IDLE_MINUTES", 120, 1, 60 * 24 * 30, problems);
  const sessionAbsoluteHours = integer(env, "SESSION_ABSOLUTE_HOURS", 12, 1, 24 * 90, problems);
  const loginMaxFailures = integer(env, "LOGIN_MAX_FAILURES", 5, 1, 1000, problems);
  const loginLockMinutes = integer(env, "LOGIN_LOCK_MINUTES", 15, 1, 60 * 24, problems);
  const linkMaxFailures = integer(env, "LINK_MAX_FAILURES", 30, 1, 100_000, problems);
  const linkLockMinutes = integer(env, "LINK_LOCK_MINUTES", 15, 1, 60 * 24, problems);
  const seedDemo = flag(env, "SEED_DEMO", true, problems);
  const mailWorker = flag(env, "MAIL_WORKER", true, problems);
  const mailLeaseSeconds = integer(env, "MAIL_LEASE_SECONDS", 300, 2, 86_400, problems);
  checkSessionSecret(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const config: Config = {
    port,
    databaseUrl,
    smtpUrl,
    mailFrom,
    publicBaseUrl,
    // Only now, with every setting valid, may a secret file be created.
    sessionSecret: sessionSecret(env, dataDir),
    dataDir,
    sessionIdleMinutes,
    sessionAbsoluteHours,
    loginMaxFailures,
    loginLockMinutes,
    linkMaxFailures,
    linkLockMinutes,
    seedDemo,
    mailWorker,
    mailLeaseSeconds,
    logLevel,
  };
  return config;
}
