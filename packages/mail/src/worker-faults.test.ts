// SMTP faults the outbox worker must ride out, against real SMTP servers in this process and a
// clock the test moves. worker.test.ts already covers one 451 then delivery, 550 at RCPT, 421 until
// maxAttempts, a refused connection once, and one crash with lease take-over; this file adds what
// those do not: 421 at the greeting and 454 at RCPT retried on the exponential schedule and
// delivered later, a 550 that fails one mail of a batch without holding up the others, a server
// that never greets and one that never answers DATA (timeouts, retried), SMTP down for ten minutes
// while mail keeps arriving, and a server killed again and again while a batch waits.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import nodemailer from "nodemailer";
import type { Logger, OutgoingMail } from "@aftercare/plugin-api/index";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { exponentialBackoff } from "./backoff";
import { messageIdFor } from "./message";
import { mailMigrationSet, type MailTables } from "./migrations";
import { createMailService } from "./outbox";
import { startTestSmtpServer, type TestSmtpServer } from "./test-smtp-server";
import { smtpOptionsFromUrl } from "./transport";
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerProps } from "./worker";

const FROM = "Aftercare <aftercare@example.com>";
const T0 = new Date("2026-11-27T09:00:00.000Z").getTime();
const LEASE_MS = 60_000;
/** The production backoff's shape without jitter: 1 s, 2 s, 4 s, 8 s … after attempts 1, 2, 3, 4 … */
const BACKOFF = exponentialBackoff({ baseMs: 1_000, jitter: 0 });
/** Transport timeouts short enough for a test (production: 30 s / 60 s, under the 5 min lease). */
const SHORT_TIMEOUTS = { connectionTimeout: 300, greetingTimeout: 300, socketTimeout: 300 };

let t: TestDatabase<MailTables>;
let db: Kysely<MailTables>;
let now: number;
const clock = () => new Date(now);
const mail = createMailService({ clock });
let cleanups: (() => Promise<unknown> | unknown)[];
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

beforeEach(async () => {
  t = await createTestDatabase<MailTables>([mailMigrationSet]);
  db = t.db;
  now = T0;
  cleanups = [];
});

afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  await t.destroy();
});

async function smtpServer(props: Parameters<typeof startTestSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const s = await startTestSmtpServer(props);
  cleanups.push(() => s.close());
  return s;
}

