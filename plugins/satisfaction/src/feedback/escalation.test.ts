import { describe, expect, it } from "vitest";
import {
  DEFAULT_ESCALATION,
  checkFigure,
  escalates,
  escalationFormValues,
  figureUnit,
  parseEscalationForm,
  readEscalationSettings,
  type EscalationThresholds,
} from "./escalation";

describe("escalation thresholds (DOMAIN.md §2), defaults", () => {
  it("are 30 bags per 60-tonne wagon, ±0.5 % content, 3 days delay, 0.2 % quantity", () => {
    expect(DEFAULT_ESCALATION).toEqual({
      packagingDamage: { bags: 30, wagonTonnes: 60 },
      contentDeviationPercent: 0.5,
      deliveryDelayDays: 3,
      quantityMismatchPercent: 0.2,
    });
  });

  // [category, figure, wagon tonnes, escalates?, why]
  const cases: [string, number, number | null, boolean, string][] = [
    ["packaging_damage", 30, null, false, "exactly 30 bags in a 60 t wagon is not MORE than 30"],
    ["packaging_damage", 31, null, true, "31 bags in a 60 t wagon"],
    ["packaging_damage", 31, 60, true, "31 bags, wagon given as 60 t"],
    ["packaging_damage", 0, null, false, "no damage"],
    ["packaging_damage", 15, 30, false, "30 t wagon: the limit is 30 × 30/60 = 15 bags"],
    ["packaging_damage", 16, 30, true, "30 t wagon: 16 > 15"],
    ["packaging_damage", 40, 90, false, "90 t wagon: the limit is 45 bags"],
    ["packaging_damage", 46, 90, true, "90 t wagon: 46 > 45"],
    ["content_deviation", 0.5, null, false, "+0.5 % is within ±0.5 %"],
    ["content_deviation", -0.5, null, false, "−0.5 % is within ±0.5 %"],
    ["content_deviation", 0.51, null, true, "+0.51 % is beyond"],
    ["content_deviation", -0.6, null, true, "−0.6 % is beyond"],
    ["content_deviation", 0.1 + 0.4, null, false, "0.1 + 0.4 (float noise) counts as 0.5"],
    ["delivery_delay", 3, null, false, "3 days late is the limit"],
    ["delivery_delay", 4, null, true, "4 days late"],
    ["delivery_delay", 0, null, false, "on time"],
    ["quantity_mismatch", 0.2, null, false, "0.2 % is within tolerance"],
    ["quantity_mismatch", -0.25, null, true, "0.25 % short"],
    ["quantity_mismatch", 1, null, true, "1 % over"],
    ["quality", 99, null, false, "categories without a figure never escalate"],
    ["other", 99, null, false, "categories without a figure never escalate"],
  ];
  it.each(cases)("%s %d (wagon %s t) → %s: %s", (category, value, wagonTonnes, expected) => {
    expect(escalates(category, { value, wagonTonnes }, DEFAULT_ESCALATION)).toBe(expected);
  });

  it("no figure never escalates", () => {
    expect(escalates("packaging_damage", null, DEFAULT_ESCALATION)).toBe(false);
    expect(escalates("delivery_delay", { value: Number.NaN }, DEFAULT_ESCALATION)).toBe(false);
  });
});

describe("configured thresholds", () => {
  const strict: EscalationThresholds = { packagingDamage: { bags: 10, wagonTonnes: 50 }, contentDeviationPercent: 0.3, deliveryDelayDays: 1, quantityMismatchPercent: 0.1 };
  const cases: [string, number, number | null, boolean][] = [
    ["packaging_damage", 10, null, false],
    ["packaging_damage", 11, null, true],
    ["packaging_damage", 12, 60, false], // 10 × 60/50 = 12
    ["packaging_damage", 13, 60, true],
    ["content_deviation", 0.4, null, true],
    ["delivery_delay", 2, null, true],
    ["quantity_mismatch", 0.1, null, false],
    ["quantity_mismatch", 0.15, null, true],
  ];
  it.each(cases)("%s %d (wagon %s t) → %s", (category, value, wagonTonnes, expected) => {
    expect(escalates(category, { value, wagonTonnes }, strict)).toBe(expected);
  });
});

