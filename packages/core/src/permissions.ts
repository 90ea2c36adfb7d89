import type { AftercarePlugin, PermissionDef, Role } from "@aftercare/plugin-api";

/** Permissions the core defines. Plugins add theirs, prefixed with their id. */
export const CORE_PERMISSIONS: readonly PermissionDef[] = [
  { name: "core.dashboard.view", roles: ["admin", "manager", "staff"] },
  { name: "core.customers.read", roles: ["admin", "manager", "staff"] },
  { name: "core.customers.manage", roles: ["admin", "manager"] },
  { name: "core.equipment.manage", roles: ["admin", "manager"] },
  { name: "core.users.manage", roles: ["admin"] },
  { name: "core.audit.view", roles: ["admin"] },
  { name: "core.mail.manage", roles: ["admin"] },
];

/** Every permission of the core and the installed plugins. */
export function allPermissions(plugins: readonly AftercarePlugin[]): PermissionDef[] {
  return [...CORE_PERMISSIONS, ...plugins.flatMap((p) => p.permissions ?? [])];
}

/** The set of permission strings a role holds. */
export function permissionsForRole(role: Role, plugins: readonly AftercarePlugin[]): Set<string> {
  return new Set(allPermissions(plugins).filter((p) => p.roles.includes(role)).map((p) => p.name));
}
