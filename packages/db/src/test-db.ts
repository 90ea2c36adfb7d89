import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { openDatabase } from "./open";
import { migrateAll, type MigrationSet } from "./migrate";

export interface TestDatabase<DB> {
  readonly db: Kysely<DB>;
  readonly url: string;
  readonly file: string;
  /** Closes the connection and deletes the file. */
  destroy(): Promise<void>;
}

/**
 * A fresh SQLite file in a temp folder, migrated with the given sets. Every test gets its own.
 *
 * @example
 * const t = await createTestDatabase([coreMigrationSet]);
 * afterEach(() => t.destroy());
 */
export async function createTestDatabase<DB = any>(sets: readonly MigrationSet[] = []): Promise<TestDatabase<DB>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-db-"));
  const file = path.join(dir, "test.db");
  const url = `file:${file}`;
  const db = openDatabase<DB>({ url });
  await migrateAll(db, sets);
  return {
    db,
    url,
    file,
    async destroy() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
