/**
 * Builders for the KPI plugin's server tests: a real host over a fresh SQLite file, an
 * organisation of staff inserted directly (manager → supervisors → employees of both kinds), and
 * the permission sets the roles hold. Nothing here is a mock.
 */
import type { Kysely } from "kysely";
import type { Role } from "@aftercare/plugin-api";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { permissionsForRole } from "@aftercare/core/permissions";
import { kpiPlugin } from "../plugin";
import type { KpiTables } from "../tables";
import type { Actor } from "../access.server";

export type Db = Kysely<KpiTables>;

export async function kpiHost(now = "2026-12-02T02:00:00.000Z"): Promise<TestHost & { kdb: Db; setNow(iso: string): void }> {
  let current = new Date(now);
  const host = await createTestHost({ plugins: [kpiPlugin], clock: () => new Date(current.getTime()) });
  return Object.assign(host, { kdb: host.db as unknown as Db, setNow: (iso: string) => void (current = new Date(iso)) });
}

/** The permissions a role holds with only this plugin installed. */
export function permissionsOf(role: Role): ReadonlySet<string> {
  return permissionsForRole(role, [kpiPlugin]);
}

export interface Person extends Actor {
  readonly permissions: ReadonlySet<string>;
  readonly email: string;
}

let seq = 0;

export async function insertPerson(db: Db, spec: { name: string; role: Role; kind?: "support" | "field" | null; supervisor?: Person | null; email?: string }): Promise<Person> {
  seq++;
  const email = spec.email ?? `p${seq}@kpi.test`;
  const row = await db
    .insertInto("users")
    .values({
      email,
      name: spec.name,
      role: spec.role,
      staff_kind: spec.kind ?? null,
      supervisor_id: spec.supervisor?.id ?? null,
      phone: null,
      locale: "zh-CN",
      password_hash: null,
      active: 1,
      created_at: "2026-01-01T00:00:00.000Z",
      updated_at: "2026-01-01T00:00:00.000Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, role: spec.role, permissions: permissionsOf(spec.role), email };
}

/**
 * The test organisation: admin; manager Wang (top); field supervisor Liu and support supervisor
 * Chen (managers reporting to Wang); field engineers Zhang and Li under Liu; support staff Zhou
 * under Chen; and an outsider manager Qian with nobody reporting to them.
 */
export async function insertOrg(db: Db) {
  const admin = await insertPerson(db, { name: "Admin", role: "admin" });
  const wang = await insertPerson(db, { name: "王经理 Wang", role: "manager" });
  const liu = await insertPerson(db, { name: "刘主管 Liu", role: "manager", kind: "field", supervisor: wang });
  const chen = await insertPerson(db, { name: "陈主管 Chen", role: "manager", kind: "support", supervisor: wang });
  const zhang = await insertPerson(db, { name: "张伟 Zhang", role: "staff", kind: "field", supervisor: liu });
  const li = await insertPerson(db, { name: "李娜 Li", role: "staff", kind: "field", supervisor: liu });
  const zhou = await insertPerson(db, { name: "周杰 Zhou", role: "staff", kind: "support", supervisor: chen });
  const qian = await insertPerson(db, { name: "钱经理 Qian", role: "manager" });
  return { admin, wang, liu, chen, zhang, li, zhou, qian };
}

/** Runs a function in a transaction and returns its result. */
export function tx<T>(db: Db, fn: (trx: import("kysely").Transaction<KpiTables>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
