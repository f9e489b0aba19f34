/**
 * Builds the API reference into `docs/api/` with TypeDoc, one run over every
 * public entry point (see `entry-points.ts`). Exits non-zero on any TypeDoc
 * warning or error: an undocumented export, a broken `{@link}`, a type
 * referenced by the API but not exported, a compiler error.
 *
 * Run with `pnpm docs:api` at the repository root; `pnpm test` runs it too.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Application, LogLevel, OptionDefaults, type ProjectReflection } from "typedoc";
import {
  apiEntryPoints,
  OUTPUT_DIRECTORY,
  publishedPackageNames,
  REPOSITORY_ROOT,
} from "./entry-points.ts";

const entryPoints = apiEntryPoints();

const app = await Application.bootstrapWithPlugins({
  name: "Ratatoskr",
  readme: join(REPOSITORY_ROOT, "tooling", "api-docs", "README.md"),
  entryPoints: entryPoints.map((entry) => entry.sourceFile),
  entryPointStrategy: "resolve",
  tsconfig: join(REPOSITORY_ROOT, "tooling", "api-docs", "tsconfig.typedoc.json"),
  out: OUTPUT_DIRECTORY,
  cleanOutputDir: true,
  excludePrivate: true,
  excludeProtected: false,
  excludeInternal: true,
  sort: ["kind", "alphabetical"],
  // protobuf-es marks every generated declaration (`@ratatoskr/protocol`'s
  // wire types) with `@generated from message ratatoskr.v1.…`.
  blockTags: [...OptionDefaults.blockTags, "@generated"],
  treatWarningsAsErrors: true,
  // No links to source files: they would need a git remote, which a fresh
  // clone (CI's) may not have in a form TypeDoc understands — a warning,
  // hence a failed build.
  disableSources: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true },
  // `notDocumented` checks only the declarations of these packages (the
  // default is the root package, which declares nothing).
  packagesRequiringDocumentation: publishedPackageNames(),
  // The properties still without a comment when the reference was
  // introduced (mostly the protocol's generated wire types, core's call
  // options and the gateway's hook events), by full name. A baseline that
  // only shrinks: a new property without a comment is a warning, and so is
  // a name here that is documented or gone (remove it).
  intentionallyNotDocumented: undocumentedBaseline(),
  logLevel: LogLevel.Info,
});

const project = await app.convert();
if (!project) {
  process.exitCode = 1;
} else {
  nameModulesBySpecifier(project);
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    process.exitCode = 1;
  } else {
    await app.generateOutputs(project);
    if (app.logger.hasErrors() || app.logger.hasWarnings()) process.exitCode = 1;
  }
}
if (process.exitCode === 1) {
  console.error("API reference: TypeDoc reported problems (every warning fails the build).");
}

/**
 * TypeDoc names a module after its path (`testing/src/conformance`); readers
 * import it as `@ratatoskr/testing/conformance`, so that is its name here.
 */
function nameModulesBySpecifier(converted: ProjectReflection): void {
  // Sources are off (see `disableSources`), so modules are matched by the
  // name TypeDoc derives from the entry file: its path under packages/,
  // without the extension and a trailing `/index`.
  const derivedName = (file: string) =>
    relative(join(REPOSITORY_ROOT, "packages"), file)
      .replace(/\.tsx?$/, "")
      .replace(/\/index$/, "");
  const specifierOf = new Map(
    entryPoints.map((entry) => [derivedName(entry.sourceFile), entry.specifier]),
  );
  for (const module of converted.children ?? []) {
    const specifier = specifierOf.get(module.name);
    if (specifier) module.name = specifier;
    else app.logger.error(`API reference: no import specifier for the module ${module.name}`);
  }
}

/** The names in `undocumented-properties.json`. */
function undocumentedBaseline(): string[] {
  const file = new URL("../undocumented-properties.json", import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")) as string[];
}
