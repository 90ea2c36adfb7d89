// Disk full at the Nth write, looping over N as SQLite's own tests do. SQLite's `max_page_count`
// (set on the app's own connection) makes the database refuse to grow past page_count + N: every
// write that needs a new page then fails with SQLITE_FULL ("database or disk is full"). N runs
// from 0 until the operation fits, so the fault lands at every point of its write sequence.
// Each run asserts: a clear failure (SQLITE_FULL, nothing reported as done), nothing half-written
// (the data is exactly as before, or whole transactions only), `PRAGMA integrity_check` = ok, and
// once space is freed the same operation succeeds through the same code path.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { testClock } from "@aftercare/core/test-clock";
import { satisfactionPlugin } from "@aftercare/satisfaction/plugin";
import { sendCampaign } from "@aftercare/satisfaction/campaign/campaigns.server";
import { openSurvey, submitResponse } from "@aftercare/satisfaction/response/survey-session.server";
import { draftCampaign, insertCustomers, insertUser, tokenOf, type Db } from "@aftercare/satisfaction/test-support/fixtures";
import { fingerprint } from "./support/fixture";

const NO_LIMIT = 1_073_741_823; // SQLite's default max_page_count
const clock = testClock("2026-11-27T09:00:00.000Z");
let dir: string;
let host: TestHost & { sdb: Db };
let managerId: number;

async function pragma(text: string): Promise<unknown> {
  const { rows } = await sql.raw(`pragma ${text}`).execute(host.db);
  return Object.values((rows[0] ?? {}) as Record<string, unknown>)[0];
}

/** Lets the database grow by `pages` more pages from now (NO_LIMIT: space freed). */
async function limitGrowth(pages: number | null): Promise<void> {
  const count = Number(await pragma("page_count"));
  await pragma(`max_page_count = ${pages === null ? NO_LIMIT : count + pages}`);
}

