import { type Kysely, sql } from "kysely";
import { isPostgres } from "./dialect";

/**
 * A dialect-neutral description of the migrated schema, one line per fact, for the schema
 * snapshot tests: the same migrations must describe the same on SQLite and on PostgreSQL.
 * Types are folded to integer / real / text; defaults, checks and foreign keys are left out
 * (their spelling differs by dialect).
 *
 * @example
 * expect(await describeSchema(db, "visits_")).toMatchSnapshot();
 */
export async function describeSchema(db: Kysely<any>, prefix: string): Promise<string[]> {
  const own = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s : undefined;
  const tables = (await db.introspection.getTables()).filter((t) => t.schema === own && t.name.startsWith(prefix) && !t.name.startsWith("kysely_migration")).sort((a, b) => a.name.localeCompare(b.name));
  const lines: string[] = [];
  for (const table of tables) {
    const keys = await keysOf(db, table.name);
    const pk = new Set(keys.find((k) => k.kind === "primary key")?.columns ?? []);
    lines.push(`table ${table.name}`);
    for (const c of table.columns) {
      const nullable = c.isNullable && !pk.has(c.name) ? "" : " not null";
      lines.push(`  ${c.name} ${foldType(c.dataType)}${nullable}`);
    }
    for (const k of keys) lines.push(`  ${k.kind}${k.name ? ` ${k.name}` : ""} (${k.columns.join(", ")})${k.partial ? " partial" : ""}`);
  }
  return lines;
}

function foldType(type: string): string {
  const t = type.toLowerCase();
  if (/^(int|integer|int4|int8|bigint|smallint)$/.test(t)) return "integer";
  if (/^(real|float4|float8|double precision|double)$/.test(t)) return "real";
  if (/^(text|varchar|character varying)$/.test(t)) return "text";
  return t;
}

interface Key {
  readonly kind: "primary key" | "unique" | "index" | "unique index";
  /** Index name (explicit indexes only: constraint names are generated differently per dialect). */
  readonly name?: string;
  readonly columns: readonly string[];
  readonly partial: boolean;
}

async function keysOf(db: Kysely<any>, table: string): Promise<Key[]> {
  const keys = isPostgres(db) ? await postgresKeys(db, table) : await sqliteKeys(db, table);
  const order = { "primary key": 0, unique: 1, "unique index": 2, index: 3 } as const;
  return keys.sort((a, b) => order[a.kind] - order[b.kind] || (a.name ?? "").localeCompare(b.name ?? "") || a.columns.join().localeCompare(b.columns.join()));
}

async function sqliteKeys(db: Kysely<any>, table: string): Promise<Key[]> {
  const list = await sql<{ name: string; unique: number; origin: string; partial: number }>`select name, "unique", origin, partial from pragma_index_list(${table})`.execute(db);
  const keys: Key[] = [];
  for (const index of list.rows) {
    const info = await sql<{ name: string }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(db);
    const columns = info.rows.map((r) => r.name);
    if (index.origin === "pk") keys.push({ kind: "primary key", columns, partial: false });
    else if (index.origin === "u") keys.push({ kind: "unique", columns, partial: false });
    else keys.push({ kind: index.unique ? "unique index" : "index", name: index.name, columns, partial: index.partial === 1 });
  }
  // An INTEGER PRIMARY KEY is the rowid and has no index of its own.
  if (!keys.some((k) => k.kind === "primary key")) {
    const pk = await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db);
    if (pk.rows.length) keys.push({ kind: "primary key", columns: pk.rows.map((r) => r.name), partial: false });
  }
  return keys;
}

async function postgresKeys(db: Kysely<any>, table: string): Promise<Key[]> {
  const { rows } = await sql<{ name: string; primary: boolean; unique: boolean; constraint: boolean; partial: boolean; columns: string[] }>`
    select i.relname as name, x.indisprimary as primary, x.indisunique as unique,
           exists (select 1 from pg_constraint c where c.conindid = x.indexrelid) as constraint,
           x.indpred is not null as partial,
           array(select a.attname::text from unnest(x.indkey) with ordinality k(attnum, n)
                 join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns
    from pg_index x
    join pg_class t on t.oid = x.indrelid
    join pg_class i on i.oid = x.indexrelid
    join pg_namespace s on s.oid = t.relnamespace
    where s.nspname = current_schema() and t.relname = ${table}`.execute(db);
  return rows.map((r) => {
    if (r.primary) return { kind: "primary key", columns: r.columns, partial: false };
    if (r.constraint) return { kind: "unique", columns: r.columns, partial: false };
    return { kind: r.unique ? "unique index" : "index", name: r.name, columns: r.columns, partial: r.partial };
  });
}
