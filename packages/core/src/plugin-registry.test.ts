import { describe, expect, it } from "vitest";
import { type AftercarePlugin, definePlugin } from "@aftercare/plugin-api";
import { PluginConfigError, validatePlugins } from "./plugin-registry";

const LOCALES = { en: { "x.title": "X" }, "zh-CN": { "x.title": "X" } };

function plugin(id: string, extra: Partial<AftercarePlugin> = {}): AftercarePlugin {
  return definePlugin({
    id,
    packageName: `@acme/${id}`,
    titleKey: `${id}.title`,
    locales: LOCALES,
    permissions: [{ name: `${id}.things.view`, roles: ["admin", "manager"] }],
    nav: [{ labelKey: `${id}.nav`, path: "", permission: `${id}.things.view` }],
    ...extra,
  });
}

/** The PluginConfigError the plugins raise, or a failure when they raise none. */
function problemOf(plugins: readonly AftercarePlugin[]): PluginConfigError {
  try {
    validatePlugins(plugins);
  } catch (error) {
    expect(error).toBeInstanceOf(PluginConfigError);
    return error as PluginConfigError;
  }
  throw new Error("expected a PluginConfigError");
}

describe("validatePlugins", () => {
  it("passes a valid set: own permissions, nav and widgets on own or core permissions, own base paths", () => {
    const satisfaction = plugin("satisfaction", {
      nav: [
        { labelKey: "satisfaction.nav", path: "", permission: "satisfaction.things.view" },
        { labelKey: "satisfaction.customers", path: "customers", permission: "core.customers.read" },
      ],
    });
    const visits = plugin("service-visits", { basePath: "/visits" });
    expect(() => validatePlugins([satisfaction, visits])).not.toThrow();
    expect(() => validatePlugins([])).not.toThrow();
  });

  it("refuses two plugins with the same id, naming both packages", () => {
    const error = problemOf([plugin("visits", { packageName: "@acme/visits" }), plugin("visits", { packageName: "@other/visits" })]);
    expect(error.message).toContain('plugin "visits" (@other/visits): id "visits" is already used by @acme/visits');
  });

  it("refuses two plugins on the same base path, naming both", () => {
    const error = problemOf([plugin("visits"), plugin("calls", { basePath: "/visits" })]);
    expect(error.message).toContain('plugin "calls" (@acme/calls): base path "/visits" is already used by plugin "visits"');
  });

  it("refuses a base path the host owns (/admin and below)", () => {
    const error = problemOf([plugin("reports", { basePath: "/admin" }), plugin("extras", { basePath: "/admin/extras" })]);
    expect(error.message).toContain('plugin "reports" (@acme/reports): base path "/admin" is reserved by the host');
    expect(error.message).toContain('plugin "extras" (@acme/extras): base path "/admin/extras" is reserved by the host');
  });

  it("refuses a plugin whose id would take the host's own path (/login)", () => {
    const error = problemOf([plugin("login")]);
    expect(error.message).toContain('plugin "login" (@acme/login): base path "/login" is reserved by the host');
  });

  it("refuses the ids of the core's own migration sets (core, mail), which would share their migration tables", () => {
    const error = problemOf([plugin("core"), plugin("mail")]);
    expect(error.message).toContain('plugin "core" (@acme/core): id "core" is reserved by the host');
    expect(error.message).toContain('plugin "mail" (@acme/mail): id "mail" is reserved by the host');
  });

  it("refuses a permission name defined twice, naming both owners", () => {
    const twice = plugin("visits", {
      permissions: [
        { name: "visits.things.view", roles: ["admin"] },
        { name: "visits.things.view", roles: ["staff"] },
      ],
    });
    expect(problemOf([twice]).message).toContain('plugin "visits" (@acme/visits): permission "visits.things.view" is already defined by plugin "visits"');

    const takesCore = plugin("visits", { permissions: [{ name: "core.users.manage", roles: ["staff"] }] });
    expect(problemOf([takesCore]).message).toContain('plugin "visits" (@acme/visits): permission "core.users.manage" is already defined by core');

    const takesOther = plugin("calls", { permissions: [{ name: "visits.things.view", roles: ["staff"] }] });
    expect(problemOf([plugin("visits"), takesOther]).message).toContain('plugin "calls" (@acme/calls): permission "visits.things.view" is already defined by plugin "visits"');
  });

  it("refuses a permission not prefixed with the plugin's id", () => {
    const error = problemOf([plugin("visits", { permissions: [{ name: "visit.things.view", roles: ["admin"] }], nav: [] })]);
    expect(error.message).toContain('plugin "visits" (@acme/visits): permission "visit.things.view" must start with "visits."');
  });

  it("refuses a nav entry that needs an unknown permission", () => {
    const error = problemOf([plugin("visits", { nav: [{ labelKey: "visits.nav", path: "", permission: "visits.things.edit" }] })]);
    expect(error.message).toContain('plugin "visits": nav entry "visits.nav" needs unknown permission "visits.things.edit"');
  });

  it("refuses an id that is not kebab-case", () => {
    for (const id of ["Visits", "service_visits", "-visits", "visits-", "service--visits", "9visits"]) {
      const error = problemOf([plugin(id, { basePath: "/ok", permissions: [], nav: [] })]);
      expect(error.message).toContain(`plugin "${id}" (@acme/${id}): id must be kebab-case`);
    }
  });

  it("refuses a plugin without both locales", () => {
    const error = problemOf([plugin("visits", { locales: { en: { a: "A" } } as unknown as AftercarePlugin["locales"] })]);
    expect(error.message).toContain('plugin "visits" (@acme/visits): locales.zh-CN is missing');
  });

  it("lists every problem at once", () => {
    const error = problemOf([plugin("visits", { basePath: "/admin" }), plugin("visits")]);
    expect(error.problems).toHaveLength(3);
    expect(error.problems).toEqual([
      expect.stringContaining('base path "/admin" is reserved'),
      expect.stringContaining('id "visits" is already used'),
      expect.stringContaining('permission "visits.things.view" is already defined'),
    ]);
  });
});
