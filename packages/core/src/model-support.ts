/**
 * A provider's answer to "do you serve this model for this capability?", in
 * one shape.
 */
import type { ModelSupportV1 } from "./spec/provider-v1.ts";

/** Normalise a provider's `supports()` answer to `{supported, reason?}`. */
export function normalizeSupport(answer: ModelSupportV1): {
  /** Whether the provider serves the model. */
  supported: boolean;
  /** Why not, when the provider said. */
  reason?: string;
} {
  return typeof answer === "boolean" ? { supported: answer } : answer;
}
