import { type Kysely, sql, type Transaction } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import type { FeedbackStatus, SatisfactionTables } from "../tables";
import {
  COMPLAINT_CATEGORIES,
  ESCALATION_SETTINGS_KEY,
  checkFigure,
  escalates,
  figureUnit,
  readEscalationSettings,
  type EscalationThresholds,
  type ReportedFigure,
} from "./escalation";
import { FEEDBACK_STATUSES, MAX_TEXT, planStep, type FeedbackFacts, type FeedbackPatch, type FeedbackStep, type StepContext, type StepProblem } from "./workflow";

type Db = Kysely<SatisfactionTables>;
type Trx = Db | Transaction<SatisfactionTables>;

/** Whose records a viewer may see: staff see the records they own, approvers (managers) all. */
export interface FeedbackScope {
  readonly viewerId: number;
  readonly all: boolean;
}

/** The scope of a viewer: all records with `satisfaction.feedback.approve`, else their own. */
export function feedbackScope(viewer: { id: number; permissions: ReadonlySet<string> }): FeedbackScope {
  return { viewerId: viewer.id, all: viewer.permissions.has("satisfaction.feedback.approve") };
}

/** Days a new complaint has by default, like the records a low survey response opens. */
export const DEFAULT_DUE_DAYS = 7;

/** The UTC calendar day of an ISO timestamp (the overdue rule of the dashboard and the mails). */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** `days` after the day of `iso`, as YYYY-MM-DD. */
export function addDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

// --- escalation settings ------------------------------------------------------------------------

/** The escalation thresholds in force (the defaults until an admin changes them). */
export async function loadEscalation(db: Trx): Promise<EscalationThresholds> {
  const row = await (db as Db).selectFrom("settings").select("value_json").where("key", "=", ESCALATION_SETTINGS_KEY).executeTakeFirst();
  return readEscalationSettings(row?.value_json);
}

/**
 * Stores new thresholds and writes the audit entry, in one transaction.
 *
 * @example
 * await saveEscalation(db, { ...DEFAULT_ESCALATION, deliveryDelayDays: 5 }, { actorId: viewer.id, now, audit: host.ctx.audit });
 */
export async function saveEscalation(
  db: Db,
  value: EscalationThresholds,
  props: { actorId: number; now: string; audit: PluginContext["audit"] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await loadEscalation(trx);
    const value_json = JSON.stringify(value);
    await trx
      .insertInto("settings")
      .values({ key: ESCALATION_SETTINGS_KEY, value_json, updated_at: props.now, updated_by: props.actorId })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value_json, updated_at: props.now, updated_by: props.actorId }))
      .execute();
    await props.audit(trx, { actorId: props.actorId, action: "satisfaction.escalation.update", target: `settings:${ESCALATION_SETTINGS_KEY}`, detail: { before, after: value } });
  });
}

// --- creating a complaint -----------------------------------------------------------------------

export interface NewComplaint {
  readonly customerId: number;
  readonly product: string | null;
  readonly category: string;
  readonly description: string;
  /** The category's figure (bags, %, days); null for categories without one. */
  readonly figure: number | null;
  /** Packaging damage: the wagon's load in tonnes (null: the threshold's wagon size). */
  readonly wagonTonnes: number | null;
  /** Null: the creator — or, for a creator who can assign, the customer's owner. */
  readonly ownerId: number | null;
  /** YYYY-MM-DD; null: `DEFAULT_DUE_DAYS` from today. */
  readonly dueDate: string | null;
}

export type ComplaintProblemCode =
  | "customer-unknown"
  | "category-unknown"
  | "description-required"
  | "too-long"
  | "figure-required"
  | "figure-invalid"
  | "wagon-invalid"
  | "owner-unknown"
  | "owner-not-allowed"
  | "due-invalid"
  | "due-past";

export interface ComplaintProblem {
  readonly field: string;
  readonly code: ComplaintProblemCode;
}

