/**
 * @ratatoskr/catalog: the first-party Ratatoskr providers as data, loaded
 * lazily. The builder's shorthands (`Ratatoskr.builder().openrouter()`, …)
 * come from here, and so does `loadConfiguredProviders(env)`, the public
 * loader that creates every provider the environment configures. Importing
 * it loads no provider package.
 *
 * @packageDocumentation
 */
export type { CatalogShorthands } from "./builder-shorthands.ts";
export {
  type ConfiguredProviders,
  type LoadConfiguredProvidersOptions,
  type LoadedProvider,
  loadConfiguredProviders,
  type ProviderLoadReport,
  type ProviderLoadState,
} from "./load-configured-providers.ts";
export { type LoadDescriptorOptions, loadDescriptor } from "./load-descriptor.ts";
export { defaultImporter, isMissingPackage, type ModuleImporter } from "./module-importer.ts";
export { type CatalogEntry, findCatalogEntry, PROVIDER_CATALOG } from "./provider-catalog.ts";
export type * from "./shorthand-settings.ts";
