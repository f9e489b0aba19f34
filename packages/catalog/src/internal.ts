/**
 * `@ratatoskr/catalog/internal`: what the gateway's builder needs from the
 * catalog. Unstable: not part of the public API, may change in any release.
 *
 * @packageDocumentation
 */
export {
  BUILDER_SHORTHANDS,
  type BuilderShorthand,
  type SettingsDraft,
} from "./builder-shorthands.ts";
export { loadEntryDescriptor } from "./load-descriptor.ts";
