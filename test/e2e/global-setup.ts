// Global setup of the browser suite: builds the production app once, with the test plugin mounted.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const CHROMIUM = "/usr/bin/chromium";
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../apps/web");

export default function setup(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\``);
  }
  // vitest's own variables must not reach the build: vite.config drops the Remix plugin under VITEST.
  const env: NodeJS.ProcessEnv = { ...process.env, AFTERCARE_TEST_PLUGINS: "1", NODE_ENV: "production" };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
  const result = spawnSync("npx", ["remix", "vite:build"], {
    cwd: webDir,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim();
    throw new Error(
      `The production build failed (npx remix vite:build in ${webDir}, exit ${result.status ?? result.error?.message}):\n${output}`,
    );
  }
}
