import { describe, expect, it } from "vitest";
import { createTranslator, negotiateLocale } from "./translate";

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
