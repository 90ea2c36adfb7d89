import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey, localText, SurveySchemaError, type SurveyJson } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import type { Locale } from "@aftercare/i18n";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, Notice, PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import { DEFAULT_TEMPLATE } from "../template/default-template";
import { pick, problemMessage, validateTemplate, type Bilingual, type TemplateDefinition, type TemplateProblem } from "../template/definition";
import {
  answerValues,
  buildImportedTemplate,
  defaultMapping,
  MAX_IMPORT_CHARS,
  mappableQuestions,
  mappingOf,
  readImportText,
  vetImportedSurvey,
  type ImportMapping,
  type ImportProblem,
  type SkippedQuestion,
  type TemplateGeneral,
} from "../template/import";
import { buildSurveyJson } from "../template/survey-json";
import { getTemplate, saveTemplate, type StoredTemplate } from "../template/templates.server";

const PERMISSION = "satisfaction.templates.manage";
/** Rows the editor offers (a SurveyJS form has a fixed set of questions: empty rows are ignored). */
const ITEM_ROWS = 10;
const LEVEL_ROWS = 7;

type T = (key: string, vars?: Readonly<Record<string, string | number>>) => string;
type Values = Record<string, unknown>;
interface FieldError {
  readonly name: string;
  readonly message: string;
}

// --- the editor of a generated template -----------------------------------------------------------
// Pure helpers (no I/O): the loader, the action and the live preview use the same ones.

function rowsFor(def: TemplateDefinition): { items: number; levels: number } {
  return { items: Math.max(ITEM_ROWS, def.items.length), levels: Math.max(LEVEL_ROWS, def.scale.length) };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function generalElements(t: T, withWhy: boolean): unknown[] {
  return [
    { type: "text", name: "name", title: t("satisfaction.template.name"), description: t("satisfaction.template.nameHint"), isRequired: true, maxLength: 200 },
    { type: "text", name: "title_en", title: t("satisfaction.template.titleEn"), isRequired: true, maxLength: 200, minWidth: "200px" },
    { type: "text", name: "title_zh", title: t("satisfaction.template.titleZh"), isRequired: true, maxLength: 200, startWithNewLine: false, minWidth: "200px" },
    { type: "comment", name: "intro_en", title: t("satisfaction.template.introEn"), maxLength: 2000, rows: 3, minWidth: "200px" },
    { type: "comment", name: "intro_zh", title: t("satisfaction.template.introZh"), maxLength: 2000, rows: 3, startWithNewLine: false, minWidth: "200px" },
    { type: "text", inputType: "number", name: "threshold", title: t("satisfaction.template.threshold"), description: t("satisfaction.template.thresholdHint"), isRequired: true, min: 0, max: 100, step: 1, minWidth: "200px" },
    {
      type: "text",
      inputType: "number",
      name: "productWeight",
      title: t("satisfaction.template.productWeight"),
      description: t("satisfaction.template.productWeightHint"),
      isRequired: true,
      min: 0,
      max: 1,
      step: 0.05,
      startWithNewLine: false,
      minWidth: "200px",
    },
    ...(withWhy ? [{ type: "boolean", name: "whyComments", title: t("satisfaction.template.whyComments"), description: t("satisfaction.template.whyCommentsHint") }] : []),
  ];
}

function groupChoices(t: T) {
  return [
    { value: "product", text: t("satisfaction.template.group.product") },
    { value: "service", text: t("satisfaction.template.group.service") },
  ];
}

/** The running total of the weights, computed in the browser (the server ignores expression values). */
function weightsSum(t: T, terms: readonly string[]) {
  return {
    type: "expression",
    name: "weights_sum",
    title: t("satisfaction.template.weightsSum"),
    expression: `sum(${terms.join(", ")})`,
    displayStyle: "decimal",
    maximumFractionDigits: 4,
  };
}

/** The editor of a generated template as a SurveyJS form, with a fixed number of item and level rows. */
function nativeEditorJson(t: T, rows: { items: number; levels: number }, completeText: string): SurveyJson {
  const itemRow = (i: number) => {
    const filled = (n: number) => ["id", "en", "zh"].map((p) => `{item_${n}_${p}} notempty`).join(" or ");
    return {
      type: "panel",
      name: `item_${i}`,
      title: t("satisfaction.template.itemRow", { n: i }),
      ...(i > 1 ? { visibleIf: `${filled(i - 1)} or ${filled(i)}` } : {}),
      elements: [
        { type: "text", name: `item_${i}_id`, title: t("satisfaction.template.itemId"), maxLength: 40, minWidth: "110px" },
        { type: "text", name: `item_${i}_en`, title: t("satisfaction.template.itemEn"), maxLength: 200, startWithNewLine: false, minWidth: "140px" },
        { type: "text", name: `item_${i}_zh`, title: t("satisfaction.template.itemZh"), maxLength: 200, startWithNewLine: false, minWidth: "140px" },
        { type: "text", inputType: "number", name: `item_${i}_weight`, title: t("satisfaction.template.itemWeight"), min: 0, max: 1, step: 0.01, minWidth: "110px" },
        { type: "dropdown", name: `item_${i}_group`, title: t("satisfaction.template.itemGroup"), choices: groupChoices(t), defaultValue: "product", allowClear: false, startWithNewLine: false, minWidth: "140px" },
      ],
    };
  };
  const levelRow = (i: number) => {
    const filled = (n: number) => ["en", "zh", "points"].map((p) => `{level_${n}_${p}} notempty`).join(" or ");
    return {
      type: "panel",
      name: `level_${i}`,
      title: t("satisfaction.template.levelRow", { n: i }),
      ...(i > 1 ? { visibleIf: `${filled(i - 1)} or ${filled(i)}` } : {}),
      elements: [
        { type: "text", name: `level_${i}_en`, title: t("satisfaction.template.levelEn"), maxLength: 100, minWidth: "140px" },
        { type: "text", name: `level_${i}_zh`, title: t("satisfaction.template.levelZh"), maxLength: 100, startWithNewLine: false, minWidth: "140px" },
        { type: "text", inputType: "number", name: `level_${i}_points`, title: t("satisfaction.template.levelPoints"), min: 0, max: 100, step: 1, startWithNewLine: false, minWidth: "90px" },
      ],
    };
  };
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText,
    elements: [
      { type: "panel", name: "general", title: t("satisfaction.template.general"), elements: generalElements(t, true) },
      {
        type: "panel",
        name: "items",
        title: t("satisfaction.template.items"),
        description: `${t("satisfaction.template.itemsHint", { max: rows.items })} ${t("satisfaction.template.itemIdHint")}`,
        elements: [...range(rows.items).map(itemRow), weightsSum(t, range(rows.items).map((i) => `{item_${i}_weight}`))],
      },
      { type: "panel", name: "scale", title: t("satisfaction.template.scale"), description: t("satisfaction.template.scaleHint", { max: rows.levels }), elements: range(rows.levels).map(levelRow) },
    ],
  } as unknown as SurveyJson;
}

