// kill -9 of the production server while customers submit surveys, in a loop. A submission the
// server acknowledged (200 with ok) must be stored, none twice, each one whole (its five item
// scores, its completed link, its feedback record when low); a submission whose answer was lost
// in the kill is retried by the client after the restart and then either stored now (200) or
// found already stored (the used link answers 404) — never stored twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDb } from "../e2e/support/db";
import { MANAGER } from "../e2e/support/http";
import { loggedIn } from "./support/fixture";
import { type SentCampaign, sendCampaign } from "./support/campaign";
import { addCustomers, answersAt, integrityCheck, mintCsrf, scratchDir, seededRandom, type ServerRun, sleep, startServerIn, submitSurvey } from "./support/faults";

/** Kill -9 / restart cycles. Each restart of the production server takes about 1 s. */
const KILLS = Number(process.env.FAULT_KILLS ?? 50);
/** Submissions in flight at any time (customers submitting at once). */
const CONCURRENCY = 6;
/** Personal links of the campaign, and how many new ones a cycle may use (so no machine runs out). */
const LINKS = 900;
const PER_CYCLE = Math.floor(LINKS / (KILLS + 1));
const random = seededRandom(8_0001);

const scratch = scratchDir();
let campaign: SentCampaign;
/**
 * Token → the level every item is answered at: every 4th link "very dissatisfied" (20 points: score
 * 20 < the satisfied threshold 85, so a feedback record), the others "very satisfied" (100: none).
 */
const pointsOf = new Map<string, number>();
const recipientOf = new Map<string, number>();

beforeAll(async () => {
  const first = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
  try {
    addCustomers(first.dbFile, LINKS, "standard", "kill");
    campaign = await sendCampaign(first, await loggedIn(first, MANAGER), "Kill -9 during submissions", "standard");
  } finally {
    await first.stop();
  }
  campaign.links.forEach((l, i) => {
    pointsOf.set(l.token, i % 4 === 0 ? 20 : 100);
    recipientOf.set(l.token, l.recipientId);
  });
}, 120_000);

afterAll(() => scratch.remove());