/** What a complaint's "created" history event holds. */
export interface CreatedDetail {
  readonly source: "complaint" | "survey";
  readonly category?: string;
  readonly figure?: number | null;
  readonly wagonTonnes?: number | null;
  readonly escalated?: boolean;
}

/**
 * Records a complaint received by phone or letter: the record (status open) and its "created"
 * history event in one transaction. Staff who cannot assign own what they create.
 *
 * @example
 * const r = await createComplaint(db, { customerId: 4, category: "delivery_delay", figure: 5, … }, { actorId: 2, canAssign: false, now });
 * if (r.ok) redirect(`/satisfaction/feedback/${r.id}`);
 */
export async function createComplaint(
  db: Db,
  input: NewComplaint,
  props: { actorId: number; canAssign: boolean; now: string },
): Promise<{ ok: true; id: number; escalated: boolean } | { ok: false; problems: ComplaintProblem[] }> {
  const problems: ComplaintProblem[] = [];
  const description = input.description.trim();
  const product = input.product?.trim() || null;
  const today = dayOf(props.now);
  if (!(COMPLAINT_CATEGORIES as readonly string[]).includes(input.category)) problems.push({ field: "category", code: "category-unknown" });
  if (!description) problems.push({ field: "description", code: "description-required" });
  else if (description.length > MAX_TEXT) problems.push({ field: "description", code: "too-long" });
  if (product && product.length > 200) problems.push({ field: "product", code: "too-long" });
  const unit = figureUnit(input.category);
  const figure: ReportedFigure | null = unit && input.figure !== null ? { value: input.figure, wagonTonnes: unit === "bags" ? input.wagonTonnes : null } : null;
  const figureProblem = checkFigure(input.category, figure);
  if (figureProblem) problems.push({ field: figureProblem === "wagon-invalid" ? "wagonTonnes" : "figure", code: figureProblem });
  if (!props.canAssign && input.ownerId !== null && input.ownerId !== props.actorId) problems.push({ field: "ownerId", code: "owner-not-allowed" });
  const dueDate = input.dueDate ?? addDays(props.now, DEFAULT_DUE_DAYS);
  if (!isRealDate(dueDate)) problems.push({ field: "dueDate", code: "due-invalid" });
  else if (dueDate < today) problems.push({ field: "dueDate", code: "due-past" });

  return db.transaction().execute(async (trx) => {
    const customer = await trx.selectFrom("customers").select(["id", "owner_id"]).where("id", "=", input.customerId).where("active", "=", 1).executeTakeFirst();
    if (!customer) problems.push({ field: "customerId", code: "customer-unknown" });
    // Unassigned: staff own what they record; a manager's record goes to the customer's owner.
    let ownerId = input.ownerId ?? props.actorId;
    if (input.ownerId === null && props.canAssign && customer?.owner_id) {
      const active = await trx.selectFrom("users").select("id").where("id", "=", customer.owner_id).where("active", "=", 1).executeTakeFirst();
      if (active) ownerId = active.id;
    }
    const owner = await trx.selectFrom("users").select("id").where("id", "=", ownerId).where("active", "=", 1).executeTakeFirst();
    if (!owner) problems.push({ field: "ownerId", code: "owner-unknown" });
    if (problems.length) return { ok: false as const, problems };
    const escalated = escalates(input.category, figure, await loadEscalation(trx));
    const row = await trx
      .insertInto("satisfaction_feedback")
      .values({
        customer_id: input.customerId,
        source: "complaint",
        campaign_id: null,
        response_id: null,
        category: input.category,
        product,
        description,
        status: "open",
        owner_id: ownerId,
        due_date: dueDate,
        created_by: props.actorId,
        created_at: props.now,
        updated_at: props.now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const detail: CreatedDetail = {
      source: "complaint",
      category: input.category,
      ...(figure ? { figure: figure.value, wagonTonnes: figure.wagonTonnes ?? null } : {}),
      escalated,
    };
    await trx.insertInto("satisfaction_feedback_event").values({ feedback_id: row.id, at: props.now, actor_id: props.actorId, action: "created", detail_json: JSON.stringify(detail) }).execute();
    return { ok: true as const, id: row.id, escalated };
  });
}

// --- reading ------------------------------------------------------------------------------------

/** A record as its page shows it. */
export interface FeedbackRecord extends FeedbackFacts {
  readonly id: number;
  readonly source: "survey" | "complaint";
  readonly customerId: number;
  readonly company: string;
  readonly campaignId: number | null;
  readonly responseId: number | null;
  readonly category: string;
  readonly product: string | null;
  readonly description: string;
  readonly ownerId: number | null;
  readonly ownerName: string | null;
  readonly dueDate: string | null;
  readonly approverName: string | null;
  readonly createdBy: number | null;
  readonly creatorName: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly closedAt: string | null;
  /** From the "created" event: the reported figure (complaints with a figure). */
  readonly figure: ReportedFigure | null;
}

function parseCreated(json: string | null | undefined): CreatedDetail | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as CreatedDetail) : null;
  } catch {
    return null;
  }
}