function generalValues(name: string, g: TemplateGeneral): Values {
  return { name, title_en: g.title.en, title_zh: g.title["zh-CN"], intro_en: g.intro.en, intro_zh: g.intro["zh-CN"], threshold: g.threshold, productWeight: g.productWeight };
}

/** A definition as the editor's answers. */
function nativeValues(def: TemplateDefinition, name: string): Values {
  const values: Values = { ...generalValues(name, def), whyComments: def.whyComments };
  def.items.forEach((item, k) => {
    const i = k + 1;
    Object.assign(values, { [`item_${i}_id`]: item.id, [`item_${i}_en`]: item.title.en, [`item_${i}_zh`]: item.title["zh-CN"], [`item_${i}_weight`]: item.weight, [`item_${i}_group`]: item.group });
  });
  def.scale.forEach((level, k) => {
    const i = k + 1;
    Object.assign(values, { [`level_${i}_en`]: level.label.en, [`level_${i}_zh`]: level.label["zh-CN"], [`level_${i}_points`]: level.points });
  });
  return values;
}

function str(values: Values, key: string): string {
  const v = values[key];
  return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
}

function num(values: Values, key: string): number {
  const v = values[key];
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return Number.NaN;
}

function readGeneral(values: Values): { name: string; general: TemplateGeneral } {
  return {
    name: str(values, "name"),
    general: {
      title: { en: str(values, "title_en"), "zh-CN": str(values, "title_zh") },
      intro: { en: str(values, "intro_en"), "zh-CN": str(values, "intro_zh") },
      threshold: num(values, "threshold"),
      productWeight: num(values, "productWeight"),
    },
  };
}

/**
 * The editor's answers as a definition. Empty rows are skipped; `itemRows`/`levelRows` say which
 * form row each item / level came from (to put problems next to their field). Lenient: also used
 * for the live preview of a half-filled form.
 */
