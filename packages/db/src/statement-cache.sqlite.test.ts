import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withStatementCache } from "./open";

// SQLite only: the prepared-statement cache openDatabase puts between Kysely and better-sqlite3.
let dir: string;
let sqlite: Database.Database;
let prepared: string[];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-stmt-"));
  sqlite = new Database(path.join(dir, "t.db"));
  sqlite.exec("create table t (id integer primary key, name text); insert into t (name) values ('a'), ('b'), ('c')");
  // Counts what reaches the real prepare.
  const real = sqlite.prepare.bind(sqlite);
  prepared = [];
  sqlite.prepare = ((sql: string) => {
    prepared.push(sql);
    return real(sql);
  }) as typeof sqlite.prepare;
});
afterEach(() => {
  if (sqlite.open) sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("withStatementCache", () => {
  it("prepares a statement once and hands the same one out again", () => {
    const db = withStatementCache(sqlite);
    const first = db.prepare("select name from t where id = ?");
    const second = db.prepare("select name from t where id = ?");
    expect(second).toBe(first);
    expect(second.get(2)).toEqual({ name: "b" });
    expect(prepared).toEqual(["select name from t where id = ?"]);
  });

  it("never hands out a statement that is still being iterated", () => {
    const db = withStatementCache(sqlite);
    const outer = db.prepare("select id from t order by id");
    const ids: number[] = [];
    for (const row of outer.iterate() as Iterable<{ id: number }>) {
      // The same SQL while the first is busy: a fresh statement, which works.
      const inner = db.prepare("select id from t order by id");
      expect(inner).not.toBe(outer);
      ids.push(row.id, (inner.all() as { id: number }[]).length);
    }
    expect(ids).toEqual([1, 3, 2, 3, 3, 3]);
    // Once the iteration is over, the kept one is handed out again.
    expect(db.prepare("select id from t order by id")).toBe(outer);
  });

  it("keeps at most `max` statements, dropping the least recently used", () => {
    const db = withStatementCache(sqlite, 2);
    db.prepare("select 1");
    db.prepare("select 2");
    db.prepare("select 1"); // 1 is now the most recent
    db.prepare("select 3"); // drops 2
    db.prepare("select 1");
    db.prepare("select 2");
    expect(prepared).toEqual(["select 1", "select 2", "select 3", "select 2"]);
  });

  it("a kept statement sees a schema change, and close closes the database", () => {
    const db = withStatementCache(sqlite);
    expect(db.prepare("select * from t where id = 1").get()).toEqual({ id: 1, name: "a" });
    sqlite.exec("alter table t add column note text default 'x'");
    expect(db.prepare("select * from t where id = 1").get()).toEqual({ id: 1, name: "a", note: "x" });
    db.close();
    expect(sqlite.open).toBe(false);
  });
});
