/**
 * Builders for the satisfaction plugin's server tests: a real host over a fresh SQLite file, a
 * clock the test moves by hand, customers and staff inserted directly, and a real outbox worker
 * draining into the in-process SMTP server. Nothing here is a mock.
 */
import type { Kysely } from "kysely";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { satisfactionPlugin } from "../plugin";
import type { SatisfactionTables } from "../tables";
import { createCampaign, sendCampaign, type NewCampaign } from "../campaign/campaigns.server";
import { EMPTY_AUDIENCE } from "../campaign/audience.server";
import { listLatestTemplates } from "../template/templates.server";
import { openSurvey, submitResponse, type SubmitOutcome } from "../response/survey-session.server";

export type Db = Kysely<SatisfactionTables>;

import { testClock, type TestClock } from "@aftercare/core/test-clock";
import { drainOutbox as drainInto } from "@aftercare/mail/test-drain";

export { testClock, type TestClock };

/** `iso` plus `days` days, as ISO text. */
export function plusDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();
}

export async function satisfactionHost(clock: TestClock): Promise<TestHost & { sdb: Db }> {
  const host = await createTestHost({ plugins: [satisfactionPlugin], clock: clock.now });
  return Object.assign(host, { sdb: host.db as unknown as Db });
}


export interface UserSpec {
  readonly name: string;
  readonly email?: string;
  readonly role?: "admin" | "manager" | "staff";
}

let userSeq = 0;

/** Inserts a staff member (or manager) and returns the id. */
export async function insertUser(db: Db, spec: UserSpec): Promise<number> {
  userSeq++;
  const now = "2026-01-01T00:00:00.000Z";
  const row = await db
    .insertInto("users")
    .values({
      email: spec.email ?? `user${userSeq}@aftercare.test`,
      name: spec.name,
      role: spec.role ?? "staff",
      staff_kind: spec.role === "staff" || spec.role === undefined ? "field" : null,
      supervisor_id: null,
      phone: null,
      locale: "zh-CN",
      password_hash: null,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface CustomerSpec {
  readonly company: string;
  /** `null` for a customer without an address; any string is stored as given. */
  readonly email: string | null;
  readonly region?: string | null;
  readonly tier?: string;
  readonly ownerId?: number | null;
  readonly locale?: "zh-CN" | "en";
  readonly contactName?: string | null;
  readonly optedOut?: boolean;
  readonly active?: boolean;
}

/** Inserts customers in order and returns their ids in the same order. */
export async function insertCustomers(db: Db, specs: readonly CustomerSpec[]): Promise<number[]> {
  const now = "2026-01-01T00:00:00.000Z";
  const ids: number[] = [];
  for (const c of specs) {
    const row = await db
      .insertInto("customers")
      .values({
        company: c.company,
        contact_name: c.contactName === undefined ? "联系人" : c.contactName,
        email: c.email,
        phone: null,
        region: c.region === undefined ? "华东" : c.region,
        tier: c.tier ?? "high",
        owner_id: c.ownerId ?? null,
        locale: c.locale ?? "zh-CN",
        email_opt_out: c.optedOut ? 1 : 0,
        opted_out_at: c.optedOut ? now : null,
        active: c.active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

/** The id of the default template (created by the plugin's init). */
export async function defaultTemplateId(db: Db): Promise<number> {
  const [first] = await listLatestTemplates(db);
  if (!first) throw new Error("no template: the plugin's init did not run");
  return first.id;
}

/** A draft campaign open from `opensAt` for `days` days; every field can be overridden. */
export async function draftCampaign(db: Db, actorId: number, opensAt: string, overrides: Partial<NewCampaign> = {}): Promise<number> {
  const templateId = overrides.templateId ?? (await defaultTemplateId(db));
  return createCampaign(
    db,
    {
      name: "2026 Q4 满意度调查",
      period: "2026 Q4",
      templateId,
      audience: EMPTY_AUDIENCE,
      opensAt,
      closesAt: plusDays(opensAt, 21),
      reminderAfterDays: 3,
      reminderMax: 2,
      ...overrides,
    },
    actorId,
    opensAt,
  );
}

/** Creates and sends a campaign; returns its id. */
export async function sentCampaign(host: TestHost & { sdb: Db }, actorId: number, opensAt: string, overrides: Partial<NewCampaign> = {}): Promise<number> {
  const id = await draftCampaign(host.sdb, actorId, opensAt, overrides);
  const result = await sendCampaign(host.ctx, id, opensAt);
  if (!result) throw new Error("campaign was not sent");
  return id;
}

/** The personal link token of a customer in a campaign (derived again from the invitation id, as reminders do). */
export async function tokenOf(host: TestHost & { sdb: Db }, campaignId: number, customerId: number): Promise<string> {
  const r = await host.sdb
    .selectFrom("satisfaction_recipient")
    .select("invitation_id")
    .where("campaign_id", "=", campaignId)
    .where("customer_id", "=", customerId)
    .executeTakeFirstOrThrow();
  if (!r.invitation_id) throw new Error(`customer ${customerId} has no invitation in campaign ${campaignId}`);
  return host.ctx.invitations.tokenFor(r.invitation_id);
}

/** Points per item of the default template, in form order: quality, price, delivery, packaging, service. */
export type Levels = readonly [quality: number, price: number, delivery: number, packaging: number, service: number];

/** The answers of the default template for the given scale values (plus any extra answers). */
export function answersFor(levels: Levels, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [quality, price, delivery, packaging, service] = levels;
  return { quality, price, delivery, packaging, service, ...extra };
}

/** Opens the customer's link and submits the answers, failing loudly if the link does not open. */
export async function answer(host: TestHost & { sdb: Db }, campaignId: number, customerId: number, answers: Record<string, unknown>): Promise<SubmitOutcome> {
  const session = await openSurvey(host.ctx, await tokenOf(host, campaignId, customerId));
  if (!session) throw new Error(`the link of customer ${customerId} in campaign ${campaignId} does not open`);
  return submitResponse(host.ctx, session, answers, "zh-CN");
}

/**
 * Sends everything queued in the outbox through a real outbox worker and SMTP transport into the
 * test SMTP server, and returns the messages that arrived (parsed with mailparser) in this drain.
 */
export async function drainOutbox(db: Kysely<any>, smtp: TestSmtpServer, clock: () => Date): Promise<ReceivedMail[]> {
  return drainInto(smtp, { db, clock });
}

export { startTestSmtpServer };

/** A personal survey link in a mail body, e.g. `http://aftercare.test/satisfaction/s/<token>`. */
export const SURVEY_LINK = /http:\/\/aftercare\.test\/satisfaction\/s\/([A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_/-])/;
/** The opt-out link of the same token. */
export const OPT_OUT_LINK = /http:\/\/aftercare\.test\/satisfaction\/s\/([A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43})\/opt-out/;

/** Rows of a table, for counting. */
export async function countRows(db: Kysely<any>, table: string, where?: { column: string; value: unknown }): Promise<number> {
  let q = db.selectFrom(table).select((eb: any) => eb.fn.countAll().as("n"));
  if (where) q = q.where(where.column, "=", where.value);
  const row = (await q.executeTakeFirst()) as { n: number | bigint } | undefined;
  return Number(row?.n ?? 0);
}
