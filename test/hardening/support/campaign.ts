// A satisfaction campaign created and sent over HTTP by a manager, as the app's own form posts it,
// and the personal-link tokens of its invitations.
import type { RunningApp } from "../../e2e/support/app";
import { withDb } from "../../e2e/support/db";
import type { HttpClient } from "../../e2e/support/http";
import { tokenFor } from "./fixture";

function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export interface SentCampaign {
  readonly id: number;
  /** Tokens of the invitations sent, with the recipient row each opens. */
  readonly links: readonly { token: string; recipientId: number; invitationId: string }[];
}

/** Creates a campaign for `tier` customers and sends it; throws with the answer when a step fails. */
export async function sendCampaign(app: RunningApp, manager: HttpClient, name: string, tier = "high"): Promise<SentCampaign> {
  const csrf = await manager.csrf("/satisfaction/campaigns/new");
  const payload = { name, period: "2026 Q4", templateId: 1, tiers: [tier], opensAt: day(0), closesAt: day(14), reminderAfterDays: 7, reminderMax: 0 };
  const created = await manager.post("/satisfaction/campaigns/new", { _csrf: csrf, intent: "save", payload: JSON.stringify(payload) });
  const location = created.headers.get("Location") ?? "";
  const match = /^\/satisfaction\/campaigns\/(\d+)$/.exec(location);
  if (created.status !== 302 || !match) throw new Error(`creating the campaign answered ${created.status} ${location}: ${(await created.text()).slice(0, 500)}`);
  const id = Number(match[1]);
  const sent = await manager.post(`/satisfaction/campaigns/${id}`, { _csrf: csrf, intent: "send" });
  if (sent.status !== 302 || !(sent.headers.get("Location") ?? "").includes("done=sent")) throw new Error(`sending answered ${sent.status} ${sent.headers.get("Location")}`);
  const rows = withDb(app.dbFile, (db) => db.prepare("select id, invitation_id from satisfaction_recipient where campaign_id = ? and invitation_id is not null order by id").all(id)) as { id: number; invitation_id: string }[];
  if (rows.length < 3) throw new Error(`campaign ${id} reached only ${rows.length} customers`);
  return { id, links: rows.map((r) => ({ token: tokenFor(r.invitation_id), recipientId: r.id, invitationId: r.invitation_id })) };
}

/** A complete, valid answer set for the seeded template (every item "Satisfied"). */
export function validAnswers(): Record<string, unknown> {
  return { quality: 80, price: 80, delivery: 80, packaging: 80, service: 80 };
}
