/**
 * A suggested score for the fault-handling-response indicator (故障处理响应情况) from the visits
 * plugin's SLA results, when that plugin is installed. It is only shown; the supervisor decides.
 * Contract of the service "visits.slaSummary" (owned by the visits plugin):
 *   async ({ userId, month: "YYYY-MM" }) => ({ calls, metShare: { respond, onSite, clear } })
 * with each share 0–1 or null when nothing was measured.
 */
import type { PluginContext } from "@aftercare/plugin-api";

export interface SlaSummary {
  readonly calls: number;
  readonly metShare: { readonly respond: number | null; readonly onSite: number | null; readonly clear: number | null };
}

export type SlaSummaryService = (props: { userId: number; month: string }) => Promise<SlaSummary>;

export interface SlaSuggestion {
  readonly calls: number;
  readonly metShare: SlaSummary["metShare"];
  /** max × mean of the measured shares, to the nearest 0.5; null when nothing was measured. */
  readonly score: number | null;
}

/**
 * The suggested score: the indicator's max times the mean of the measured met-shares, rounded to
 * the nearest half point.
 *
 * @example
 * suggestScore({ calls: 10, metShare: { respond: 0.9, onSite: 0.8, clear: null } }, 10); // 8.5
 */
export function suggestScore(summary: SlaSummary, max: number): number | null {
  const shares = [summary.metShare.respond, summary.metShare.onSite, summary.metShare.clear].filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (summary.calls <= 0 || shares.length === 0) return null;
  const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
  return Math.min(max, Math.max(0, Math.round(mean * max * 2) / 2));
}

/** The suggestion for one employee's month, or null without the visits plugin (or when it fails). */
export async function slaSuggestion(ctx: PluginContext, userId: number, month: string, max: number): Promise<SlaSuggestion | null> {
  const service = ctx.services.get<SlaSummaryService>("visits.slaSummary");
  if (!service) return null;
  try {
    const summary = await service({ userId, month });
    return { calls: summary.calls, metShare: summary.metShare, score: suggestScore(summary, max) };
  } catch (error) {
    ctx.logger.warn("kpi: visits.slaSummary failed", { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
