/**
 * Builders for the 360 plugin's server tests: a real host over a fresh SQLite file, staff and
 * customers inserted directly, a real outbox worker draining into the in-process SMTP server.
 * Nothing here is a mock.
 */
import type { Kysely } from "kysely";
import { afterAll, afterEach, beforeAll } from "vitest";
import { DEFAULT_MIN_RATERS, DEFAULT_RATER_WEIGHTS } from "@aftercare/scoring";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { type ReceivedMail, startTestSmtpServer, type TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { review360Plugin } from "../plugin";
import type { Review360Tables } from "../tables";
import { createCycle, openCycle, type NewCycle } from "../cycle/cycles.server";
import { DEFAULT_DEFINITION, allItems } from "../definition/competencies";
import { openCustomerReview, openStaffReview, submitReview, type SubmitOutcome } from "../response/review-session.server";
import { drainOutbox as drainInto } from "@aftercare/mail/test-drain";

export type Db = Kysely<Review360Tables>;
export type Host360 = TestHost & { rdb: Db; now: { iso: string } };

export const START = "2026-12-01T01:00:00.000Z";

/** A host whose clock the test moves by setting `host.now.iso`. */
export async function review360Host(startIso = START): Promise<Host360> {
  const now = { iso: startIso };
  const host = await createTestHost({ plugins: [review360Plugin], clock: () => new Date(now.iso) });
  return Object.assign(host, { rdb: host.db as unknown as Db, now });
}

/**
 * For a test file whose tests mail: registers the file's hooks (one SMTP server for the file, each
 * test's hosts destroyed after it) and returns how to get a host and drain its outbox.
 *
 * @example
 * const suite = review360MailSuite();
 * it("…", async () => { const h = await suite.host(); …; const mails = await suite.drain(h); });
 */
export function review360MailSuite(): { host(startIso?: string): Promise<Host360>; drain(host: Host360): Promise<ReceivedMail[]> } {
  let smtp: TestSmtpServer | undefined;
  const hosts: Host360[] = [];
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.destroy();
  });
  return {
    async host(startIso = START) {
      const h = await review360Host(startIso);
      hosts.push(h);
      return h;
    },
    drain(host) {
      if (!smtp) throw new Error("review360MailSuite: the SMTP server starts in beforeAll");
      return drainOutbox(host, smtp);
    },
  };
}

export function plusDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();
}


let seq = 0;