function figureOf(detail: CreatedDetail | null): ReportedFigure | null {
  if (!detail || typeof detail.figure !== "number") return null;
  return { value: detail.figure, wagonTonnes: typeof detail.wagonTonnes === "number" ? detail.wagonTonnes : null };
}

function baseQuery(db: Trx) {
  return (db as Db)
    .selectFrom("satisfaction_feedback as f")
    .innerJoin("customers as c", "c.id", "f.customer_id")
    .leftJoin("users as o", "o.id", "f.owner_id")
    .leftJoin("satisfaction_feedback_event as ce", (j) => j.onRef("ce.feedback_id", "=", "f.id").on("ce.action", "=", "created"));
}

type Row = SatisfactionTables["satisfaction_feedback"] & { id: number; company: string; owner_name: string | null; created_detail: string | null };

function toFacts(row: Row): FeedbackFacts {
  return {
    status: row.status,
    verificationMethod: row.verification_method,
    verifiedBy: row.verified_by,
    verificationNote: row.verification_note,
    qualityProblem: row.quality_problem === null ? null : row.quality_problem === 1,
    handlingReport: row.handling_report,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    customerAcceptedAt: row.customer_accepted_at,
    customerStatement: row.customer_statement,
    actionKind: row.action_kind,
    actionText: row.action_text,
  };
}

async function findRow(db: Trx, id: number, scope: FeedbackScope): Promise<Row | undefined> {
  let q = baseQuery(db).selectAll("f").select(["c.company", "o.name as owner_name", "ce.detail_json as created_detail"]).where("f.id", "=", id);
  if (!scope.all) q = q.where("f.owner_id", "=", scope.viewerId);
  return (await q.orderBy("ce.id").executeTakeFirst()) as Row | undefined;
}

/**
 * A record by id, or null when it does not exist OR the viewer may not see it (the page answers
 * 404 to both, so staff cannot probe for others' records).
 */
export async function getFeedback(db: Db, id: number, scope: FeedbackScope): Promise<FeedbackRecord | null> {
  const row = await findRow(db, id, scope);
  if (!row) return null;
  const people = [row.approved_by, row.created_by].filter((x): x is number => x !== null);
  const names = new Map<number, string>();
  if (people.length) for (const u of await db.selectFrom("users").select(["id", "name"]).where("id", "in", people).execute()) names.set(u.id, u.name);
  return {
    ...toFacts(row),
    id: row.id,
    source: row.source,
    customerId: row.customer_id,
    company: row.company,
    campaignId: row.campaign_id,
    responseId: row.response_id,
    category: row.category,
    product: row.product,
    description: row.description,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    dueDate: row.due_date,
    approverName: row.approved_by !== null ? names.get(row.approved_by) ?? null : null,
    createdBy: row.created_by,
    creatorName: row.created_by !== null ? names.get(row.created_by) ?? null : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    figure: figureOf(parseCreated(row.created_detail)),
  };
}

