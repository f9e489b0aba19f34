/**
 * Lazy loading of provider packages for the builder's shorthands. A package
 * is imported only when its shorthand is used, so importing the gateway
 * loads no provider SDK.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { RatatoskrError } from "@ratatoskr/core";

/** Imports a module by specifier (injectable for tests). */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>;

function isMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (
    (code === "ERR_MODULE_NOT_FOUND" ||
      code === "MODULE_NOT_FOUND" ||
      /Cannot find (package|module)|Failed to (resolve|load)/i.test(message)) &&
    message.includes(packageName)
  );
}

/**
 * The default importer: the package as the gateway resolves it (a peer
 * dependency), else as the application resolves it (from the working
 * directory), which covers workspaces and strict installs alike.
 */
export const defaultImporter: ModuleImporter = async (specifier) => {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!isMissing(error, specifier)) throw error;
    let resolved: string;
    try {
      resolved = createRequire(join(process.cwd(), "noop.js")).resolve(specifier);
    } catch {
      throw error;
    }
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  }
};

/**
 * Import `packageName` and return its export `factoryName`, or fail with a
 * `configuration` error naming the package to install.
 */
export async function loadFactory(
  importer: ModuleImporter,
  shorthand: string,
  packageName: string,
  factoryName: string,
): Promise<(settings: object) => unknown> {
  let module: Record<string, unknown>;
  try {
    module = await importer(packageName);
  } catch (error) {
    if (isMissing(error, packageName)) {
      throw new RatatoskrError({
        code: "configuration",
        message: `The ${shorthand}() shorthand needs the package ${packageName}, which is not installed: run \`pnpm add ${packageName}\` (or npm install ${packageName})`,
        cause: error,
        details: { package: packageName },
      });
    }
    throw new RatatoskrError({
      code: "configuration",
      message: `Loading ${packageName} for ${shorthand}() failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
      details: { package: packageName },
    });
  }
  const factory = module[factoryName];
  if (typeof factory !== "function") {
    throw new RatatoskrError({
      code: "configuration",
      message: `${packageName} does not export ${factoryName}(); is its version compatible with @ratatoskr/gateway?`,
      details: { package: packageName },
    });
  }
  return factory as (settings: object) => unknown;
}