function readNative(values: Values, rows: { items: number; levels: number }) {
  const { name, general } = readGeneral(values);
  const items: TemplateDefinition["items"][number][] = [];
  const itemRows: number[] = [];
  for (const i of range(rows.items)) {
    const id = str(values, `item_${i}_id`);
    const en = str(values, `item_${i}_en`);
    const zh = str(values, `item_${i}_zh`);
    const weight = num(values, `item_${i}_weight`);
    if (!id && !en && !zh && Number.isNaN(weight)) continue;
    items.push({ id, question: id, title: { en, "zh-CN": zh }, weight, group: values[`item_${i}_group`] === "service" ? "service" : "product" });
    itemRows.push(i);
  }
  const scale: TemplateDefinition["scale"][number][] = [];
  const levelRows: number[] = [];
  for (const i of range(rows.levels)) {
    const en = str(values, `level_${i}_en`);
    const zh = str(values, `level_${i}_zh`);
    const points = num(values, `level_${i}_points`);
    if (!en && !zh && Number.isNaN(points)) continue;
    // Generated templates store the points themselves as the answer value.
    scale.push({ value: Number.isFinite(points) ? points : `level_${i}`, points, label: { en, "zh-CN": zh } });
    levelRows.push(i);
  }
  const definition: TemplateDefinition = { ...general, items, scale, whyComments: values.whyComments === true, imported: false };
  return { name, definition, itemRows, levelRows };
}

// --- the mapping editor of an imported template ----------------------------------------------------

function mappingEditorJson(survey: SurveyJson, t: T, locale: Locale, completeText: string): SurveyJson {
  const { questions } = mappableQuestions(survey);
  const values = answerValues(questions);
  const questionPanels = questions.map((q, k) => {
    const on = `{q_${k}_use} = true`;
    return {
      type: "panel",
      name: `q_${k}`,
      title: `${pick(q.title, locale)} (${q.name})`,
      description: t("satisfaction.template.import.questionInfo", { type: q.type, answers: q.choices.map((c) => pick(c.label, locale)).join(" / ") }),
      elements: [
        { type: "boolean", name: `q_${k}_use`, title: t("satisfaction.template.import.useAsItem") },
        { type: "text", name: `q_${k}_id`, title: t("satisfaction.template.itemId"), maxLength: 40, visibleIf: on, minWidth: "110px" },
        { type: "text", name: `q_${k}_en`, title: t("satisfaction.template.itemEn"), maxLength: 200, visibleIf: on, startWithNewLine: false, minWidth: "140px" },
        { type: "text", name: `q_${k}_zh`, title: t("satisfaction.template.itemZh"), maxLength: 200, visibleIf: on, startWithNewLine: false, minWidth: "140px" },
        { type: "text", inputType: "number", name: `q_${k}_weight`, title: t("satisfaction.template.itemWeight"), min: 0, max: 1, step: 0.01, visibleIf: on, minWidth: "110px" },
        { type: "dropdown", name: `q_${k}_group`, title: t("satisfaction.template.itemGroup"), choices: groupChoices(t), allowClear: false, visibleIf: on, startWithNewLine: false, minWidth: "140px" },
      ],
    };
  });
  const valuePanels = values.map((v, j) => ({
    type: "panel",
    name: `v_${j}`,
    title: t("satisfaction.template.import.valueTitle", { value: v.key, label: pick(v.label, locale) }),
    description: t("satisfaction.template.import.valueUsedBy", { questions: v.questions.join(", ") }),
    elements: [
      { type: "text", inputType: "number", name: `v_${j}_points`, title: t("satisfaction.template.levelPoints"), min: 0, max: 100, step: 1, minWidth: "90px" },
      { type: "text", name: `v_${j}_en`, title: t("satisfaction.template.levelEn"), maxLength: 100, startWithNewLine: false, minWidth: "140px" },
      { type: "text", name: `v_${j}_zh`, title: t("satisfaction.template.levelZh"), maxLength: 100, startWithNewLine: false, minWidth: "140px" },
    ],
  }));
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText,
    elements: [
      { type: "panel", name: "general", title: t("satisfaction.template.general"), elements: generalElements(t, false) },
      {
        type: "panel",
        name: "questions",
        title: t("satisfaction.template.import.questions"),
        description: t("satisfaction.template.import.questionsHint"),
        elements: [...questionPanels, weightsSum(t, questions.map((_, k) => `iif({q_${k}_use} = true, {q_${k}_weight}, 0)`))],
      },
      { type: "panel", name: "values", title: t("satisfaction.template.import.values"), description: t("satisfaction.template.import.valuesHint"), elements: valuePanels },
    ],
  } as unknown as SurveyJson;
}

