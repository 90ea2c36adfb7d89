import { describe, expect, it } from "vitest";
import { createTranslator, formatDateTime, negotiateLocale } from "./translate";

describe("negotiateLocale", () => {
  it.each([
    [null, "en-US,en;q=0.9", "en"],
    [null, "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    [null, "fr-FR,en;q=0.5,zh;q=0.7", "zh-CN"],
    [null, "fr-FR", "zh-CN"],
    [null, "", "zh-CN"],
    ["en", "zh-CN", "en"],
    ["xx", "en", "en"],
    [null, "zh-TW;q=0,en;q=0.1", "en"],
  ])("choice %s with Accept-Language %s gives %s", (choice, header, expected) => {
    expect(negotiateLocale(choice, header)).toBe(expected);
  });
});

describe("createTranslator", () => {
  const t = createTranslator({ greet: "Hello {{name}}, {{count}} new", plain: "Plain" });
  it("fills placeholders", () => expect(t("greet", { name: "Li", count: 3 })).toBe("Hello Li, 3 new"));
  it("leaves unknown placeholders visible", () => expect(t("greet", { name: "Li" })).toBe("Hello Li, {{count}} new"));
  it("returns the key when a message is missing", () => expect(t("nope")).toBe("nope"));
  it("does not read inherited properties as values", () => expect(t("greet", { name: "x", count: 1, toString: "y" } as never)).toBe("Hello x, 1 new"));
});

describe("formatDateTime", () => {
  it("formats in China time by default, date only or with time, in both languages", () => {
    // 2026-12-31T16:30Z is 2027-01-01 00:30 in Asia/Shanghai (UTC+8).
    expect(formatDateTime("2026-12-31T16:30:00.000Z", "zh-CN")).toBe("2027/01/01");
    expect(formatDateTime("2026-12-31T16:30:00.000Z", "en", { time: true })).toBe("01/01/2027, 00:30");
    expect(formatDateTime("2026-12-31T16:30:00.000Z", "en", { timeZone: "UTC" })).toBe("12/31/2026");
    // The cached formatter of one call does not leak its options into another.
    expect(formatDateTime("2026-12-31T16:30:00.000Z", "zh-CN", { time: true })).toBe("2027/01/01 00:30");
  });
  it("answers empty text for missing or invalid input", () => {
    expect(formatDateTime(null, "en")).toBe("");
    expect(formatDateTime("not a date", "en")).toBe("");
  });
});
