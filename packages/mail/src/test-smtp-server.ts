/**
 * A real in-process SMTP server for tests: receives on 127.0.0.1, parses what arrives with
 * mailparser, and lets a test answer RCPT TO with an error, or never answer DATA.
 */
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

export interface ReceivedMail {
  readonly envelopeTo: readonly string[];
  readonly parsed: ParsedMail;
}

export interface TestSmtpServerProps {
  /** Called for each RCPT TO (1-based count over the server's life); return an error to reject it. */
  readonly rejectRcpt?: (address: SMTPServerAddress, count: number) => { code: number; message: string } | undefined;
  /** Never answer DATA: the client hangs as if the server stalled. */
  readonly stall?: boolean;
  /** Answer DATA only after this many ms. */
  readonly delayMs?: number;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Messages whose DATA arrived but got no answer (`stall`). */
  readonly stalled: number;
  /** Resolves when `received` has at least `n` messages. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSmtpServer(props: TestSmtpServerProps = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let rcptCount = 0;
  let stalled = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      rcptCount++;
      const reject = props.rejectRcpt?.(address, rcptCount);
      if (reject) return callback(Object.assign(new Error(reject.message), { responseCode: reject.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (props.stall) {
          stalled++;
          return;
        }
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        setTimeout(() => {
          simpleParser(Buffer.concat(chunks)).then(
            (parsed) => {
              received.push({ envelopeTo, parsed });
              for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
              callback();
            },
            (err: Error) => callback(err),
          );
        }, props.delayMs ?? 0);
      });
    },
  });
  // A client killed mid-session (kill -9 in the fault suite) resets its connection; smtp-server
  // reports that as an "error" event, which must not become an uncaught exception of the test.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    get stalled() {
      return stalled;
    },
    waitFor(n, timeoutMs = 5_000) {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`test SMTP server: ${received.length} of ${n} messages after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
