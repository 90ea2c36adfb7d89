import { type Kysely, sql } from "kysely";
import { isPostgres } from "./dialect";

/** What `copyToPostgres` did, table by table. */
export interface CopyReport {
  readonly tables: readonly { readonly name: string; readonly rows: number }[];
}

export interface CopyProps {
  /** The SQLite database, migrated to the same version as the target. */
  readonly source: Kysely<any>;
  /** The PostgreSQL database, freshly migrated by the app and holding no one's data yet. */
  readonly target: Kysely<any>;
  /** A table that must be empty in the target, proving nobody uses it yet (the app passes "users"). */
  readonly mustBeEmpty: string;
  /** Rows per INSERT (default 500). */
  readonly batchSize?: number;
  /** Told after each table. */
  readonly progress?: (table: string, rows: number) => void;
}

interface TablePlan {
  readonly name: string;
  readonly columns: readonly string[];
  /** Columns referencing the same table: inserted empty, then filled once every row exists. */
  readonly selfRefs: readonly string[];
  readonly hasIdentity: boolean;
}

const MIGRATION_TABLE = /^kysely_migration/;

/**
 * Copies every application table of a SQLite database into a PostgreSQL database that the app has
 * migrated to the same version, in one transaction: parents before children (foreign keys), rows
 * in id order, self-references filled in a second step, identity sequences moved past the highest
 * id. Throws, leaving the target as it was, when the two schemas differ or the target already
 * holds rows in `mustBeEmpty`.
 *
 * @example
 * const report = await copyToPostgres({ source: sqliteDb, target: pgDb, mustBeEmpty: "users" });
 */
export async function copyToPostgres(props: CopyProps): Promise<CopyReport> {
  const { source, target } = props;
  if (isPostgres(source) || !isPostgres(target)) throw new Error("copyToPostgres copies from SQLite into PostgreSQL");
  await sameMigrations(source, target);
  const plans = await planTables(source, target);
  const batchSize = props.batchSize ?? 500;
  const copied: { name: string; rows: number }[] = [];
  await target.transaction().execute(async (trx) => {
    const held = await trx.selectFrom(props.mustBeEmpty).select(sql<number>`count(*)`.as("n")).executeTakeFirst();
    if (Number(held?.n ?? 0) > 0) throw new Error(`The PostgreSQL database already holds ${props.mustBeEmpty}: copy only into a fresh database`);
    // Rows the migrations themselves inserted (defaults) come again from the source.
    for (const plan of [...plans].reverse()) await trx.deleteFrom(plan.name).execute();
    for (const plan of plans) {
      let rows = 0;
      const order = plan.columns.includes("id") ? "id" : plan.columns[0];
      const later: { id: unknown; column: string; value: unknown }[] = [];
      for (let offset = 0; ; offset += batchSize) {
        const batch = await source.selectFrom(plan.name).select(plan.columns as string[]).orderBy(order).limit(batchSize).offset(offset).execute();
        if (batch.length === 0) break;
        const values = batch.map((row) => Object.fromEntries(plan.columns.map((c) => [c, plan.selfRefs.includes(c) ? null : row[c]])));
        await trx.insertInto(plan.name).values(values).execute();
        for (const column of plan.selfRefs) for (const row of batch) if (row[column] !== null) later.push({ id: row.id, column, value: row[column] });
        rows += batch.length;
        if (batch.length < batchSize) break;
      }
      // Every row of the table exists now, so a reference to any of them holds.
      for (const { id, column, value } of later) await trx.updateTable(plan.name).set({ [column]: value }).where("id", "=", id).execute();
      if (plan.hasIdentity) {
        await sql`select setval(pg_get_serial_sequence(${plan.name}, 'id'), coalesce((select max(id) from ${sql.table(plan.name)}), 0) + 1, false)`.execute(trx);
      }
      copied.push({ name: plan.name, rows });
      props.progress?.(plan.name, rows);
    }
  });
  return { tables: copied };
}

/** Both databases must have run exactly the same migrations. */
async function sameMigrations(source: Kysely<any>, target: Kysely<any>): Promise<void> {
  const list = async (db: Kysely<any>) => {
    const own = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s : undefined;
    const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => t.schema === own && MIGRATION_TABLE.test(t.name) && !t.name.endsWith("_lock"));
    const names: string[] = [];
    for (const t of tables) for (const r of await db.selectFrom(t.name).select("name").execute()) names.push(`${t.name}:${r.name}`);
    return names.sort();
  };
  const [from, to] = [await list(source), await list(target)];
  const missing = to.filter((m) => !from.includes(m));
  const extra = from.filter((m) => !to.includes(m));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `the SQLite database lacks ${missing.join(", ")} (start the app once on it to bring it up to date)` : "", extra.length ? `PostgreSQL lacks ${extra.join(", ")} (is a plugin missing from this build?)` : ""];
    throw new Error(`The two databases are not at the same version: ${parts.filter(Boolean).join("; ")}`);
  }
}

/** Application tables in foreign-key order, with the columns both sides share. */
async function planTables(source: Kysely<any>, target: Kysely<any>): Promise<TablePlan[]> {
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(target)).rows[0].s;
  const targetTables = new Map((await target.introspection.getTables()).filter((t) => t.schema === schema && !MIGRATION_TABLE.test(t.name)).map((t) => [t.name, t]));
  const sourceTables = (await source.introspection.getTables()).filter((t) => !MIGRATION_TABLE.test(t.name));
  const problems: string[] = [];
  const deps = new Map<string, Set<string>>();
  const plans = new Map<string, TablePlan>();
  for (const table of sourceTables) {
    const twin = targetTables.get(table.name);
    if (!twin) {
      problems.push(`table ${table.name} is missing in PostgreSQL`);
      continue;
    }
    const targetColumns = new Set(twin.columns.map((c) => c.name));
    const lost = table.columns.filter((c) => !targetColumns.has(c.name)).map((c) => c.name);
    if (lost.length) problems.push(`${table.name}.${lost.join(", ")} missing in PostgreSQL`);
    const fks = await sql<{ table: string; from: string }>`select "table", "from" from pragma_foreign_key_list(${table.name})`.execute(source);
    deps.set(table.name, new Set(fks.rows.map((f) => f.table).filter((t) => t !== table.name)));
    plans.set(table.name, {
      name: table.name,
      columns: table.columns.map((c) => c.name),
      selfRefs: fks.rows.filter((f) => f.table === table.name).map((f) => f.from),
      hasIdentity: twin.columns.some((c) => c.name === "id" && c.isAutoIncrementing),
    });
  }
  if (problems.length) throw new Error(`The schemas differ: ${problems.join("; ")}`);
  // Parents first (Kahn's algorithm); names break ties so the order is the same every run.
  const ordered: TablePlan[] = [];
  const done = new Set<string>();
  while (ordered.length < plans.size) {
    const ready = [...plans.keys()].filter((n) => !done.has(n) && [...deps.get(n)!].every((d) => done.has(d) || !plans.has(d))).sort();
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle among ${[...plans.keys()].filter((n) => !done.has(n)).join(", ")}`);
    for (const name of ready) {
      done.add(name);
      ordered.push(plans.get(name)!);
    }
  }
  return ordered;
}