describe("reported figures", () => {
  it("has a unit for the four escalation categories only", () => {
    expect(figureUnit("packaging_damage")).toBe("bags");
    expect(figureUnit("content_deviation")).toBe("percent");
    expect(figureUnit("quantity_mismatch")).toBe("percent");
    expect(figureUnit("delivery_delay")).toBe("days");
    expect(figureUnit("quality")).toBeNull();
    expect(figureUnit("survey")).toBeNull();
  });

  const cases: [string, number | null, number | null, string | null][] = [
    ["packaging_damage", null, null, "figure-required"],
    ["packaging_damage", 12, null, null],
    ["packaging_damage", 12.5, null, "figure-invalid"],
    ["packaging_damage", -1, null, "figure-invalid"],
    ["packaging_damage", 12, 0, "wagon-invalid"],
    ["packaging_damage", 12, 45.5, null],
    ["content_deviation", -0.7, null, null],
    ["content_deviation", 150, null, "figure-invalid"],
    ["delivery_delay", 2.5, null, "figure-invalid"],
    ["delivery_delay", 10, null, null],
    ["quantity_mismatch", null, null, "figure-required"],
    ["service", null, null, null],
  ];
  it.each(cases)("%s %s (wagon %s) → %s", (category, value, wagonTonnes, expected) => {
    expect(checkFigure(category, value === null ? null : { value, wagonTonnes })).toBe(expected);
  });
});

describe("the settings form and the stored JSON", () => {
  it("reads the defaults back from their own form values", () => {
    expect(parseEscalationForm(escalationFormValues(DEFAULT_ESCALATION))).toEqual({ ok: true, value: DEFAULT_ESCALATION });
  });

  it("reads posted strings", () => {
    const r = parseEscalationForm({ packagingBags: "20", packagingWagonTonnes: "60", contentDeviationPercent: "0.3", deliveryDelayDays: "5", quantityMismatchPercent: "0.5" });
    expect(r).toEqual({ ok: true, value: { packagingDamage: { bags: 20, wagonTonnes: 60 }, contentDeviationPercent: 0.3, deliveryDelayDays: 5, quantityMismatchPercent: 0.5 } });
  });

  it("lists every bad field", () => {
    const r = parseEscalationForm({ packagingBags: "2.5", packagingWagonTonnes: "0", contentDeviationPercent: "", deliveryDelayDays: "-1", quantityMismatchPercent: "abc" });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: "packagingBags", code: "range" },
        { field: "packagingWagonTonnes", code: "range" },
        { field: "contentDeviationPercent", code: "required" },
        { field: "deliveryDelayDays", code: "range" },
        { field: "quantityMismatchPercent", code: "range" },
      ],
    });
  });

  it("falls back to the defaults for a missing or broken setting, field by field", () => {
    expect(readEscalationSettings(null)).toEqual(DEFAULT_ESCALATION);
    expect(readEscalationSettings("not json")).toEqual(DEFAULT_ESCALATION);
    expect(readEscalationSettings("[1,2]")).toEqual(DEFAULT_ESCALATION);
    expect(readEscalationSettings(JSON.stringify({ deliveryDelayDays: 5 }))).toEqual({ ...DEFAULT_ESCALATION, deliveryDelayDays: 5 });
    expect(readEscalationSettings(JSON.stringify({ deliveryDelayDays: -5, contentDeviationPercent: 0.8 }))).toEqual({ ...DEFAULT_ESCALATION, contentDeviationPercent: 0.8 });
    expect(readEscalationSettings(JSON.stringify({ packagingDamage: { bags: 20 } }))).toEqual({ ...DEFAULT_ESCALATION, packagingDamage: { bags: 20, wagonTonnes: 60 } });
  });
});
