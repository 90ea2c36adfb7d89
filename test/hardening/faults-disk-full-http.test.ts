// Disk full as the customer sees it: the production server's file-size limit (RLIMIT_FSIZE, set on
// the running process with prlimit) stops its database files from growing, so the write-ahead log
// cannot take the next frame: the k-th page write of a submission's commit fails (EFBIG/short
// write → SQLITE_IOERR / SQLITE_FULL). For both public forms (the satisfaction survey and a
// customer's 360 review), looping k from 0 until the commit fits, each run asserts the answer (a 503
// saying, in the customer's language, that nothing was saved and to try again), nothing stored,
// `PRAGMA integrity_check` = ok, and — once the limit is lifted ("space freed") — the same link
// submits and is stored once.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDb } from "../e2e/support/db";
import { MANAGER } from "../e2e/support/http";
import { loggedIn, postAction, tokenFor } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";
import { addCustomers, answersAt, integrityCheck, mintCsrf, scratchDir, type ServerRun, startServerIn } from "./support/faults";

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

/** A customer's personal-link form: where it posts, what a whole answer is, and whether it is stored. */
interface LinkForm {
  readonly name: string;
  readonly prefix: string;
  readonly answers: Record<string, unknown>;
  /** Unused personal links, one taken per run. */
  readonly links: readonly string[];
  /** Submissions stored for this link: 0 or 1. */
  stored(token: string): number;
  /** Answer rows of this form stored in all, to see that a refused run left none behind. */
  total(): number;
}

/**
 * Posts a whole answer to a personal link: as a browser without JavaScript does (a document
 * request) or as the page's own submit does (single fetch `.data`; the page then shows the root
 * error boundary's `error.<status>` message in the customer's language).
 */
