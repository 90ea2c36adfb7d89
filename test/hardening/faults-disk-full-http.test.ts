// Disk full as the customer sees it: the production server's file-size limit (RLIMIT_FSIZE, set on
// the running process with prlimit) stops its database files from growing, so the write-ahead log
// cannot take the next frame: the k-th page write of a submission's commit fails (EFBIG/short
// write → SQLITE_IOERR / SQLITE_FULL). Looping k from 0 until the commit fits, each run asserts the
// answer (a 503 page saying, in the customer's language, that nothing was saved and to try again),
// nothing stored, `PRAGMA integrity_check` = ok, and — once the limit is lifted ("space freed") —
// the same link submits and is stored once.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDb } from "../e2e/support/db";
import { MANAGER } from "../e2e/support/http";
import { loggedIn } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";
import { addCustomers, answersAt, integrityCheck, mintCsrf, scratchDir, type ServerRun, startServerIn, submitSurvey } from "./support/faults";

const scratch = scratchDir("aftercare-faults-fsize-");
let server: ServerRun;
let campaign: SentCampaign;
const csrf = mintCsrf();

function setFileSizeLimit(bytes: number | "unlimited"): void {
  execFileSync("prlimit", [`--pid=${server.pid}`, `--fsize=${bytes}:unlimited`]);
}

function walSize(): number {
  return fs.statSync(`${server.dbFile}-wal`).size;
}

/** Posts the survey as a browser without JavaScript does (a document request), in `lang`. */
async function postDocument(token: string, lang: "en" | "zh-CN"): Promise<{ status: number; html: string }> {
  const res = await fetch(`${server.url}/satisfaction/s/${token}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `ac_csrf=${csrf.cookie}; ac_lang=${lang}`, Accept: "text/html" },
    body: new URLSearchParams({ _csrf: csrf.token, intent: "submit", payload: JSON.stringify(answersAt(20)) }).toString(),
    redirect: "manual",
  });
  return { status: res.status, html: await res.text() };
}

/** Posts the survey as the page's own submit does (single fetch `.data`); the page then shows the root error boundary's `error.<status>` message in the customer's language. */
async function postData(token: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${server.url}/satisfaction/s/${token}.data`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `ac_csrf=${csrf.cookie}; ac_lang=zh-CN` },
    body: new URLSearchParams({ _csrf: csrf.token, intent: "submit", payload: JSON.stringify(answersAt(20)) }).toString(),
    redirect: "manual",
  });
  return { status: res.status, html: await res.text() };
}

function stored(recipientId: number): number {
  return withDb(server.dbFile, (db) => db.prepare("select count(*) from satisfaction_response where recipient_id = ?").pluck().get(recipientId) as number);
}

beforeAll(async () => {
  server = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
  addCustomers(server.dbFile, 60, "standard", "fsize");
  campaign = await sendCampaign(server, await loggedIn(server, MANAGER), "Disk full", "standard");
  // Fold the WAL into the database so that every later write grows the WAL file from its start.
  const [checkpoint] = withDb(server.dbFile, (db) => db.pragma("wal_checkpoint(TRUNCATE)")) as { busy: number }[];
  expect(checkpoint.busy).toBe(0);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  scratch.remove();
});

describe("disk full under the production server", () => {
  it("refuses a submission with a clear 503 at every k-th page write of its commit, stores nothing, and takes it once space is freed", async () => {
    const FRAME = 4096 + 24; // a WAL frame: one page and its header
    const runs: string[] = [];
    let link = 0;
    for (let k = 0; ; k++) {
      if (k > 60) throw new Error("the submission never fitted");
      const { token, recipientId } = campaign.links[link];
      // Even k: a browser without JavaScript (a document POST); odd k: the page's own submit (`.data`).
      const asDocument = k % 2 === 0;
      const responsesBefore = withDb(server.dbFile, (db) => db.prepare("select count(*) from satisfaction_response").pluck().get());
      setFileSizeLimit(walSize() + k * FRAME);
      const answer = asDocument ? await postDocument(token, "en") : await postData(token);
      setFileSizeLimit("unlimited");
      if (answer.status === 200) {
        runs.push(`k=${k}: stored`);
        expect(stored(recipientId)).toBe(1);
        break;
      }
      runs.push(`k=${k}: ${answer.status}`);
      expect(answer.status, `k=${k}: ${answer.html.slice(0, 300)}`).toBe(503);
      if (asDocument) {
        // The error page of a document POST has no root data, so no language: it says it in both.
        expect(/<p data-testid="error-message">([^<]*)<\/p>/.exec(answer.html)?.[1], `k=${k}`).toBe(
          "The server cannot save anything right now (its storage is full or failing). Nothing was saved: please try again later. / 服务器暂时无法保存数据（存储空间已满或出现故障），本次提交未保存，请稍后再试。",
        );
        expect(answer.html).toContain("<h1>503");
      }
      expect(answer.html).not.toMatch(/SQLITE|SqliteError|disk I\/O|at .*\.js:\d+/);
      expect(stored(recipientId), `k=${k}`).toBe(0);
      expect(withDb(server.dbFile, (db) => db.prepare("select count(*) from satisfaction_response").pluck().get()), `k=${k}`).toBe(responsesBefore);
      expect(integrityCheck(server.dbFile), `k=${k}`).toBe("ok");
      // Space freed: the customer tries again (with JavaScript this time) and it is stored once.
      expect(await submitSurvey(server.url, token, answersAt(20), csrf), `k=${k}: retry`).toEqual({ kind: "ok" });
      expect(stored(recipientId)).toBe(1);
      link++;
    }
    console.log(`[faults] disk full under the production server: ${runs.length - 1} submissions refused; ${runs.join(", ")}`);
    expect(runs.length).toBeGreaterThan(2);
    expect(integrityCheck(server.dbFile)).toBe("ok");
    // The log names the real cause of each refusal, not the failed ROLLBACK after it.
    const log = server.output();
    expect(log.match(/\[aftercare\] storage failure POST \/satisfaction\/s\/\S+: SQLITE_(IOERR|FULL)\w*/g) ?? []).toHaveLength(runs.length - 1);
    expect(log).not.toContain("cannot rollback");
  });
});
