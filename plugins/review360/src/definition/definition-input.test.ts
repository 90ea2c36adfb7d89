import { describe, expect, it } from "vitest";
import { createTranslator } from "@aftercare/i18n";
import { DEFAULT_DEFINITION } from "./competencies";
import { errorPlace, parseDefinitionInput } from "./definition-input";
import { en } from "../locales/en";
import { zhCN } from "../locales/zh-CN";

const SCALE = DEFAULT_DEFINITION.scale;
const text = (zh: string, english: string) => ({ "zh-CN": zh, en: english });

function errorsOf(input: unknown) {
  const r = parseDefinitionInput(input);
  if (r.ok) throw new Error("expected errors");
  return r.errors.map((e) => [e.path, e.key]);
}

describe("a cycle's competencies and scale as the manager edits them", () => {
  it("accepts the defaults unchanged (ids kept)", () => {
    const r = parseDefinitionInput(JSON.parse(JSON.stringify(DEFAULT_DEFINITION)));
    expect(r).toEqual({ ok: true, definition: DEFAULT_DEFINITION });
  });

  it("needs at least one competency", () => {
    expect(errorsOf({ competencies: [], scale: SCALE })).toEqual([["competencies", "review360.definition.noCompetency"]]);
    expect(errorsOf(null)).toContainEqual(["competencies", "review360.definition.noCompetency"]);
  });

  it("needs at least one behaviour statement in every competency", () => {
    const input = { competencies: [DEFAULT_DEFINITION.competencies[0], { title: text("团队合作", "Teamwork"), items: [] }], scale: SCALE };
    expect(errorsOf(input)).toEqual([["competencies.1.items", "review360.definition.noItems"]]);
  });

  it("needs every name, statement and anchor label in both languages (blank counts as missing)", () => {
    const input = {
      competencies: [{ title: { en: "Teamwork", "zh-CN": "  " }, items: [{ text: { "zh-CN": "分享备件知识。" } }] }],
      scale: SCALE.map((a) => (a.value === 3 ? { value: 3, label: { "zh-CN": "一般", en: "" } } : a)),
    };
    expect(errorsOf(input)).toEqual([
      ["competencies.0.title.zh-CN", "review360.definition.missingText"],
      ["competencies.0.items.0.text.en", "review360.definition.missingText"],
      ["scale.2.label.en", "review360.definition.missingText"],
    ]);
  });

  it("refuses a scale other than the anchors 1 to 5, and over-long texts", () => {
    const four = { competencies: DEFAULT_DEFINITION.competencies, scale: SCALE.slice(0, 4) };
    expect(errorsOf(four)).toEqual([
      ["scale.4.label.zh-CN", "review360.definition.missingText"],
      ["scale.4.label.en", "review360.definition.missingText"],
      ["scale", "review360.definition.scaleValues"],
    ]);
    const long = { competencies: [{ title: text("团队合作", "x".repeat(81)), items: [{ text: text("分享。", "Shares.") }] }], scale: SCALE };
    const r = parseDefinitionInput(long);
    expect(r.ok === false && r.errors).toEqual([{ path: "competencies.0.title.en", key: "review360.definition.tooLong", params: { max: 80 } }]);
  });

  it("keeps usable ids, makes up the missing ones and never repeats or takes a reserved one", () => {
    const r = parseDefinitionInput({
      competencies: [
        { id: "response", title: text("响应速度", "Response"), items: [{ id: "response_call", text: text("30 分钟内响应。", "Answers within 30 minutes.") }, { text: text("24 小时内到场。", "On site within 24 hours.") }] },
        { title: text("团队合作", "Teamwork"), items: [{ id: "response_call", text: text("分享经验。", "Shares experience.") }, { id: "strengths", text: text("帮助同事。", "Helps colleagues.") }] },
        { id: "Bad Id", title: text("学习", "Learning"), items: [{ id: "c3_1", text: text("持续学习。", "Keeps learning.") }] },
      ],
      scale: SCALE,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.definition.competencies.map((c) => [c.id, c.items.map((i) => i.id)])).toEqual([
      ["response", ["response_call", "response_2"]],
      // Competency 2 has no id: "c2"; its first item repeats "response_call" and the second is reserved: both made up.
      ["c2", ["c2_1", "c2_2"]],
      // "Bad Id" is not usable: "c3"; "c3_1" was asked for and is kept.
      ["c3", ["c3_1"]],
    ]);
    // Texts are trimmed, inner whitespace collapsed.
    expect(parseDefinitionInput({ competencies: [{ title: text(" 团队  合作 ", "Team\nwork"), items: [{ text: text("a", "b") }] }], scale: SCALE })).toMatchObject({
      ok: true,
      definition: { competencies: [{ title: { "zh-CN": "团队 合作", en: "Team work" } }] },
    });
  });

  it("says where an error is, in the manager's language", () => {
    expect(errorPlace("competencies.1.items.0.text.en", createTranslator(en))).toBe("Competency 2 · statement 1 · English");
    expect(errorPlace("competencies.0.title.zh-CN", createTranslator(zhCN))).toBe("评估维度 1 · 中文");
    expect(errorPlace("scale.4.label.en", createTranslator(en))).toBe("Scale anchor 5 · English");
    expect(errorPlace("competencies", createTranslator(en))).toBe("");
  });
});
