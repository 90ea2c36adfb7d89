/**
 * Builders for the visits plugin's server tests: a real host over a fresh SQLite file, a clock
 * the test moves by hand, staff and customers inserted directly, and a real outbox worker
 * draining into the in-process SMTP server. Nothing here is a mock.
 */
import type { Kysely } from "kysely";
import type { AftercarePlugin, Viewer } from "@aftercare/plugin-api";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { visitsPlugin } from "../plugin";
import type { VisitsTables } from "../tables";
import { createCall, type NewCall } from "../call/calls.server";

export type Db = Kysely<VisitsTables>;

import { testClock, type TestClock } from "@aftercare/core/test-clock";
import { drainOutbox as drainInto } from "@aftercare/mail/test-drain";

export { testClock, type TestClock };

export type VisitsHost = TestHost & { vdb: Db };

/** A host with the visits plugin (and any extra plugins, e.g. an inline test plugin). */
export async function visitsHost(clock: TestClock, extra: readonly AftercarePlugin[] = [], env?: Record<string, string>): Promise<VisitsHost> {
  const host = await createTestHost({ plugins: [visitsPlugin, ...extra], clock: clock.now, env });
  return Object.assign(host, { vdb: host.db as unknown as Db });
}


export interface UserSpec {
  readonly name: string;
  readonly email?: string;
  readonly role?: "admin" | "manager" | "staff";
  readonly supervisorId?: number | null;
  readonly locale?: "zh-CN" | "en";
}

let userSeq = 0;

/** Inserts a user and returns the id. */
export async function insertUser(db: Db, spec: UserSpec): Promise<number> {
  userSeq++;
  const now = "2025-01-01T00:00:00.000Z";
  const row = await db
    .insertInto("users")
    .values({
      email: spec.email ?? `user${userSeq}@aftercare.test`,
      name: spec.name,
      role: spec.role ?? "staff",
      staff_kind: (spec.role ?? "staff") === "staff" ? "field" : null,
      supervisor_id: spec.supervisorId ?? null,
      phone: null,
      locale: spec.locale ?? "zh-CN",
      password_hash: null,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The viewer object a route would build for a user. */
export async function viewerOf(host: TestHost, userId: number): Promise<Viewer> {
  const u = await (host.db as unknown as Db).selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
  return { id: u.id, name: u.name, email: u.email, role: u.role, staffKind: u.staff_kind, locale: u.locale === "en" ? "en" : "zh-CN", permissions: host.permissionsFor(u.role) };
}

export interface CustomerSpec {
  readonly company: string;
  readonly ownerId?: number | null;
  readonly region?: string | null;
  /** `YYYY-MM-DD` installation date of one piece of equipment (the customer's start). */
  readonly installed?: string | null;
  readonly createdAt?: string;
}

/** Inserts a customer (and, with `installed`, one piece of equipment); returns the customer id. */
export async function insertCustomer(db: Db, spec: CustomerSpec): Promise<number> {
  const now = spec.createdAt ?? "2025-01-01T00:00:00.000Z";
  const row = await db
    .insertInto("customers")
    .values({
      company: spec.company,
      contact_name: "联系人",
      email: `${spec.company.replace(/\W/g, "").toLowerCase() || "c"}@example.com`,
      phone: null,
      region: spec.region === undefined ? "华东" : spec.region,
      tier: "high",
      owner_id: spec.ownerId ?? null,
      locale: "zh-CN",
      email_opt_out: 0,
      opted_out_at: null,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (spec.installed !== undefined) {
    await db
      .insertInto("equipment")
      .values({ customer_id: row.id, model: "AC-200 混合机", serial_number: `SN-${row.id}-${userSeq++}`, install_date: spec.installed, active: 1, created_at: now, updated_at: now })
      .execute();
  }
  return row.id;
}

/** Records a call as `actorId` with sensible defaults. */
export async function newCall(host: VisitsHost, props: Partial<NewCall> & { customerId: number; takenBy: number; receivedAt: string }): Promise<number> {
  return createCall(host.ctx, { equipmentId: null, channel: "hotline", fault: "设备异响", engineerId: null, ...props }, props.takenBy);
}

/** Sends everything queued through a real outbox worker into the test SMTP server; returns what arrived. */
export async function drainOutbox(db: Kysely<any>, smtp: TestSmtpServer): Promise<ReceivedMail[]> {
  return drainInto(smtp, { db });
}

export { startTestSmtpServer };
