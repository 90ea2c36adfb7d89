// Builds the production app and starts `apps/web/server.mjs` on a free loopback port over a
// scratch database, the way the e2e suite does (test/e2e/support/app.ts), plus RSS sampling.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const webDir = path.join(repoRoot, "apps/web");
const serverFile = path.join(webDir, "server.mjs");

/** The secret every bench server runs with, so the harness can mint links, CSRF tokens and sessions. */
export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret-0123456789";

/** A fresh temp folder (never ./data). */
export function scratchDir(prefix = "aftercare-bench-") {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * `npx remix vite:build` in apps/web into `apps/web/<buildDir>` (never `build`, which a running
 * app may be using). Returns the build's wall time in ms.
 */
export function buildApp(buildDir = "build-bench", env = {}) {
  if (buildDir === "build") throw new Error("The bench never builds into apps/web/build");
  const started = Date.now();
  const childEnv = { ...process.env, NODE_ENV: "production", AFTERCARE_BUILD_DIR: buildDir, ...env };
  for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST")) delete childEnv[key];
  const result = spawnSync("npx", ["remix", "vite:build"], { cwd: webDir, env: childEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    throw new Error(`The production build failed (npx remix vite:build, exit ${result.status ?? result.error?.message}):\n${result.stdout}\n${result.stderr}`);
  }
  return Date.now() - started;
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until GET `url` answers 200, or throws after `timeoutMs` (or when `isDead()` says so). */
export async function waitForOk(url, { timeoutMs = 60_000, isDead = () => null } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/**
 * The node flags of the production start command — the root `package.json`'s `"start": "npm run
 * build && node <flags> apps/web/server.mjs"` (or else apps/web's `"node <flags> server.mjs"`) —
 * so the bench runs the server exactly as it is launched: a V8 setting such as a heap limit can
 * only be given there, not from inside server.mjs.
 */
export function startFlags() {
  const flagsOf = (file, pattern) => {
    try {
      const start = JSON.parse(fs.readFileSync(file, "utf8")).scripts?.start ?? "";
      const m = start.match(pattern);
      return m ? m[1].split(/\s+/).filter((flag) => flag.startsWith("--")) : null;
    } catch {
      return null;
    }
  };
  return (
    flagsOf(path.join(repoRoot, "package.json"), /\bnode\s+((?:--\S+\s+)*)apps\/web\/server\.mjs\b/) ??
    flagsOf(path.join(webDir, "package.json"), /^node\s+((?:--\S+\s+)*)server\.mjs\b/) ??
    []
  );
}

/**
 * Starts the production server over `dbFile` (created and migrated on first start) with the bench
 * secret, no demo data and the built-in SMTP catcher. `stop()` ends only this child.
 */
export async function startServer({ buildDir = "build-bench", dataDir, dbFile, databaseUrl = null, env = {}, nodeArgs = [], script = serverFile, onOutput = null }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const childEnv = { ...process.env };
  for (const key of ["SMTP_URL", "SESSION_SECRET", "MAIL_FROM", "SEED_DEMO", "MAIL_WORKER", "AFTERCARE_TEST_PLUGINS", "AFTERCARE_NO_BACKGROUND", "LOG_LEVEL"]) delete childEnv[key];
  for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST")) delete childEnv[key];
  Object.assign(childEnv, {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? `file:${dbFile}`,
    PUBLIC_BASE_URL: url,
    SESSION_SECRET: BENCH_SECRET,
    SEED_DEMO: "false",
    AFTERCARE_BUILD_DIR: buildDir,
    ...env,
  });
  let out = "";
  const child = spawn(process.execPath, [...startFlags(), ...nodeArgs, script], { cwd: dataDir, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk) => {
    out = (out + chunk).slice(-200_000);
    onOutput?.(String(chunk));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const server = {
    url,
    pid: child.pid,
    dbFile,
    databaseUrl: databaseUrl ?? `file:${dbFile}`,
    output: () => out,
    /** Resident memory of the server process in MB (from /proc), or null once it has exited. */
    rssMb: () => rssMb(child.pid),
    /** CPU time (user + system) the server process has used so far, in ms (10 ms resolution). */
    cpuMs: () => cpuMs(child.pid),
    async stop() {
      if (alive()) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => alive() && child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  try {
    await waitForOk(`${url}/healthz`, { isDead: () => (alive() ? null : `The server exited (code ${child.exitCode}) before /healthz answered:\n${out}`) });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** utime + stime of a process in ms (from /proc, clock ticks of 10 ms), or NaN. */
export function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** VmRSS of a process in MB, or null. */
export function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples a server's RSS every `everyMs` until stopped. `peak()` is the largest sample so far;
 * `mark(name)` records the largest sample since the previous mark under `name` (see `byMark()`).
 */
export function sampleRss(server, everyMs = 200) {
  let peak = 0;
  let sincePeak = 0;
  let samples = 0;
  const marks = {};
  const take = () => {
    const mb = server.rssMb();
    if (mb !== null) {
      samples++;
      if (mb > peak) peak = mb;
      if (mb > sincePeak) sincePeak = mb;
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    peak: () => peak,
    samples: () => samples,
    byMark: () => ({ ...marks }),
    mark(name) {
      take();
      marks[name] = sincePeak;
      sincePeak = 0;
    },
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/**
 * Starts a reference server (lib/reference-server.mjs) as its own process, like the app.
 * `env` carries its MODE and settings. Resolves once it listens.
 */
export async function startReference(env) {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "reference-server.mjs");
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const port = await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    child.stderr.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => reject(new Error(`The reference server exited (code ${code}):\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    rssMb: () => rssMb(child.pid),
    output: () => out,
    async stop() {
      if (alive()) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => alive() && child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
