import { describe, expect, it } from "vitest";
import { DEFAULT_SLA_POLICY, type HoldInterval, type ServiceTimestamps, median, percentile, slaClocks } from "./sla";

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (hhmm: string, day = "2025-03-01") => `${day}T${hhmm}:00Z`;
const none: ServiceTimestamps = { received: null, responded: null, arrived: null, workStarted: null, cleared: null };

describe("policy", () => {
  it("is 30 min / 24 h / 24 h with a warning at 80 %", () => {
    expect(DEFAULT_SLA_POLICY).toEqual({ respondMs: 30 * MIN, onSiteMs: 24 * HOUR, clearMs: 24 * HOUR, warningRatio: 0.8 });
  });
});

describe("respond clock (30 min from received, warning at 24 min)", () => {
  it.each([
    // responded after 20 min: met, 10 min to spare, warning point (24 min) not reached
    { name: "met early", responded: at("08:20"), holds: [], now: at("09:00"), state: "met", elapsed: 20 * MIN, remaining: 10 * MIN, overdue: 0, warning: false, paused: false, dueAt: null },
    // responded after exactly 30 min: still within the allowance
    { name: "met at exactly 30 min", responded: at("08:30"), holds: [], now: at("09:00"), state: "met", elapsed: 30 * MIN, remaining: 0, overdue: 0, warning: true, paused: false, dueAt: null },
    // responded after 31 min: breached by 1 min
    { name: "breached by a minute", responded: at("08:31"), holds: [], now: at("09:00"), state: "breached", elapsed: 31 * MIN, remaining: 0, overdue: 1 * MIN, warning: true, paused: false, dueAt: null },
    // not yet responded, 20 min in: running, due at 08:30
    { name: "running", responded: null, holds: [], now: at("08:20"), state: "running", elapsed: 20 * MIN, remaining: 10 * MIN, overdue: 0, warning: false, paused: false, dueAt: "2025-03-01T08:30:00.000Z" },
    // 25 min in: past the 24-min warning point, still running
    { name: "running past the warning point", responded: null, holds: [], now: at("08:25"), state: "running", elapsed: 25 * MIN, remaining: 5 * MIN, overdue: 0, warning: true, paused: false, dueAt: "2025-03-01T08:30:00.000Z" },
    // 45 min in, no response: breached while still open, 15 min over
    { name: "breached while running", responded: null, holds: [], now: at("08:45"), state: "breached", elapsed: 45 * MIN, remaining: 0, overdue: 15 * MIN, warning: true, paused: false, dueAt: null },
    // hold 08:10–08:25 in the middle; responded 08:40: 40 − 15 = 25 min → met
    { name: "hold in the middle, met", responded: at("08:40"), holds: [{ start: at("08:10"), end: at("08:25") }], now: at("09:00"), state: "met", elapsed: 25 * MIN, remaining: 5 * MIN, overdue: 0, warning: true, paused: false, dueAt: null },
    // same hold, still open at 08:40: 25 min on the clock → running, due 08:45 (5 min left)
    { name: "hold in the middle, running", responded: null, holds: [{ start: at("08:10"), end: at("08:25") }], now: at("08:40"), state: "running", elapsed: 25 * MIN, remaining: 5 * MIN, overdue: 0, warning: true, paused: false, dueAt: "2025-03-01T08:45:00.000Z" },
    // without the hold, 08:40 would be 40 min → breached by 10
    { name: "no hold, breached", responded: null, holds: [], now: at("08:40"), state: "breached", elapsed: 40 * MIN, remaining: 0, overdue: 10 * MIN, warning: true, paused: false, dueAt: null },
    // open hold from 08:10, now 09:00: only 10 min counted; paused, so no due time
    { name: "open hold pauses the clock", responded: null, holds: [{ start: at("08:10"), end: null }], now: at("09:00"), state: "running", elapsed: 10 * MIN, remaining: 20 * MIN, overdue: 0, warning: false, paused: true, dueAt: null },
    // overlapping holds 08:10–08:20 and 08:15–08:25 cover 08:10–08:25 once = 15 min; 40 − 15 = 25
    { name: "overlapping holds count once", responded: at("08:40"), holds: [{ start: at("08:10"), end: at("08:20") }, { start: at("08:15"), end: at("08:25") }], now: at("09:00"), state: "met", elapsed: 25 * MIN, remaining: 5 * MIN, overdue: 0, warning: true, paused: false, dueAt: null },
    // hold 07:00–07:30 ends before the call: ignored; 20 min
    { name: "hold before the window ignored", responded: at("08:20"), holds: [{ start: at("07:00"), end: at("07:30") }], now: at("09:00"), state: "met", elapsed: 20 * MIN, remaining: 10 * MIN, overdue: 0, warning: false, paused: false, dueAt: null },
    // hold 07:50–08:05 straddles the call: 5 min of it inside; 33 − 5 = 28 min → met
    { name: "hold straddling the start", responded: at("08:33"), holds: [{ start: at("07:50"), end: at("08:05") }], now: at("09:00"), state: "met", elapsed: 28 * MIN, remaining: 2 * MIN, overdue: 0, warning: true, paused: false, dueAt: null },
    // hold 08:35–09:00 starts after the response at 08:31: irrelevant; 31 min → breached
    { name: "hold after the stop ignored", responded: at("08:31"), holds: [{ start: at("08:35"), end: at("09:00") }], now: at("09:30"), state: "breached", elapsed: 31 * MIN, remaining: 0, overdue: 1 * MIN, warning: true, paused: false, dueAt: null },
  ])("$name", ({ responded, holds, now, ...expected }) => {
    const { respond } = slaClocks({ timestamps: { ...none, received: at("08:00"), responded }, holds: holds as HoldInterval[], now });
    expect(respond).toEqual({
      clock: "respond",
      allowanceMs: 30 * MIN,
      state: expected.state,
      elapsedMs: expected.elapsed,
      remainingMs: expected.remaining,
      overdueMs: expected.overdue,
      warning: expected.warning,
      paused: expected.paused,
      dueAt: expected.dueAt,
    });
  });
});

