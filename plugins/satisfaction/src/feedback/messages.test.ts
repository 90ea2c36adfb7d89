import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { messages as feedbackEn } from "../locales/feedback-en";
import { messages as feedbackZh } from "../locales/feedback-zh-CN";
import { messages as templateEn } from "../locales/template-en";
import { messages as templateZh } from "../locales/template-zh-CN";
import { COMPLAINT_CATEGORIES, ESCALATION_FIELDS } from "./escalation";
import { ACTION_KINDS, FEEDBACK_STATUSES, VERIFICATION_METHODS } from "./workflow";

const here = path.dirname(fileURLToPath(import.meta.url));

describe("messages of feedback records and templates", () => {
  it("exist in both languages, with the same keys and placeholders", () => {
    for (const [en, zh] of [
      [feedbackEn, feedbackZh],
      [templateEn, templateZh],
    ]) {
      expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en)) {
        const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(vars(zh[key]), key).toEqual(vars(en[key]));
        expect(zh[key].trim(), key).not.toBe("");
      }
    }
    expect(Object.keys(feedbackEn).every((k) => k.startsWith("satisfaction.feedback."))).toBe(true);
    expect(Object.keys(templateEn).every((k) => k.startsWith("satisfaction.template."))).toBe(true);
  });

  it("use the Chinese terms of DOMAIN.md", () => {
    expect(feedbackZh["satisfaction.feedback.title"]).toBe("客户意见反馈记录表");
    expect(feedbackZh["satisfaction.feedback.field.verificationNoteQuality"]).toContain("品管部");
    expect(feedbackZh["satisfaction.feedback.field.actionText"]).toBe("纠正、预防措施");
  });

  const dynamic: [string, readonly string[]][] = [
    ["satisfaction.feedback.status.", FEEDBACK_STATUSES],
    ["satisfaction.feedback.category.", [...COMPLAINT_CATEGORIES, "survey"]],
    ["satisfaction.feedback.method.", VERIFICATION_METHODS],
    ["satisfaction.feedback.actionKind.", ACTION_KINDS],
    ["satisfaction.feedback.source.", ["survey", "complaint"]],
    ["satisfaction.feedback.quality.", ["yes", "no"]],
    ["satisfaction.feedback.settings.", ESCALATION_FIELDS],
    ["satisfaction.feedback.settings.problem.", ["required", "range"]],
    ["satisfaction.feedback.done.", ["created", "verify", "handle", "approve", "send", "close", "reopen", "reassigned"]],
    [
      "satisfaction.feedback.event.",
      ["created", "verified", "verification-updated", "handling-started", "handling-updated", "approved", "sent-to-customer", "reopened", "closed", "reassigned"],
    ],
    [
      "satisfaction.feedback.field.",
      [
        "verificationMethod", "verifiedBy", "verificationNote", "qualityProblem", "handlingReport", "approvedBy", "approvedAt", "customerAcceptedAt",
        "customerStatement", "actionKind", "actionText", "closedAt", "ownerId", "dueDate", "source", "category", "figure", "escalated", "reason",
      ],
    ],
    [
      "satisfaction.feedback.step.problem.",
      [
        "wrong-status", "not-allowed", "method-required", "verified-by-required", "quality-required", "verification-note-required", "handling-report-required",
        "already-approved", "not-quality-problem", "approval-required", "reason-required", "basis-required", "accepted-at-required", "accepted-at-invalid",
        "accepted-at-future", "statement-required", "statement-quality-problem", "action-kind-required", "action-text-required", "too-long",
      ],
    ],
    [
      "satisfaction.feedback.problem.",
      ["customer-unknown", "category-unknown", "description-required", "too-long", "figure-required", "figure-invalid", "wagon-invalid", "owner-unknown", "owner-not-allowed", "due-invalid", "due-past"],
    ],
    [
      "satisfaction.template.problem.",
      ["no-items", "duplicate-item", "bad-item-id", "weights-sum", "bad-weight", "missing-text", "scale-too-short", "bad-points", "duplicate-level", "bad-threshold", "bad-product-weight", "empty-group"],
    ],
    ["satisfaction.template.group.", ["product", "service"]],
    ["satisfaction.template.import.problem.", ["empty", "too-large", "not-json", "not-object", "mixed-value-types", "unknown-question"]],
    ["satisfaction.template.import.skip.", ["conditional", "read-only", "multiple"]],
  ];
  it.each(dynamic)("cover every %s… key", (prefix, names) => {
    const en = { ...feedbackEn, ...templateEn };
    expect(names.filter((n) => en[`${prefix}${n}`] === undefined)).toEqual([]);
  });

  it("the weights-sum problem says the actual sum", () => {
    expect(templateEn["satisfaction.template.problem.weights-sum"]).toContain("{{sum}}");
    expect(templateZh["satisfaction.template.problem.weights-sum"]).toContain("{{sum}}");
  });

  it("cover every literal key the pages use", () => {
    const files = ["templates.tsx", "template-edit.tsx", "feedback-list.tsx", "feedback.tsx"].map((f) => fs.readFileSync(path.join(here, "../routes", f), "utf8"));
    const used = new Set(files.flatMap((src) => [...src.matchAll(/"(satisfaction\.(?:feedback|template)\.[A-Za-z0-9_.-]+)"/g)].map((m) => m[1])));
    const notMessages = new Set(["satisfaction.feedback.view", "satisfaction.feedback.approve", "satisfaction.template.save"]);
    const en = { ...feedbackEn, ...templateEn };
    expect([...used].filter((k) => !notMessages.has(k) && en[k] === undefined)).toEqual([]);
  });
});