function mappingValues(mapping: ImportMapping, general: TemplateGeneral, name: string): Values {
  const values = generalValues(name, general);
  mapping.items.forEach((m, k) => {
    Object.assign(values, { [`q_${k}_use`]: m.use, [`q_${k}_id`]: m.id, [`q_${k}_en`]: m.title.en, [`q_${k}_zh`]: m.title["zh-CN"], [`q_${k}_weight`]: m.weight, [`q_${k}_group`]: m.group });
  });
  mapping.values.forEach((v, j) => {
    Object.assign(values, { [`v_${j}_points`]: v.points, [`v_${j}_en`]: v.label.en, [`v_${j}_zh`]: v.label["zh-CN"] });
  });
  return values;
}

function readMapping(values: Values, survey: SurveyJson): { name: string; general: TemplateGeneral; mapping: ImportMapping } {
  const { questions } = mappableQuestions(survey);
  const answers = answerValues(questions);
  const { name, general } = readGeneral(values);
  return {
    name,
    general,
    mapping: {
      items: questions.map((q, k) => ({
        question: q.name,
        use: values[`q_${k}_use`] === true,
        id: str(values, `q_${k}_id`),
        title: { en: str(values, `q_${k}_en`), "zh-CN": str(values, `q_${k}_zh`) },
        weight: num(values, `q_${k}_weight`),
        group: values[`q_${k}_group`] === "service" ? ("service" as const) : ("product" as const),
      })),
      values: answers.map((v, j) => ({ key: v.key, points: num(values, `v_${j}_points`), label: { en: str(values, `v_${j}_en`), "zh-CN": str(values, `v_${j}_zh`) } })),
    },
  };
}

// --- problems next to their fields ---------------------------------------------------------------

const ITEM_ID = /^[a-z][a-z0-9_]{0,39}$/;

interface FieldLocator {
  item(index: number, part: "id" | "en" | "zh" | "weight" | "group"): string;
  level(index: number, part: "en" | "zh" | "points"): string;
}

/** Every template problem as a message in the viewer's language on the field it is about. */
function templateErrors(def: TemplateDefinition, problems: readonly TemplateProblem[], at: FieldLocator, t: T): FieldError[] {
  const out: FieldError[] = [];
  for (const p of problems) {
    const { key, vars } = problemMessage(p);
    const message = t(key, p.code === "empty-group" ? { ...vars, group: t(`satisfaction.template.group.${p.group}`) } : vars);
    const add = (name: string) => out.push({ name, message });
    const indexes = (id: string) => def.items.flatMap((item, i) => (item.id === id ? [i] : []));
    switch (p.code) {
      case "no-items":
        add(at.item(0, "id"));
        break;
      case "duplicate-item":
        indexes(p.item).slice(1).forEach((i) => add(at.item(i, "id")));
        break;
      case "bad-item-id":
        indexes(p.item).forEach((i) => !ITEM_ID.test(def.items[i].id) && add(at.item(i, "id")));
        break;
      case "bad-weight":
        indexes(p.item).forEach((i) => (!Number.isFinite(def.items[i].weight) || def.items[i].weight <= 0 || def.items[i].weight > 1) && add(at.item(i, "weight")));
        break;
      case "weights-sum":
        def.items.forEach((_, i) => add(at.item(i, "weight")));
        break;
      case "missing-text":
        if (p.what === "title") add(def.title.en.trim() ? "title_zh" : "title_en");
        else if (p.what.startsWith("item:")) indexes(p.what.slice(5)).forEach((i) => (!def.items[i].title.en.trim() || !def.items[i].title["zh-CN"].trim()) && add(at.item(i, def.items[i].title.en.trim() ? "zh" : "en")));
        else if (p.what.startsWith("level:")) {
          const i = Number(p.what.slice(6)) - 1;
          add(at.level(i, def.scale[i]?.label.en.trim() ? "zh" : "en"));
        }
        break;
      case "scale-too-short":
        add(at.level(Math.min(def.scale.length, 1), "points"));
        break;
      case "bad-points":
        add(at.level(p.level - 1, "points"));
        break;
      case "duplicate-level": {
        const seen = new Set<string>();
        def.scale.forEach((l, i) => {
          if (seen.has(String(l.value))) add(at.level(i, "points"));
          seen.add(String(l.value));
        });
        break;
      }
      case "bad-threshold":
        add("threshold");
        break;
      case "bad-product-weight":
      case "empty-group":
        add("productWeight");
        break;
    }
  }
  const seen = new Set<string>();
  return out.filter((e) => !seen.has(`${e.name}\u0000${e.message}`) && seen.add(`${e.name}\u0000${e.message}`));
}

