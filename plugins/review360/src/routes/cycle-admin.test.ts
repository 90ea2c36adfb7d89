/**
 * The draft-cycle pages through their real loaders and actions (real sessions, real CSRF
 * tokens): editing the settings, editing the competencies and scale, deleting — and all of it
 * refused once the cycle is open, and to staff.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createSession } from "@aftercare/core/sessions.server";
import { sessionPolicy } from "@aftercare/core/guards.server";
import { LOCALE_COOKIE } from "@aftercare/core/locale.server";
import { CSRF_COOKIE, csrfTokenFor } from "@aftercare/core/csrf.server";
import { DEFAULT_MIN_RATERS, DEFAULT_RATER_WEIGHTS } from "@aftercare/scoring";
import { createCycle, getCycle, openCycle } from "../cycle/cycles.server";
import { DEFAULT_DEFINITION } from "../definition/competencies";
import { cycleSpec, review360Host, team, type Host360 } from "../test-support/fixtures";
import { action as cycleAction } from "./cycle";
import { action as editAction, loader as editLoader } from "./cycle-edit";
import { action as definitionAction, loader as definitionLoader } from "./cycle-definition";

const HOST_KEY = Symbol.for("aftercare.host");
const CSRF = "c".repeat(43);
let h: Host360;
let t: Awaited<ReturnType<typeof team>>;
const cookies = new Map<number, string>();

beforeAll(async () => {
  h = await review360Host();
  (globalThis as Record<symbol, unknown>)[HOST_KEY] = Promise.resolve(h);
  t = await team(h.rdb);
  for (const id of [t.manager, t.reviewee]) {
    const { cookie } = await createSession(h.db, id, sessionPolicy(h), new Date(h.now.iso));
    cookies.set(id, cookie.split(";")[0]);
  }
});

afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[HOST_KEY];
  await h.destroy();
});

function cookieOf(userId: number) {
  return [cookies.get(userId), `${LOCALE_COOKIE}=zh-CN`, `${CSRF_COOKIE}=${CSRF}`].join("; ");
}

function get(path: string, params: Record<string, string>, userId: number): LoaderFunctionArgs {
  return { request: new Request(`http://aftercare.test${path}`, { headers: { Cookie: cookieOf(userId) } }), params, context: {} } as LoaderFunctionArgs;
}

function post(path: string, params: Record<string, string>, userId: number, fields: Record<string, string>): ActionFunctionArgs {
  const body = new URLSearchParams({ _csrf: csrfTokenFor(CSRF, h.config.sessionSecret), ...fields });
  return {
    request: new Request(`http://aftercare.test${path}`, { method: "POST", body, headers: { Cookie: cookieOf(userId), "Content-Type": "application/x-www-form-urlencoded" } }),
    params,
    context: {},
  } as ActionFunctionArgs;
}

/** A loader's or action's answer: a thrown or returned Response (status, Location), or `data()` (status, data). */
async function outcome(run: () => Promise<unknown>): Promise<{ status: number; location?: string | null; data?: unknown }> {
  try {
    const result = (await run()) as { type?: string; init?: { status?: number } | null; data?: unknown } | Response;
    if (result instanceof Response) return { status: result.status, location: result.headers.get("Location") };
    // `data(value, init)` wraps; a plain object is the loader's data itself.
    if (result && result.type === "DataWithResponseInit") return { status: result.init?.status ?? 200, data: result.data };
    return { status: 200, data: result };
  } catch (error) {
    if (error instanceof Response) return { status: error.status, location: error.headers.get("Location") };
    throw error;
  }
}

async function newDraft(name = "草稿周期") {
  return createCycle(h.rdb, cycleSpec({ name, reviewees: { userIds: [t.reviewee], staffKinds: [], supervisorId: null } }), t.manager, h.now.iso);
}

