// Timing of unusable personal links: a valid id with a wrong secret (the row is found, the hash
// compared), an unknown id of the right shape (no row) and a malformed token (no id at all) must
// answer the same page in comparable time, so response times do not tell a guesser which ids
// exist. The check is relative, never an absolute threshold: the three kinds are interleaved
// (each round asks one of each, in rotating order) and their medians must lie within 2× or 25 ms
// of each other. The implementation compares SHA-256 hashes with crypto.timingSafeEqual, and
// hashes garbage too (packages/core/src/invitations.server.ts `check`).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { createClient, type HttpClient } from "../e2e/support/http";
import { fingerprint, loggedIn, PEOPLE, startHardenedApp } from "./support/fixture";
import { sendCampaign } from "./support/campaign";

const ROUNDS = 120;

let app: RunningApp;
let customer: HttpClient;
let validId: string;

beforeAll(async () => {
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1" });
  const campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hardening timing");
  validId = campaign.links[0].token.split(".")[0];
  customer = createClient(app.url);
  customer.jar.set("ac_lang", "en");
});

afterAll(async () => {
  await app?.stop();
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

it("answers a wrong secret, an unknown id and a malformed token with the same page in comparable time", async () => {
  const before = fingerprint(app.dbFile, ["invitations"]);
  const kinds: Record<string, (i: number) => string> = {
    "valid id, wrong secret": (i) => `${validId}.${String(i).padStart(43, "A")}`,
    "unknown id": (i) => `${String(i).padStart(16, "Z")}.${"B".repeat(43)}`,
    malformed: (i) => `not-a-token-${i}`,
  };
  const names = Object.keys(kinds);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const bodies = new Set<string>();
  // Warm-up: the first requests pay for JIT and caches.
  for (let i = 0; i < 10; i++) for (const n of names) await (await customer.get(`/satisfaction/s/${kinds[n](i)}`)).text();
  for (let i = 0; i < ROUNDS; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      const start = process.hrtime.bigint();
      const res = await customer.get(`/satisfaction/s/${kinds[name](i)}`);
      const html = await res.text();
      times[name].push(Number(process.hrtime.bigint() - start) / 1e6);
      expect(res.status, name).toBe(404);
      bodies.add(/<div class="card narrow" data-testid="link-invalid">.*?<\/div>/s.exec(html)?.[0] ?? "no card");
    }
  }
  // One page for all three.
  expect([...bodies]).toHaveLength(1);
  expect([...bodies][0]).toContain("This link cannot be used");
  const medians = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  console.log(`[token-timing] medians over ${ROUNDS} interleaved requests each (ms): ${JSON.stringify(Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, Math.round(v * 100) / 100])))}`);
  const values = Object.values(medians);
  const fastest = Math.min(...values);
  const slowest = Math.max(...values);
  expect(slowest <= 2 * fastest || slowest - fastest <= 25, `medians ${JSON.stringify(medians)}`).toBe(true);
  expect(fingerprint(app.dbFile, ["invitations"])).toEqual(before);
}, 120_000);