async function postLink(form: LinkForm, token: string, as: "document" | "data", lang: "en" | "zh-CN"): Promise<{ status: number; html: string }> {
  const res = await fetch(`${server.url}${form.prefix}${token}${as === "data" ? ".data" : ""}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `ac_csrf=${csrf.cookie}; ac_lang=${lang}`, ...(as === "document" ? { Accept: "text/html" } : {}) },
    body: new URLSearchParams({ _csrf: csrf.token, intent: "submit", payload: JSON.stringify(form.answers) }).toString(),
    redirect: "manual",
  });
  return { status: res.status, html: await res.text() };
}

/** Folds the WAL into the database, so that every later write grows the WAL file from its start. */
function checkpoint(): void {
  const [result] = withDb(server.dbFile, (db) => db.pragma("wal_checkpoint(TRUNCATE)")) as { busy: number }[];
  expect(result.busy).toBe(0);
}

/** Posts `token` under a file-size limit of `frames` more WAL frames, and lifts the limit again. */
async function postUnderLimit(form: LinkForm, token: string, frames: number, as: "document" | "data"): Promise<{ status: number; html: string }> {
  const FRAME = 4096 + 24; // a WAL frame: one page and its header
  setFileSizeLimit(walSize() + frames * FRAME);
  try {
    return await postLink(form, token, as, as === "document" ? "en" : "zh-CN");
  } finally {
    setFileSizeLimit("unlimited");
  }
}

/** What a refused submission must leave behind: nothing stored, an intact database, and a link that works once space is freed. */
async function expectRefusedWhole(form: LinkForm, token: string, before: number, run: string): Promise<void> {
  expect(form.stored(token), `${form.name} ${run}`).toBe(0);
  expect(form.total(), `${form.name} ${run}`).toBe(before);
  expect(integrityCheck(server.dbFile), `${form.name} ${run}`).toBe("ok");
  // Space freed: the customer tries again and it is stored once.
  const retry = await postLink(form, token, "data", "en");
  expect(retry.status, `${form.name} ${run}: retry ${retry.html.slice(0, 200)}`).toBe(200);
  expect(retry.html).toContain('"ok"');
  expect(form.stored(token), `${form.name} ${run}: retry`).toBe(1);
}

/**
 * First a browser without JavaScript (a document POST) with no room at all: the 503 page says, in
 * both languages, that nothing was saved. Then the page's own submit (single fetch `.data`, whose
 * 503 the page shows as the root error boundary's `error.503` in the customer's language), looping
 * k from 0 until the commit fits under a limit of k WAL frames: each refused run must be a 503 with
 * nothing stored and an intact database, and the same link must submit once space is freed.
 * Returns the runs, e.g. ["document: 503", "k=0: 503", …, "k=17: stored"].
 */
async function refusedUntilItFits(form: LinkForm): Promise<string[]> {
  checkpoint();
  const links = [...form.links];
  const first = links.shift()!;
  const before = form.total();
  const page = await postUnderLimit(form, first, 0, "document");
  expect(page.status, `${form.name}, document POST; the server's log: ${server.output().slice(-1_500)}`).toBe(503);
  // The error page of a document POST has no root data, so no language: it says it in both.
  expect(/<p data-testid="error-message">([^<]*)<\/p>/.exec(page.html)?.[1]).toBe(
    "The server cannot save anything right now (its storage is full or failing). Nothing was saved: please try again later. / 服务器暂时无法保存数据（存储空间已满或出现故障），本次提交未保存，请稍后再试。",
  );
  expect(page.html).toContain("<h1>503");
  expect(page.html).not.toMatch(/SQLITE|SqliteError|disk I\/O|at .*\.js:\d+/);
  await expectRefusedWhole(form, first, before, "document POST");
  const runs = ["document: 503"];

  for (let k = 0; ; k++) {
    const token = links.shift();
    if (k > 60 || !token) throw new Error(`${form.name}: the submission never fitted (${runs.join(", ")})`);
    const before = form.total();
    const answer = await postUnderLimit(form, token, k, "data");
    if (answer.status === 200) {
      runs.push(`k=${k}: stored`);
      expect(answer.html).toContain('"ok"');
      expect(form.stored(token)).toBe(1);
      break;
    }
    runs.push(`k=${k}: ${answer.status}`);
    expect(answer.status, `${form.name} k=${k}; the server's log: ${server.output().slice(-1_500)}`).toBe(503);
    expect(answer.html).not.toMatch(/SQLITE|SqliteError|disk I\/O|at .*\.js:\d+/);
    await expectRefusedWhole(form, token, before, `k=${k}`);
  }
  console.log(`[faults] disk full under the production server, ${form.name}: ${runs.length - 1} submissions refused; ${runs.join(", ")}`);
  expect(runs.length).toBeGreaterThan(3);
  expect(integrityCheck(server.dbFile)).toBe("ok");
  return runs;
}

/** The server's log lines naming a storage failure of a POST under `prefix`. */
function storageFailuresLogged(prefix: string): string[] {
  const escaped = prefix.replace(/[/.]/g, "\\$&");
  return server.output().match(new RegExp(`\\[aftercare\\] storage failure POST ${escaped}\\S+: SQLITE_(IOERR|FULL)\\w*`, "g")) ?? [];
}

beforeAll(async () => {
  server = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
  addCustomers(server.dbFile, 60, "standard", "fsize");
  campaign = await sendCampaign(server, await loggedIn(server, MANAGER), "Disk full", "standard");
}, 120_000);

afterAll(async () => {
  await server?.stop();
  scratch.remove();
});

describe("disk full under the production server", () => {
  it("refuses a survey submission with a clear 503 at every k-th page write of its commit, stores nothing, and takes it once space is freed", async () => {
    const recipientOf = new Map(campaign.links.map((l) => [l.token, l.recipientId]));
    const runs = await refusedUntilItFits({
      name: "satisfaction survey",
      prefix: "/satisfaction/s/",
      answers: answersAt(20),
      links: campaign.links.map((l) => l.token),
      stored: (token) => withDb(server.dbFile, (db) => db.prepare("select count(*) from satisfaction_response where recipient_id = ?").pluck().get(recipientOf.get(token)) as number),
      total: () => withDb(server.dbFile, (db) => db.prepare("select count(*) from satisfaction_response").pluck().get() as number),
    });
    // The log names the real cause of each refusal, not the failed ROLLBACK after it.
    expect(storageFailuresLogged("/satisfaction/s/")).toHaveLength(runs.length - 1);
    expect(server.output()).not.toContain("cannot rollback");
  });

  it("refuses a customer's 360 review the same way, and takes it once space is freed", async () => {
    // The manager invites 40 customers to review one of the open cycle's reviewees.
    const manager = await loggedIn(server, MANAGER);
    const revieweeId = withDb(server.dbFile, (db) => db.prepare("select r.id from review360_reviewee r join review360_cycle c on c.id = r.cycle_id where c.status = 'open' order by r.id limit 1").pluck().get() as number);
    addCustomers(server.dbFile, 40, "fsize-360", "fsize-360");
    const customerIds = withDb(server.dbFile, (db) => db.prepare("select id from customers where tier = 'fsize-360' order by id").pluck().all() as number[]);
    const csrf360 = await manager.csrf(`/review360/reviewees/${revieweeId}`);
    for (const customer of customerIds) {
      const res = await postAction(manager, `/review360/reviewees/${revieweeId}`, { _csrf: csrf360, intent: "assign-customers", customer: String(customer) });
      expect(res.status, res.body.slice(0, 200)).toBe(202);
    }
    const invitationIds = withDb(server.dbFile, (db) =>
      db.prepare(`select a.invitation_id from review360_assignment a where a.reviewee_id = ? and a.customer_id in (${customerIds.map(() => "?").join(",")}) order by a.id`).pluck().all(revieweeId, ...customerIds) as string[],
    );
    expect(invitationIds).toHaveLength(40);
    const invitationOf = new Map(invitationIds.map((id) => [tokenFor(id), id]));
    const definition = JSON.parse(withDb(server.dbFile, (db) => db.prepare("select c.definition_json from review360_cycle c join review360_reviewee r on r.cycle_id = c.id where r.id = ?").pluck().get(revieweeId) as string)) as { competencies: { items: { id: string }[] }[] };
    const runs = await refusedUntilItFits({
      name: "customer 360 review",
      prefix: "/review360/r/",
      answers: Object.fromEntries(definition.competencies.flatMap((c) => c.items.map((item) => [item.id, 4]))),
      links: [...invitationOf.keys()],
      stored: (token) => withDb(server.dbFile, (db) => db.prepare("select count(*) from review360_assignment where invitation_id = ? and status = 'submitted'").pluck().get(invitationOf.get(token)) as number),
      total: () => withDb(server.dbFile, (db) => db.prepare("select count(*) from review360_answer").pluck().get() as number),
    });
    expect(storageFailuresLogged("/review360/r/")).toHaveLength(runs.length - 1);
  });
});
