import type { Kysely } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import type { VisitsTables } from "../tables";
import { callClocks, holdsOf } from "../call/calls.server";

type Db = Kysely<VisitsTables>;

/**
 * What this page expects of the optional `satisfaction.customerHistory` service (provided by the
 * satisfaction plugin when it is installed): the customer's survey results, any order.
 * Entries that do not have this shape are skipped.
 */
export type SatisfactionHistoryService = (request: { readonly customerId: number }) => Promise<readonly SatisfactionHistoryEntry[]>;

export interface SatisfactionHistoryEntry {
  /** When the customer answered (UTC ISO). */
  readonly at: string;
  /** E.g. the campaign name. */
  readonly title: string;
  /** Weighted score 0–100, if any. */
  readonly score?: number | null;
  readonly detail?: string | null;
  /** Site-relative link to the result (`/satisfaction/...`). */
  readonly href?: string | null;
}

export type HistoryEntry =
  | { readonly kind: "visit"; readonly at: string; readonly id: number; readonly type: string; readonly status: string; readonly owner: string; readonly ownerId: number; readonly summary: string | null }
  | { readonly kind: "call"; readonly at: string; readonly id: number; readonly fault: string; readonly engineer: string | null; readonly closed: boolean; readonly breached: number; readonly people: readonly number[] }
  | { readonly kind: "survey"; readonly at: string; readonly title: string; readonly score: number | null; readonly detail: string | null; readonly href: string | null };

function isEntry(x: unknown): x is SatisfactionHistoryEntry {
  if (!x || typeof x !== "object") return false;
  const e = x as Record<string, unknown>;
  return typeof e.at === "string" && !Number.isNaN(Date.parse(e.at)) && typeof e.title === "string";
}

/**
 * A customer's whole history, newest first: visits (by their actual start, else planned time),
 * service calls (by receipt, with how many SLA clocks were breached) and — only when the
 * `satisfaction.customerHistory` service is provided — survey results. Without the service the
 * survey part is `null` and the page leaves its section out.
 */
export async function customerHistory(ctx: PluginContext, customerId: number) {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  const visits = await db
    .selectFrom("visits_visit as v")
    .innerJoin("users as u", "u.id", "v.owner_id")
    .select(["v.id", "v.type", "v.status", "v.planned_at", "v.started_at", "v.summary", "v.owner_id", "u.name as owner_name"])
    .where("v.customer_id", "=", customerId)
    .execute();
  const calls = await db
    .selectFrom("visits_call as k")
    .leftJoin("users as en", "en.id", "k.engineer_id")
    .select(["k.id", "k.fault", "k.received_at", "k.responded_at", "k.arrived_at", "k.work_started_at", "k.cleared_at", "k.closed_at", "k.policy_json", "k.engineer_id", "k.taken_by", "en.name as engineer_name"])
    .where("k.customer_id", "=", customerId)
    .execute();
  const holds = await holdsOf(db, calls.map((c) => c.id));
  const entries: HistoryEntry[] = [
    ...visits.map((v) => ({ kind: "visit" as const, at: v.started_at ?? v.planned_at, id: v.id, type: v.type, status: v.status, owner: v.owner_name, ownerId: v.owner_id, summary: v.summary })),
    ...calls.map((c) => {
      const clocks = callClocks(c, holds.get(c.id) ?? [], now);
      return {
        kind: "call" as const,
        at: c.received_at,
        id: c.id,
        fault: c.fault,
        engineer: c.engineer_name,
        closed: c.closed_at !== null,
        breached: [clocks.respond, clocks.onSite, clocks.clear].filter((k) => k.state === "breached").length,
        people: [c.taken_by, ...(c.engineer_id === null ? [] : [c.engineer_id])],
      };
    }),
  ];
  let surveys: HistoryEntry[] | null = null;
  const service = ctx.services.get<SatisfactionHistoryService>("satisfaction.customerHistory");
  if (typeof service === "function") {
    try {
      const answer = await service({ customerId });
      surveys = (Array.isArray(answer) ? answer : []).filter(isEntry).map((e) => ({
        kind: "survey" as const,
        at: e.at,
        title: e.title,
        score: typeof e.score === "number" && Number.isFinite(e.score) ? e.score : null,
        detail: typeof e.detail === "string" ? e.detail : null,
        href: typeof e.href === "string" && e.href.startsWith("/") && !e.href.startsWith("//") ? e.href : null,
      }));
      entries.push(...surveys);
    } catch (error) {
      ctx.logger.warn("satisfaction.customerHistory failed", { error: error instanceof Error ? error.message : String(error) });
      surveys = null;
    }
  }
  entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return { entries, surveysAvailable: surveys !== null };
}
