/**
 * The registry record types live in `@ratatoskr/core` (the gateway's
 * `modelMetadata()` returns them); this package re-exports them so a
 * registry user needs one import.
 */
export type {
  ModelCapability,
  ModelInfo,
  ModelMetadata,
  ParameterAvailability,
  ParameterRange,
  PricingInfo,
} from "@ratatoskr/core";
export { MODEL_CAPABILITIES } from "@ratatoskr/core";
