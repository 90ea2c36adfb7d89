// Starts the production server (apps/web/server.mjs) on a free port with a fresh database.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isPostgresUrl, sqlitePath } from "@aftercare/db/open";
import { createTestSchema, type TestSchema, testPostgresUrl } from "@aftercare/db/test-db";
import { inject } from "vitest";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Where the browser suites write their screenshots: the README's docs/screenshots in the SQLite
 * pass; a temp folder in the PostgreSQL pass, so a second pass never rewrites the README images.
 */
export const screenshotDir = testPostgresUrl() ? path.join(os.tmpdir(), "aftercare-e2e-screenshots-pg") : path.join(repoRoot, "docs/screenshots");
const serverFile = path.join(repoRoot, "apps/web/server.mjs");

export interface RunningApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** The SQLite file the server uses; "" when it runs on PostgreSQL. */
  readonly dbFile: string;
  /**
   * The server's DATABASE_URL: `file:<dbFile>`, or the PostgreSQL URL with `?schema=<name>` in
   * the PostgreSQL pass. Read it with the helpers of ./db (`dbAll`, `dbGet`, `dbRun`, `dbCount`).
   */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
  /** `kill -9` of the server (no clean shutdown), waiting for it to exit; `stop()` still cleans up. */
  kill9(): Promise<void>;
  /** The server's process id (for prlimit and the like). */
  readonly pid: number;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Spawns `node apps/web/server.mjs` from a fresh temp dir with its own database, data dir and
 * port, and waits until `/healthz` answers 200. The database is a SQLite file in that dir, or —
 * when AFTERCARE_TEST_POSTGRES_URL is set (the PostgreSQL pass) and the caller passes no
 * DATABASE_URL — a fresh schema of its own in that PostgreSQL database, dropped by `stop()`.
 * (test/hardening reads the SQLite file itself and is not part of the PostgreSQL pass.)
 *
 * @example
 * const app = await startApp({ LOGIN_MAX_FAILURES: "3" });
 * try { await fetch(app.url + "/login"); } finally { await app.stop(); }
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-e2e-app-"));
  const pgUrl = env.DATABASE_URL === undefined ? testPostgresUrl() : undefined;
  let schema: TestSchema | undefined;
  if (pgUrl) {
    try {
      schema = await createTestSchema(pgUrl);
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`AFTERCARE_TEST_POSTGRES_URL is set but no schema could be made in it: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // A caller's own DATABASE_URL wins: its SQLite file, or "" for a PostgreSQL URL.
  const given = env.DATABASE_URL;
  const dbFile = schema || (given !== undefined && isPostgresUrl(given)) ? "" : given !== undefined ? sqlitePath(given) : path.join(dir, "aftercare.db");
  const databaseUrl = given ?? schema?.url ?? `file:${dbFile}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  // The runner's own settings must not leak into the app under test.
  for (const key of ["SMTP_URL", "SESSION_SECRET", "MAIL_FROM", "SEED_DEMO", "MAIL_WORKER", "AFTERCARE_NO_BACKGROUND", "LOG_LEVEL", "SESSION_IDLE_MINUTES", "LOGIN_MAX_FAILURES", "LOGIN_LOCK_MINUTES", "LINK_MAX_FAILURES", "LINK_LOCK_MINUTES", "MAIL_LEASE_SECONDS", "AFTERCARE_TEST_POSTGRES_URL", "TEST_POSTGRES_URL"]) delete childEnv[key];
  for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST")) delete childEnv[key];
  Object.assign(childEnv, {
    // The build the global setup made for this run (apps/web/build when run without it).
    AFTERCARE_BUILD_DIR: inject("buildDir") ?? "build",
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dir,
    PUBLIC_BASE_URL: url,
    AFTERCARE_TEST_PLUGINS: "1",
    ...env,
    DATABASE_URL: databaseUrl,
  });
  let out = "";
  const child = spawn(process.execPath, [serverFile], { cwd: dir, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (out += chunk));
  const done = exited(child);

  const app: RunningApp = {
    url,
    dbFile,
    databaseUrl,
    dataDir: dir,
    output: () => out,
    pid: child.pid!,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await done;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await done;
        clearTimeout(timer);
      }
      // AFTERCARE_E2E_SERVER_LOG_DIR keeps each server's output (errors of background jobs that no
      // page shows), one file per run.
      const logDir = process.env.AFTERCARE_E2E_SERVER_LOG_DIR;
      if (logDir) {
        fs.mkdirSync(logDir, { recursive: true });
        fs.writeFileSync(path.join(logDir, `server-${port}-${schema ? "postgres" : "sqlite"}.log`), out);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      // After the server is gone: its pool no longer holds the schema.
      const dropping = schema;
      schema = undefined;
      await dropping?.drop();
    },
  };

  const deadline = Date.now() + 30_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await app.stop();
      throw new Error(`The server exited (code ${child.exitCode}, signal ${child.signalCode}) before /healthz answered. Its output:\n${out}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return app;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await app.stop();
  throw new Error(`The server at ${url} did not answer /healthz with 200 within 30 s (last: ${last}). Its output:\n${out}`);
}