/** A raw TCP server that answers each connection with `onConnect` (a broken SMTP server). */
async function rawServer(onConnect: (socket: net.Socket) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    onConnect(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A TCP relay on a fixed port in front of `target`: `down()` stops listening (connections are
 * refused, open ones cut), `up()` listens on the same port again — an SMTP server that goes away
 * and comes back at the same address.
 */
async function flakyRelay(target: TestSmtpServer) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(target.port, "127.0.0.1");
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => {
          sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server!.address() as AddressInfo).port;
  };
  const down = async () => {
    for (const s of sockets) s.destroy();
    const closing = server;
    server = null;
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  await listen();
  cleanups.push(down);
  return { url: () => `smtp://127.0.0.1:${port}`, down, up: listen };
}

function worker(url: string, props: Partial<OutboxWorkerProps> = {}): OutboxWorker {
  const transport = nodemailer.createTransport({ ...smtpOptionsFromUrl(url), ...SHORT_TIMEOUTS });
  const w = createOutboxWorker({ db, transport, from: FROM, clock, leaseMs: LEASE_MS, backoff: BACKOFF, logger: silent, ...props });
  cleanups.push(() => w.stop());
  return w;
}

function invite(key: string, to = "li.wei@customer.example"): OutgoingMail {
  return { key, to, subject: "How did we do? 服务评价", html: "<p>Please rate us.</p>", text: "Please rate us." };
}

async function rows() {
  return db.selectFrom("mail_outbox").selectAll().orderBy("id").execute();
}

async function row(key: string) {
  return db.selectFrom("mail_outbox").selectAll().where("idempotency_key", "=", key).executeTakeFirstOrThrow();
}

describe("outbox worker under SMTP faults", () => {
  it("retries a 421 greeting on the exponential schedule (1 s, 2 s, 4 s) and delivers on the 4th attempt", async () => {
    // The first three connections are turned away at the greeting, as a busy server does.
    const good = await smtpServer();
    let connections = 0;
    const url = await rawServer((socket) => {
      connections++;
      if (connections <= 3) {
        socket.end("421 4.3.2 Service not available, closing transmission channel\r\n");
        return;
      }
      const upstream = net.connect(good.port, "127.0.0.1");
      upstream.on("error", () => {});
      socket.pipe(upstream).pipe(socket);
    });
    await mail.enqueue(db, invite("busy-greeting"));
    const w = worker(url);

    // Attempt n fails at time t and is due again 2^(n-1) s later: at T0+1 s, T0+3 s, T0+7 s.
    const schedule: string[] = [];
    for (const [at, due] of [[0, 1_000], [1_000, 3_000], [3_000, 7_000]]) {
      now = T0 + at;
      expect(await w.runOnce(), `at +${at} ms`).toMatchObject({ claimed: 1, retried: 1 });
      const r = await row("busy-greeting");
      expect(r.last_error).toContain("421 4.3.2 Service not available");
      schedule.push(r.next_attempt_at);
      now = T0 + due - 1;
      expect((await w.runOnce()).claimed, `not before +${due} ms`).toBe(0);
    }
    expect(schedule).toEqual([T0 + 1_000, T0 + 3_000, T0 + 7_000].map((ms) => new Date(ms).toISOString()));
    expect(connections).toBe(3);

    now = T0 + 7_000;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await row("busy-greeting")).toMatchObject({ status: "sent", attempts: 4, last_error: null, sent_at: new Date(T0 + 7_000).toISOString() });
    expect(good.received.map((m) => m.parsed.messageId)).toEqual([messageIdFor("busy-greeting", FROM)]);
  });

  it("retries a 454 at RCPT twice with a doubling delay, then delivers it once", async () => {
    const smtp = await smtpServer({ rejectRcpt: (_a, n) => (n <= 2 ? { code: 454, message: "4.7.1 Temporary authentication failure" } : undefined) });
    await mail.enqueue(db, invite("tempfail"));
    const w = worker(smtp.url);

    expect((await w.runOnce()).retried).toBe(1);
    expect(await row("tempfail")).toMatchObject({ status: "queued", attempts: 1, next_attempt_at: new Date(T0 + 1_000).toISOString() });
    now = T0 + 1_000;
    expect((await w.runOnce()).retried).toBe(1);
    const second = await row("tempfail");
    expect(second).toMatchObject({ status: "queued", attempts: 2, next_attempt_at: new Date(T0 + 3_000).toISOString() });
    expect(second.last_error).toContain("454");
    now = T0 + 3_000;
    expect(await w.runOnce()).toMatchObject({ sent: 1 });

    expect(await row("tempfail")).toMatchObject({ status: "sent", attempts: 3 });
    expect(smtp.received).toHaveLength(1);
  });

  it("fails the one mail a 550 refuses, with the reason, and delivers the rest of the batch", async () => {
    const smtp = await smtpServer({ rejectRcpt: (a) => (a.address === "gone@customer.example" ? { code: 550, message: "5.1.1 Mailbox does not exist" } : undefined) });
    await mail.enqueueMany(db, [invite("a", "a@customer.example"), invite("gone", "gone@customer.example"), invite("b", "b@customer.example")]);

    expect(await worker(smtp.url).runOnce()).toMatchObject({ claimed: 3, sent: 2, failed: 1, retried: 0 });
    now += 24 * 3_600_000;
    expect((await worker(smtp.url).runOnce()).claimed).toBe(0);

    const gone = await row("gone");
    expect(gone).toMatchObject({ status: "failed", attempts: 1 });
    expect(gone.last_error).toContain("550 5.1.1 Mailbox does not exist");
    expect(smtp.received.flatMap((m) => m.envelopeTo).sort()).toEqual(["a@customer.example", "b@customer.example"]);
  });

  it("retries a server that accepts the connection but never greets (timeout), then delivers", async () => {
    const url = await rawServer(() => {}); // says nothing, ever
    const good = await smtpServer();
    await mail.enqueue(db, invite("mute"));

    expect(await worker(url).runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const r = await row("mute");
    expect(r).toMatchObject({ status: "queued", attempts: 1, lease_until: null, next_attempt_at: new Date(T0 + 1_000).toISOString() });
    // Greeting or socket timeout, whichever fires first on a busy machine.
    expect(r.last_error).toMatch(/^ETIMEDOUT/);

    now = T0 + 1_000;
    expect(await worker(good.url).runOnce()).toMatchObject({ sent: 1 });
    expect(await row("mute")).toMatchObject({ status: "sent", attempts: 2 });
    expect(good.received).toHaveLength(1);
  });

  it("retries a server that takes the message but never answers DATA (timeout), then delivers", async () => {
    const stalled = await smtpServer({ stall: true });
    const good = await smtpServer();
    await mail.enqueue(db, invite("stalled"));

    expect(await worker(stalled.url).runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(stalled.stalled).toBe(1);
    const r = await row("stalled");
    expect(r).toMatchObject({ status: "queued", attempts: 1, lease_until: null });
    expect(r.last_error).toMatch(/ETIMEDOUT|Timeout/i);

    now = T0 + 1_000;
    expect(await worker(good.url).runOnce()).toMatchObject({ sent: 1 });
    expect(good.received.map((m) => m.parsed.messageId)).toEqual([messageIdFor("stalled", FROM)]);
  });

  it("keeps the queue while SMTP is down for ten minutes, then delivers every mail once", async () => {
    const smtp = await smtpServer();
    const relay = await flakyRelay(smtp);
    // The production backoff shape (60 s doubling, no jitter): attempts at 0, 60, 180, 420, 900 s.
    const w = worker(relay.url(), { backoff: exponentialBackoff({ jitter: 0 }) });
    await relay.down();
    await mail.enqueueMany(db, Array.from({ length: 10 }, (_, i) => invite(`down:${i}`, `c${i}@customer.example`)));

    // The worker polls every 30 s of the outage; mail keeps arriving meanwhile (3 more at 5 min).
    for (let s = 0; s < 600; s += 30) {
      now = T0 + s * 1_000;
      if (s === 300) await mail.enqueueMany(db, Array.from({ length: 3 }, (_, i) => invite(`late:${i}`, `late${i}@customer.example`)));
      // One poll: rounds until nothing more is due (as start() does after a full round).
      for (let round = await w.runOnce(); round.claimed > 0; round = await w.runOnce()) {
        expect(round.sent + round.failed, `at ${s} s`).toBe(0);
      }
    }
    const waiting = await rows();
    expect(waiting.map((r) => r.status)).toEqual(Array(13).fill("queued"));
    // First ten: tried at 0, 60, 180, 420 s → due at 900 s. Late three: tried at 300 s → due at 360 s, retried → due at 480 s, retried → due at 720 s.
    expect(waiting.slice(0, 10).map((r) => [r.attempts, r.next_attempt_at])).toEqual(Array(10).fill([4, new Date(T0 + 900_000).toISOString()]));
    expect(waiting.slice(10).map((r) => [r.attempts, r.next_attempt_at])).toEqual(Array(3).fill([3, new Date(T0 + 720_000).toISOString()]));

    await relay.up(); // back at 10 min
    let sent = 0;
    for (const s of [600, 720, 900]) {
      now = T0 + s * 1_000;
      for (let round = await w.runOnce(); round.claimed > 0; round = await w.runOnce()) sent += round.sent;
    }
    expect(sent).toBe(13);
    expect((await rows()).map((r) => r.status)).toEqual(Array(13).fill("sent"));
    const ids = smtp.received.map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(13);
    expect(new Set(ids).size).toBe(13);
  });

  it("a worker killed over and over counts an attempt only for the mails it was sending, and never fails a mail it had not started", async () => {
    // Each "kill": a worker claims and starts its sends into a server that never answers, and is
    // abandoned; its lease runs out before the next one starts. With maxAttempts 3, three kills.
    const blackHole = await smtpServer({ stall: true });
    await mail.enqueueMany(db, Array.from({ length: 20 }, (_, i) => invite(`batch:${i}`, `c${i}@customer.example`)));
    for (let kill = 1; kill <= 3; kill++) {
      const dying = createOutboxWorker({ db, transport: nodemailer.createTransport(smtpOptionsFromUrl(blackHole.url)), from: FROM, clock, leaseMs: LEASE_MS, maxAttempts: 3, logger: silent });
      void dying.runOnce().catch(() => {});
      const started = Date.now();
      while (blackHole.stalled < kill * 5) {
        if (Date.now() - started > 5_000) throw new Error(`${blackHole.stalled} sends reached the server`);
        await new Promise((r) => setTimeout(r, 10));
      }
      now += LEASE_MS + 1;
    }
    // The five mails in flight at every kill were claimed three times; the other fifteen never.
    const before = await rows();
    expect(before.filter((r) => r.status === "sending").map((r) => r.attempts)).toEqual([3, 3, 3, 3, 3]);
    expect(before.filter((r) => r.status === "queued").map((r) => r.attempts)).toEqual(Array(15).fill(0));

    const good = await smtpServer();
    const w = worker(good.url, { maxAttempts: 3 });
    for (let round = await w.runOnce(); round.claimed > 0; round = await w.runOnce());

    const after = await rows();
    // The five that died with their worker three times are given up as suspect (poison); the
    // fifteen that never got a connection are delivered.
    expect(after.filter((r) => r.status === "failed").map((r) => r.idempotency_key)).toEqual(["batch:0", "batch:1", "batch:2", "batch:3", "batch:4"]);
    expect(after.filter((r) => r.status === "failed").every((r) => r.last_error?.includes("did not finish"))).toBe(true);
    expect(after.filter((r) => r.status === "sent")).toHaveLength(15);
    expect(good.received).toHaveLength(15);
  });
});
