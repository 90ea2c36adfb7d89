import { defineConfig } from "vitest/config";

// The browser suite: builds the production app once (global setup) and drives it with chromium.
export default defineConfig({
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["e2e/**/*.test.ts", "bench/**/*.smoke.test.ts", "hardening/**/*.test.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
