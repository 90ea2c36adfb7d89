import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef, useState } from "react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import type { Locale } from "@aftercare/plugin-api";
import { CsrfField, Notice, PageHeader } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { getCycle, saveDefinition } from "../cycle/cycles.server";
import { type CycleDefinition, DEFAULT_DEFINITION } from "../definition/competencies";
import { errorPlace, LOCALES, MAX_ITEM_LENGTH, MAX_LABEL_LENGTH, MAX_TITLE_LENGTH, parseDefinitionInput } from "../definition/definition-input";
import { NOT_OBSERVED_LABEL } from "../definition/survey-json";
import "../review360.css";

type Db = Kysely<Review360Tables>;

function cycleId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** The competencies, behaviour statements and scale labels of a draft cycle, edited by a manager. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "review360.cycles.manage");
  const cycle = await getCycle(host.db as unknown as Db, cycleId(params.id));
  if (!cycle) throw new Response("Not Found", { status: 404 });
  if (cycle.status !== "draft") throw redirect(`/review360/cycles/${cycle.id}?problem=not-draft`);
  return { cycle: { id: cycle.id, name: cycle.name }, definition: cycle.definition, defaults: DEFAULT_DEFINITION, notObserved: NOT_OBSERVED_LABEL };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.cycles.manage");
  const id = cycleId(params.id);
  const t = translatorFor(host, resolveLocale(request, viewer));
  let input: unknown;
  try {
    input = JSON.parse(String(form.get("definition") ?? ""));
  } catch {
    input = null;
  }
  const parsed = parseDefinitionInput(input);
  if (!parsed.ok) {
    const message = (e: (typeof parsed.errors)[number]) => {
      const place = errorPlace(e.path, t);
      return place ? t("review360.definition.errorAt", { place, message: t(e.key, e.params) }) : t(e.key, e.params);
    };
    return data({ errors: parsed.errors.map((e) => ({ path: e.path, message: message(e) })) }, { status: 400 });
  }
  const change = await saveDefinition(host.ctx, id, parsed.definition, viewer.id);
  if (!change.ok && change.problem === "not-found") throw new Response("Not Found", { status: 404 });
  throw redirect(`/review360/cycles/${id}?${change.ok ? "done=definition" : "problem=not-draft"}`);
}

type Text = Record<Locale, string>;
interface EditItem {
  key: number;
  id?: string;
  text: Text;
}
interface EditCompetency {
  key: number;
  id?: string;
  title: Text;
  items: EditItem[];
}

const LANG_LABEL: Record<Locale, string> = { "zh-CN": "中文", en: "English" };

