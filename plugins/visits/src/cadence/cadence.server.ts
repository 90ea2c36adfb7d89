import type { Kysely } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import { visitCadence, type VisitStatus as CadenceStatus } from "@aftercare/scoring";
import { renderEmail, safeHeader } from "@aftercare/mail/layout";
import type { VisitsTables } from "../tables";
import type { Scope } from "../scope.server";
import { cadencePolicyOf, type VisitsPolicy } from "../policy";
import { readPolicy } from "../policy.server";
import { CADENCE_VISIT_TYPES } from "../visit/visit-types";
import { companyDate, companyMonth } from "../time";
import { en } from "../locales/en";
import { zhCN } from "../locales/zh-CN";

type Db = Kysely<VisitsTables>;

export interface CadenceRow {
  readonly customerId: number;
  readonly company: string;
  readonly region: string | null;
  readonly ownerId: number | null;
  readonly ownerName: string | null;
  readonly status: CadenceStatus;
  readonly visitsInPeriod: number;
  readonly nextDueOn: string;
  readonly lastVisit: string | null;
}

/**
 * Every active customer's standing against the cadence rule ("visited at least twice a year",
 * DOMAIN.md §5, count and period configurable) on the company-calendar day `today`, using
 * `visitCadence` from `@aftercare/scoring`. Visits that count: done visits of the on-site types
 * (phone return visits do not). A customer is a customer since its earliest equipment
 * installation (or, with no installation date on file, since it was added): it gets one full
 * period from then before it can be overdue. Sorted overdue first, then by the date the next
 * visit is due.
 */
export async function cadenceRows(db: Kysely<any>, scope: Scope | null, policy: VisitsPolicy, today: string, ownerId?: number | null): Promise<CadenceRow[]> {
  const d = db as Db;
  let q = d
    .selectFrom("customers as c")
    .leftJoin("users as u", "u.id", "c.owner_id")
    .select(["c.id", "c.company", "c.region", "c.owner_id", "u.name as owner_name", "c.created_at"])
    .where("c.active", "=", 1);
  if (scope?.kind === "users") q = q.where("c.owner_id", "in", scope.userIds);
  if (ownerId) q = q.where("c.owner_id", "=", ownerId);
  const customers = await q.orderBy("c.id").execute();
  if (customers.length === 0) return [];
  const visits = new Map<number, string[]>();
  const ids = customers.map((c) => c.id);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await d
      .selectFrom("visits_visit")
      .select(["customer_id", "visit_date"])
      .where("customer_id", "in", ids.slice(i, i + 500))
      .where("status", "=", "done")
      .where("type", "in", CADENCE_VISIT_TYPES)
      .where("visit_date", "is not", null)
      .execute();
    for (const r of rows) {
      let list = visits.get(r.customer_id);
      if (!list) visits.set(r.customer_id, (list = []));
      list.push(r.visit_date!);
    }
  }
  const installed = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await d
      .selectFrom("equipment")
      .select(["customer_id", (eb) => eb.fn.min<string>("install_date").as("first")])
      .where("customer_id", "in", ids.slice(i, i + 500))
      .where("install_date", "is not", null)
      .groupBy("customer_id")
      .execute();
    for (const r of rows) if (r.first && /^\d{4}-\d{2}-\d{2}$/.test(r.first)) installed.set(r.customer_id, r.first);
  }
  const cadence = cadencePolicyOf(policy);
  const order: Record<CadenceStatus, number> = { overdue: 0, due: 1, ok: 2 };
  return customers
    .map((c) => {
      const dates = visits.get(c.id) ?? [];
      const since = installed.get(c.id) ?? companyDate(c.created_at);
      const standing = visitCadence({ visits: dates, today, since: since <= today ? since : today, policy: cadence });
      const past = dates.filter((x) => x <= today).sort();
      return {
        customerId: c.id,
        company: c.company,
        region: c.region,
        ownerId: c.owner_id,
        ownerName: c.owner_name,
        status: standing.status,
        visitsInPeriod: standing.visitsInPeriod,
        nextDueOn: standing.nextDueOn,
        lastVisit: past.length ? past[past.length - 1] : null,
      };
    })
    .sort((a, b) => order[a.status] - order[b.status] || a.nextDueOn.localeCompare(b.nextDueOn) || a.company.localeCompare(b.company));
}

/**
 * The monthly digest (job `visits.cadence-digest`): each owner with overdue customers gets one
 * email per company month listing them. Recorded in `visits_cadence_digest` with the mail (outbox
 * key `visits:cadence-digest:<owner>:<YYYY-MM>`) in one transaction: reruns and restarts send
 * nothing more that month. Returns how many digests were queued.
 */
export async function sendCadenceDigests(ctx: PluginContext): Promise<number> {
  const db = ctx.db as Db;
  const nowIso = ctx.clock().toISOString();
  const today = companyDate(nowIso);
  const month = companyMonth(nowIso);
  const already = new Set((await db.selectFrom("visits_cadence_digest").select("owner_id").where("month", "=", month).execute()).map((r) => r.owner_id));
  const policy = await readPolicy(db);
  const overdue = (await cadenceRows(db, null, policy, today)).filter((r) => r.status === "overdue" && r.ownerId !== null && !already.has(r.ownerId));
  const byOwner = new Map<number, CadenceRow[]>();
  for (const r of overdue) {
    let list = byOwner.get(r.ownerId!);
    if (!list) byOwner.set(r.ownerId!, (list = []));
    list.push(r);
  }
  let queued = 0;
  for (const [ownerId, rows] of byOwner) {
    const owner = await db.selectFrom("users").select(["id", "name", "email", "locale"]).where("id", "=", ownerId).where("active", "=", 1).executeTakeFirst();
    if (!owner) continue;
    const done = await db.transaction().execute(async (trx) => {
      const r = await (trx as Db)
        .insertInto("visits_cadence_digest")
        .values({ owner_id: ownerId, month, customers: rows.length, sent_at: nowIso })
        .onConflict((oc) => oc.columns(["owner_id", "month"]).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      const locale = owner.locale === "en" ? "en" : "zh-CN";
      const m = locale === "en" ? en : zhCN;
      const fill = (key: string, vars: Record<string, string | number>) => m[key].replace(/\{\{(\w+)\}\}/g, (w, k: string) => (k in vars ? String(vars[k]) : w));
      const subject = safeHeader(fill("visits.mail.digestSubject", { month, count: rows.length }));
      const lines = rows.map((c) => fill("visits.mail.digestLine", { company: c.company, last: c.lastVisit ?? m["visits.cadence.never"], due: c.nextDueOn, visits: c.visitsInPeriod }));
      const { html, text } = renderEmail({
        locale,
        heading: subject,
        paragraphs: [fill("visits.mail.digestIntro", { count: rows.length, required: policy.visitsPerPeriod, months: policy.periodMonths }), lines.join("\n")],
        button: { label: m["visits.mail.digestOpen"], url: `${ctx.settings.publicBaseUrl}/visits/cadence` },
      });
      await ctx.mail.enqueue(trx, { key: `visits:cadence-digest:${ownerId}:${month}`, to: owner.email, toName: owner.name, subject, html, text });
      return true;
    });
    if (done) queued++;
  }
  return queued;
}
