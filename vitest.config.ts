import { defineConfig } from "vitest/config";

// Unit and integration suites of every package, plugin and the host.
// The browser suite has its own config in test/vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.{ts,tsx}",
      "plugins/*/src/**/*.test.{ts,tsx}",
      "apps/web/app/**/*.test.{ts,tsx}",
      "test/fixtures/*/src/**/*.test.{ts,tsx}",
    ],
    // PostgreSQL-only files run in the PostgreSQL pass (test/vitest.pg.config.ts).
    exclude: ["**/node_modules/**", "**/*.pg.test.{ts,tsx}"],
    environment: "node",
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
