/**
 * Escalation thresholds of complaints (DOMAIN.md §2). Pure: no I/O. The thresholds are
 * configurable; the values below are the defaults, stored (when changed) in the core `settings`
 * table under `ESCALATION_SETTINGS_KEY`.
 *
 * - packaging damage: more than 30 damaged bags in a 60-tonne wagon (scaled for other wagon sizes);
 * - content deviation: beyond ±0.5 % per truck;
 * - delivery delay: more than 3 days late (DOMAIN.md says "long delays"; 3 days is our default);
 * - quantity mismatch: shipping record / weighbridge ticket against the customer's receiving record
 *   differ by more than 0.2 % of the shipped quantity (DOMAIN.md gives no number; 0.2 % is a common
 *   weighbridge tolerance and our default).
 */

/** Key of the thresholds in the core `settings` table (JSON). */
export const ESCALATION_SETTINGS_KEY = "satisfaction.escalation";

/** Categories with a reported figure that may escalate. */
export type EscalationCategory = "packaging_damage" | "content_deviation" | "delivery_delay" | "quantity_mismatch";
export const ESCALATION_CATEGORIES: readonly EscalationCategory[] = ["packaging_damage", "content_deviation", "delivery_delay", "quantity_mismatch"];

/** Categories of a complaint entered by hand ("survey" is reserved for records opened by a low response). */
export type ComplaintCategory = "quality" | EscalationCategory | "service" | "other";
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = ["quality", "packaging_damage", "content_deviation", "delivery_delay", "quantity_mismatch", "service", "other"];

export interface EscalationThresholds {
  /** More than `bags` damaged bags per `wagonTonnes` tonnes escalates. */
  readonly packagingDamage: { readonly bags: number; readonly wagonTonnes: number };
  /** |deviation| beyond this many percent (per truck) escalates. */
  readonly contentDeviationPercent: number;
  /** More than this many days late escalates. */
  readonly deliveryDelayDays: number;
  /** |shipped − received| ÷ shipped beyond this many percent escalates. */
  readonly quantityMismatchPercent: number;
}

export const DEFAULT_ESCALATION: EscalationThresholds = {
  packagingDamage: { bags: 30, wagonTonnes: 60 },
  contentDeviationPercent: 0.5,
  deliveryDelayDays: 3,
  quantityMismatchPercent: 0.2,
};

/** What a complaint of a category reports, and in which unit. */
export type FigureUnit = "bags" | "percent" | "days";

/** The unit of a category's figure; null for categories without one. */
export function figureUnit(category: string): FigureUnit | null {
  switch (category) {
    case "packaging_damage":
      return "bags";
    case "content_deviation":
    case "quantity_mismatch":
      return "percent";
    case "delivery_delay":
      return "days";
    default:
      return null;
  }
}

/** A reported figure: damaged bags, deviation %, days late or mismatch %. */
export interface ReportedFigure {
  readonly value: number;
  /** Packaging damage only: the wagon's load in tonnes (default: the threshold's wagon size). */
  readonly wagonTonnes?: number | null;
}

export type FigureProblem = "figure-required" | "figure-invalid" | "wagon-invalid";

/**
 * Checks a reported figure for a category: required for categories that have one, a finite number,
 * whole non-negative bags and days, a positive wagon load. Null when fine.
 *
 * @example
 * checkFigure("delivery_delay", { value: -1 }) // "figure-invalid"
 */
export function checkFigure(category: string, figure: ReportedFigure | null): FigureProblem | null {
  const unit = figureUnit(category);
  if (!unit) return null;
  if (!figure || figure.value === null || figure.value === undefined) return "figure-required";
  const v = figure.value;
  if (!Number.isFinite(v)) return "figure-invalid";
  if (unit === "bags" || unit === "days") {
    if (v < 0 || !Number.isInteger(v) || v > 1_000_000) return "figure-invalid";
  } else if (Math.abs(v) > 100) {
    return "figure-invalid";
  }
  if (unit === "bags" && figure.wagonTonnes !== undefined && figure.wagonTonnes !== null) {
    if (!Number.isFinite(figure.wagonTonnes) || figure.wagonTonnes <= 0 || figure.wagonTonnes > 10_000) return "wagon-invalid";
  }
  return null;
}

// Figures are typed by people with one or two decimals; this keeps 0.1 + 0.4 "at" 0.5, not above.
const EPSILON = 1e-9;

/**
 * Whether a reported figure crosses the category's threshold. Thresholds are exclusive: exactly 30
 * bags in a 60-tonne wagon, exactly ±0.5 %, exactly 3 days do NOT escalate; one more does.
 * Categories without a figure never escalate.
 *
 * @example
 * escalates("packaging_damage", { value: 31 }, DEFAULT_ESCALATION)                  // true
 * escalates("packaging_damage", { value: 16, wagonTonnes: 30 }, DEFAULT_ESCALATION) // true (16 > 15)
 * escalates("content_deviation", { value: -0.5 }, DEFAULT_ESCALATION)               // false
 */
export function escalates(category: string, figure: ReportedFigure | null, thresholds: EscalationThresholds): boolean {
  if (!figure || !Number.isFinite(figure.value)) return false;
  switch (category) {
    case "packaging_damage": {
      const { bags, wagonTonnes } = thresholds.packagingDamage;
      const load = figure.wagonTonnes && figure.wagonTonnes > 0 ? figure.wagonTonnes : wagonTonnes;
      return figure.value > (bags * load) / wagonTonnes + EPSILON;
    }
    case "content_deviation":
      return Math.abs(figure.value) > thresholds.contentDeviationPercent + EPSILON;
    case "delivery_delay":
      return figure.value > thresholds.deliveryDelayDays + EPSILON;
    case "quantity_mismatch":
      return Math.abs(figure.value) > thresholds.quantityMismatchPercent + EPSILON;
    default:
      return false;
  }
}