/** Inserts an active user; returns the id. */
export async function insertUser(db: Db, spec: { name: string; role?: "admin" | "manager" | "staff"; supervisorId?: number | null; locale?: "zh-CN" | "en"; email?: string }): Promise<number> {
  seq++;
  const at = "2026-01-01T00:00:00.000Z";
  const row = await db
    .insertInto("users")
    .values({
      email: spec.email ?? `u${seq}-${Math.random().toString(36).slice(2, 8)}@aftercare.test`,
      name: spec.name,
      role: spec.role ?? "staff",
      staff_kind: (spec.role ?? "staff") === "staff" ? "field" : null,
      supervisor_id: spec.supervisorId ?? null,
      phone: null,
      locale: spec.locale ?? "zh-CN",
      password_hash: null,
      active: 1,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Inserts customers with the given emails; returns their ids. */
export async function insertCustomers(db: Db, specs: readonly { company: string; email: string | null; locale?: "zh-CN" | "en"; optedOut?: boolean }[]): Promise<number[]> {
  const at = "2026-01-01T00:00:00.000Z";
  const ids: number[] = [];
  for (const c of specs) {
    const row = await db
      .insertInto("customers")
      .values({ company: c.company, contact_name: "联系人", email: c.email, phone: null, region: "华东", tier: "high", owner_id: null, locale: c.locale ?? "zh-CN", email_opt_out: c.optedOut ? 1 : 0, opted_out_at: null, active: 1, created_at: at, updated_at: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

/**
 * A small team: a manager, a supervisor (role manager), the reviewee and six other field staff
 * under the supervisor. Returns their ids.
 */
export async function team(db: Db) {
  const manager = await insertUser(db, { name: "王经理", role: "manager" });
  const supervisor = await insertUser(db, { name: "刘主管", role: "manager", supervisorId: manager });
  const reviewee = await insertUser(db, { name: "张伟", supervisorId: supervisor });
  const others: number[] = [];
  for (const name of ["李娜", "赵磊", "孙敏", "周杰", "吴芳", "郑浩"]) others.push(await insertUser(db, { name, supervisorId: supervisor }));
  return { manager, supervisor, reviewee, others };
}

export function cycleSpec(overrides: Partial<NewCycle> = {}): NewCycle {
  return {
    name: "2026 下半年 360 度评估",
    period: "2026 H2",
    definition: DEFAULT_DEFINITION,
    weights: DEFAULT_RATER_WEIGHTS,
    minRaters: DEFAULT_MIN_RATERS,
    peerMin: 3,
    peerMax: 6,
    dueDate: "2026-12-21",
    reminderAfterDays: 3,
    reminderMax: 2,
    reviewees: { userIds: [], staffKinds: [], supervisorId: null },
    ...overrides,
  };
}

/** Creates and opens a cycle reviewing `userIds`; returns the cycle id. */
export async function openedCycle(host: Host360, actorId: number, userIds: number[], overrides: Partial<NewCycle> = {}): Promise<number> {
  const id = await createCycle(host.rdb, cycleSpec({ reviewees: { userIds, staffKinds: [], supervisorId: null }, ...overrides }), actorId, host.now.iso);
  if (!(await openCycle(host.ctx, id))) throw new Error("cycle did not open");
  return id;
}

export async function revieweeOf(db: Db, cycleId: number, userId: number): Promise<number> {
  const r = await db.selectFrom("review360_reviewee").select("id").where("cycle_id", "=", cycleId).where("user_id", "=", userId).executeTakeFirstOrThrow();
  return r.id;
}

/** Answers giving `score` to every item of competency c (per competency), plus comments. */
export function answersFor(scores: Readonly<Record<string, number>> | number, comments: { strengths?: string; improve?: string } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { competency, item } of allItems(DEFAULT_DEFINITION)) out[item.id] = typeof scores === "number" ? scores : scores[competency];
  if (comments.strengths) out.strengths = comments.strengths;
  if (comments.improve) out.improve = comments.improve;
  return out;
}

/** Submits the answers of the staff member's assignment for the reviewee. */
export async function submitAsStaff(host: Host360, revieweeId: number, raterId: number, answers: Record<string, unknown>): Promise<SubmitOutcome> {
  const a = await host.rdb.selectFrom("review360_assignment").select("id").where("reviewee_id", "=", revieweeId).where("rater_user_id", "=", raterId).executeTakeFirstOrThrow();
  const session = await openStaffReview(host.rdb, a.id, raterId);
  if (!session) throw new Error(`assignment ${a.id} does not open for user ${raterId}`);
  return submitReview(host.ctx, session, answers, "zh-CN");
}

/** Submits through a customer's personal link (token derived again from the invitation). */
export async function submitAsCustomer(host: Host360, revieweeId: number, customerId: number, answers: Record<string, unknown>): Promise<SubmitOutcome> {
  const a = await host.rdb.selectFrom("review360_assignment").select("invitation_id").where("reviewee_id", "=", revieweeId).where("customer_id", "=", customerId).executeTakeFirstOrThrow();
  const session = await openCustomerReview(host.ctx, host.ctx.invitations.tokenFor(a.invitation_id!));
  if (!session) throw new Error(`customer ${customerId}'s link does not open`);
  return submitReview(host.ctx, session, answers, "zh-CN");
}

/** Sends everything queued through a real outbox worker into the test SMTP server; returns what arrived. */
export async function drainOutbox(host: Host360, smtp: TestSmtpServer): Promise<ReceivedMail[]> {
  return drainInto(smtp, { db: host.db, clock: () => new Date(host.now.iso) });
}

/** A personal 360 link in a mail body. */
export const REVIEW_LINK = /http:\/\/aftercare\.test\/review360\/r\/([A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_/-])/;
