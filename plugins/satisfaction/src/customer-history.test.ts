import { afterEach, describe, expect, it } from "vitest";
import { answer, answersFor, insertCustomers, insertUser, satisfactionHost, sentCampaign, testClock } from "./test-support/fixtures";

describe("the satisfaction.customerHistory service", () => {
  let host: Awaited<ReturnType<typeof satisfactionHost>>;
  afterEach(() => host?.destroy());

  it("lists a customer's answers, newest first, with score and a link to the report", async () => {
    const clock = testClock("2026-05-04T02:00:00.000Z");
    host = await satisfactionHost(clock);
    const manager = await insertUser(host.sdb, { email: "m@example.com", name: "Manager", role: "manager" });
    const [a, b] = await insertCustomers(host.sdb, [{ company: "A", email: "a@example.com" }, { company: "B", email: "b@example.com" }]);
    const first = await sentCampaign(host, manager, clock.iso(), { name: "May", period: "2026 May" });
    await answer(host, first, a, answersFor([100, 80, 60, 100, 80]));
    clock.advanceDays(30);
    const second = await sentCampaign(host, manager, clock.iso(), { name: "June", period: "2026 June" });
    await answer(host, second, a, answersFor([80, 80, 80, 80, 80]));
    await answer(host, second, b, answersFor([100, 100, 100, 100, 100]));

    const history = host.ctx.services.get<(r: { customerId: number }) => Promise<{ at: string; title: string; score: number; href: string }[]>>("satisfaction.customerHistory");
    expect(history).toBeDefined();
    const entries = await history!({ customerId: a });
    // May: 0.3·100 + 0.15·80 + 0.2·60 + 0.1·100 + 0.25·80 = 84; June: all 80 → 80. Newest first; B's answer is not A's.
    expect(entries.map((e) => [e.title, Math.round(e.score * 1e6) / 1e6, e.href])).toEqual([
      ["June (2026 June)", 80, `/satisfaction/campaigns/${second}/report`],
      ["May (2026 May)", 84, `/satisfaction/campaigns/${first}/report`],
    ]);
  });
});
