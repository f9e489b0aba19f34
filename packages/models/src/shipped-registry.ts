/**
 * The registry shipped inside this package (`src/registry.json`, bundled
 * into the build): read once, on first use.
 */
import { ModelRegistry } from "./model-registry.ts";
import shippedDocument from "./registry.json" with { type: "json" };

let shipped: ModelRegistry | undefined;

/**
 * The registry this package ships (see the README for its date and
 * sources). Read and indexed on the first call, then the same frozen
 * registry every time.
 */
export function shippedRegistry(): ModelRegistry {
  // The bundled document is this module's alone.
  shipped ??= ModelRegistry.fromPayload(shippedDocument as unknown, {
    origin: "shipped registry",
    adopt: true,
  });
  return shipped;
}