describe("on-site and clear clocks (24 h)", () => {
  const received = at("08:00");
  it.each([
    // arrived next day 07:00: 23 h ≤ 24 h → met; 23 ≥ 19.2 h → warning
    { name: "on site in 23 h", t: { received, arrived: at("07:00", "2025-03-02") }, holds: [], now: at("12:00", "2025-03-02"), clock: "onSite", state: "met", elapsed: 23 * HOUR },
    // arrived next day 09:00: 25 h → breached
    { name: "on site in 25 h", t: { received, arrived: at("09:00", "2025-03-02") }, holds: [], now: at("12:00", "2025-03-02"), clock: "onSite", state: "breached", elapsed: 25 * HOUR },
    // arrived next day 10:00 = 26 h, customer hold 20:00–00:00 (4 h) → 22 h → met
    { name: "on site in 26 h with a 4 h hold", t: { received, arrived: at("10:00", "2025-03-02") }, holds: [{ start: at("20:00"), end: at("00:00", "2025-03-02") }], now: at("12:00", "2025-03-02"), clock: "onSite", state: "met", elapsed: 22 * HOUR },
    // not yet arrived, 10 h in → running
    { name: "on the way", t: { received }, holds: [], now: at("18:00"), clock: "onSite", state: "running", elapsed: 10 * HOUR },
    // work started 03-02 10:00, not cleared, now 03-03 06:00 → 20 h, running
    { name: "clearing, 20 h in", t: { received, workStarted: at("10:00", "2025-03-02") }, holds: [], now: at("06:00", "2025-03-03"), clock: "clear", state: "running", elapsed: 20 * HOUR },
    // now 03-03 11:00 → 25 h, breached while open
    { name: "clearing, 25 h in", t: { received, workStarted: at("10:00", "2025-03-02") }, holds: [], now: at("11:00", "2025-03-03"), clock: "clear", state: "breached", elapsed: 25 * HOUR },
    // cleared after 6 h → met
    { name: "cleared in 6 h", t: { received, workStarted: at("10:00", "2025-03-02"), cleared: at("16:00", "2025-03-02") }, holds: [], now: at("11:00", "2025-03-03"), clock: "clear", state: "met", elapsed: 6 * HOUR },
  ] as const)("$name", ({ t, holds, now, clock, state, elapsed }) => {
    const clocks = slaClocks({ timestamps: { ...none, ...t }, holds: [...holds], now });
    expect(clocks[clock].state).toBe(state);
    expect(clocks[clock].elapsedMs).toBe(elapsed);
    // 24 h allowance: remaining / overdue and the 80 % (19.2 h) warning follow from elapsed
    expect(clocks[clock].remainingMs).toBe(Math.max(0, 24 * HOUR - elapsed));
    expect(clocks[clock].overdueMs).toBe(Math.max(0, elapsed - 24 * HOUR));
    expect(clocks[clock].warning).toBe(elapsed >= 19.2 * HOUR);
  });

  it("has not started the clear clock before work starts", () => {
    const clocks = slaClocks({ timestamps: { ...none, received }, now: at("09:00") });
    expect(clocks.clear).toEqual({
      clock: "clear",
      state: "not-started",
      allowanceMs: 24 * HOUR,
      elapsedMs: null,
      remainingMs: null,
      overdueMs: null,
      warning: false,
      paused: false,
      dueAt: null,
    });
  });

  it("has started no clock before the call is received", () => {
    const clocks = slaClocks({ timestamps: none, now: at("09:00") });
    expect([clocks.respond.state, clocks.onSite.state, clocks.clear.state]).toEqual(["not-started", "not-started", "not-started"]);
  });

  it("treats a start after now as not started", () => {
    // work planned for 10:00, now 09:00
    const clocks = slaClocks({ timestamps: { ...none, received, workStarted: at("10:00") }, now: at("09:00") });
    expect(clocks.clear.state).toBe("not-started");
  });

  it("uses a configured policy", () => {
    // respond within 60 min, warn at 50 %: 40 min in → running, warning (≥ 30 min)
    const clocks = slaClocks({
      timestamps: { ...none, received },
      now: at("08:40"),
      policy: { ...DEFAULT_SLA_POLICY, respondMs: 60 * MIN, warningRatio: 0.5 },
    });
    expect(clocks.respond).toMatchObject({ state: "running", remainingMs: 20 * MIN, warning: true });
  });

  it.each([
    { name: "a response without a call", timestamps: { ...none, responded: at("08:10") }, holds: [] },
    { name: "a response before the call", timestamps: { ...none, received, responded: at("07:59") }, holds: [] },
    { name: "a hold ending before it starts", timestamps: { ...none, received }, holds: [{ start: at("08:10"), end: at("08:05") }] },
    { name: "an unparseable time", timestamps: { ...none, received: "yesterday" }, holds: [] },
  ])("refuses $name", ({ timestamps, holds }) => {
    expect(() => slaClocks({ timestamps, holds, now: at("09:00") })).toThrow(RangeError);
  });
});

