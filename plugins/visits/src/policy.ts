/**
 * The plugin's configurable numbers (DOMAIN.md §5 defaults) and the admin's checklist items per
 * visit type, as stored in the core `settings` table. Pure: parsing, defaults, conversion to the
 * scoring package's policy types. Reading and saving live in `policy.server.ts`.
 */
import { DEFAULT_SLA_POLICY, DEFAULT_VISIT_CADENCE, type SlaPolicy, type VisitCadencePolicy } from "@aftercare/scoring";
import { VISIT_TYPES, type VisitType } from "./visit/visit-types";

/** Settings keys in the core `settings` table. */
export const POLICY_KEY = "visits.policy";
export const CHECKLIST_KEY = "visits.checklists";

/** What an admin edits, in the units people use. */
export interface VisitsPolicy {
  /** Respond within this many minutes of receipt (default 30). */
  readonly respondMinutes: number;
  /** On site within this many hours of receipt (default 24). */
  readonly onSiteHours: number;
  /** Fault cleared within this many hours of starting work (default 24). */
  readonly clearHours: number;
  /** Warn at this share of an allowance, in percent (default 80). */
  readonly warningPercent: number;
  /** Visits required per period (default 2). */
  readonly visitsPerPeriod: number;
  /** The rolling period, in months (default 12). */
  readonly periodMonths: number;
  /** A customer is "due" this many days before the next visit is needed (default 30). */
  readonly dueWithinDays: number;
  /** A phone return visit is scheduled this many days after a service call is closed (default 7). */
  readonly returnVisitDays: number;
}

export const DEFAULT_POLICY: VisitsPolicy = {
  respondMinutes: DEFAULT_SLA_POLICY.respondMs / 60_000,
  onSiteHours: DEFAULT_SLA_POLICY.onSiteMs / 3_600_000,
  clearHours: DEFAULT_SLA_POLICY.clearMs / 3_600_000,
  warningPercent: Math.round(DEFAULT_SLA_POLICY.warningRatio * 100),
  visitsPerPeriod: DEFAULT_VISIT_CADENCE.visitsPerPeriod,
  periodMonths: DEFAULT_VISIT_CADENCE.periodMonths,
  dueWithinDays: DEFAULT_VISIT_CADENCE.dueWithinDays,
  returnVisitDays: 7,
};

/** Allowed range of each number (integers). */
export const POLICY_LIMITS: Readonly<Record<keyof VisitsPolicy, readonly [min: number, max: number]>> = {
  respondMinutes: [1, 1440],
  onSiteHours: [1, 720],
  clearHours: [1, 720],
  warningPercent: [1, 99],
  visitsPerPeriod: [1, 52],
  periodMonths: [1, 36],
  dueWithinDays: [0, 365],
  returnVisitDays: [0, 90],
};

/** Fields that fail their range, or `[]`. */
export function policyProblems(value: Record<string, unknown>): (keyof VisitsPolicy)[] {
  return (Object.keys(POLICY_LIMITS) as (keyof VisitsPolicy)[]).filter((k) => {
    const v = value[k];
    const [min, max] = POLICY_LIMITS[k];
    return typeof v !== "number" || !Number.isInteger(v) || v < min || v > max;
  });
}

/** A stored policy, each missing or invalid number replaced by its default. */
export function parsePolicy(json: string | null | undefined): VisitsPolicy {
  let raw: Record<string, unknown> = {};
  try {
    const parsed = json ? JSON.parse(json) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) raw = parsed;
  } catch {
    // fall back to defaults
  }
  const bad = new Set(policyProblems(raw));
  const out: Record<string, number> = {};
  for (const k of Object.keys(DEFAULT_POLICY) as (keyof VisitsPolicy)[]) out[k] = bad.has(k) ? DEFAULT_POLICY[k] : (raw[k] as number);
  return out as unknown as VisitsPolicy;
}

/** The SLA allowances in the scoring package's units. */
export function slaPolicyOf(p: VisitsPolicy): SlaPolicy {
  return {
    respondMs: p.respondMinutes * 60_000,
    onSiteMs: p.onSiteHours * 3_600_000,
    clearMs: p.clearHours * 3_600_000,
    warningRatio: p.warningPercent / 100,
  };
}

/** The cadence rule in the scoring package's shape. */
export function cadencePolicyOf(p: VisitsPolicy): VisitCadencePolicy {
  return { visitsPerPeriod: p.visitsPerPeriod, periodMonths: p.periodMonths, dueWithinDays: p.dueWithinDays };
}

/** An SLA policy snapshot stored on a call (`policy_json`); malformed snapshots read as the default. */
export function parseSlaSnapshot(json: string): SlaPolicy {
  try {
    const v = JSON.parse(json) as Partial<SlaPolicy>;
    const ok = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n > 0;
    if (ok(v.respondMs) && ok(v.onSiteMs) && ok(v.clearMs) && ok(v.warningRatio) && v.warningRatio! < 1) return v as SlaPolicy;
  } catch {
    // fall through
  }
  return DEFAULT_SLA_POLICY;
}

/** One yes/no item an admin added to the report form of a visit type. */
export interface ChecklistItem {
  /** Stable question name derived from the text (`chk_<hash>`). */
  readonly id: string;
  readonly label: string;
}

export type Checklists = Readonly<Record<VisitType, readonly ChecklistItem[]>>;

export const MAX_CHECKLIST_ITEMS = 30;
export const MAX_CHECKLIST_LABEL = 200;

/** The question name of a checklist text: `chk_` + FNV-1a hash, so the same text keeps its name. */
export function checklistItemId(label: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `chk_${h.toString(36)}`;
}

/** Checklist lines (one item per line, blanks and repeats dropped) as items. */
export function checklistFromLines(text: string): ChecklistItem[] {
  const seen = new Set<string>();
  const items: ChecklistItem[] = [];
  for (const line of text.split(/\r?\n/)) {
    const label = line.trim().slice(0, MAX_CHECKLIST_LABEL);
    if (!label || seen.has(label)) continue;
    seen.add(label);
    items.push({ id: checklistItemId(label), label });
    if (items.length === MAX_CHECKLIST_ITEMS) break;
  }
  return items;
}

/** Default checklists: a few items for the on-site types, editable by admins. */
export const DEFAULT_CHECKLISTS: Checklists = Object.fromEntries(
  VISIT_TYPES.map((type) => [
    type,
    checklistFromLines(
      type === "inspection" || type === "maintenance"
        ? "设备运行状况已检查 / Equipment running condition checked\n安全装置已检查 / Safety devices checked\n维修与更换配件记录已填写 / Maintenance and parts record completed"
        : type === "installation"
          ? "设备已调试运行 / Equipment commissioned\n操作人员已培训 / Operators trained\n客户能熟练使用设备 / Customer uses the equipment proficiently"
          : "",
    ),
  ]),
) as unknown as Checklists;

/** Stored checklists; unknown types dropped, missing types default. */
export function parseChecklists(json: string | null | undefined): Checklists {
  if (!json) return DEFAULT_CHECKLISTS;
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    return Object.fromEntries(
      VISIT_TYPES.map((type) => {
        const list = raw?.[type];
        if (!Array.isArray(list)) return [type, DEFAULT_CHECKLISTS[type]];
        return [type, checklistFromLines(list.map((i) => (i && typeof i === "object" && typeof (i as ChecklistItem).label === "string" ? (i as ChecklistItem).label : "")).join("\n"))];
      }),
    ) as unknown as Checklists;
  } catch {
    return DEFAULT_CHECKLISTS;
  }
}
