/**
 * A KPI scheme (考核方案) as an admin edits it and as it is stored: the indicators of one staff
 * kind with their labels in both languages, the key bad behaviours (field engineers), the
 * standard score, grade bands, the KPI-value rule and the base pay coefficient. The arithmetic is
 * in `@aftercare/scoring` (validateKpiScheme, schemeTotal, checkMonthlyTotal, kpiValue, computePay);
 * this module only maps a stored definition onto it.
 */
import {
  BASE_COEFFICIENT_MAX,
  BASE_COEFFICIENT_MIN,
  DEFAULT_GRADE_BANDS,
  FIELD_ENGINEER_INDICATORS,
  KPI_VALUE_MAX,
  KPI_VALUE_MIN,
  SUPPORT_INDICATORS,
  validateKpiScheme,
  type GradeBand,
  type KpiScheme,
  type KpiValueRule,
} from "@aftercare/scoring";

export type StaffKind = "support" | "field";
export const STAFF_KINDS: readonly StaffKind[] = ["support", "field"];

/** Text in both interface languages. */
export interface Bilingual {
  readonly en: string;
  readonly "zh-CN": string;
}

/**
 * A stored bilingual label (JSON written by this plugin). Text that is not such JSON, as a row
 * edited by hand would hold, is shown as written in both languages instead of breaking the page.
 */
export function parseBilingual(stored: string): Bilingual {
  try {
    const value = JSON.parse(stored) as Partial<Bilingual> | null;
    if (value && typeof value.en === "string" && typeof value["zh-CN"] === "string") return { en: value.en, "zh-CN": value["zh-CN"] };
  } catch {
    // not JSON: plain text
  }
  return { en: stored, "zh-CN": stored };
}

export function pick(text: Bilingual, locale: "en" | "zh-CN"): string {
  return text[locale] || text.en || text["zh-CN"];
}

export interface IndicatorDef {
  /** One of FIELD_ENGINEER_INDICATORS or SUPPORT_INDICATORS. */
  readonly id: string;
  readonly weight: number;
  /** Top of the indicator's rating scale. */
  readonly max: number;
}

/** A key bad behaviour (关键行为) and the points one occurrence costs. */
export interface BehaviourDef {
  readonly id: string;
  readonly label: Bilingual;
  readonly points: number;
}

/** How a total becomes a KPI value: the bands' values, or a linear rule. */
export type KpiRuleDef = { readonly kind: "bands" } | { readonly kind: "linear"; readonly totalForOne: number; readonly perPoint: number };

export interface SchemeDefinition {
  readonly kind: StaffKind;
  readonly name: Bilingual;
  readonly indicators: readonly IndicatorDef[];
  /** Field engineers only; empty for technical support. */
  readonly behaviours: readonly BehaviourDef[];
  readonly fullMarks: number;
  readonly standardScore: number;
  readonly bands: readonly GradeBand[];
  readonly kpiRule: KpiRuleDef;
  /** 基本工资分配系数, 0.5–0.8; the performance coefficient is 1 − it. */
  readonly baseCoefficient: number;
}

/** The indicator ids of a staff kind, in the order DOMAIN.md lists them. */
export function indicatorIds(kind: StaffKind): readonly string[] {
  return kind === "field" ? FIELD_ENGINEER_INDICATORS : SUPPORT_INDICATORS;
}

/** Month the default schemes apply from: every month. */
export const FIRST_MONTH = "2000-01";

/** The work-plan indicator of technical support: scored from the employee's plan items. */
export const WORK_PLAN = "work-plan";
/** The daily-work indicator of technical support. */
export const DAILY_WORK = "daily-work";
/** The indicator the visits plugin's SLA results can suggest a score for. */
export const FAULT_RESPONSE = "fault-response";

/** Default scheme of field service engineers (our choice of weights and behaviours). */
export const DEFAULT_FIELD_SCHEME: SchemeDefinition = {
  kind: "field",
  name: { en: "Field service engineers — key indicators", "zh-CN": "现场服务工程师关键指标考核" },
  indicators: [
    { id: "compliance", weight: 0.3, max: 10 },
    { id: "fault-response", weight: 0.3, max: 10 },
    { id: "customer-communication", weight: 0.2, max: 10 },
    { id: "information-feedback", weight: 0.2, max: 10 },
  ],
  behaviours: [
    { id: "late-report", label: { en: "Service report not filed on time", "zh-CN": "未按时提交服务报告" }, points: 3 },
    { id: "safety", label: { en: "Safety rules broken on site", "zh-CN": "现场违反安全操作规程" }, points: 5 },
    { id: "dispute", label: { en: "Argued with a customer", "zh-CN": "与客户发生争执" }, points: 5 },
    { id: "absent", label: { en: "Left the post without approval", "zh-CN": "未经批准擅自离岗" }, points: 3 },
    { id: "private-fee", label: { en: "Charged a customer privately", "zh-CN": "私自向客户收取费用" }, points: 10 },
  ],
  fullMarks: 100,
  standardScore: 100,
  bands: DEFAULT_GRADE_BANDS,
  kpiRule: { kind: "bands" },
  baseCoefficient: 0.6,
};

