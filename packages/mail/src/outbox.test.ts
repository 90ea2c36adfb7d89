import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { OutgoingMail } from "@aftercare/plugin-api/index";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet, type MailTables } from "./migrations";
import { createMailService, ENQUEUE_CHUNK } from "./outbox";

const NOW = new Date("2026-11-27T09:00:00.000Z");
const mail = createMailService({ clock: () => NOW });

let t: TestDatabase<MailTables>;
let db: Kysely<MailTables>;
beforeEach(async () => {
  t = await createTestDatabase<MailTables>([mailMigrationSet]);
  db = t.db;
});
afterEach(() => t.destroy());

function notice(key: string, extra: Partial<OutgoingMail> = {}): OutgoingMail {
  return { key, to: "zhang.min@customer.example", subject: "Visit closed", html: "<p>Closed</p>", text: "Closed", ...extra };
}

async function count(): Promise<number> {
  const r = await db.selectFrom("mail_outbox").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe("enqueue", () => {
  it("stores a queued row due now and answers true; a duplicate key answers false and changes nothing", async () => {
    expect(await mail.enqueue(db, notice("visit:9:closed", { toName: "Zhang Min", headers: { "List-Unsubscribe": "<https://a.example/u>" } }))).toBe(true);
    expect(await mail.enqueue(db, notice("visit:9:closed", { subject: "changed" }))).toBe(false);

    const rows = await db.selectFrom("mail_outbox").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      idempotency_key: "visit:9:closed",
      to_addr: "zhang.min@customer.example",
      to_name: "Zhang Min",
      subject: "Visit closed",
      headers_json: JSON.stringify({ "List-Unsubscribe": "<https://a.example/u>" }),
      status: "queued",
      attempts: 0,
      next_attempt_at: NOW.toISOString(),
      created_at: NOW.toISOString(),
      sent_at: null,
    });
  });

  it("is atomic with the caller's transaction: a rollback leaves no mail", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await mail.enqueue(trx, notice("rolled-back"));
        throw new Error("the visit could not be closed");
      }),
    ).rejects.toThrow("the visit could not be closed");
    expect(await count()).toBe(0);
  });

  it("refuses a mail with no key, a bad address or a bad header name", async () => {
    await expect(mail.enqueue(db, notice(""))).rejects.toThrow(TypeError);
    await expect(mail.enqueue(db, notice("k1", { to: "not an address" }))).rejects.toThrow(/not an email address/);
    await expect(mail.enqueue(db, notice("k2", { to: "a@b.example\r\nRCPT TO:<x@y>" }))).rejects.toThrow(/not an email address/);
    await expect(mail.enqueue(db, notice("k3", { headers: { "X-Bad\r\nBcc": "x" } }))).rejects.toThrow(/header name/);
    expect(await count()).toBe(0);
  });
});

describe("enqueueMany", () => {
  it("inserts in chunks and counts only new keys (existing and repeated keys are skipped)", async () => {
    await mail.enqueue(db, notice("m:5"));
    const mails = Array.from({ length: 2 * ENQUEUE_CHUNK + 1 }, (_, i) => notice(`m:${i}`));
    mails.push(notice("m:7"));

    const inserted = await db.transaction().execute((trx) => mail.enqueueMany(trx, mails));

    expect(inserted).toBe(2 * ENQUEUE_CHUNK + 1 - 1);
    expect(await count()).toBe(2 * ENQUEUE_CHUNK + 1);
    expect(await mail.enqueueMany(db, [])).toBe(0);
  });

  it("is all or nothing even on a plain handle: a failing later chunk undoes the earlier ones", async () => {
    const mails = Array.from({ length: ENQUEUE_CHUNK + 10 }, (_, i) => notice(`n:${i}`));
    // A row the database refuses (NOT NULL subject) in the second chunk.
    mails[ENQUEUE_CHUNK + 5] = { ...mails[ENQUEUE_CHUNK + 5], subject: null as unknown as string };

    await expect(mail.enqueueMany(db, mails)).rejects.toThrow(/NOT NULL|not-null/i);
    expect(await count()).toBe(0);
  });
});