describe("kill -9 during survey submissions", () => {
  it(`keeps every acknowledged submission exactly once over ${KILLS} kill/restart cycles`, async () => {
    const queue = campaign.links.map((l) => l.token);
    const acked = new Set<string>();
    /** Sent, no answer (the server died): the client retries them after the restart. */
    let unanswered: string[] = [];
    /** Retried after a kill and answered 404: the killed server had stored it before dying. */
    const storedBeforeKill = new Set<string>();
    const unexpected: string[] = [];
    let killsWithRequestsInFlight = 0;
    const csrf = mintCsrf();

    let started = 0;
    async function customer(run: ServerRun, killed: () => boolean, retries: string[]): Promise<void> {
      while (!killed()) {
        const retry = retries.length > 0;
        if (!retry && started >= PER_CYCLE) {
          // This cycle's share of links is used: wait for the kill.
          await sleep(2);
          continue;
        }
        const token = retry ? retries.shift()! : queue.shift();
        if (!token) return;
        if (!retry) started++;
        const result = await submitSurvey(run.url, token, answersAt(pointsOf.get(token)!), csrf);
        if (result.kind === "ok") acked.add(token);
        else if (result.kind === "no-answer") unanswered.push(token);
        else if (retry && result.status === 404) storedBeforeKill.add(token);
        else unexpected.push(`${result.status} ${result.body.slice(0, 200)}`);
      }
    }

    for (let cycle = 0; cycle < KILLS; cycle++) {
      const run = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
      const retries = unanswered;
      unanswered = [];
      let killed = false;
      started = 0;
      const customers = Array.from({ length: CONCURRENCY }, () => customer(run, () => killed, retries));
      // After a random number of new submissions has started (so requests are in flight whatever
      // the machine's speed), then 0–30 ms more: mid-request, mid-transaction or mid-commit.
      const target = 1 + Math.floor(random() * (PER_CYCLE - CONCURRENCY));
      const deadline = Date.now() + 5_000;
      while (started < target && Date.now() < deadline) await sleep(1);
      await sleep(Math.floor(random() * 30));
      killed = true;
      await run.kill9();
      await Promise.all(customers);
      if (unanswered.length > 0) killsWithRequestsInFlight++;
      unanswered.push(...retries); // retries not reached in this cycle
      if (queue.length === 0 && unanswered.length === 0) throw new Error(`ran out of links after ${cycle + 1} cycles`);
    }

    // The last start: nothing is killed; every submission left without an answer is retried.
    const final = await startServerIn(scratch.dir, { AFTERCARE_NO_BACKGROUND: "1" });
    for (const token of unanswered) {
      const result = await submitSurvey(final.url, token, answersAt(pointsOf.get(token)!), csrf);
      if (result.kind === "ok") acked.add(token);
      else if (result.kind === "refused" && result.status === 404) storedBeforeKill.add(token);
      else unexpected.push(JSON.stringify(result));
    }
    await final.stop();

    const tried = [...acked, ...storedBeforeKill];
    console.log(
      `[faults] kill -9 during submissions: ${KILLS} kills (${killsWithRequestsInFlight} with requests in flight), ` +
        `${acked.size} acknowledged, ${storedBeforeKill.size} stored by a server killed before it answered, ${queue.length} links unused`,
    );
    expect(unexpected).toEqual([]);
    expect(killsWithRequestsInFlight).toBeGreaterThan(KILLS / 2);

    const stored = withDb(scratch.dbFile, (db) => ({
      responses: db.prepare("select recipient_id, answers_json from satisfaction_response where campaign_id = ? order by recipient_id").all(campaign.id) as { recipient_id: number; answers_json: string }[],
      itemsPerResponse: db.prepare("select r.recipient_id, count(s.response_id) as n from satisfaction_response r left join satisfaction_item_score s on s.response_id = r.id where r.campaign_id = ? group by r.recipient_id").all(campaign.id) as { recipient_id: number; n: number }[],
      orphanItems: db.prepare("select count(*) from satisfaction_item_score s left join satisfaction_response r on r.id = s.response_id where r.id is null").pluck().get() as number,
      feedback: db.prepare("select count(*) from satisfaction_feedback where campaign_id = ? and source = 'survey'").pluck().get(campaign.id) as number,
      feedbackEvents: db.prepare("select count(*) from satisfaction_feedback_event e join satisfaction_feedback f on f.id = e.feedback_id where f.campaign_id = ?").pluck().get(campaign.id) as number,
      completed: db.prepare("select count(*) from invitations where purpose = 'satisfaction' and subject_ref = ? and state = 'completed'").pluck().get(String(campaign.id)) as number,
    }));

    // Exactly the submissions that were acknowledged or found stored on retry, each once.
    const expectedRecipients = tried.map((t) => recipientOf.get(t)!).sort((a, b) => a - b);
    expect(stored.responses.map((r) => r.recipient_id)).toEqual(expectedRecipients);
    // Each one whole: five item scores, its link completed, a feedback record (+ its "created"
    // event) for every all-20 answer set and none for the all-100 ones.
    expect(stored.itemsPerResponse.filter((r) => r.n !== 5)).toEqual([]);
    expect(stored.orphanItems).toBe(0);
    expect(stored.completed).toBe(tried.length);
    const low = tried.filter((t) => pointsOf.get(t) === 20).length;
    expect(stored.feedback).toBe(low);
    expect(stored.feedbackEvents).toBe(low);
    // The stored answers are the ones sent.
    const byRecipient = new Map(tried.map((t) => [recipientOf.get(t)!, pointsOf.get(t)!]));
    expect(stored.responses.filter((r) => JSON.parse(r.answers_json).quality !== byRecipient.get(r.recipient_id))).toEqual([]);
    expect(integrityCheck(scratch.dbFile)).toBe("ok");
  }, 300_000); // 50 restarts: about a minute, more on a busy machine
});
