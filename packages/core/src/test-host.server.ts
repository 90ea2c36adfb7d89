import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AftercarePlugin } from "@aftercare/plugin-api";
import { createTestSchema, testPostgresUrl } from "@aftercare/db/test-db";
import { parseConfig } from "./config.server";
import { createHost, type Host } from "./host.server";

export interface TestHostProps {
  readonly plugins?: readonly AftercarePlugin[];
  readonly clock?: () => Date;
  /** Seed the demo data (default false). */
  readonly seedDemo?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

export interface TestHost extends Host {
  readonly dir: string;
  /** The SQLite file, or "" in the PostgreSQL pass. */
  readonly dbFile: string;
  /** The database this host uses; pass it as `env.DATABASE_URL` to open a second host on it. */
  readonly databaseUrl: string;
  /** Closes the host and deletes its folder. */
  destroy(): Promise<void>;
}

/**
 * A real host over a fresh database (a SQLite file in a temp folder, or a schema of its own in the
 * PostgreSQL pass) with no background work (no mail worker,
 * no catcher, no scheduled jobs running by themselves: call `host.runJob(name)`).
 *
 * @example
 * const host = await createTestHost({ plugins: [satisfactionPlugin] });
 * afterEach(() => host.destroy());
 */
export async function createTestHost(props: TestHostProps = {}): Promise<TestHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-host-"));
  const pgUrl = testPostgresUrl();
  // A host opened on another host's database (env.DATABASE_URL) leaves that database to its owner.
  const schema = pgUrl && !props.env?.DATABASE_URL ? await createTestSchema(pgUrl) : null;
  const dbFile = schema ? "" : path.join(dir, "test.db");
  const config = parseConfig({
    DATA_DIR: dir,
    DATABASE_URL: schema ? schema.url : `file:${dbFile}`,
    PUBLIC_BASE_URL: "http://aftercare.test",
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123456789",
    SEED_DEMO: props.seedDemo ? "true" : "false",
    LOG_LEVEL: "silent",
    ...props.env,
  });
  const host = await createHost({ config, plugins: props.plugins ?? [], background: false, clock: props.clock });
  return Object.assign(host, {
    dir,
    dbFile: props.env?.DATABASE_URL?.startsWith("file:") ? props.env.DATABASE_URL.slice("file:".length) : dbFile,
    databaseUrl: config.databaseUrl,
    async destroy() {
      await host.close();
      await schema?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}
