/**
 * Loading a first-party provider's descriptor: import its package (lazily)
 * and read the descriptor export the catalog names. A package that is not
 * installed is a `configuration` error naming the package to install.
 */
import { type ProviderDescriptorV1, RatatoskrError } from "@ratatoskr/core";
import { defaultImporter, isMissingPackage, type ModuleImporter } from "./module-importer.ts";
import { type CatalogEntry, findCatalogEntry, PROVIDER_CATALOG } from "./provider-catalog.ts";

/** Options of {@link loadDescriptor}. */
export interface LoadDescriptorOptions {
  /** How packages are imported (tests inject one). Default {@link defaultImporter}. */
  importModule?: ModuleImporter;
  /** Who asked, for the message of a missing package (default: the shorthand, `openrouter()`). */
  requestedBy?: string;
}

/**
 * The descriptor of the first-party provider `id` (or alias). Throws
 * `configuration` when the id is not in the catalog, when its package is
 * not installed (the message says what to install), fails to load, or does
 * not export a v1 descriptor for that id.
 */
export async function loadDescriptor(
  id: string,
  options: LoadDescriptorOptions = {},
): Promise<ProviderDescriptorV1<Record<string, unknown>>> {
  const entry = findCatalogEntry(id);
  if (entry === undefined) {
    throw new RatatoskrError({
      code: "configuration",
      message: `"${id}" is not a first-party provider; the catalog has ${PROVIDER_CATALOG.map((known) => known.id).join(", ")}`,
    });
  }
  return loadEntryDescriptor(entry, options);
}

/** {@link loadDescriptor} for a catalog entry. */
export async function loadEntryDescriptor(
  entry: CatalogEntry,
  options: LoadDescriptorOptions = {},
): Promise<ProviderDescriptorV1<Record<string, unknown>>> {
  const { packageName } = entry;
  const requestedBy = options.requestedBy ?? `The ${entry.shorthand}() shorthand`;
  let module: Record<string, unknown>;
  try {
    module = await (options.importModule ?? defaultImporter)(packageName);
  } catch (error) {
    if (isMissingPackage(error, packageName)) {
      throw new RatatoskrError({
        code: "configuration",
        message: `${requestedBy} needs the package ${packageName}, which is not installed: run \`pnpm add ${packageName}\` (or npm install ${packageName})`,
        cause: error,
        details: { package: packageName },
      });
    }
    throw new RatatoskrError({
      code: "configuration",
      message: `Loading ${packageName} for ${entry.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
      details: { package: packageName },
    });
  }
  const descriptor = module[entry.descriptorExport] as
    | ProviderDescriptorV1<Record<string, unknown>>
    | undefined;
  if (
    typeof descriptor !== "object" ||
    descriptor === null ||
    descriptor.specificationVersion !== "v1" ||
    descriptor.id !== entry.id ||
    typeof descriptor.create !== "function"
  ) {
    throw new RatatoskrError({
      code: "configuration",
      message: `${packageName} does not export ${entry.descriptorExport}, a v1 descriptor of "${entry.id}"; is its version compatible with @ratatoskr/catalog?`,
      details: { package: packageName },
    });
  }
  return descriptor;
}
