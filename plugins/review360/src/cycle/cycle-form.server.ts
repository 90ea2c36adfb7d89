import type { Db } from "./cycles.server";
import type { CycleFormOptions } from "./cycle-form";

/** Who the set-up form offers: active non-admin users to pick, and the supervisors to filter by. */
export async function cycleFormOptions(db: Db): Promise<CycleFormOptions> {
  const staff = await db.selectFrom("users").select(["id", "name"]).where("active", "=", 1).where("role", "!=", "admin").orderBy("name").execute();
  const supervisorIds = (await db.selectFrom("users").select("supervisor_id").distinct().where("supervisor_id", "is not", null).where("active", "=", 1).execute()).map((r) => r.supervisor_id!);
  const supervisors = supervisorIds.length ? await db.selectFrom("users").select(["id", "name"]).where("id", "in", supervisorIds).orderBy("name").execute() : [];
  return { staff, supervisors };
}