function importErrors(problems: readonly ImportProblem[], valueIndex: (key: string) => number, t: T): FieldError[] {
  return problems.map((p) =>
    p.code === "mixed-value-types"
      ? { name: `v_${valueIndex(p.value)}_points`, message: t("satisfaction.template.import.problem.mixed-value-types", { value: p.value }) }
      : { name: "", message: t("satisfaction.template.import.problem.unknown-question", { question: p.question }) },
  );
}

// --- loader and action ---------------------------------------------------------------------------

type Target = { kind: "new" } | { kind: "import" } | { kind: "id"; id: number };

function parseTarget(raw: string | undefined): Target {
  if (raw === "new") return { kind: "new" };
  if (raw === "import") return { kind: "import" };
  const id = Number(raw);
  if (Number.isSafeInteger(id) && id > 0) return { kind: "id", id };
  throw new Response("Not Found", { status: 404 });
}

async function nextVersionOf(db: Kysely<SatisfactionTables>, stored: StoredTemplate): Promise<number> {
  const row = await db.selectFrom("satisfaction_template").select((eb) => eb.fn.max("version").as("v")).where("family_id", "=", stored.familyId).executeTakeFirst();
  return Number(row?.v ?? stored.version) + 1;
}

function saveLabel(t: T, stored: StoredTemplate | null, nextVersion: number | null): string {
  return stored?.frozen && nextVersion ? t("satisfaction.template.saveAsVersion", { version: nextVersion }) : t("common.save");
}

function surveyGeneral(survey: SurveyJson, questionCount: number): TemplateGeneral {
  const title: Bilingual = { en: localText(survey.title, "en") || "Imported survey", "zh-CN": localText(survey.title, "zh-CN") || localText(survey.title, "en") || "导入的调查表" };
  const intro: Bilingual = { en: localText(survey.description, "en"), "zh-CN": localText(survey.description, "zh-CN") };
  return { title, intro, threshold: DEFAULT_TEMPLATE.threshold, productWeight: questionCount > 1 ? DEFAULT_TEMPLATE.productWeight : 1 };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, PERMISSION);
  const target = parseTarget(params.id);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const base = { id: null as number | null, name: "", version: null as number | null, frozen: false, nextVersion: null as number | null, survey: null as SurveyJson | null, definition: null as TemplateDefinition | null };
  if (target.kind === "import") return { ...base, mode: "import" as const, json: null, values: {} as Values };
  if (target.kind === "new") {
    const def = DEFAULT_TEMPLATE;
    return { ...base, mode: "native" as const, definition: def, json: nativeEditorJson(t, rowsFor(def), t("common.save")), values: nativeValues(def, pick(def.title, locale)) };
  }
  const stored = await getTemplate(db, target.id);
  if (!stored) throw new Response("Not Found", { status: 404 });
  const nextVersion = stored.frozen ? await nextVersionOf(db, stored) : null;
  const common = { ...base, id: stored.id, name: stored.name, version: stored.version, frozen: stored.frozen, nextVersion, definition: stored.definition };
  if (stored.definition.imported) {
    return {
      ...common,
      mode: "mapping" as const,
      survey: stored.survey,
      json: mappingEditorJson(stored.survey, t, locale, saveLabel(t, stored, nextVersion)),
      values: mappingValues(mappingOf(stored.definition, stored.survey), stored.definition, stored.name),
    };
  }
  return { ...common, mode: "native" as const, json: nativeEditorJson(t, rowsFor(stored.definition), saveLabel(t, stored, nextVersion)), values: nativeValues(stored.definition, stored.name) };
}

/** What the import's first step answers (a navigation, so the page reads it with useActionData). */
type ImportCheck =
  | { step: "check"; error: string; problems: string[]; removed: string[] }
  | { step: "map"; survey: SurveyJson; removed: string[]; skipped: SkippedQuestion[]; json: SurveyJson; values: Values };

function parsePayload(form: FormData): unknown {
  try {
    return JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    return null;
  }
}

