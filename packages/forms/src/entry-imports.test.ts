// What each public entry pulls in at runtime, read from the source: server code imports
// `@aftercare/forms/index` and must never load React or survey-core; the component entry must
// load survey-core only through the lazy import.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

/** Runtime (non-type) static import/export specifiers of one source file. */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?["']([^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) {
    if (match[2]) continue; // `import type` / `export type`
    if (match[1] === "export" && !match[3]) continue;
    specifiers.push(match[4]);
  }
  return specifiers;
}

function resolveLocal(specifier: string): string {
  for (const ext of [".ts", ".tsx"]) {
    try {
      readFileSync(join(SRC, specifier + ext));
      return join(SRC, specifier + ext);
    } catch {
      // try the next extension
    }
  }
  throw new Error(`cannot resolve ${specifier}`);
}

/** Every package a file loads statically, following local imports (and the local files visited). */
function packagesLoadedBy(entry: string): Set<string> & { files?: string[] } {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith("./")) visit(resolveLocal(specifier));
      else packages.add(specifier);
    }
  };
  visit(join(SRC, entry));
  return Object.assign(packages, { files: [...seen].map((file) => file.slice(SRC.length + 1)).sort() });
}

describe("entry points", () => {
  it("index.ts loads neither React nor survey-core", () => {
    const result = packagesLoadedBy("index.ts");
    expect(result.files).toEqual(["index.ts", "localize.ts", "scores.ts", "survey-schema.ts", "validate.ts", "validation-messages.ts"]);
    const loaded = [...result];
    expect(loaded.filter((name) => /^(react|react-dom|survey-core|survey-react-ui)(\/|$)/.test(name))).toEqual([]);
  });

  it("survey-form.ts loads React but not survey-core or survey-react-ui", () => {
    const loaded = [...packagesLoadedBy("survey-form.ts")];
    expect(loaded).toContain("react");
    expect(loaded.filter((name) => name.startsWith("survey-"))).toEqual([]);
  });

  it("the lazily loaded module brings survey-core, survey-react-ui, the Chinese strings and the fontless CSS", () => {
    expect(readFileSync(join(SRC, "SurveyForm.tsx"), "utf8")).toContain('import("./SurveyFormClient")');
    const loaded = packagesLoadedBy("SurveyFormClient.tsx");
    for (const name of ["survey-core", "survey-react-ui", "survey-core/i18n/simplified-chinese", "survey-core/survey-core.fontless.min.css"]) {
      expect(loaded).toContain(name);
    }
  });
});
