import type { Kysely, SelectQueryBuilder } from "kysely";
import type { SatisfactionTables } from "../tables";

/** Which customers a campaign goes to. Empty lists mean "any". */
export interface AudienceFilter {
  readonly tiers: readonly string[];
  readonly regions: readonly string[];
  readonly ownerId: number | null;
}

export const EMPTY_AUDIENCE: AudienceFilter = { tiers: [], regions: [], ownerId: null };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** True when an address can receive mail (shape only). */
export function isReachableEmail(email: string | null): email is string {
  return !!email && email.length <= 254 && EMAIL.test(email);
}

/** Reads an audience from stored JSON, dropping anything malformed. */
export function parseAudience(json: string): AudienceFilter {
  try {
    const raw = JSON.parse(json) as Partial<AudienceFilter>;
    return {
      tiers: Array.isArray(raw.tiers) ? raw.tiers.filter((t): t is string => typeof t === "string") : [],
      regions: Array.isArray(raw.regions) ? raw.regions.filter((t): t is string => typeof t === "string") : [],
      ownerId: typeof raw.ownerId === "number" ? raw.ownerId : null,
    };
  } catch {
    return EMPTY_AUDIENCE;
  }
}

/** Active customers matching the filter. */
export function audienceQuery(db: Kysely<SatisfactionTables>, filter: AudienceFilter): SelectQueryBuilder<SatisfactionTables, "customers", {}> {
  let q = db.selectFrom("customers").where("customers.active", "=", 1);
  if (filter.tiers.length) q = q.where("customers.tier", "in", [...filter.tiers]);
  if (filter.regions.length) q = q.where("customers.region", "in", [...filter.regions]);
  if (filter.ownerId !== null) q = q.where("customers.owner_id", "=", filter.ownerId);
  return q;
}

export interface AudiencePreview {
  readonly inScope: number;
  readonly reachable: number;
  readonly unreachable: number;
  readonly optedOut: number;
}

/** Counts for the "who will get this" preview before sending. */
export async function previewAudience(db: Kysely<SatisfactionTables>, filter: AudienceFilter): Promise<AudiencePreview> {
  const rows = await audienceQuery(db, filter).select(["email", "email_opt_out"]).execute();
  let reachable = 0;
  let unreachable = 0;
  let optedOut = 0;
  for (const row of rows) {
    if (row.email_opt_out === 1) optedOut++;
    else if (isReachableEmail(row.email)) reachable++;
    else unreachable++;
  }
  return { inScope: rows.length, reachable, unreachable, optedOut };
}

/** Distinct regions and tiers present among active customers, for the filter form. */
export async function audienceOptions(db: Kysely<SatisfactionTables>) {
  const regions = await db.selectFrom("customers").select("region").distinct().where("active", "=", 1).where("region", "is not", null).orderBy("region").execute();
  const owners = await db.selectFrom("users").select(["id", "name"]).where("active", "=", 1).orderBy("name").execute();
  return { regions: regions.map((r) => r.region!).filter(Boolean), owners };
}