/** Default scheme of technical support staff: work plan 70 %, daily work 30 % (our choice). */
export const DEFAULT_SUPPORT_SCHEME: SchemeDefinition = {
  kind: "support",
  name: { en: "Technical support — performance agreement", "zh-CN": "技术支持人员绩效协议考核" },
  indicators: [
    { id: WORK_PLAN, weight: 0.7, max: 100 },
    { id: DAILY_WORK, weight: 0.3, max: 100 },
  ],
  behaviours: [],
  fullMarks: 100,
  standardScore: 100,
  bands: DEFAULT_GRADE_BANDS,
  kpiRule: { kind: "bands" },
  baseCoefficient: 0.6,
};

export function defaultScheme(kind: StaffKind): SchemeDefinition {
  return kind === "field" ? DEFAULT_FIELD_SCHEME : DEFAULT_SUPPORT_SCHEME;
}

/** The scheme as `@aftercare/scoring` sees it. */
export function toKpiScheme(def: SchemeDefinition): KpiScheme {
  return { indicators: def.indicators, fullMarks: def.fullMarks, standardScore: def.standardScore, bands: def.bands };
}

/** The KPI-value rule as `@aftercare/scoring` sees it. */
export function toKpiValueRule(def: SchemeDefinition): KpiValueRule {
  return def.kpiRule.kind === "bands" ? { kind: "bands", bands: def.bands } : def.kpiRule;
}

/** A problem with a definition: a message key and its parameters. */
export interface DefinitionProblem {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/**
 * Problems with a definition, empty when it can be saved: the scoring package's checks
 * (weights sum to 1, 0 < standard ≤ full marks, bands down to 0 with KPI values in 0.5–5), the
 * kind's indicator ids exactly, behaviours with positive points and both labels, a base
 * coefficient within 0.5–0.8, and a linear rule with a positive slope.
 */
export function validateDefinition(def: SchemeDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = validateKpiScheme(toKpiScheme(def)).map((p): DefinitionProblem => {
    switch (p.code) {
      case "sum-off":
        return { key: "kpi.scheme.problem.sumOff", params: { sum: Math.round(p.sum * 1000) / 1000 } };
      case "negative-weight":
      case "bad-max":
      case "duplicate-indicator":
        return { key: `kpi.scheme.problem.${p.code}`, params: { indicator: p.indicator } };
      case "duplicate-band-min":
        return { key: "kpi.scheme.problem.duplicate-band-min", params: { min: p.min } };
      case "band-kpi-out-of-range":
        return { key: "kpi.scheme.problem.band-kpi-out-of-range", params: { grade: p.grade, min: KPI_VALUE_MIN, max: KPI_VALUE_MAX } };
      default:
        return { key: `kpi.scheme.problem.${p.code}` };
    }
  });
  const expected = indicatorIds(def.kind);
  const ids = def.indicators.map((i) => i.id);
  if (ids.length !== expected.length || expected.some((id) => !ids.includes(id))) problems.push({ key: "kpi.scheme.problem.indicators" });
  if (!def.name.en.trim() || !def.name["zh-CN"].trim()) problems.push({ key: "kpi.scheme.problem.name" });
  const behaviourIds = new Set<string>();
  for (const b of def.behaviours) {
    if (!(Number.isFinite(b.points) && b.points > 0)) problems.push({ key: "kpi.scheme.problem.behaviourPoints", params: { behaviour: b.label["zh-CN"] || b.id } });
    if (!b.label.en.trim() || !b.label["zh-CN"].trim()) problems.push({ key: "kpi.scheme.problem.behaviourLabel", params: { behaviour: b.label["zh-CN"] || b.label.en || b.id } });
    if (behaviourIds.has(b.id)) problems.push({ key: "kpi.scheme.problem.behaviourDuplicate", params: { behaviour: b.id } });
    behaviourIds.add(b.id);
  }
  if (def.kind === "support" && def.behaviours.length > 0) problems.push({ key: "kpi.scheme.problem.supportBehaviours" });
  if (!(def.baseCoefficient >= BASE_COEFFICIENT_MIN && def.baseCoefficient <= BASE_COEFFICIENT_MAX)) {
    problems.push({ key: "kpi.scheme.problem.baseCoefficient", params: { min: BASE_COEFFICIENT_MIN, max: BASE_COEFFICIENT_MAX } });
  }
  if (def.kpiRule.kind === "linear" && !(def.kpiRule.perPoint > 0 && Number.isFinite(def.kpiRule.totalForOne))) {
    problems.push({ key: "kpi.scheme.problem.linear" });
  }
  return problems;
}

/** Parses stored JSON (trusted: it was validated when saved). */
export function parseDefinition(json: string): SchemeDefinition {
  return JSON.parse(json) as SchemeDefinition;
}
