import { describe, expect, it } from "vitest";
import { companyDate, companyMonth, fromCompanyLocal, monthRange, shiftMonth, toCompanyLocal } from "./time";
import { formatDuration } from "./duration";
import { monthGrid } from "./web/calendar-grid";

describe("the company calendar (Asia/Shanghai, UTC+8)", () => {
  it("converts instants to company dates and months across midnight and the year boundary", () => {
    expect(companyDate("2025-12-31T15:59:59.999Z")).toBe("2025-12-31");
    expect(companyDate("2025-12-31T16:00:00.000Z")).toBe("2026-01-01");
    expect(companyMonth("2026-02-28T16:30:00.000Z")).toBe("2026-03");
    expect(monthRange("2026-03")).toEqual({ from: "2026-02-28T16:00:00.000Z", to: "2026-03-31T16:00:00.000Z" });
    expect(monthRange("2026-12").to).toBe("2026-12-31T16:00:00.000Z");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
    expect(() => monthRange("2026-13")).toThrow(RangeError);
  });

  it("reads and writes the times typed into datetime-local inputs", () => {
    expect(fromCompanyLocal("2026-03-01T09:30")).toBe("2026-03-01T01:30:00.000Z");
    expect(fromCompanyLocal("2026-03-01T00:15")).toBe("2026-02-28T16:15:00.000Z");
    expect(fromCompanyLocal("2026-02-30T09:30")).toBeNull();
    expect(fromCompanyLocal("yesterday")).toBeNull();
    expect(toCompanyLocal("2026-02-28T16:15:00.000Z")).toBe("2026-03-01T00:15");
  });

  it("formats durations and lays out month grids", () => {
    expect(formatDuration(5_400_000, "en")).toBe("1 h 30 min");
    expect(formatDuration(26 * 3_600_000 + 60_000, "zh-CN")).toBe("1天2小时");
    expect(formatDuration(59_999, "en")).toBe("0 min");
    expect(formatDuration(24 * 3_600_000, "en", { days: false })).toBe("24 h");
    const grid = monthGrid("2026-03");
    // 1 March 2026 is a Sunday: the first row starts on Monday 23 February; 31 March is a Tuesday.
    expect(grid[0]).toEqual(["2026-02-23", "2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01"]);
    expect(grid[grid.length - 1][0]).toBe("2026-03-30");
    expect(grid).toHaveLength(6);
  });
});
