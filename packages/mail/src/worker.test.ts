import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { AddressObject } from "mailparser";
import type { Logger, OutgoingMail } from "@aftercare/plugin-api/index";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet, type MailTables } from "./migrations";
import { createMailService } from "./outbox";
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerProps } from "./worker";
import { createTransportFromUrl } from "./transport";
import { messageIdFor } from "./message";
import { startTestSmtpServer, type TestSmtpServer } from "./test-smtp-server";

const FROM = "Aftercare <aftercare@example.com>";
const T0 = new Date("2026-11-27T09:00:00.000Z").getTime();
const LEASE_MS = 60_000;

let t: TestDatabase<MailTables>;
let db: Kysely<MailTables>;
let now: number;
const clock = () => new Date(now);
const mail = createMailService({ clock });
let servers: TestSmtpServer[];
let workers: OutboxWorker[];
let logs: { level: string; message: string }[];
const logger: Logger = {
  info: (message) => logs.push({ level: "info", message }),
  warn: (message) => logs.push({ level: "warn", message }),
  error: (message) => logs.push({ level: "error", message }),
};

beforeEach(async () => {
  t = await createTestDatabase<MailTables>([mailMigrationSet]);
  db = t.db;
  now = T0;
  servers = [];
  workers = [];
  logs = [];
});

afterEach(async () => {
  for (const w of workers) await w.stop();
  for (const s of servers) await s.close();
  await t.destroy();
});

async function server(props: Parameters<typeof startTestSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const s = await startTestSmtpServer(props);
  servers.push(s);
  return s;
}

function worker(smtp: TestSmtpServer, props: Partial<OutboxWorkerProps> = {}): OutboxWorker {
  const w = createOutboxWorker({ db, transport: createTransportFromUrl(smtp.url), from: FROM, clock, leaseMs: LEASE_MS, backoff: () => 1_000, logger, ...props });
  workers.push(w);
  return w;
}

function invite(key: string, extra: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    key,
    to: "li.wei@customer.example",
    toName: "Li Wei",
    subject: "How did we do? 服务评价",
    html: "<p>Please rate your <b>last visit</b>.</p>",
    text: "Please rate your last visit.",
    ...extra,
  };
}

