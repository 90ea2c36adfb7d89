import type { PluginContext } from "@aftercare/plugin-api";
import type { Db } from "../cycle/cycles.server";
import { releasedMail } from "../raters/rater-mail";

/**
 * Releases a reviewee's report to them (closed cycles only) and tells them by email. Returns
 * false when the cycle is not closed or the report was already released.
 */
export async function releaseReport(ctx: PluginContext, revieweeId: number, actorId: number): Promise<boolean> {
  const db = ctx.db as Db;
  const now = ctx.clock().toISOString();
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom("review360_reviewee as r")
      .innerJoin("review360_cycle as c", "c.id", "r.cycle_id")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select(["r.id", "r.released_at", "r.cycle_id", "c.status", "c.name as cycle_name", "u.email", "u.name", "u.locale"])
      .where("r.id", "=", revieweeId)
      .executeTakeFirst();
    if (!r || r.status !== "closed" || r.released_at !== null) return false;
    await trx.updateTable("review360_reviewee").set({ released_at: now, released_by: actorId }).where("id", "=", revieweeId).execute();
    const mail = releasedMail({ locale: r.locale === "en" ? "en" : "zh-CN", cycleName: r.cycle_name, url: `${ctx.settings.publicBaseUrl}/review360/reports/${revieweeId}` });
    await ctx.mail.enqueue(trx, { key: `review360:${r.cycle_id}:released:${revieweeId}`, to: r.email, toName: r.name, ...mail });
    await ctx.audit(trx, { actorId, action: "review360.report.release", target: `review360_reviewee:${revieweeId}` });
    return true;
  });
}
