import { defineConfig } from "vitest/config";

// The PostgreSQL pass of the database, mail, core and plugin suites (`npm test` runs it when
// TEST_POSTGRES_URL is set). The same files as the SQLite pass, less the SQLite-only ones, plus
// the PostgreSQL-only ones (*.pg.test.ts).
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["packages/{db,core,mail}/src/**/*.test.{ts,tsx}", "plugins/*/src/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/*.sqlite.test.{ts,tsx}"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
