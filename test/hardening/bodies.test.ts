// Hostile bodies on the public survey action (the endpoint anyone with a link can reach): huge,
// deeply nested, prototype-polluting, mistyped, and scores that are not scores. Each answers a
// clear error and stores nothing; the link still works afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { createClient, csrfFrom, type HttpClient } from "../e2e/support/http";
import { fingerprint, loggedIn, PEOPLE, postAction, scalar, startHardenedApp } from "./support/fixture";
import { type SentCampaign, sendCampaign, validAnswers } from "./support/campaign";

let app: RunningApp;
let customer: HttpClient;
let campaign: SentCampaign;
let url: string;
let csrf: string;

beforeAll(async () => {
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1" });
  campaign = await sendCampaign(app, await loggedIn(app, PEOPLE.manager), "Hardening bodies");
  customer = createClient(app.url);
  customer.jar.set("ac_lang", "en");
  url = `/satisfaction/s/${campaign.links[0].token}`;
  const page = await customer.get(url);
  expect(page.status).toBe(200);
  csrf = csrfFrom(await page.text());
});

afterAll(async () => {
  await app?.stop();
});

/** Data that may not change: every table but the invitation's own "opened/started" marks. */
const unchanged = () => fingerprint(app.dbFile, ["invitations"]);

function submit(payload: string) {
  return postAction(customer, url, { _csrf: csrf, intent: "submit", payload });
}

describe("scores that are not scores", () => {
  const valid = JSON.stringify(validAnswers());
  // [case, raw payload text, the field the error must name]
  const cases: [string, string, string][] = [
    ["NaN", valid.replace('"quality":80', '"quality":NaN'), ""],
    ["Infinity", valid.replace('"quality":80', '"quality":Infinity'), ""],
    ["1e309 (parses to Infinity)", valid.replace('"quality":80', '"quality":1e309'), "quality"],
    ['the string "80"', valid.replace('"quality":80', '"quality":"80"'), "quality"],
    ["out of range (101)", valid.replace('"quality":80', '"quality":101'), "quality"],
    ["negative (-80)", valid.replace('"quality":80', '"quality":-80'), "quality"],
    ["a fraction (80.5)", valid.replace('"quality":80', '"quality":80.5'), "quality"],
    ["null", valid.replace('"quality":80', '"quality":null'), "quality"],
    ["an array", valid.replace('"quality":80', '"quality":[80]'), "quality"],
    ["an object", valid.replace('"quality":80', '"quality":{"value":80}'), "quality"],
    ["a missing required item", JSON.stringify({ ...validAnswers(), quality: undefined }), "quality"],
  ];

  it.each(cases)("refuses %s with 400 naming the field, and stores nothing", async (_name, payload, field) => {
    const before = unchanged();
    const res = await submit(payload);
    expect(res.status, res.body.slice(0, 300)).toBe(400);
    expect(res.body).toContain('"errors"');
    if (field) expect(res.body).toContain(`"${field}"`);
    expect(unchanged()).toEqual(before);
  });

  it("ignores a question id of another template (stores only its own questions) or refuses it", async () => {
    const before = unchanged();
    const res = await submit(JSON.stringify({ ...validAnswers(), q_from_another_template: 100, price: 999 }));
    // price is out of range: refused, naming price; the foreign id never reaches the database.
    expect(res.status).toBe(400);
    expect(res.body).toContain('"price"');
    expect(unchanged()).toEqual(before);
  });
});

describe("hostile bodies", () => {
  it("refuses JSON nested 10,000 deep in payload with 400, and stores nothing", async () => {
    const before = unchanged();
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const res = await submit(deep);
    expect(res.status).toBe(400);
    expect(unchanged()).toEqual(before);
    const deepArray = `{"quality":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect((await submit(deepArray)).status).toBe(400);
    expect(unchanged()).toEqual(before);
  });

  it("does not let __proto__ or constructor keys through: the stored answers hold only the template's questions", async () => {
    const before = unchanged();
    const polluted = `{"__proto__":{"quality":20,"isAdmin":true},"constructor":{"prototype":{"x":1}},${JSON.stringify(validAnswers()).slice(1, -1).replace('"quality":80,', "")}}`;
    const res = await submit(polluted);
    // Without its own "quality" the answer set is incomplete: refused, naming the field.
    expect(res.status).toBe(400);
    expect(res.body).toContain('"quality"');
    expect(unchanged()).toEqual(before);
  });

  it("refuses a JSON body (wrong content type) with 415", async () => {
    const before = unchanged();
    const res = await customer.request(`${url}.data`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ _csrf: csrf, intent: "submit", payload: validAnswers() }) });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain("Unsupported Media Type");
    expect(unchanged()).toEqual(before);
  });

  it("refuses a body over MAX_BODY_BYTES (25 MB > 20 MB) with 413 and the message", async () => {
    const before = unchanged();
    const res = await customer.request(`${url}.data`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `_csrf=${csrf}&intent=submit&payload=${"x".repeat(25 * 1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("Payload Too Large / 上传内容过大");
    expect(unchanged()).toEqual(before);
  });

  it("answers a 10 MB payload (under the limit) with a clear 400, and stores nothing", async () => {
    const before = unchanged();
    const big = JSON.stringify({ ...validAnswers(), quality_why: "y".repeat(10 * 1024 * 1024) });
    const res = await submit(big);
    expect(res.status).toBe(400);
    expect(res.body).toContain('"quality_why"');
    expect(unchanged()).toEqual(before);
  });

  it("still accepts the valid answer afterwards, exactly once", async () => {
    const res = await submit(JSON.stringify(validAnswers()));
    expect(res).toEqual({ status: 200, body: expect.stringContaining('"ok",true') });
    expect(scalar(app.dbFile, "select count(*) from satisfaction_response where recipient_id = ?", campaign.links[0].recipientId)).toBe(1);
    const stored = scalar<string>(app.dbFile, "select answers_json from satisfaction_response where recipient_id = ?", campaign.links[0].recipientId);
    expect(Object.keys(JSON.parse(stored)).sort()).toEqual(Object.keys(validAnswers()).sort());
  });
});