/** The set-up form's answers as the browser posts them. */
function settingsPayload(overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    name: "改过的周期",
    period: "2027 H1",
    dueDate: "2027-01-20",
    reviewees: [t.reviewee, t.others[0]],
    weight_supervisor: DEFAULT_RATER_WEIGHTS.supervisor,
    weight_peers: DEFAULT_RATER_WEIGHTS.peers,
    weight_subordinates: DEFAULT_RATER_WEIGHTS.subordinates,
    weight_customers: DEFAULT_RATER_WEIGHTS.customers,
    min_supervisor: DEFAULT_MIN_RATERS.supervisor,
    min_peers: DEFAULT_MIN_RATERS.peers,
    min_subordinates: DEFAULT_MIN_RATERS.subordinates,
    min_customers: DEFAULT_MIN_RATERS.customers,
    peerMin: 3,
    peerMax: 5,
    reminderAfterDays: 5,
    reminderMax: 2,
    ...overrides,
  });
}

describe("editing a draft's settings", () => {
  it("saves through the set-up form and returns to the cycle page", async () => {
    const id = await newDraft();
    const page = await outcome(() => editLoader(get(`/review360/cycles/${id}/edit`, { id: String(id) }, t.manager)));
    expect(page.status).toBe(200);
    expect((page.data as { values: { name: string; reviewees: number[] } }).values).toMatchObject({ name: "草稿周期", reviewees: [t.reviewee] });
    const saved = await outcome(() => editAction(post(`/review360/cycles/${id}/edit`, { id: String(id) }, t.manager, { intent: "save", payload: settingsPayload() })));
    expect(saved).toEqual({ status: 302, location: `/review360/cycles/${id}?done=updated` });
    expect((await getCycle(h.rdb, id))!).toMatchObject({ name: "改过的周期", period: "2027 H1", dueDate: "2027-01-20", peerMax: 5 });
    const reviewees = await h.rdb.selectFrom("review360_reviewee").select("user_id").where("cycle_id", "=", id).orderBy("user_id").execute();
    expect(reviewees.map((r) => r.user_id)).toEqual([t.reviewee, t.others[0]]);
  });

  it("answers 400 with the form's errors, and changes nothing", async () => {
    const id = await newDraft();
    const bad = await outcome(() => editAction(post(`/review360/cycles/${id}/edit`, { id: String(id) }, t.manager, { intent: "save", payload: settingsPayload({ peerMin: 6, peerMax: 4 }) })));
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({ errors: [{ name: "peerMax", message: "最多人数不能小于最少人数。" }] });
    expect((await getCycle(h.rdb, id))!.name).toBe("草稿周期");
  });

  it("is refused once the cycle is open: the page and the save go back to the cycle with a notice", async () => {
    const id = await newDraft();
    await openCycle(h.ctx, id);
    expect(await outcome(() => editLoader(get(`/review360/cycles/${id}/edit`, { id: String(id) }, t.manager)))).toEqual({ status: 302, location: `/review360/cycles/${id}?problem=not-draft` });
    const saved = await outcome(() => editAction(post(`/review360/cycles/${id}/edit`, { id: String(id) }, t.manager, { intent: "save", payload: settingsPayload() })));
    expect(saved).toEqual({ status: 302, location: `/review360/cycles/${id}?problem=not-draft` });
    expect((await getCycle(h.rdb, id))!.name).toBe("草稿周期");
  });
});

