import { afterEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { kpiHost } from "../test-support/fixtures";
import { slaSuggestion, suggestScore, type SlaSummaryService } from "./sla-suggestion.server";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the fault-response suggestion from the visits plugin's SLA results", () => {
  it("is absent when no plugin provides visits.slaSummary", async () => {
    const host = await kpiHost();
    hosts.push(host);
    expect(await slaSuggestion(host.ctx, 1, "2026-11", 10)).toBeNull();
  });

  it("is max × the mean of the measured shares, to half a point, when the service exists", async () => {
    const host = await kpiHost();
    hosts.push(host);
    const calls: { userId: number; month: string }[] = [];
    const service: SlaSummaryService = async (props) => {
      calls.push(props);
      return { calls: 12, metShare: { respond: 0.9, onSite: 0.75, clear: null } };
    };
    host.ctx.services.provide("visits.slaSummary", service);
    // (0.9 + 0.75) / 2 = 0.825 × 10 = 8.25 → 8.5 (nearest half, half up)
    expect(await slaSuggestion(host.ctx, 7, "2026-11", 10)).toEqual({ calls: 12, metShare: { respond: 0.9, onSite: 0.75, clear: null }, score: 8.5 });
    expect(calls).toEqual([{ userId: 7, month: "2026-11" }]);
  });

  it("has no score without calls or measurements", () => {
    expect(suggestScore({ calls: 0, metShare: { respond: 1, onSite: 1, clear: 1 } }, 10)).toBeNull();
    expect(suggestScore({ calls: 3, metShare: { respond: null, onSite: null, clear: null } }, 10)).toBeNull();
    expect(suggestScore({ calls: 3, metShare: { respond: 1, onSite: 1, clear: 1 } }, 10)).toBe(10);
  });
});
