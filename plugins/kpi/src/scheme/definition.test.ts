import { describe, expect, it } from "vitest";
import { parseBilingual, pick } from "./definition";

describe("parseBilingual", () => {
  it("reads the JSON this plugin stores", () => {
    const label = parseBilingual(JSON.stringify({ en: "Late report", "zh-CN": "报告迟交" }));
    expect(pick(label, "zh-CN")).toBe("报告迟交");
    expect(pick(label, "en")).toBe("Late report");
  });

  it("shows text that is not such JSON as written, in both languages, instead of failing", () => {
    expect(parseBilingual("<script>alert(1)</script>")).toEqual({ en: "<script>alert(1)</script>", "zh-CN": "<script>alert(1)</script>" });
    expect(parseBilingual('{"en": 5}')).toEqual({ en: '{"en": 5}', "zh-CN": '{"en": 5}' });
    expect(parseBilingual("null")).toEqual({ en: "null", "zh-CN": "null" });
  });
});