describe("editing a draft's competencies and scale", () => {
  it("starts from the cycle's definition and saves a valid one", async () => {
    const id = await newDraft();
    const page = await outcome(() => definitionLoader(get(`/review360/cycles/${id}/definition`, { id: String(id) }, t.manager)));
    expect((page.data as { definition: unknown }).definition).toEqual(DEFAULT_DEFINITION);
    const definition = { competencies: [DEFAULT_DEFINITION.competencies[2]], scale: DEFAULT_DEFINITION.scale };
    const saved = await outcome(() => definitionAction(post(`/review360/cycles/${id}/definition`, { id: String(id) }, t.manager, { definition: JSON.stringify(definition) })));
    expect(saved).toEqual({ status: 302, location: `/review360/cycles/${id}?done=definition` });
    expect((await getCycle(h.rdb, id))!.definition.competencies.map((c) => c.id)).toEqual(["business"]);
  });

  it("answers 400 saying, in the manager's language, where each problem is", async () => {
    const id = await newDraft();
    const definition = {
      competencies: [DEFAULT_DEFINITION.competencies[0], { title: { "zh-CN": "团队合作", en: "" }, items: [] }],
      scale: DEFAULT_DEFINITION.scale,
    };
    const bad = await outcome(() => definitionAction(post(`/review360/cycles/${id}/definition`, { id: String(id) }, t.manager, { definition: JSON.stringify(definition) })));
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({
      errors: [
        { path: "competencies.1.title.en", message: "评估维度 2 · 英文：未填写" },
        { path: "competencies.1.items", message: "评估维度 2：请至少添加一条行为描述" },
      ],
    });
    const garbage = await outcome(() => definitionAction(post(`/review360/cycles/${id}/definition`, { id: String(id) }, t.manager, { definition: "{not json" })));
    expect(garbage.status).toBe(400);
    expect((await getCycle(h.rdb, id))!.definition).toEqual(DEFAULT_DEFINITION);
  });

  it("is closed to staff, and frozen once the cycle is open", async () => {
    const id = await newDraft();
    expect((await outcome(() => definitionLoader(get(`/review360/cycles/${id}/definition`, { id: String(id) }, t.reviewee)))).status).toBe(403);
    const definition = JSON.stringify({ competencies: [DEFAULT_DEFINITION.competencies[0]], scale: DEFAULT_DEFINITION.scale });
    expect((await outcome(() => definitionAction(post(`/review360/cycles/${id}/definition`, { id: String(id) }, t.reviewee, { definition })))).status).toBe(403);
    await openCycle(h.ctx, id);
    expect(await outcome(() => definitionLoader(get(`/review360/cycles/${id}/definition`, { id: String(id) }, t.manager)))).toEqual({ status: 302, location: `/review360/cycles/${id}?problem=not-draft` });
    expect(await outcome(() => definitionAction(post(`/review360/cycles/${id}/definition`, { id: String(id) }, t.manager, { definition })))).toEqual({
      status: 302,
      location: `/review360/cycles/${id}?problem=not-draft`,
    });
    expect((await getCycle(h.rdb, id))!.definition).toEqual(DEFAULT_DEFINITION);
  });
});

describe("deleting from the cycle page", () => {
  it("deletes a draft (audited) and goes back to the list", async () => {
    const id = await newDraft("要删除的草稿");
    const done = await outcome(() => cycleAction(post(`/review360/cycles/${id}`, { id: String(id) }, t.manager, { intent: "delete" })));
    expect(done).toEqual({ status: 302, location: "/review360/cycles?done=deleted" });
    expect(await getCycle(h.rdb, id)).toBeNull();
    const audit = await h.db.selectFrom("audit_log").select(["actor_id", "detail_json"]).where("action", "=", "review360.cycle.delete").where("target", "=", `review360_cycle:${id}`).execute();
    expect(audit.map((a) => [a.actor_id, JSON.parse(a.detail_json!).name])).toEqual([[t.manager, "要删除的草稿"]]);
  });

  it("refuses an open cycle, and staff", async () => {
    const id = await newDraft();
    expect((await outcome(() => cycleAction(post(`/review360/cycles/${id}`, { id: String(id) }, t.reviewee, { intent: "delete" })))).status).toBe(403);
    await openCycle(h.ctx, id);
    const refused = await outcome(() => cycleAction(post(`/review360/cycles/${id}`, { id: String(id) }, t.manager, { intent: "delete" })));
    expect(refused).toEqual({ status: 302, location: `/review360/cycles/${id}?problem=not-draft` });
    expect((await getCycle(h.rdb, id))!.status).toBe("open");
  });
});
