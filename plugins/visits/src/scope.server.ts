import type { Kysely } from "kysely";
import type { Viewer } from "@aftercare/plugin-api";
import type { VisitsTables } from "./tables";

/**
 * Whose visits, calls and customers a viewer sees:
 * - `all`: admins, and managers at the top of the organisation (no supervisor of their own);
 * - `users`: everyone else sees their own work and that of everyone reporting to them, directly
 *   or not — a supervisor (主管) sees their team, a staff member without reports sees their own.
 */
export type Scope = { readonly kind: "all" } | { readonly kind: "users"; readonly userIds: readonly number[] };

/** The viewer's scope, from `users.supervisor_id`. */
export async function viewerScope(db: Kysely<any>, viewer: Pick<Viewer, "id" | "role">): Promise<Scope> {
  if (viewer.role === "admin") return { kind: "all" };
  const users = await (db as Kysely<VisitsTables>).selectFrom("users").select(["id", "supervisor_id"]).execute();
  const me = users.find((u) => u.id === viewer.id);
  if (viewer.role === "manager" && me && me.supervisor_id === null) return { kind: "all" };
  const ids = new Set<number>([viewer.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const u of users) {
      if (u.supervisor_id !== null && ids.has(u.supervisor_id) && !ids.has(u.id)) {
        ids.add(u.id);
        grew = true;
      }
    }
  }
  return { kind: "users", userIds: [...ids].sort((a, b) => a - b) };
}

/** True when the scope covers a user. */
export function inScope(scope: Scope, userId: number | null | undefined): boolean {
  return scope.kind === "all" || (userId != null && scope.userIds.includes(userId));
}

/** True when the scope is more than the viewer alone (a team or everyone). */
export function seesOthers(scope: Scope): boolean {
  return scope.kind === "all" || scope.userIds.length > 1;
}

/** The active staff a scope covers, for person filters. */
export async function scopePeople(db: Kysely<any>, scope: Scope): Promise<{ id: number; name: string }[]> {
  let q = (db as Kysely<VisitsTables>).selectFrom("users").select(["id", "name"]).where("active", "=", 1);
  if (scope.kind === "users") q = q.where("id", "in", scope.userIds);
  return q.orderBy("name").execute();
}