export interface FeedbackFilters {
  /** One status, "active" (every status but closed), or null for all. */
  readonly status: FeedbackStatus | "active" | null;
  /** Approvers only (staff always see their own). */
  readonly ownerId: number | null;
  readonly overdue: boolean;
  /** Part of the customer's company name. */
  readonly q: string;
  readonly page: number;
  readonly pageSize: number;
}

export interface FeedbackListRow {
  readonly id: number;
  readonly company: string;
  readonly source: "survey" | "complaint";
  readonly category: string;
  readonly status: FeedbackStatus;
  readonly ownerName: string | null;
  readonly dueDate: string | null;
  readonly createdAt: string;
  readonly overdue: boolean;
  readonly escalated: boolean;
}

/** Reads `?status=&owner=&overdue=1&q=&page=` into filters (unknown values are ignored). */
export function parseFeedbackFilters(params: URLSearchParams, pageSize: number): FeedbackFilters {
  const status = params.get("status");
  const owner = Number(params.get("owner"));
  return {
    status: status === "all" ? null : status && (FEEDBACK_STATUSES as readonly string[]).includes(status) ? (status as FeedbackStatus) : "active",
    ownerId: Number.isSafeInteger(owner) && owner > 0 ? owner : null,
    overdue: params.get("overdue") === "1",
    q: (params.get("q") ?? "").trim().slice(0, 100),
    page: Math.max(1, Math.min(100_000, Number.parseInt(params.get("page") ?? "1", 10) || 1)),
    pageSize,
  };
}

/**
 * One page of records, overdue first (earliest due date first), closed last. The scope is part
 * of the query: staff get only the records they own, whatever the filters say.
 */
export async function listFeedback(
  db: Db,
  filters: FeedbackFilters,
  scope: FeedbackScope,
  today: string,
): Promise<{ rows: FeedbackListRow[]; total: number }> {
  let q = baseQuery(db);
  if (!scope.all) q = q.where("f.owner_id", "=", scope.viewerId);
  else if (filters.ownerId !== null) q = q.where("f.owner_id", "=", filters.ownerId);
  if (filters.status === "active") q = q.where("f.status", "!=", "closed");
  else if (filters.status !== null) q = q.where("f.status", "=", filters.status);
  if (filters.overdue) q = q.where("f.status", "!=", "closed").where("f.due_date", "<", today);
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where(sql<boolean>`c.company like ${pattern} escape '\\'`);
  }
  const total = Number((await q.select(sql<number>`count(*)`.as("n")).executeTakeFirst())?.n ?? 0);
  const rows = await q
    .select(["f.id", "c.company", "f.source", "f.category", "f.status", "o.name as owner_name", "f.due_date", "f.created_at", "ce.detail_json"])
    .orderBy(sql`case when f.status = 'closed' then 1 else 0 end`)
    .orderBy(sql`case when f.due_date is null then 1 else 0 end`)
    .orderBy("f.due_date")
    .orderBy("f.id", "desc")
    .limit(filters.pageSize)
    .offset((filters.page - 1) * filters.pageSize)
    .execute();
  const thresholds = await loadEscalation(db);
  return {
    total,
    rows: rows.map((r) => {
      const detail = parseCreated(r.detail_json);
      return {
        id: r.id,
        company: r.company,
        source: r.source,
        category: r.category,
        status: r.status,
        ownerName: r.owner_name,
        dueDate: r.due_date,
        createdAt: r.created_at,
        overdue: r.status !== "closed" && r.due_date !== null && r.due_date < today,
        escalated: escalates(r.category, figureOf(detail), thresholds),
      };
    }),
  };
}

