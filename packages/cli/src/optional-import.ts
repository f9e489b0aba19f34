/**
 * Import an optional workspace package, turning "not installed" (or "fails
 * to load") into a typed `configuration` error that says what to install.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { isMissingPackage } from "@ratatoskr/gateway";

/** A module importer (tests replace it). */
export type Importer = (specifier: string) => Promise<unknown>;

/** The default importer: a dynamic `import()`. */
export const dynamicImport: Importer = (specifier) => import(specifier);

/**
 * `importer(specifier)`, or a `configuration` error naming the package to
 * install when it cannot be loaded.
 */
export async function importOptional(
  specifier: string,
  purpose: string,
  importer: Importer = dynamicImport,
): Promise<Record<string, unknown>> {
  try {
    return (await importer(specifier)) as Record<string, unknown>;
  } catch (cause) {
    const message = isMissingPackage(cause, specifier)
      ? `${purpose} needs ${specifier}, which is not installed: install ${specifier} (npm install ${specifier})`
      : `${purpose} needs ${specifier}, which failed to load (RATATOSKR_DEBUG=1 shows why): reinstall ${specifier}`;
    throw new RatatoskrError({ code: "configuration", message, cause });
  }
}

/** `module[name]` as a function, or a `configuration` error. */
export function exportedFunction<F>(
  module: Record<string, unknown>,
  specifier: string,
  name: string,
): F {
  const value = module[name];
  if (typeof value !== "function")
    throw new RatatoskrError({
      code: "configuration",
      message: `${specifier} does not export ${name}(): install a version of ${specifier} that does`,
    });
  return value as F;
}
