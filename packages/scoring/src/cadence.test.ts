import { describe, expect, it } from "vitest";
import { DEFAULT_VISIT_CADENCE, visitCadence } from "./cadence";

describe("visitCadence (2 visits per rolling 12 months, due 30 days ahead)", () => {
  it("defaults to twice in 12 months", () => {
    expect(DEFAULT_VISIT_CADENCE).toEqual({ visitsPerPeriod: 2, periodMonths: 12, dueWithinDays: 30 });
  });

  it.each([
    {
      name: "two visits, next due in 68 days",
      // period 2024-01-01…2025-01-01 holds 03-10 and 09-02 → 2; 2nd most recent 2024-03-10 + 12 months = 2025-03-10
      // 2025-01-01 → 2025-03-10 = 30 (Jan) + 28 (Feb) + 10 = 68 days > 30 → ok
      visits: ["2024-03-10", "2024-09-02"], today: "2025-01-01", since: null,
      expected: { status: "ok", visitsInPeriod: 2, periodStart: "2024-01-01", nextDueOn: "2025-03-10" },
    },
    {
      name: "two visits, next due in 18 days",
      // 2025-02-20 → 2025-03-10 = 8 + 10 = 18 days ≤ 30 → due
      visits: ["2024-03-10", "2024-09-02"], today: "2025-02-20", since: null,
      expected: { status: "due", visitsInPeriod: 2, periodStart: "2024-02-20", nextDueOn: "2025-03-10" },
    },
    {
      name: "on the due day the old visit still counts",
      // period 2024-03-10…2025-03-10 includes 2024-03-10 → 2; due today → due, not overdue
      visits: ["2024-03-10", "2024-09-02"], today: "2025-03-10", since: null,
      expected: { status: "due", visitsInPeriod: 2, periodStart: "2024-03-10", nextDueOn: "2025-03-10" },
    },
    {
      name: "the day after, overdue",
      // period 2024-03-11…2025-03-11 holds only 09-02 → 1 < 2; due date 2025-03-10 passed → overdue
      visits: ["2024-03-10", "2024-09-02"], today: "2025-03-11", since: null,
      expected: { status: "overdue", visitsInPeriod: 1, periodStart: "2024-03-11", nextDueOn: "2025-03-10" },
    },
    {
      name: "old visits beyond the period do not count",
      // period from 2024-02-01: 06-01 and 11-20 → 2; 2nd most recent 2024-06-01 → due 2025-06-01 (120 days) → ok
      visits: ["2024-01-05", "2024-06-01", "2024-11-20"], today: "2025-02-01", since: null,
      expected: { status: "ok", visitsInPeriod: 2, periodStart: "2024-02-01", nextDueOn: "2025-06-01" },
    },
    {
      name: "a new customer gets one period",
      // no visits; since 2025-01-15 → needs 2 visits by 2026-01-15; not passed → due
      visits: [], today: "2025-02-01", since: "2025-01-15",
      expected: { status: "due", visitsInPeriod: 0, periodStart: "2024-02-01", nextDueOn: "2026-01-15" },
    },
    {
      name: "a customer of two years never visited",
      // since 2023-01-15 + 12 months = 2024-01-15 < today → overdue
      visits: [], today: "2025-02-01", since: "2023-01-15",
      expected: { status: "overdue", visitsInPeriod: 0, periodStart: "2024-02-01", nextDueOn: "2024-01-15" },
    },
    {
      name: "one visit and no start date",
      // fewer than 2 visits ever, no since: the rule is already broken → overdue, due today
      visits: ["2024-09-01"], today: "2025-02-01", since: null,
      expected: { status: "overdue", visitsInPeriod: 1, periodStart: "2024-02-01", nextDueOn: "2025-02-01" },
    },
    {
      name: "two visits on one day count once",
      // distinct days: 1 → as above
      visits: ["2024-09-01", "2024-09-01"], today: "2025-02-01", since: null,
      expected: { status: "overdue", visitsInPeriod: 1, periodStart: "2024-02-01", nextDueOn: "2025-02-01" },
    },
    {
      name: "a planned (future) visit is ignored",
      // 2025-03-01 is after today; 06-01 and 09-01 → 2; 2nd most recent 2024-06-01 → 2025-06-01 → ok
      visits: ["2024-06-01", "2024-09-01", "2025-03-01"], today: "2025-02-01", since: null,
      expected: { status: "ok", visitsInPeriod: 2, periodStart: "2024-02-01", nextDueOn: "2025-06-01" },
    },
    {
      name: "month-end clamping",
      // 2024-02-29 + 12 months → 2025-02-28 (no 29th); 2025-02-10 → 02-28 = 18 days → due
      visits: ["2024-02-29", "2024-08-31"], today: "2025-02-10", since: null,
      expected: { status: "due", visitsInPeriod: 2, periodStart: "2024-02-10", nextDueOn: "2025-02-28" },
    },
  ])("$name", ({ visits, today, since, expected }) => {
    expect(visitCadence({ visits, today, since })).toEqual(expected);
  });

  it("uses a configured cadence", () => {
    // once per 6 months: period 2024-08-01…2025-02-01 holds 2024-10-01 → 1;
    // due 2024-10-01 + 6 months = 2025-04-01; 2025-02-01 → 04-01 = 27 + 31 + 1 = 59 days > 30 → ok
    const got = visitCadence({
      visits: ["2024-10-01"],
      today: "2025-02-01",
      policy: { visitsPerPeriod: 1, periodMonths: 6, dueWithinDays: 30 },
    });
    expect(got).toEqual({ status: "ok", visitsInPeriod: 1, periodStart: "2024-08-01", nextDueOn: "2025-04-01" });
  });

  it.each([
    { visits: ["2024-13-01"], today: "2025-02-01" },
    { visits: ["2024-02-30"], today: "2025-02-01" },
    { visits: [], today: "2025-02-01T10:00:00Z" },
  ])("refuses malformed dates %o", (props) => {
    expect(() => visitCadence(props)).toThrow(RangeError);
  });
});