export default function CycleDefinitionPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useI18n();
  const seq = useRef(0);
  const key = () => ++seq.current;
  const toState = (def: CycleDefinition): { competencies: EditCompetency[]; scale: Text[] } => ({
    competencies: def.competencies.map((c) => ({ key: key(), id: c.id, title: { ...c.title }, items: c.items.map((i) => ({ key: key(), id: i.id, text: { ...i.text } })) })),
    scale: [1, 2, 3, 4, 5].map((v) => ({ en: "", "zh-CN": "", ...def.scale.find((a) => a.value === v)?.label })),
  });
  const [state, setState] = useState(() => toState(d.definition as CycleDefinition));
  const errors = result && "errors" in result ? result.errors : [];
  const invalid = new Set(errors.map((e) => e.path));

  const updateCompetency = (ci: number, change: (c: EditCompetency) => EditCompetency) =>
    setState((s) => ({ ...s, competencies: s.competencies.map((c, i) => (i === ci ? change(c) : c)) }));
  const move = (ci: number, by: -1 | 1) =>
    setState((s) => {
      const list = [...s.competencies];
      const [c] = list.splice(ci, 1);
      list.splice(ci + by, 0, c);
      return { ...s, competencies: list };
    });
  const payload = JSON.stringify({
    competencies: state.competencies.map((c) => ({ id: c.id, title: c.title, items: c.items.map((i) => ({ id: i.id, text: i.text })) })),
    scale: state.scale.map((label, i) => ({ value: i + 1, label })),
  });

  const bilingualInputs = (path: string, value: Text, max: number, onChange: (locale: Locale, text: string) => void, multiline = false) => (
    <div className="r360-bilingual">
      {LOCALES.map((locale) => {
        const props = {
          value: value[locale],
          maxLength: max,
          "aria-invalid": invalid.has(`${path}.${locale}`) || undefined,
          "data-path": `${path}.${locale}`,
          onChange: (e: { target: { value: string } }) => onChange(locale, e.target.value),
        };
        return (
          <label key={locale}>
            <span className="small muted">{LANG_LABEL[locale]}</span>
            {multiline ? <textarea rows={2} {...props} /> : <input type="text" {...props} />}
          </label>
        );
      })}
    </div>
  );

  return (
    <>
      <PageHeader
        title={t("review360.definition.title", { name: d.cycle.name })}
        actions={
          <Link className="button" to={`/review360/cycles/${d.cycle.id}`}>
            {t("common.back")}
          </Link>
        }
      />
      <Notice tone="info">{t("review360.definition.intro")}</Notice>
      {errors.length ? (
        <Notice tone="error">
          {t("review360.definition.errors")}
          <ul data-testid="definition-errors">
            {errors.map((e) => (
              <li key={`${e.path}-${e.message}`}>{e.message}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <Form method="post" data-testid="definition-editor" className="r360-definition">
        <CsrfField />
        <input type="hidden" name="definition" value={payload} />
        {state.competencies.map((c, ci) => (
          <fieldset key={c.key} className="card r360-competency" data-testid="competency">
            <legend>{t("review360.definition.competencyN", { n: ci + 1 })}</legend>
            <div className="toolbar">
              <button type="button" disabled={ci === 0} onClick={() => move(ci, -1)}>
                {t("review360.definition.moveUp")}
              </button>
              <button type="button" disabled={ci === state.competencies.length - 1} onClick={() => move(ci, 1)}>
                {t("review360.definition.moveDown")}
              </button>
              <button type="button" className="danger-outline" onClick={() => setState((s) => ({ ...s, competencies: s.competencies.filter((_, i) => i !== ci) }))}>
                {t("review360.definition.removeCompetency")}
              </button>
            </div>
            <h3>{t("review360.definition.name")}</h3>
            {bilingualInputs(`competencies.${ci}.title`, c.title, MAX_TITLE_LENGTH, (locale, text) => updateCompetency(ci, (x) => ({ ...x, title: { ...x.title, [locale]: text } })))}
            <h3>{t("review360.definition.items")}</h3>
            {invalid.has(`competencies.${ci}.items`) ? <p className="below-min small">{t("review360.definition.noItems")}</p> : null}
            <ol className="r360-items">
              {c.items.map((item, ii) => (
                <li key={item.key} data-testid="item">
                  {bilingualInputs(
                    `competencies.${ci}.items.${ii}.text`,
                    item.text,
                    MAX_ITEM_LENGTH,
                    (locale, text) => updateCompetency(ci, (x) => ({ ...x, items: x.items.map((it, j) => (j === ii ? { ...it, text: { ...it.text, [locale]: text } } : it)) })),
                    true,
                  )}
                  <button type="button" className="danger-outline" onClick={() => updateCompetency(ci, (x) => ({ ...x, items: x.items.filter((_, j) => j !== ii) }))}>
                    {t("review360.definition.removeItem")}
                  </button>
                </li>
              ))}
            </ol>
            <button type="button" onClick={() => updateCompetency(ci, (x) => ({ ...x, items: [...x.items, { key: key(), text: { en: "", "zh-CN": "" } }] }))} data-testid="add-item">
              {t("review360.definition.addItem")}
            </button>
          </fieldset>
        ))}
        {invalid.has("competencies") ? <p className="below-min">{t("review360.definition.noCompetency")}</p> : null}
        <p>
          <button
            type="button"
            data-testid="add-competency"
            onClick={() => setState((s) => ({ ...s, competencies: [...s.competencies, { key: key(), title: { en: "", "zh-CN": "" }, items: [{ key: key(), text: { en: "", "zh-CN": "" } }] }] }))}
          >
            {t("review360.definition.addCompetency")}
          </button>
        </p>
        <fieldset className="card" data-testid="scale">
          <legend>{t("review360.cycleForm.scale")}</legend>
          <p className="muted small">{t("review360.definition.scaleHint", { na: `${d.notObserved["zh-CN"]} / ${d.notObserved.en}` })}</p>
          {state.scale.map((label, i) => (
            <div key={i} className="r360-anchor">
              <strong>{i + 1}</strong>
              {bilingualInputs(`scale.${i}.label`, label, MAX_LABEL_LENGTH, (locale, text) => setState((s) => ({ ...s, scale: s.scale.map((l, j) => (j === i ? { ...l, [locale]: text } : l)) })))}
            </div>
          ))}
        </fieldset>
        <div className="toolbar">
          <button type="submit" className="primary" disabled={navigation.state !== "idle"} data-testid="save-definition">
            {t("review360.definition.save")}
          </button>
          <button type="button" onClick={() => setState(toState(d.defaults as CycleDefinition))}>
            {t("review360.definition.reset")}
          </button>
        </div>
      </Form>
    </>
  );
}
