import { defineConfig } from "vitest/config";

// The browser suite: builds the production app once (global setup) and drives it with chromium.
export default defineConfig({
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["e2e/**/*.test.ts", "scale-out/**/*.test.ts", "bench/**/*.smoke.test.ts", "hardening/**/*.test.ts"],
    // PostgreSQL-only files run in the PostgreSQL pass (AFTERCARE_TEST_POSTGRES_URL set by npm test).
    exclude: process.env.AFTERCARE_TEST_POSTGRES_URL ? ["**/node_modules/**"] : ["**/node_modules/**", "**/*.pg.test.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
