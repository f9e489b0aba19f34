/**
 * `gateway.capabilities()`: the merge of every registered provider's
 * capabilities, with who serves what, in routing priority order.
 */
import { type Capabilities, Capabilities as CapabilitiesHelpers } from "@ratatoskr/core";
import type { ProviderRegistry } from "./provider-registry.ts";

/** The capabilities of the providers in `registry`, merged. */
export function gatewayCapabilities(registry: ProviderRegistry): Capabilities {
  return CapabilitiesHelpers.merge(
    ...registry.all().map((provider) =>
      CapabilitiesHelpers.fromCapabilities(provider.capabilities, provider.id, {
        toolUse: provider.toolUse,
        localInference: provider.localInference,
      }),
    ),
  );
}
