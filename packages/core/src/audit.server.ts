import type { Kysely, Transaction } from "kysely";
import type { CoreTables } from "./tables";

export interface AuditEntry {
  readonly actorId: number | null;
  /** Verb in dotted form: `user.create`, `settings.update`, `template.publish`. */
  readonly action: string;
  /** What changed: `user:12`, `customer:4`, `settings:mail`. */
  readonly target: string;
  readonly detail?: unknown;
}

/** Writes one audit row in the caller's transaction, so the change and its record land together. */
export async function writeAudit(trx: Kysely<any> | Transaction<any>, entry: AuditEntry, at: string): Promise<void> {
  await (trx as Kysely<CoreTables>)
    .insertInto("audit_log")
    .values({
      at,
      actor_id: entry.actorId,
      action: entry.action,
      target: entry.target,
      detail_json: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    })
    .execute();
}