function sqliteCode(error: unknown): string {
  return String((error as { code?: unknown })?.code ?? (error as Error)?.message ?? error);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-faults-disk-"));
  const created = await createTestHost({ plugins: [satisfactionPlugin], clock: clock.now, env: { DATABASE_URL: `file:${path.join(dir, "disk.db")}`, DATA_DIR: dir } });
  host = Object.assign(created, { sdb: created.db as unknown as Db });
  managerId = await insertUser(host.sdb, { name: "王经理", role: "manager" });
  expect(await pragma("freelist_count"), "no free pages to reuse: every new page grows the file").toBe(0);
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("disk full at the Nth write", () => {
  it("a survey submission: refused whole with SQLITE_FULL at every N until it fits, then stored once", async () => {
    const customers = await insertCustomers(
      host.sdb,
      Array.from({ length: 40 }, (_, i) => ({ company: `满盘客户 ${i}`, email: `full-${i}@customer.example`, tier: "high" })),
    );
    const campaignId = await draftCampaign(host.sdb, managerId, clock.iso(), { audience: { tiers: ["high"], regions: [], ownerId: null } });
    expect(await sendCampaign(host.ctx, campaignId, clock.iso())).toMatchObject({ sent: 40 });

    const failures: string[] = [];
    let fitsAt = -1;
    for (let n = 0; n < 40 && fitsAt < 0; n++) {
      const customerId = customers[n];
      // Every other customer answers "very dissatisfied": that submission also opens a feedback record.
      const points = n % 2 === 0 ? 20 : 100;
      // Long "why" comments (just under their 2,000 and 5,000 character limits, in Chinese: about
      // 66 KB of UTF-8 across the answers and the comment rows) make the submission grow the file
      // by some 20 pages, so the fault falls at every point of its write sequence.
      const why = (label: string) => `${label}：${"交货太慢，包装破损，希望改进。".repeat(140)}`.slice(0, 1_990);
      const answers = {
        quality: points, price: points, delivery: points, packaging: points, service: points,
        quality_why: why("质量"), price_why: why("价格"), delivery_why: why("交付"), packaging_why: why("包装"), service_why: why("服务"),
        comments: `总体意见 ${n}：${"请尽快联系我们。".repeat(700)}`.slice(0, 4_990),
      };
      const session = await openSurvey(host.ctx, await tokenOf(host, campaignId, customerId));
      expect(session, `link ${n} opens`).not.toBeNull();
      const before = fingerprint(host.dbFile);
      await limitGrowth(n);
      let error: unknown = null;
      try {
        await submitResponse(host.ctx, session!, answers, "zh-CN");
      } catch (e) {
        error = e;
      }
      await limitGrowth(null);
      if (error === null) {
        fitsAt = n;
        break;
      }
      failures.push(sqliteCode(error));
      expect(fingerprint(host.dbFile), `N=${n}: nothing written`).toEqual(before);
      expect(await pragma("integrity_check"), `N=${n}`).toBe("ok");
      // Space freed: the same customer submits again, and it is stored once, whole.
      const again = await openSurvey(host.ctx, await tokenOf(host, campaignId, customerId));
      expect(await submitResponse(host.ctx, again!, answers, "zh-CN"), `N=${n}: retry`).toMatchObject({ ok: true, duplicate: false });
      const stored = await host.sdb.selectFrom("satisfaction_response").select(["id", "score"]).where("campaign_id", "=", campaignId).where("customer_id", "=", customerId).execute();
      expect(stored, `N=${n}`).toHaveLength(1);
      expect(stored[0].score).toBeCloseTo(points, 9); // a weighted mean of five equal points
      const items = await host.sdb.selectFrom("satisfaction_item_score").select((eb) => eb.fn.countAll<number>().as("n")).where("response_id", "=", stored[0].id).executeTakeFirstOrThrow();
      expect(Number(items.n)).toBe(5);
      const feedback = await host.sdb.selectFrom("satisfaction_feedback").select("id").where("response_id", "=", stored[0].id).execute();
      expect(feedback).toHaveLength(points === 20 ? 1 : 0);
      const comments = await host.sdb.selectFrom("satisfaction_comment").select("text").where("response_id", "=", stored[0].id).execute();
      expect(comments.map((c) => c.text.length)).toEqual([1_990, 1_990, 1_990, 1_990, 1_990, 4_990]);
    }
    console.log(`[faults] disk full during a survey submission: ${failures.length} runs refused (N = 0…${failures.length - 1}), fits at N = ${fitsAt}; errors: ${[...new Set(failures)].join(", ")}`);
    expect(fitsAt).toBeGreaterThan(0);
    expect(new Set(failures)).toEqual(new Set(["SQLITE_FULL"]));
    expect(await pragma("integrity_check")).toBe("ok");
  });

  it("a campaign send (two batches of invitations, recipients and mails): whole batches only at every N, completed on resume", async () => {
    const AUDIENCE = 600; // batches of 500 and 100
    await insertCustomers(
      host.sdb,
      Array.from({ length: AUDIENCE }, (_, i) => ({ company: `批量客户 ${i}`, email: `batch-${i}@customer.example`, tier: "mid" })),
    );
    const audience = { tiers: ["mid"], regions: [], ownerId: null };
    const counts = async (campaignId: number) => {
      const n = async (q: { execute(): Promise<{ n: number }[]> }) => Number((await q.execute())[0].n);
      return {
        status: (await host.sdb.selectFrom("satisfaction_campaign").select("status").where("id", "=", campaignId).executeTakeFirstOrThrow()).status,
        recipients: await n(host.sdb.selectFrom("satisfaction_recipient").select((eb) => eb.fn.countAll<number>().as("n")).where("campaign_id", "=", campaignId)),
        invitations: await n(host.sdb.selectFrom("invitations").select((eb) => eb.fn.countAll<number>().as("n")).where("purpose", "=", "satisfaction").where("subject_ref", "=", String(campaignId))),
        mails: await n(
          (host.db as any)
            .selectFrom("mail_outbox")
            .select((eb: any) => eb.fn.countAll().as("n"))
            .where("idempotency_key", "like", `satisfaction:${campaignId}:%`),
        ),
      };
    };

    // N = 0, 1, 2, 3, 5, 8 … then every 60 pages until the whole send fits.
    const steps = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89];
    const outcomes: string[] = [];
    for (let i = 0; ; i++) {
      const n = i < steps.length ? steps[i] : 89 + (i - steps.length + 1) * 60;
      if (n > 5_000) throw new Error("the send never fitted");
      const campaignId = await draftCampaign(host.sdb, managerId, clock.iso(), { audience, name: `满盘 N=${n}` });
      await limitGrowth(n);
      let error: unknown = null;
      try {
        await sendCampaign(host.ctx, campaignId, clock.iso());
      } catch (e) {
        error = e;
      }
      await limitGrowth(null);
      const after = await counts(campaignId);
      if (error === null) {
        expect(after).toEqual({ status: "open", recipients: AUDIENCE, invitations: AUDIENCE, mails: AUDIENCE });
        outcomes.push(`N=${n}: sent`);
        break;
      }
      expect(sqliteCode(error), `N=${n}`).toBe("SQLITE_FULL");
      // Whole batches only: each batch's invitations, recipients and mails commit together.
      expect([0, 500, AUDIENCE], `N=${n}: ${JSON.stringify(after)}`).toContain(after.recipients);
      expect(after.invitations, `N=${n}`).toBe(after.recipients);
      expect(after.mails, `N=${n}`).toBe(after.recipients);
      expect(after.status, `N=${n}`).toBe("sending");
      expect(await pragma("integrity_check"), `N=${n}`).toBe("ok");
      outcomes.push(`N=${n}: ${after.recipients}`);
      // Space freed; after the resume pause (2 min) the send is resumed and completes, each customer once.
      clock.advanceMinutes(3);
      expect(await sendCampaign(host.ctx, campaignId, clock.iso()), `N=${n}: resume`).toMatchObject({ sent: AUDIENCE - after.recipients });
      expect(await counts(campaignId)).toEqual({ status: "open", recipients: AUDIENCE, invitations: AUDIENCE, mails: AUDIENCE });
    }
    console.log(`[faults] disk full during a campaign send: ${outcomes.length - 1} runs refused; ${outcomes.join("; ")}`);
    expect(outcomes.filter((o) => o.endsWith(": 500")).length, "some runs failed in the second batch").toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.endsWith(": 0")).length, "some runs failed in the first batch").toBeGreaterThan(0);
  });
});
