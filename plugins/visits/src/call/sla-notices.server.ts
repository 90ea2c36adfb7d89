import type { Kysely } from "kysely";
import type { Locale, PluginContext } from "@aftercare/plugin-api";
import type { SlaClock, SlaClockName } from "@aftercare/scoring";
import { formatDateTime } from "@aftercare/i18n";
import { renderEmail, safeHeader } from "@aftercare/mail/layout";
import type { VisitsTables } from "../tables";
import { callClocks, holdsOf } from "./calls.server";
import { formatDuration } from "../duration";
import { en } from "../locales/en";
import { zhCN } from "../locales/zh-CN";

type Db = Kysely<VisitsTables>;
type Kind = "warning" | "breach";

const CLOCKS: readonly SlaClockName[] = ["respond", "onSite", "clear"];

/** What a clock calls for now: a breach notice, a warning, or nothing. */
export function noticeDue(clock: SlaClock): Kind | null {
  if (clock.state === "breached") return "breach";
  if (clock.state === "running" && clock.warning) return "warning";
  return null;
}

export interface SlaNoticeRun {
  readonly warnings: number;
  readonly breaches: number;
}

/**
 * The SLA watch (job `visits.sla-watch`): for every open call, reads its clocks and sends a
 * warning to the engineer (or, before dispatch, whoever took the call) and to that person's
 * supervisor once a running clock reaches the warning point, and a breach notice once it runs
 * out. Each (call, clock, kind) is recorded in `visits_sla_notice` in the same transaction as the
 * mails, and each mail has the unique outbox key `visits:sla:<call>:<clock>:<kind>:<user>`, so
 * a rerun, a restart or a second worker never sends one twice. A clock that is already breached
 * when first seen gets the breach notice only (a warning after the fact helps nobody).
 */
export async function sendSlaNotices(ctx: PluginContext): Promise<SlaNoticeRun> {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  const calls = await db
    .selectFrom("visits_call as k")
    .innerJoin("customers as c", "c.id", "k.customer_id")
    .select(["k.id", "k.received_at", "k.responded_at", "k.arrived_at", "k.work_started_at", "k.cleared_at", "k.policy_json", "k.engineer_id", "k.taken_by", "k.fault", "c.company"])
    .where("k.closed_at", "is", null)
    .orderBy("k.id")
    .execute();
  const holds = await holdsOf(db, calls.map((c) => c.id));
  const sent = await db.selectFrom("visits_sla_notice as n").innerJoin("visits_call as k", "k.id", "n.call_id").select(["n.call_id", "n.clock", "n.kind"]).where("k.closed_at", "is", null).execute();
  const done = new Set(sent.map((n) => `${n.call_id}:${n.clock}:${n.kind}`));
  let warnings = 0;
  let breaches = 0;
  for (const call of calls) {
    const clocks = callClocks(call, holds.get(call.id) ?? [], now);
    for (const name of CLOCKS) {
      const kind = noticeDue(clocks[name]);
      if (!kind || done.has(`${call.id}:${name}:${kind}`)) continue;
      const inserted = await db.transaction().execute(async (trx) => {
        const r = await (trx as Db)
          .insertInto("visits_sla_notice")
          .values({ call_id: call.id, clock: name, kind, sent_at: now })
          .onConflict((oc) => oc.columns(["call_id", "clock", "kind"]).doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        for (const person of await recipients(trx as Db, call.engineer_id ?? call.taken_by)) {
          const mail = slaMail(ctx, { callId: call.id, company: call.company, fault: call.fault, clock: clocks[name], kind, locale: person.locale === "en" ? "en" : "zh-CN", isSupervisor: person.isSupervisor });
          await ctx.mail.enqueue(trx, { key: `visits:sla:${call.id}:${name}:${kind}:${person.id}`, to: person.email, toName: person.name, ...mail });
        }
        return true;
      });
      if (inserted) kind === "warning" ? warnings++ : breaches++;
    }
  }
  return { warnings, breaches };
}

/** The responsible person and their supervisor (active ones with an email). */
async function recipients(db: Db, userId: number) {
  const person = await db.selectFrom("users").select(["id", "name", "email", "locale", "supervisor_id", "active"]).where("id", "=", userId).executeTakeFirst();
  if (!person) return [];
  const out: { id: number; name: string; email: string; locale: string | null; isSupervisor: boolean }[] = [];
  if (person.active === 1) out.push({ ...person, isSupervisor: false });
  if (person.supervisor_id !== null) {
    const boss = await db.selectFrom("users").select(["id", "name", "email", "locale"]).where("id", "=", person.supervisor_id).where("active", "=", 1).executeTakeFirst();
    if (boss && boss.id !== person.id) out.push({ ...boss, isSupervisor: true });
  }
  return out;
}

function slaMail(
  ctx: PluginContext,
  p: { callId: number; company: string; fault: string; clock: SlaClock; kind: Kind; locale: Locale; isSupervisor: boolean },
): { subject: string; html: string; text: string } {
  const m = p.locale === "en" ? en : zhCN;
  const fill = (key: string, vars: Record<string, string | number>) => m[key].replace(/\{\{(\w+)\}\}/g, (w, k: string) => (k in vars ? String(vars[k]) : w));
  const clockName = m[`visits.clock.${p.clock.clock}`];
  const vars = {
    id: p.callId,
    company: p.company,
    clock: clockName,
    left: formatDuration(p.clock.remainingMs ?? 0, p.locale),
    over: formatDuration(p.clock.overdueMs ?? 0, p.locale),
    allowance: formatDuration(p.clock.allowanceMs, p.locale, { days: false }),
    due: p.clock.dueAt ? formatDateTime(p.clock.dueAt, p.locale, { time: true }) : "–",
  };
  const subject = safeHeader(fill(p.kind === "warning" ? "visits.mail.warningSubject" : "visits.mail.breachSubject", vars));
  const { html, text } = renderEmail({
    locale: p.locale,
    heading: subject,
    paragraphs: [
      fill(p.kind === "warning" ? "visits.mail.warningBody" : "visits.mail.breachBody", vars),
      fill("visits.mail.fault", { fault: p.fault }),
      ...(p.isSupervisor ? [m["visits.mail.supervisorNote"]] : []),
    ],
    button: { label: m["visits.mail.openCall"], url: `${ctx.settings.publicBaseUrl}/visits/calls/${p.callId}` },
  });
  return { subject, html, text };
}
