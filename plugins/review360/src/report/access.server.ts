import type { Viewer } from "@aftercare/plugin-api";
import type { Db } from "../cycle/cycles.server";

/**
 * Whether the viewer may read a reviewee's report: report readers (managers) always; the
 * reviewee once it is released; nobody else. Routes answer 404 on false, so a staff member
 * cannot even tell whether another person's report exists.
 */
export async function canReadReport(db: Db, revieweeId: number, viewer: Viewer): Promise<boolean> {
  const r = await db.selectFrom("review360_reviewee").select(["user_id", "released_at"]).where("id", "=", revieweeId).executeTakeFirst();
  if (!r) return false;
  if (viewer.permissions.has("review360.reports.view")) return true;
  return r.user_id === viewer.id && r.released_at !== null;
}
