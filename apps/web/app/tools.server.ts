import { createHost } from "@aftercare/core/host.server";
import { parseConfig } from "@aftercare/core/config.server";
import { copyToPostgres, type CopyReport } from "@aftercare/db/copy-to-postgres";
import { isPostgresUrl, openDatabase } from "@aftercare/db/open";
import { sql } from "kysely";
import { installedPlugins, withTestPlugins } from "./plugins";

/** One table of a move to PostgreSQL: rows read from SQLite and rows counted in PostgreSQL afterwards. */
export interface MovedTable {
  readonly name: string;
  readonly rows: number;
  readonly counted: number;
}

/**
 * `npm run db:migrate-to-pg` (scripts/migrate-to-pg.mjs) runs this inside the production build, so
 * it migrates with exactly the installed plugins. The PostgreSQL database must already be
 * migrated (the script does it by starting the build's host on it); the SQLite one is brought up
 * to date here the way starting the app would, then copied table by table in one transaction and
 * counted again on both sides.
 */
export async function migrateToPostgres(props: { from: string; to: string; progress?: (table: string, rows: number) => void }): Promise<MovedTable[]> {
  if (isPostgresUrl(props.from)) throw new Error("--from must be a SQLite database (file:…)");
  if (!isPostgresUrl(props.to)) throw new Error("--to must be a PostgreSQL URL (postgres://…)");
  const plugins = await withTestPlugins(installedPlugins);
  const current = await createHost({ config: parseConfig({ ...process.env, DATABASE_URL: props.from, SEED_DEMO: "false" }), plugins, background: false });
  await current.close();
  const source = openDatabase({ url: props.from });
  const target = openDatabase({ url: props.to });
  try {
    const report: CopyReport = await copyToPostgres({ source, target, mustBeEmpty: "users", progress: props.progress });
    const moved: MovedTable[] = [];
    for (const table of report.tables) {
      const counted = await target.selectFrom(table.name).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      moved.push({ ...table, counted: Number(counted.n) });
    }
    return moved;
  } finally {
    await source.destroy();
    await target.destroy();
  }
}