describe("percentile and median (linear interpolation, Excel PERCENTILE.INC)", () => {
  it.each([
    { values: [10, 20, 30, 40], p: 0.9, expected: 37 }, // h = 3 × 0.9 = 2.7 → 30 + 0.7 × 10
    { values: [10, 20, 30, 40], p: 0, expected: 10 }, // h = 0
    { values: [10, 20, 30, 40], p: 1, expected: 40 }, // h = 3
    { values: [10, 20, 30, 40], p: 0.5, expected: 25 }, // h = 1.5 → 20 + 0.5 × 10
    { values: [10, 20, 30, 40, 50], p: 0.25, expected: 20 }, // h = 4 × 0.25 = 1 → 20
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 0.9, expected: 9.1 }, // h = 9 × 0.9 = 8.1 → 9 + 0.1 × 1
    { values: [3, 1, 2], p: 0.5, expected: 2 }, // unsorted input; h = 1 → 2
    { values: [5], p: 0.9, expected: 5 }, // one value
  ])("percentile($values, $p) = $expected", ({ values, p, expected }) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 9);
  });

  it("has no percentile of nothing and refuses p outside 0–1", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(() => percentile([1, 2], 1.5)).toThrow(RangeError);
    expect(() => percentile([1, Number.NaN], 0.5)).toThrow(RangeError);
  });

  it.each([
    { values: [30, 10, 20, 40], expected: 25 }, // (20 + 30) / 2
    { values: [7, 1, 3], expected: 3 }, // middle of 1, 3, 7
    { values: [7], expected: 7 },
    { values: [], expected: null },
  ])("median($values) = $expected", ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
});
