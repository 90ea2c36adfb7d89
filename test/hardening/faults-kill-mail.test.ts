// kill -9 of the production server while its mail worker drains a campaign, in a loop, against a
// real SMTP server in this process. The worker is at-least-once by design (packages/mail/src/worker.ts):
// a mail claimed by a killed worker is sent again when its lease (MAIL_LEASE_SECONDS) runs out,
// and every send of one outbox row carries the same Message-ID, so a receiver can drop a repeat.
// Asserted: every invitation arrives, every outbox row ends `sent`, the Message-IDs that arrive are
// exactly the outbox rows' ones; repeats (a kill after the SMTP server accepted a mail and before
// the row was marked sent) are counted and reported.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageIdFor } from "@aftercare/mail/message";
import { startTestSmtpServer, type TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { withDb } from "../e2e/support/db";
import { MANAGER } from "../e2e/support/http";
import { loggedIn } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";
import { addCustomers, integrityCheck, scratchDir, seededRandom, sleep, startServerIn } from "./support/faults";

/** Kill -9 / restart cycles (each restart of the production server takes 1–2 s); FAULT_KILLS overrides. */
const KILLS = Number(process.env.FAULT_KILLS ?? 50);
const FROM = "Aftercare <aftercare@localhost>"; // MAIL_FROM's default
/** A short lease so that mails claimed by a killed worker come back within the test. */
const LEASE_SECONDS = "2";
const random = seededRandom(8_0002);

const scratch = scratchDir();
let smtp: TestSmtpServer;
let campaign: SentCampaign;

beforeAll(async () => {
  // The SMTP server answers the end of each message 20 ms after receiving it (a real server scans
  // and queues it first). A kill inside that window is what makes a repeat: the server keeps the
  // message, the killed worker never hears the 250 and never marks the row sent (RFC 1047).
  smtp = await startTestSmtpServer({ delayMs: Number(process.env.FAULT_SMTP_DELAY_MS ?? 20) });
  const first = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
  try {
    addCustomers(first.dbFile, 700, "standard", "mail");
    campaign = await sendCampaign(first, await loggedIn(first, MANAGER), "Kill -9 during the mail drain", "standard");
  } finally {
    await first.stop();
  }
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  scratch.remove();
});

function outbox(): { key: string; status: string; attempts: number }[] {
  return withDb(scratch.dbFile, (db) =>
    db.prepare("select idempotency_key as key, status, attempts from mail_outbox where idempotency_key like ? order by id").all(`satisfaction:${campaign.id}:%`),
  ) as { key: string; status: string; attempts: number }[];
}

describe("kill -9 while the mail worker drains a campaign", () => {
  it(`delivers every invitation, with one Message-ID per outbox row, over ${KILLS} kill/restart cycles`, async () => {
    const env = { SMTP_URL: smtp.url, MAIL_LEASE_SECONDS: LEASE_SECONDS };
    const invitations = campaign.links.length;
    let killsWhileSending = 0;
    const seen = new Set<string>();
    let scanned = 0;
    for (let cycle = 0; cycle < KILLS; cycle++) {
      const run = await startServerIn(scratch.dir, env);
      // Kill once this run has got 1–8 mails to the SMTP server that never arrived before, plus
      // 0–29 ms: at every phase of a send (connecting, DATA, waiting for the 250, marking the row
      // sent, claiming). Counting only new Message-IDs keeps the kills from always landing on the
      // rows taken over from the last kill (sent first): a row in flight at every kill would be
      // given up after 8 unfinished attempts, as the worker's poison rule says.
      const target = seen.size + 1 + Math.floor(random() * 8);
      const started = Date.now();
      for (;;) {
        for (; scanned < smtp.received.length; scanned++) seen.add(smtp.received[scanned].parsed.messageId ?? "");
        if (seen.size >= target) break;
        if (Date.now() - started > 60_000) throw new Error(`cycle ${cycle}: no mail arrived within 60 s\n${run.output().slice(-2000)}`);
        await sleep(2);
      }
      await sleep(Math.floor(random() * 30));
      await run.kill9();
      if (outbox().some((r) => r.status === "sending")) killsWhileSending++;
    }
    const leftAfterKills = outbox().filter((r) => r.status !== "sent").length;

    // The last start: the worker takes over the rows left in `sending` once their lease expires.
    const final = await startServerIn(scratch.dir, env);
    const deadline = Date.now() + 120_000;
    while (outbox().some((r) => r.status === "queued" || r.status === "sending")) {
      if (Date.now() > deadline) throw new Error(`outbox not drained: ${JSON.stringify(outbox().filter((r) => r.status !== "sent").slice(0, 5))}\n${final.output().slice(-2000)}`);
      await sleep(200);
    }
    await final.stop();

    const rows = outbox();
    const expectedIds = rows.map((r) => messageIdFor(r.key, FROM));
    const everyOutboxId = new Set(withDb(scratch.dbFile, (db) => db.prepare("select idempotency_key from mail_outbox").pluck().all() as string[]).map((k) => messageIdFor(k, FROM)));
    const received = smtp.received.map((m) => m.parsed.messageId ?? "(none)");
    const campaignIds = new Set(expectedIds);
    const ids = received.filter((id) => campaignIds.has(id));
    const distinct = new Set(ids);
    const duplicates = ids.length - distinct.size;
    console.log(
      `[faults] kill -9 during the mail drain: ${KILLS} kills (${killsWhileSending} with mails being sent), ${invitations} invitations, ` +
        `${leftAfterKills} left for the final run, ${ids.length} messages received, ${duplicates} repeats of a Message-ID, ` +
        `max attempts of a row ${Math.max(...rows.map((r) => r.attempts))}`,
    );

    expect(leftAfterKills).toBeGreaterThan(0);
    expect(rows).toHaveLength(invitations);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    // Every invitation arrived, each under its outbox row's Message-ID; nothing arrived that is not
    // an outbox row.
    expect([...distinct].sort()).toEqual([...expectedIds].sort());
    expect(received.filter((id) => !everyOutboxId.has(id))).toEqual([]);
    // A repeat needs a kill after the SMTP server accepted and before the row was marked sent:
    // at most the worker's 5 connections' mails per kill.
    expect(duplicates).toBeLessThanOrEqual(5 * KILLS);
    expect(integrityCheck(scratch.dbFile)).toBe("ok");
  }, 300_000); // 50 restarts: about a minute, more on a busy machine
});
