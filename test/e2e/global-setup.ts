// Global setup of the browser suite: builds the production app once, with the test plugin mounted,
// into its own folder (apps/web/build-e2e-<pid>, git-ignored), so a run never replaces the files of
// a running app or of another run. The tests get the folder through `inject("buildDir")`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

export const CHROMIUM = "/usr/bin/chromium";
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../apps/web");

declare module "vitest" {
  export interface ProvidedContext {
    /** The production build for this run, relative to apps/web (the server's AFTERCARE_BUILD_DIR). */
    buildDir: string;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes build folders left by runs that were killed before their teardown. */
function removeStaleBuilds(): void {
  for (const name of fs.readdirSync(webDir)) {
    const match = /^build-e2e-(\d+)$/.exec(name);
    if (match && !alive(Number(match[1]))) fs.rmSync(path.join(webDir, name), { recursive: true, force: true });
  }
}

export default function setup(project: TestProject): () => void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\``);
  }
  removeStaleBuilds();
  const buildDir = `build-e2e-${process.pid}`;
  // vitest's own variables must not reach the build: vite.config drops the Remix plugin under VITEST.
  const env: NodeJS.ProcessEnv = { ...process.env, AFTERCARE_TEST_PLUGINS: "1", AFTERCARE_BUILD_DIR: buildDir, NODE_ENV: "production" };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
  const result = spawnSync("npx", ["remix", "vite:build"], { cwd: webDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    fs.rmSync(path.join(webDir, buildDir), { recursive: true, force: true });
    const output = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim();
    throw new Error(`The production build failed (npx remix vite:build in ${webDir}, exit ${result.status ?? result.error?.message}):\n${output}`);
  }
  project.provide("buildDir", buildDir);
  return () => fs.rmSync(path.join(webDir, buildDir), { recursive: true, force: true });
}
