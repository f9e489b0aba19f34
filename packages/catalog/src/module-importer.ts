/**
 * How provider packages are imported: lazily, only when a shorthand or the
 * loader needs one, so importing the gateway or the catalog loads no
 * provider SDK.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Imports a module by specifier (injectable for tests). */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>;

/** Whether `error` says that `packageName` is not installed. */
export function isMissingPackage(error: unknown, packageName: string): boolean {
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
 * The default importer: the package as the catalog resolves it (an optional
 * peer dependency), else as the application resolves it (from the working
 * directory), which covers workspaces and strict installs alike.
 */
export const defaultImporter: ModuleImporter = async (specifier) => {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!isMissingPackage(error, specifier)) throw error;
    let resolved: string;
    try {
      resolved = createRequire(join(process.cwd(), "noop.js")).resolve(specifier);
    } catch {
      throw error;
    }
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  }
};
