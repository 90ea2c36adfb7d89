import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.server";

const SECRET = "s".repeat(32);
let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-config-"));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** The ConfigError the environment raises, or a failure when it raises none. */
function errorOf(env: Record<string, string>): ConfigError {
  try {
    parseConfig({ DATA_DIR: dataDir, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("fills in the documented defaults", () => {
    const config = parseConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET });
    expect(config).toEqual({
      port: 3000,
      databaseUrl: "file:./data/aftercare.db",
      smtpUrl: null,
      mailFrom: "Aftercare <aftercare@localhost>",
      publicBaseUrl: "http://localhost:3000",
      sessionSecret: SECRET,
      dataDir,
      sessionIdleMinutes: 120,
      sessionAbsoluteHours: 12,
      loginMaxFailures: 5,
      loginLockMinutes: 15,
      linkMaxFailures: 30,
      linkLockMinutes: 15,
      seedDemo: true,
      mailWorker: true,
      mailLeaseSeconds: 300,
      logLevel: "info",
    });
  });

  it("defaults DATA_DIR to ./data under the working directory", () => {
    expect(parseConfig({ SESSION_SECRET: SECRET }).dataDir).toBe(path.resolve("data"));
  });

  it("reads given values: the port feeds the default base URL, a trailing slash is dropped, flags take yes/no words", () => {
    expect(parseConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET, PORT: "8080" }).publicBaseUrl).toBe("http://localhost:8080");
    const config = parseConfig({
      DATA_DIR: dataDir,
      SESSION_SECRET: SECRET,
      PUBLIC_BASE_URL: "https://service.example.com/",
      SMTP_URL: "smtps://mailer:pw@smtp.example.com:465",
      SEED_DEMO: "no",
      MAIL_WORKER: "off",
      LOGIN_MAX_FAILURES: "3",
      LINK_MAX_FAILURES: "50",
      LINK_LOCK_MINUTES: "60",
      MAIL_LEASE_SECONDS: "30",
    });
    expect(config).toMatchObject({
      publicBaseUrl: "https://service.example.com",
      smtpUrl: "smtps://mailer:pw@smtp.example.com:465",
      seedDemo: false,
      mailWorker: false,
      loginMaxFailures: 3,
      linkMaxFailures: 50,
      linkLockMinutes: 60,
      mailLeaseSeconds: 30,
    });
  });

  it("reports every bad variable at once", () => {
    const error = errorOf({
      PORT: "abc",
      DATABASE_URL: "mysql://x",
      SMTP_URL: "nonsense",
      PUBLIC_BASE_URL: "ftp://x",
      SESSION_SECRET: "too-short",
    });

    expect(error.problems).toHaveLength(5);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'PORT must be a whole number from 1 to 65535 (got "abc")',
        'DATABASE_URL must start with file: (SQLite) or postgres:// (got "mysql://x")',
        expect.stringMatching(/^SMTP_URL must look like .*\(got "nonsense"\)$/),
        expect.stringMatching(/^PUBLIC_BASE_URL must be an http\(s\) URL .*\(got "ftp:\/\/x"\)$/),
        "SESSION_SECRET must be at least 32 characters long",
      ]),
    );
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it("reports bad numbers and flags with their names", () => {
    const error = errorOf({ SESSION_SECRET: SECRET, PORT: "70000", SESSION_IDLE_MINUTES: "1.5", LINK_MAX_FAILURES: "0", SEED_DEMO: "maybe", MAIL_LEASE_SECONDS: "1" });
    expect(error.problems).toEqual([
      'PORT must be a whole number from 1 to 65535 (got "70000")',
      'SESSION_IDLE_MINUTES must be a whole number from 1 to 43200 (got "1.5")',
      'LINK_MAX_FAILURES must be a whole number from 1 to 100000 (got "0")',
      'SEED_DEMO must be true or false (got "maybe")',
      'MAIL_LEASE_SECONDS must be a whole number from 2 to 86400 (got "1")',
    ]);
  });

  it("does not echo the SMTP or database password in the error", () => {
    for (const smtp of [
      "smtp//mailer:Hunter2Secret@smtp.example.com:587",
      "SMTP://mailer:Hunter2Secret@smtp.example.com:587",
      "mailer:Hunter2Secret@smtp.example.com:587",
      "smtpx://mailer:Hunter2/Secret@smtp.example.com",
      "smtpx://mailer:Hunter2@Secret@smtp.example.com",
    ]) {
      const error = errorOf({ SESSION_SECRET: SECRET, SMTP_URL: smtp });
      expect(error.problems).toHaveLength(1);
      expect(error.message).not.toContain("Hunter2");
      expect(error.message).not.toContain("Secret@");
      expect(error.message).toContain("smtp.example.com");
    }
    const db = errorOf({ SESSION_SECRET: SECRET, DATABASE_URL: "mysql://root:Hunter2Secret@db.example.com/aftercare" });
    expect(db.message).not.toContain("Hunter2");
    expect(db.message).toContain('got "mysql://***@db.example.com/aftercare"');
  });

  it("generates a session secret into DATA_DIR/session-secret and reuses it on the next call", () => {
    const first = parseConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, "session-secret");

    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(file, "utf8").trim()).toBe(first.sessionSecret);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    expect(parseConfig({ DATA_DIR: dataDir }).sessionSecret).toBe(first.sessionSecret);
  });

  it("creates DATA_DIR when it does not exist yet", () => {
    const nested = path.join(dataDir, "a", "b");
    const config = parseConfig({ DATA_DIR: nested });
    expect(fs.readFileSync(path.join(nested, "session-secret"), "utf8").trim()).toBe(config.sessionSecret);
  });

  it("writes no secret file when the configuration is invalid", () => {
    errorOf({ PORT: "abc" });
    expect(fs.existsSync(path.join(dataDir, "session-secret"))).toBe(false);
    errorOf({ LOGIN_LOCK_MINUTES: "0" });
    expect(fs.existsSync(path.join(dataDir, "session-secret"))).toBe(false);
  });

  it("prefers SESSION_SECRET over the file", () => {
    parseConfig({ DATA_DIR: dataDir });
    expect(parseConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET }).sessionSecret).toBe(SECRET);
  });
});