export interface FeedbackEvent {
  readonly id: number;
  readonly at: string;
  readonly actorName: string | null;
  readonly action: string;
  readonly detail: Record<string, unknown> | null;
}

/** A record's history, oldest first. */
export async function feedbackHistory(db: Db, id: number): Promise<FeedbackEvent[]> {
  const rows = await db
    .selectFrom("satisfaction_feedback_event as e")
    .leftJoin("users as u", "u.id", "e.actor_id")
    .select(["e.id", "e.at", "e.action", "e.detail_json", "u.name"])
    .where("e.feedback_id", "=", id)
    .orderBy("e.id")
    .execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actorName: r.name, action: r.action, detail: parseCreated(r.detail_json) as Record<string, unknown> | null }));
}

// --- changing a record --------------------------------------------------------------------------

const COLUMNS: Record<keyof FeedbackPatch, keyof SatisfactionTables["satisfaction_feedback"]> = {
  verificationMethod: "verification_method",
  verifiedBy: "verified_by",
  verificationNote: "verification_note",
  qualityProblem: "quality_problem",
  handlingReport: "handling_report",
  approvedBy: "approved_by",
  approvedAt: "approved_at",
  customerAcceptedAt: "customer_accepted_at",
  customerStatement: "customer_statement",
  actionKind: "action_kind",
  actionText: "action_text",
  closedAt: "closed_at",
};

function toColumns(patch: FeedbackPatch): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [key, value] of Object.entries(patch)) {
    const column = COLUMNS[key as keyof FeedbackPatch];
    out[column] = typeof value === "boolean" ? (value ? 1 : 0) : (value as string | number | null);
  }
  return out;
}

export type ChangeOutcome = { ok: true; status: FeedbackStatus } | { ok: false; problems: readonly StepProblem[] };

/**
 * Takes a workflow step: checks it (workflow.ts), updates the record and writes the history
 * event (who, when, what) in one transaction. Null when the record does not exist or is out of
 * the viewer's scope. A record changed by someone else meanwhile answers `wrong-status`.
 */
export async function takeStep(db: Db, id: number, step: FeedbackStep, scope: FeedbackScope, ctx: StepContext): Promise<ChangeOutcome | null> {
  return db.transaction().execute(async (trx) => {
    const row = await findRow(trx, id, scope);
    if (!row) return null;
    const plan = planStep(toFacts(row), step, ctx);
    if (!plan.ok) return { ok: false as const, problems: plan.problems };
    const result = await trx
      .updateTable("satisfaction_feedback")
      .set({ ...toColumns(plan.patch), status: plan.to, updated_at: ctx.now })
      .where("id", "=", id)
      .where("status", "=", row.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false as const, problems: [{ field: "", code: "wrong-status" as const }] };
    const detail: Record<string, unknown> = { ...(row.status !== plan.to ? { from: row.status, to: plan.to } : {}), changes: plan.patch };
    if (step.kind === "reopen") detail.reason = step.reason.trim();
    await trx.insertInto("satisfaction_feedback_event").values({ feedback_id: id, at: ctx.now, actor_id: ctx.actorId, action: plan.event, detail_json: JSON.stringify(detail) }).execute();
    return { ok: true as const, status: plan.to };
  });
}

/**
 * Gives a record another owner and/or due date (approvers only: the route checks the
 * permission). Writes a "reassigned" history event with before and after.
 */