async function row(key: string) {
  return db.selectFrom("mail_outbox").selectAll().where("idempotency_key", "=", key).executeTakeFirstOrThrow();
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function firstTo(parsed: { to?: AddressObject | AddressObject[] }): AddressObject {
  return Array.isArray(parsed.to) ? parsed.to[0] : parsed.to!;
}

describe("outbox worker", () => {
  it("delivers an enqueued mail, parsed back with the right subject, to, html, text and Message-ID", async () => {
    const smtp = await server();
    await db.transaction().execute((trx) => mail.enqueue(trx, invite("visit:1:survey")));

    const result = await worker(smtp).runOnce();

    expect(result).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, released: 0 });
    expect(smtp.received).toHaveLength(1);
    const { parsed, envelopeTo } = smtp.received[0];
    expect(envelopeTo).toEqual(["li.wei@customer.example"]);
    expect(parsed.subject).toBe("How did we do? 服务评价");
    expect(firstTo(parsed).value).toEqual([{ address: "li.wei@customer.example", name: "Li Wei" }]);
    expect(parsed.from?.value).toEqual([{ address: "aftercare@example.com", name: "Aftercare" }]);
    expect(parsed.html).toBe("<p>Please rate your <b>last visit</b>.</p>");
    expect(parsed.text?.trim()).toBe("Please rate your last visit.");
    expect(parsed.messageId).toBe(messageIdFor("visit:1:survey", FROM));
    const r = await row("visit:1:survey");
    expect(r).toMatchObject({ status: "sent", attempts: 1, sent_at: new Date(T0).toISOString(), lease_until: null, last_error: null });
  });

  it("ignores an enqueue with a duplicate key and delivers the mail once", async () => {
    const smtp = await server();
    expect(await mail.enqueue(db, invite("dup"))).toBe(true);
    expect(await mail.enqueue(db, invite("dup", { subject: "a second version" }))).toBe(false);
    const w = worker(smtp);

    expect((await w.runOnce()).sent).toBe(1);
    now += 24 * 3_600_000;
    expect((await w.runOnce()).claimed).toBe(0);
    expect(await mail.enqueue(db, invite("dup"))).toBe(false);
    expect((await w.runOnce()).claimed).toBe(0);

    expect(smtp.received.map((m) => m.parsed.subject)).toEqual(["How did we do? 服务评价"]);
  });

  it("retries a 451 answer after the backoff and then delivers it, with attempts = 2", async () => {
    const smtp = await server({ rejectRcpt: (_a, n) => (n === 1 ? { code: 451, message: "Greylisted, try again later" } : undefined) });
    await mail.enqueue(db, invite("grey"));
    const w = worker(smtp);

    expect(await w.runOnce()).toMatchObject({ claimed: 1, retried: 1, sent: 0 });
    const deferred = await row("grey");
    expect(deferred).toMatchObject({ status: "queued", attempts: 1, next_attempt_at: new Date(T0 + 1_000).toISOString() });
    expect(deferred.last_error).toContain("451");

    now += 999;
    expect((await w.runOnce()).claimed).toBe(0);
    now += 1;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 });

    expect(smtp.received).toHaveLength(1);
    expect(await row("grey")).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("marks a 550 answer failed at once with the reason, and does not retry it", async () => {
    let rcpts = 0;
    const smtp = await server({ rejectRcpt: () => (rcpts++, { code: 550, message: "No such user here" }) });
    await mail.enqueue(db, invite("bounce"));
    const w = worker(smtp);

    expect(await w.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    now += 7 * 24 * 3_600_000;
    expect((await w.runOnce()).claimed).toBe(0);

    const r = await row("bounce");
    expect(r.status).toBe("failed");
    expect(r.attempts).toBe(1);
    expect(r.last_error).toContain("550");
    expect(r.last_error).toContain("No such user here");
    expect(rcpts).toBe(1);
    expect(smtp.received).toHaveLength(0);
  });

  it("gives up as failed after maxAttempts transient failures", async () => {
    const smtp = await server({ rejectRcpt: () => ({ code: 421, message: "Too busy" }) });
    await mail.enqueue(db, invite("busy"));
    const w = worker(smtp, { maxAttempts: 3 });

    expect((await w.runOnce()).retried).toBe(1);
    now += 1_000;
    expect((await w.runOnce()).retried).toBe(1);
    now += 1_000;
    expect((await w.runOnce()).failed).toBe(1);
    now += 3_600_000;
    expect((await w.runOnce()).claimed).toBe(0);

    const r = await row("busy");
    expect(r).toMatchObject({ status: "failed", attempts: 3 });
    expect(r.last_error).toMatch(/^gave up after 3 attempts: .*421/);
  });

  it("retries when the SMTP server cannot be reached (connection error), then delivers", async () => {
    const smtp = await server();
    const gone = await startTestSmtpServer();
    await gone.close();
    await mail.enqueue(db, invite("down"));

    expect(await worker(gone).runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const r = await row("down");
    expect(r).toMatchObject({ status: "queued", attempts: 1 });
    expect(r.last_error).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);

    now += 1_000;
    expect(await worker(smtp).runOnce()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);
  });

  it("crash between claim and send: a new worker delivers exactly once after the lease, and the dead worker cannot overwrite it", async () => {
    const blackHole = await server({ stall: true });
    const smtp = await server();
    await mail.enqueue(db, invite("crash"));
    const dying = worker(blackHole);
    const dyingRound = dying.runOnce();
    await until(() => blackHole.stalled === 1);
    expect(await row("crash")).toMatchObject({ status: "sending", attempts: 1, lease_until: new Date(T0 + LEASE_MS).toISOString() });

    // The process "died" holding the row. A new worker starts once the lease has run out.
    now = T0 + LEASE_MS + 1;
    const fresh = worker(smtp);
    expect(await fresh.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await fresh.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].parsed.messageId).toBe(messageIdFor("crash", FROM));

    // The stale worker's send finally errors out: its outcome is not recorded.
    await blackHole.close();
    expect(await dyingRound).toMatchObject({ claimed: 1, sent: 0, retried: 0, failed: 0 });
    expect(await row("crash")).toMatchObject({ status: "sent", attempts: 2 });
    expect(logs.some((l) => l.level === "warn" && l.message.includes("taken over"))).toBe(true);
    expect(smtp.received).toHaveLength(1);
  });

  it("does not steal a row whose lease has not expired", async () => {
    const smtp = await server();
    await mail.enqueue(db, invite("leased"));
    const leaseUntil = new Date(T0 + 30_000).toISOString();
    // Another live worker holds the row.
    await db.updateTable("mail_outbox").set({ status: "sending", attempts: 1, lease_until: leaseUntil }).execute();
    const w = worker(smtp);

    now = T0 + 30_000; // exactly at the end of the lease: still held
    expect((await w.runOnce()).claimed).toBe(0);
    expect(await row("leased")).toMatchObject({ status: "sending", attempts: 1, lease_until: leaseUntil });
    expect(smtp.received).toHaveLength(0);

    now = T0 + 30_001;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await row("leased")).toMatchObject({ status: "sent", attempts: 2 });
    expect(smtp.received).toHaveLength(1);
  });

  it("marks failed a row whose attempts all died with their worker, without sending it again", async () => {
    const smtp = await server();
    await mail.enqueue(db, invite("poison"));
    await db.updateTable("mail_outbox").set({ status: "sending", attempts: 3, lease_until: new Date(T0 - 1).toISOString() }).execute();

    expect(await worker(smtp, { maxAttempts: 3 }).runOnce()).toMatchObject({ claimed: 1, failed: 1, sent: 0 });
    const r = await row("poison");
    expect(r.status).toBe("failed");
    expect(r.last_error).toContain("did not finish");
    expect(smtp.received).toHaveLength(0);
  });

  it("releases claimed rows it could not start within half the lease, without counting an attempt", async () => {
    const smtp = await server();
    await mail.enqueue(db, invite("late"));
    // A clock that jumps past half the lease between the claim and the send.
    let reads = 0;
    const jumpy = () => new Date(T0 + (reads++ === 0 ? 0 : LEASE_MS / 2 + 1));

    expect(await worker(smtp, { clock: jumpy }).runOnce()).toMatchObject({ claimed: 1, released: 1, sent: 0 });
    expect(await row("late")).toMatchObject({ status: "queued", attempts: 0, lease_until: null });
    expect(smtp.received).toHaveLength(0);
  });

  it("delivers a batch concurrently, each mail exactly once", async () => {
    const smtp = await server();
    await mail.enqueueMany(db, Array.from({ length: 30 }, (_, i) => invite(`batch:${i}`, { to: `c${i}@customer.example` })));
    const w = worker(smtp, { batchSize: 20 });

    expect(await w.runOnce()).toMatchObject({ claimed: 20, sent: 20 });
    expect(await w.runOnce()).toMatchObject({ claimed: 10, sent: 10 });

    const to = smtp.received.flatMap((m) => m.envelopeTo).sort();
    expect(to).toEqual(Array.from({ length: 30 }, (_, i) => `c${i}@customer.example`).sort());
    const sent = await db.selectFrom("mail_outbox").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "sent").executeTakeFirstOrThrow();
    expect(Number(sent.n)).toBe(30);
  });

  it("keeps header injection in the subject and the name off the wire", async () => {
    const smtp = await server();
    await mail.enqueue(db, invite("inject", { subject: "Hi\r\nBcc: evil@attacker.example", toName: "Li\r\nX-Evil: 1" }));

    await worker(smtp).runOnce();

    const { parsed, envelopeTo } = smtp.received[0];
    expect(envelopeTo).toEqual(["li.wei@customer.example"]);
    expect(parsed.subject).toBe("Hi Bcc: evil@attacker.example");
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(parsed.headers.has("x-evil")).toBe(false);
    expect(firstTo(parsed).value[0].name).toBe("Li X-Evil: 1");
  });

  it("start() sends at once after kick(), and stop() waits for the send in flight", async () => {
    const smtp = await server({ delayMs: 80 });
    const w = worker(smtp, { pollMs: 60_000 });
    w.start();
    await new Promise((r) => setTimeout(r, 20)); // the first round found nothing; the worker now sleeps
    await mail.enqueue(db, invite("kicked"));
    w.kick();
    await until(async () => (await row("kicked")).status === "sending", 2_000);

    await w.stop();

    expect(await row("kicked")).toMatchObject({ status: "sent", attempts: 1 });
    expect(smtp.received).toHaveLength(1);
  });
});
