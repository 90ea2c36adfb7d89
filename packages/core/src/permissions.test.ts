import { describe, expect, it } from "vitest";
import { type AftercarePlugin, definePlugin } from "@aftercare/plugin-api";
import { allPermissions, permissionsForRole } from "./permissions";

const visits: AftercarePlugin = definePlugin({
  id: "visits",
  packageName: "@acme/visits",
  titleKey: "visits.title",
  locales: { en: {}, "zh-CN": {} },
  permissions: [
    { name: "visits.calls.read", roles: ["admin", "manager", "staff"] },
    { name: "visits.reports.view", roles: ["admin", "manager"] },
  ],
});

describe("permissionsForRole", () => {
  it("gives an admin every core permission", () => {
    expect([...permissionsForRole("admin", [])].sort()).toEqual([
      "core.audit.view",
      "core.customers.manage",
      "core.customers.read",
      "core.dashboard.view",
      "core.equipment.manage",
      "core.mail.manage",
      "core.users.manage",
    ]);
  });

  it("gives a manager customer and equipment management but not user, audit or mail administration", () => {
    expect([...permissionsForRole("manager", [])].sort()).toEqual(["core.customers.manage", "core.customers.read", "core.dashboard.view", "core.equipment.manage"]);
  });

  it("gives staff the dashboard and reading customers only (no core.users.manage)", () => {
    const staff = permissionsForRole("staff", []);
    expect([...staff].sort()).toEqual(["core.customers.read", "core.dashboard.view"]);
    expect(staff.has("core.users.manage")).toBe(false);
  });

  it("adds a plugin's permissions to the roles it names", () => {
    expect(permissionsForRole("staff", [visits]).has("visits.calls.read")).toBe(true);
    expect(permissionsForRole("staff", [visits]).has("visits.reports.view")).toBe(false);
    expect(permissionsForRole("manager", [visits]).has("visits.reports.view")).toBe(true);
    expect(permissionsForRole("admin", [visits]).size).toBe(7 + 2);
  });

  it("lists every permission of the core and the plugins", () => {
    expect(allPermissions([visits]).map((p) => p.name)).toHaveLength(9);
    expect(allPermissions([visits]).map((p) => p.name)).toContain("visits.reports.view");
  });
});