/** The threshold a category's figure is compared with, for display ("30 bags / 60 t", "±0.5 %"). */
export function thresholdOf(category: string, thresholds: EscalationThresholds): { value: number; wagonTonnes?: number } | null {
  switch (category) {
    case "packaging_damage":
      return { value: thresholds.packagingDamage.bags, wagonTonnes: thresholds.packagingDamage.wagonTonnes };
    case "content_deviation":
      return { value: thresholds.contentDeviationPercent };
    case "delivery_delay":
      return { value: thresholds.deliveryDelayDays };
    case "quantity_mismatch":
      return { value: thresholds.quantityMismatchPercent };
    default:
      return null;
  }
}

/** Names of the settings form's fields. */
export const ESCALATION_FIELDS = ["packagingBags", "packagingWagonTonnes", "contentDeviationPercent", "deliveryDelayDays", "quantityMismatchPercent"] as const;
export type EscalationField = (typeof ESCALATION_FIELDS)[number];

/** The thresholds as the settings form's values. */
export function escalationFormValues(t: EscalationThresholds): Record<EscalationField, number> {
  return {
    packagingBags: t.packagingDamage.bags,
    packagingWagonTonnes: t.packagingDamage.wagonTonnes,
    contentDeviationPercent: t.contentDeviationPercent,
    deliveryDelayDays: t.deliveryDelayDays,
    quantityMismatchPercent: t.quantityMismatchPercent,
  };
}

const RULES: Record<EscalationField, { min: number; max: number; integer: boolean; minExclusive: boolean }> = {
  packagingBags: { min: 0, max: 100_000, integer: true, minExclusive: false },
  packagingWagonTonnes: { min: 0, max: 10_000, integer: false, minExclusive: true },
  contentDeviationPercent: { min: 0, max: 100, integer: false, minExclusive: true },
  deliveryDelayDays: { min: 0, max: 365, integer: true, minExclusive: false },
  quantityMismatchPercent: { min: 0, max: 100, integer: false, minExclusive: true },
};

/**
 * Reads the settings form (strings as posted, or numbers): every field a number in its range.
 *
 * @example
 * parseEscalationForm({ packagingBags: "30", packagingWagonTonnes: "60", contentDeviationPercent: "0.5", deliveryDelayDays: "3", quantityMismatchPercent: "0.2" })
 * // { ok: true, value: DEFAULT_ESCALATION }
 */
export function parseEscalationForm(
  input: Readonly<Record<string, unknown>>,
): { ok: true; value: EscalationThresholds } | { ok: false; problems: { field: EscalationField; code: "required" | "range" }[] } {
  const problems: { field: EscalationField; code: "required" | "range" }[] = [];
  const values = {} as Record<EscalationField, number>;
  for (const field of ESCALATION_FIELDS) {
    const raw = input[field];
    const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      problems.push({ field, code: "required" });
      continue;
    }
    const n = Number(text);
    const rule = RULES[field];
    if (!Number.isFinite(n) || n > rule.max || (rule.minExclusive ? n <= rule.min : n < rule.min) || (rule.integer && !Number.isInteger(n))) {
      problems.push({ field, code: "range" });
      continue;
    }
    values[field] = n;
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      packagingDamage: { bags: values.packagingBags, wagonTonnes: values.packagingWagonTonnes },
      contentDeviationPercent: values.contentDeviationPercent,
      deliveryDelayDays: values.deliveryDelayDays,
      quantityMismatchPercent: values.quantityMismatchPercent,
    },
  };
}

/**
 * The thresholds stored as JSON, with the defaults for anything missing or invalid (a damaged
 * setting never blocks complaint handling).
 *
 * @example
 * readEscalationSettings(null) // DEFAULT_ESCALATION
 */
export function readEscalationSettings(json: string | null | undefined): EscalationThresholds {
  if (!json) return DEFAULT_ESCALATION;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return DEFAULT_ESCALATION;
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return DEFAULT_ESCALATION;
  const r = raw as Record<string, unknown>;
  const pd = (r.packagingDamage && typeof r.packagingDamage === "object" ? r.packagingDamage : {}) as Record<string, unknown>;
  const form = escalationFormValues(DEFAULT_ESCALATION);
  const candidate: Record<EscalationField, unknown> = {
    packagingBags: pd.bags ?? form.packagingBags,
    packagingWagonTonnes: pd.wagonTonnes ?? form.packagingWagonTonnes,
    contentDeviationPercent: r.contentDeviationPercent ?? form.contentDeviationPercent,
    deliveryDelayDays: r.deliveryDelayDays ?? form.deliveryDelayDays,
    quantityMismatchPercent: r.quantityMismatchPercent ?? form.quantityMismatchPercent,
  };
  // Each field on its own: one bad value falls back to its default, the others are kept.
  for (const field of ESCALATION_FIELDS) {
    const one = parseEscalationForm({ ...form, [field]: typeof candidate[field] === "number" ? candidate[field] : "" });
    if (one.ok) form[field] = (candidate[field] as number);
  }
  const parsed = parseEscalationForm(form);
  return parsed.ok ? parsed.value : DEFAULT_ESCALATION;
}