async function persist(
  host: Awaited<ReturnType<typeof requireAction>>["host"],
  props: { id: number | null; name: string; definition: TemplateDefinition; survey?: SurveyJson; actorId: number },
): Promise<number> {
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const now = host.ctx.clock().toISOString();
  return db.transaction().execute(async (trx) => {
    const savedId = await saveTemplate(trx, { ...props, now });
    await host.ctx.audit(trx, {
      actorId: props.actorId,
      action: "satisfaction.template.save",
      target: `satisfaction_template:${savedId}`,
      detail: {
        name: props.name,
        from: props.id,
        newVersion: props.id !== null && savedId !== props.id,
        imported: props.definition.imported,
        items: props.definition.items.map((i) => ({ id: i.id, weight: i.weight, group: i.group })),
        scale: props.definition.scale.map((l) => l.points),
        threshold: props.definition.threshold,
        productWeight: props.definition.productWeight,
      },
    });
    return savedId;
  });
}

function doneParam(before: number | null, after: number): string {
  return before === null ? "created" : before === after ? "saved" : "version";
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, PERMISSION);
  const target = parseTarget(params.id);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const intent = form.get("intent");
  const stored = target.kind === "id" ? await getTemplate(db, target.id) : null;
  if (target.kind === "id" && !stored) throw new Response("Not Found", { status: 404 });

  // Import, step 1: read, sanitise and check the JSON; answer with the mapping form.
  if (intent === "import-check" && target.kind === "import") {
    let text = String(form.get("json") ?? "");
    const file = form.get("file");
    if (file && typeof file === "object" && file.size > 0) {
      if (file.size > MAX_IMPORT_CHARS * 4) return data<ImportCheck>({ step: "check", error: t("satisfaction.template.import.problem.too-large"), problems: [], removed: [] }, { status: 400 });
      text = await file.text();
    }
    const read = readImportText(text);
    if (!read.ok) return data<ImportCheck>({ step: "check", error: t(`satisfaction.template.import.problem.${read.problem}`), problems: [], removed: [] }, { status: 400 });
    const vet = vetImportedSurvey(read.json);
    if (vet.problems.length) return data<ImportCheck>({ step: "check", error: t("satisfaction.template.import.unusable"), problems: vet.problems.slice(0, 50), removed: vet.removed }, { status: 400 });
    const { questions, skipped } = mappableQuestions(vet.survey);
    if (!questions.length) return data<ImportCheck>({ step: "check", error: t("satisfaction.template.import.noQuestions"), problems: [], removed: vet.removed }, { status: 400 });
    const general = surveyGeneral(vet.survey, questions.length);
    return data<ImportCheck>({
      step: "map",
      survey: vet.survey,
      removed: vet.removed,
      skipped,
      json: mappingEditorJson(vet.survey, t, locale, t("satisfaction.template.import.save")),
      values: mappingValues(defaultMapping(questions), general, pick(general.title, locale)),
    });
  }

  // A generated template: new, or an edit (a frozen one is saved as the next version).
  if (intent === "save" && (target.kind === "new" || (stored && !stored.definition.imported))) {
    const rows = rowsFor(stored?.definition ?? DEFAULT_TEMPLATE);
    const checked = compiledSurvey(nativeEditorJson(t, rows, "")).validate(parsePayload(form), locale);
    if (!checked.ok) return data({ errors: checked.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
    const { name, definition, itemRows, levelRows } = readNative(checked.data, rows);
    const problems = validateTemplate(definition);
    if (problems.length) {
      const at: FieldLocator = {
        item: (i, part) => `item_${itemRows[i] ?? 1}_${part}`,
        level: (i, part) => `level_${levelRows[i] ?? levelRows.length + 1}_${part}`,
      };
      return data({ errors: templateErrors(definition, problems, at, t) }, { status: 400 });
    }
    const id = await persist(host, { id: stored?.id ?? null, name, definition, actorId: viewer.id });
    throw redirect(`/satisfaction/templates/${id}?done=${doneParam(stored?.id ?? null, id)}`);
  }

  // An imported template: step 2 of an import, or an edit of its mapping.
  if (intent === "import-save" && (target.kind === "import" || (stored && stored.definition.imported))) {
    const payload = parsePayload(form) as { answers?: unknown; survey?: unknown } | null;
    let survey: SurveyJson;
    if (target.kind === "import") {
      // The survey comes back from the browser: never trusted, vetted again.
      const raw = payload?.survey;
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) return data({ errors: [{ name: "", message: t("satisfaction.template.import.problem.not-object") }] }, { status: 400 });
      if (JSON.stringify(raw).length > MAX_IMPORT_CHARS) return data({ errors: [{ name: "", message: t("satisfaction.template.import.problem.too-large") }] }, { status: 400 });
      const vet = vetImportedSurvey(raw as Record<string, unknown>);
      if (vet.problems.length) return data({ errors: [{ name: "", message: `${t("satisfaction.template.import.unusable")} ${vet.problems.slice(0, 5).join("; ")}` }] }, { status: 400 });
      survey = vet.survey;
    } else {
      survey = stored!.survey;
    }
    const checked = compiledSurvey(mappingEditorJson(survey, t, locale, "")).validate(payload?.answers, locale);
    if (!checked.ok) return data({ errors: checked.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
    const { name, general, mapping } = readMapping(checked.data, survey);
    const built = buildImportedTemplate(survey, mapping, general);
    const problems = validateTemplate(built.definition);
    if (built.problems.length || problems.length) {
      const used = mapping.items.flatMap((m, k) => (m.use ? [k] : []));
      const keys = mapping.values.map((v) => v.key);
      const at: FieldLocator = {
        item: (i, part) => (used.length ? `q_${used[i] ?? used[0]}_${part}` : "q_0_use"),
        level: (i, part) => `v_${keys.indexOf(built.levelKeys[i])}_${part === "points" ? "points" : part}`,
      };
      return data({ errors: [...importErrors(built.problems, (key) => keys.indexOf(key), t), ...templateErrors(built.definition, problems, at, t)] }, { status: 400 });
    }
    let id: number;
    try {
      id = await persist(host, { id: stored?.id ?? null, name, definition: built.definition, survey: built.survey, actorId: viewer.id });
    } catch (error) {
      if (error instanceof SurveySchemaError) return data({ errors: [{ name: "", message: `${t("satisfaction.template.import.unusable")} ${error.problems.slice(0, 5).join("; ")}` }] }, { status: 400 });
      throw error;
    }
    throw redirect(`/satisfaction/templates/${id}?done=${doneParam(stored?.id ?? null, id)}`);
  }
  throw new Response("Bad Request", { status: 400 });
}

// --- the page ----------------------------------------------------------------------------------

export default function TemplateEdit() {
  const d = useLoaderData<typeof loader>();
  // A new form after every navigation (a save redirects here), but not on revalidation.
  const location = useLocation();
  if (d.mode === "import") return <ImportPage />;
  return (
    <EditorPage
      key={`${d.id ?? "new"}:${location.key}`}
      mode={d.mode}
      id={d.id}
      name={d.name}
      version={d.version}
      frozen={d.frozen}
      nextVersion={d.nextVersion}
      json={d.json as SurveyJson}
      values={d.values}
      definition={d.definition}
      survey={d.survey}
    />
  );
}

interface EditorProps {
  readonly mode: "native" | "mapping";
  readonly id: number | null;
  readonly name: string;
  readonly version: number | null;
  readonly frozen: boolean;
  readonly nextVersion: number | null;
  readonly json: SurveyJson;
  readonly values: Values;
  readonly definition: TemplateDefinition | null;
  /** Imported: the survey the customers see. */
  readonly survey: SurveyJson | null;
  /** A new import: the survey is sent back with the mapping (the server vets it again). */
  readonly sendSurvey?: boolean;
  readonly removed?: readonly string[];
  readonly skipped?: readonly SkippedQuestion[];
}

const noSubmit = async () => undefined;

function EditorPage(p: EditorProps) {
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  // Identities fixed for the page's life: a revalidation must not rebuild the form (and lose what was typed).
  const [json] = useState(p.json);
  const [values] = useState(p.values);
  const rows = p.definition && p.mode === "native" ? rowsFor(p.definition) : { items: ITEM_ROWS, levels: LEVEL_ROWS };
  const [preview, setPreview] = useState<SurveyJson>(() => (p.mode === "mapping" && p.survey ? p.survey : buildSurveyJson(p.definition ?? DEFAULT_TEMPLATE)));
  const [previewLocale, setPreviewLocale] = useState<Locale>(locale);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const onValueChanged = useCallback(
    (answers: Values) => {
      if (p.mode !== "native") return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setPreview(buildSurveyJson(readNative(answers, rows).definition)), 400);
    },
    [p.mode, rows.items, rows.levels],
  );
  const save = useSurveySubmit(p.mode === "native" ? "save" : "import-save");
  const survey = p.survey;
  const onSubmit = useCallback((answers: Values) => (p.sendSurvey ? save({ answers, survey }) : p.mode === "mapping" ? save({ answers }) : save(answers)), [save, p.sendSurvey, p.mode, survey]);
  const done = params.get("done");
  const title = p.id === null ? (p.mode === "native" ? t("satisfaction.template.newTitle") : t("satisfaction.template.import.mapTitle")) : `${p.name} · v${p.version}`;
  return (
    <>
      <PageHeader
        title={title}
        subtitle={p.mode === "mapping" ? t("satisfaction.template.importedHint") : p.id === null ? t("satisfaction.template.newHint") : undefined}
        actions={
          <Link className="button" to="/satisfaction/templates">
            {t("common.back")}
          </Link>
        }
      />
      {done === "saved" ? <Notice tone="success">{t("satisfaction.template.saved")}</Notice> : null}
      {done === "created" ? <Notice tone="success">{t("satisfaction.template.created")}</Notice> : null}
      {done === "version" ? <Notice tone="success">{t("satisfaction.template.savedVersion", { version: p.version ?? "" })}</Notice> : null}
      {p.frozen ? (
        <Notice tone="warning">
          <span data-testid="frozen-notice">{t("satisfaction.template.frozenNotice", { version: p.version ?? "", next: p.nextVersion ?? "" })}</span>
        </Notice>
      ) : null}
      {p.removed && p.removed.length > 0 ? (
        <Notice tone="warning">
          {t("satisfaction.template.import.removed", { count: p.removed.length })}
          <ul className="small">
            {p.removed.slice(0, 20).map((r) => (
              <li key={r}>
                <code>{r}</code>
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {p.skipped && p.skipped.length > 0 ? (
        <Notice tone="info">
          {t("satisfaction.template.import.skipped")}{" "}
          {p.skipped.map((s) => `${s.name} (${t(`satisfaction.template.import.skip.${s.reason}`)})`).join(", ")}
        </Notice>
      ) : null}
      <div className="two-col">
        <section className="card" aria-label={t("satisfaction.template.editor")}>
          <h2>{t("satisfaction.template.editor")}</h2>
          <SurveyForm json={json} data={values} locale={locale} onSubmit={onSubmit} onValueChanged={onValueChanged} />
        </section>
        <section className="card" aria-label={t("satisfaction.template.preview")} data-testid="template-preview">
          <div className="widget-head">
            <h2>{t("satisfaction.template.preview")}</h2>
            <div className="tabs" role="tablist">
              {(["zh-CN", "en"] as const).map((l) => (
                <button key={l} type="button" role="tab" aria-selected={previewLocale === l} onClick={() => setPreviewLocale(l)}>
                  {l === "en" ? "English" : "中文"}
                </button>
              ))}
            </div>
          </div>
          <p className="muted small">{p.mode === "native" ? t("satisfaction.template.previewHint") : t("satisfaction.template.previewImportedHint")}</p>
          <SurveyForm json={preview} locale={previewLocale} readOnly onSubmit={noSubmit} />
        </section>
      </div>
    </>
  );
}

function ImportPage() {
  const { t } = useI18n();
  const result = useActionData<ImportCheck>();
  const navigation = useNavigation();
  if (result?.step === "map") {
    return (
      <EditorPage
        key="import-map"
        mode="mapping"
        id={null}
        name=""
        version={null}
        frozen={false}
        nextVersion={null}
        json={result.json}
        values={result.values}
        definition={null}
        survey={result.survey}
        sendSurvey
        removed={result.removed}
        skipped={result.skipped}
      />
    );
  }
  return (
    <>
      <PageHeader
        title={t("satisfaction.template.import.title")}
        subtitle={t("satisfaction.template.import.hint")}
        actions={
          <Link className="button" to="/satisfaction/templates">
            {t("common.back")}
          </Link>
        }
      />
      {result?.step === "check" ? (
        <Notice tone="error">
          {result.error}
          {result.problems.length > 0 ? (
            <ul className="small" data-testid="import-problems">
              {result.problems.map((problem) => (
                <li key={problem}>
                  <code>{problem}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </Notice>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="card stack" data-testid="import-form">
        <CsrfField />
        <input type="hidden" name="intent" value="import-check" />
        <label>
          {t("satisfaction.template.import.paste")}
          <textarea name="json" rows={14} spellCheck={false} placeholder='{ "pages": [ { "elements": [ { "type": "rating", "name": "quality", … } ] } ] }' />
        </label>
        <label>
          {t("satisfaction.template.import.file")}
          <input type="file" name="file" accept=".json,application/json" />
        </label>
        <p className="muted small">{t("satisfaction.template.import.safety")}</p>
        <div>
          <button type="submit" className="primary" disabled={navigation.state !== "idle"}>
            {t("satisfaction.template.import.check")}
          </button>
        </div>
      </Form>
    </>
  );
}
