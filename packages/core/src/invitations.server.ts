import crypto from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Invitation, InvitationService, InvitationState, Locale } from "@aftercare/plugin-api";
import type { CoreTables } from "./tables";

const ORDER: readonly InvitationState[] = ["sent", "opened", "started", "completed"];
const ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hashSecret(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

/** Splits `<id>.<secret>`; null when the shape is wrong (so no query is made for garbage). */
export function parseToken(token: string): { id: string; secret: string } | null {
  if (typeof token !== "string" || token.length !== 60) return null;
  const dot = token.indexOf(".");
  if (dot !== 16) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  return ID_PATTERN.test(id) && SECRET_PATTERN.test(secret) ? { id, secret } : null;
}

/**
 * Personal links for people without accounts: token `<id>.<secret>` (96-bit random id, 256-bit
 * secret), only the secret's SHA-256 stored, expiring, states sent → opened → started → completed.
 * The secret is an HMAC of the id under the server's key, so a reminder can carry the same link
 * again without the link ever being stored; the database alone cannot produce a valid link.
 *
 * @example
 * const [{ token }] = await invitations.createMany(trx, [{ purpose: "satisfaction", subjectRef: "7", locale: "en", expiresAt }]);
 */
export function createInvitationService(db: Kysely<CoreTables>, clock: () => Date, key: string): InvitationService {
  const secretFor = (id: string) => crypto.createHmac("sha256", key).update(`invitation:${id}`).digest("base64url");
  return {
    tokenFor(id) {
      return `${id}.${secretFor(id)}`;
    },
    async createMany(trx, items) {
      const now = clock().toISOString();
      const out: { id: string; token: string }[] = [];
      const rows = items.map((item) => {
        const id = crypto.randomBytes(12).toString("base64url");
        const secret = secretFor(id);
        out.push({ id, token: `${id}.${secret}` });
        return {
          id,
          secret_hash: hashSecret(secret),
          purpose: item.purpose,
          subject_ref: item.subjectRef,
          recipient_email: item.recipientEmail ?? null,
          recipient_name: item.recipientName ?? null,
          customer_id: item.customerId ?? null,
          locale: item.locale,
          state: "sent" as const,
          expires_at: item.expiresAt,
          created_at: now,
        };
      });
      const target = trx as Kysely<CoreTables>;
      for (let i = 0; i < rows.length; i += 500) {
        await target.insertInto("invitations").values(rows.slice(i, i + 500)).execute();
      }
      return out;
    },

    async check(token, purpose, options) {
      const parts = parseToken(token);
      // Hash even for garbage so unknown and wrong tokens take comparable time.
      const presented = Buffer.from(hashSecret(parts?.secret ?? String(token).slice(0, 100)), "hex");
      const row = parts
        ? await db.selectFrom("invitations").selectAll().where("id", "=", parts.id).executeTakeFirst()
        : undefined;
      const stored = Buffer.from(row?.secret_hash ?? "0".repeat(64), "hex");
      const matches = crypto.timingSafeEqual(presented, stored) && row !== undefined && row.purpose === purpose;
      if (!row || !matches) return { ok: false, reason: "unknown" };
      if (!options?.acceptUsed) {
        if (row.state === "completed") return { ok: false, reason: "completed" };
        if (row.expires_at <= clock().toISOString()) return { ok: false, reason: "expired" };
      }
      const invitation: Invitation = {
        id: row.id,
        purpose: row.purpose,
        subjectRef: row.subject_ref,
        recipientEmail: row.recipient_email,
        recipientName: row.recipient_name,
        customerId: row.customer_id,
        locale: row.locale as Locale,
        state: row.state,
        expiresAt: row.expires_at,
      };
      return { ok: true, invitation };
    },

    async advance(trx: Kysely<any> | Transaction<any>, id, state) {
      const now = clock().toISOString();
      const earlier = ORDER.slice(0, ORDER.indexOf(state));
      const column = `${state}_at` as "opened_at" | "started_at" | "completed_at";
      await (trx as Kysely<CoreTables>)
        .updateTable("invitations")
        .set({ state, [column]: now })
        .where("id", "=", id)
        .where("state", "in", earlier)
        .execute();
    },
  };
}
