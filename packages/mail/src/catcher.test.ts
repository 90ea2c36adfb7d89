import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nodemailer from "nodemailer";
import type { Kysely } from "kysely";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet, type MailTables } from "./migrations";
import { getCaught, listCaught, startMailCatcher, type MailCatcher } from "./catcher";
import { createMailService } from "./outbox";
import { createOutboxWorker } from "./worker";
import { createTransportFromUrl } from "./transport";

let t: TestDatabase<MailTables>;
let db: Kysely<MailTables>;
let catcher: MailCatcher;
let tick: number;
const clock = () => new Date(Date.UTC(2026, 10, 27, 9, 0, tick++));

beforeEach(async () => {
  t = await createTestDatabase<MailTables>([mailMigrationSet]);
  db = t.db;
  tick = 0;
  catcher = await startMailCatcher({ db, clock });
});
afterEach(async () => {
  await catcher.close();
  await t.destroy();
});

async function send(subject: string, to = "wang.fang@customer.example") {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: catcher.port, secure: false });
  try {
    await transport.sendMail({ from: "Aftercare <aftercare@example.com>", to, subject, html: `<p>${subject}</p>`, text: subject });
  } finally {
    transport.close();
  }
}

describe("mail catcher", () => {
  it("listens on localhost and stores a message sent with nodemailer; listCaught and getCaught return it", async () => {
    expect(catcher.url).toBe(`smtp://127.0.0.1:${catcher.port}`);
    expect(catcher.port).toBeGreaterThan(0);

    await send("Your visit report");

    const page = await listCaught(db, { page: 1, pageSize: 20 });
    expect(page.total).toBe(1);
    expect(page.items).toEqual([
      { id: expect.any(Number), receivedAt: "2026-11-27T09:00:00.000Z", from: '"Aftercare" <aftercare@example.com>', to: ["wang.fang@customer.example"], subject: "Your visit report" },
    ]);
    const full = await getCaught(db, page.items[0].id);
    expect(full?.html).toBe("<p>Your visit report</p>");
    expect(full?.text?.trim()).toBe("Your visit report");
    expect(full?.headers.some((h) => h.key === "subject" && h.line.includes("Your visit report"))).toBe(true);
    expect(full?.raw).toContain("Subject: Your visit report");
    expect(await getCaught(db, page.items[0].id + 1)).toBeUndefined();
  });

  it("lists newest first, a page at a time, with the total", async () => {
    for (const s of ["first", "second", "third"]) await send(s);

    const one = await listCaught(db, { page: 1, pageSize: 2 });
    const two = await listCaught(db, { page: 2, pageSize: 2 });

    expect(one.items.map((m) => m.subject)).toEqual(["third", "second"]);
    expect(two.items.map((m) => m.subject)).toEqual(["first"]);
    expect([one.total, two.total]).toEqual([3, 3]);
  });

  it("refuses a message over the size limit with a 552 and stores nothing", async () => {
    const small = await startMailCatcher({ db, maxBytes: 2_000 });
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: small.port, secure: false });
    try {
      await expect(
        transport.sendMail({ from: "a@example.com", to: "b@example.com", subject: "big", text: "x".repeat(5_000) }),
      ).rejects.toMatchObject({ responseCode: 552 });
    } finally {
      transport.close();
      await small.close();
    }
    expect((await listCaught(db, { page: 1, pageSize: 10 })).total).toBe(0);
  });

  it("closes the loop with no setup: outbox -> worker -> catcher -> admin list", async () => {
    await createMailService().enqueue(db, { key: "loop", to: "chen.jie@customer.example", subject: "Survey", html: "<p>Hi</p>", text: "Hi" });
    const worker = createOutboxWorker({ db, transport: createTransportFromUrl(catcher.url), from: "Aftercare <aftercare@localhost>" });

    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    await worker.stop();

    const { items } = await listCaught(db, { page: 1, pageSize: 10 });
    expect(items.map((m) => [m.subject, m.to])).toEqual([["Survey", ["chen.jie@customer.example"]]]);
  });
});
