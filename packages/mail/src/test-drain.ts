import type { Kysely } from "kysely";
import { createOutboxWorker } from "./worker";
import { createTransportFromUrl } from "./transport";
import type { ReceivedMail, TestSmtpServer } from "./test-smtp-server";

const silent = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Test helper: sends everything queued in the outbox through a real outbox worker and pooled SMTP
 * transport into a test SMTP server, and returns the messages that arrived in this drain. Throws
 * when a round retries or fails a message. Give the host's clock when the test moves time.
 *
 * @example
 * const mails = await drainOutbox(smtp, { db: host.db, clock: host.ctx.clock });
 */
export async function drainOutbox(smtp: TestSmtpServer, props: { db: Kysely<any>; clock?: () => Date }): Promise<ReceivedMail[]> {
  const before = smtp.received.length;
  const worker = createOutboxWorker({
    db: props.db,
    clock: props.clock,
    transport: createTransportFromUrl(smtp.url),
    from: "Aftercare <aftercare@aftercare.test>",
    logger: silent,
  });
  let sent = 0;
  try {
    for (;;) {
      const round = await worker.runOnce();
      sent += round.sent;
      if (round.claimed === 0) break;
      if (round.retried > 0 || round.failed > 0) throw new Error(`outbox round did not deliver: ${JSON.stringify(round)}`);
    }
    await smtp.waitFor(before + sent);
  } finally {
    await worker.stop();
  }
  return smtp.received.slice(before);
}