export async function reassignFeedback(
  db: Db,
  id: number,
  change: { ownerId: number; dueDate: string },
  ctx: { actorId: number; now: string },
): Promise<{ ok: true } | { ok: false; problems: ComplaintProblem[] } | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("satisfaction_feedback").select(["id", "owner_id", "due_date", "status"]).where("id", "=", id).executeTakeFirst();
    if (!row) return null;
    const problems: ComplaintProblem[] = [];
    const owner = await trx.selectFrom("users").select("id").where("id", "=", change.ownerId).where("active", "=", 1).executeTakeFirst();
    if (!owner) problems.push({ field: "ownerId", code: "owner-unknown" });
    if (!isRealDate(change.dueDate)) problems.push({ field: "dueDate", code: "due-invalid" });
    if (problems.length) return { ok: false as const, problems };
    if (row.owner_id === change.ownerId && row.due_date === change.dueDate) return { ok: true as const };
    await trx.updateTable("satisfaction_feedback").set({ owner_id: change.ownerId, due_date: change.dueDate, updated_at: ctx.now, overdue_notified_at: null }).where("id", "=", id).execute();
    await trx
      .insertInto("satisfaction_feedback_event")
      .values({
        feedback_id: id,
        at: ctx.now,
        actor_id: ctx.actorId,
        action: "reassigned",
        detail_json: JSON.stringify({ changes: { ownerId: change.ownerId, dueDate: change.dueDate }, before: { ownerId: row.owner_id, dueDate: row.due_date } }),
      })
      .execute();
    return { ok: true as const };
  });
}

// --- what the forms offer -----------------------------------------------------------------------

/** Active staff who may own a record. */
export async function ownerChoices(db: Db): Promise<{ id: number; name: string }[]> {
  return db.selectFrom("users").select(["id", "name"]).where("active", "=", 1).orderBy("name").execute();
}

/** Active customers a complaint may be about. */
export async function customerChoices(db: Db): Promise<{ id: number; company: string }[]> {
  return db.selectFrom("customers").select(["id", "company"]).where("active", "=", 1).orderBy("company").execute();
}

// --- records opened by a low survey response ----------------------------------------------------

/** The `description` of a survey-sourced record: `{ score, lowItems, comments }` (see survey-session.server.ts). */
export interface SurveyFinding {
  readonly score: number | null;
  readonly lowItems: readonly string[];
  readonly comments: readonly { item: string | null; text: string }[];
}

/**
 * Reads a survey-sourced record's description; null when it is not that JSON.
 *
 * @example
 * parseSurveyFinding('{"score":58,"lowItems":["service"],"comments":[]}') // { score: 58, lowItems: ["service"], comments: [] }
 */
export function parseSurveyFinding(description: string): SurveyFinding | null {
  let raw: unknown;
  try {
    raw = JSON.parse(description);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  return {
    score: typeof r.score === "number" && Number.isFinite(r.score) ? r.score : null,
    lowItems: Array.isArray(r.lowItems) ? r.lowItems.filter((x): x is string => typeof x === "string") : [],
    comments: Array.isArray(r.comments)
      ? r.comments
          .filter((c): c is Record<string, unknown> => !!c && typeof c === "object" && typeof (c as Record<string, unknown>).text === "string")
          .map((c) => ({ item: typeof c.item === "string" ? c.item : null, text: String(c.text) }))
      : [],
  };
}

/** The response behind a survey-sourced record: its score and every item's points, lowest first. */
export async function responseScores(
  db: Db,
  responseId: number,
): Promise<{ score: number; satisfied: boolean; templateId: number; campaignId: number; campaignName: string; items: { item: string; points: number }[] } | null> {
  const response = await db
    .selectFrom("satisfaction_response as r")
    .innerJoin("satisfaction_campaign as c", "c.id", "r.campaign_id")
    .select(["r.score", "r.satisfied", "r.template_id", "r.campaign_id", "c.name"])
    .where("r.id", "=", responseId)
    .executeTakeFirst();
  if (!response) return null;
  const items = await db.selectFrom("satisfaction_item_score").select(["item", "points"]).where("response_id", "=", responseId).orderBy("points").orderBy("item").execute();
  return { score: response.score, satisfied: response.satisfied === 1, templateId: response.template_id, campaignId: response.campaign_id, campaignName: response.name, items };
}
