/**
 * `[routing]`: the original's preferred provider per capability
 * (`chat = "anthropic"`), plus the gateway's fallbacks
 * (`[routing.fallbacks]`), presets (`[routing.presets.<tier>]`) and
 * parameter validation policy.
 */
import { CAPABILITIES, type Capability } from "@ratatoskr/core";
import { PARAMETER_VALIDATION_POLICIES } from "@ratatoskr/gateway";
import type { ProviderConfig, RoutingCapability, RoutingConfig } from "./ratd-config.ts";
import type { TableReader } from "./table-reader.ts";

/** The original's `[routing]` keys. */
export const ROUTING_CAPABILITIES: readonly RoutingCapability[] = [
  "chat",
  "generate",
  "embed",
  "nli",
  "classify",
  "stance",
];

/** `[routing]`; preferred providers must be configured ones (by table name or catalog id). */
export function readRouting(
  routing: TableReader | undefined,
  providers: readonly ProviderConfig[],
): RoutingConfig {
  const preferred: Partial<Record<RoutingCapability, string>> = {};
  const fallbacks: Partial<Record<Capability, readonly string[]>> = {};
  if (routing === undefined) {
    return { preferred, fallbacks, presets: undefined, parameterValidation: undefined };
  }
  for (const capability of ROUTING_CAPABILITIES) {
    const name = routing.string(capability);
    if (name === undefined) continue;
    const provider = providers.find((p) => p.name === name || p.id === name);
    if (provider === undefined) {
      throw routing.error(
        capability,
        `names provider ${JSON.stringify(name.slice(0, 60))}, which has no [providers.${name.slice(0, 60)}] table; configured: ${providers.map((p) => p.name).join(", ") || "none"}`,
      );
    }
    preferred[capability] = provider.id;
  }
  const fallbackTable = routing.table("fallbacks");
  if (fallbackTable !== undefined) {
    for (const capability of CAPABILITIES) {
      const targets = fallbackTable.stringArray(capability);
      if (targets !== undefined) fallbacks[capability] = targets;
    }
    fallbackTable.finish([...CAPABILITIES]);
  }
  const presets = routing.table("presets");
  let presetTable: Record<string, unknown> | undefined;
  if (presets !== undefined) {
    presetTable = {};
    for (const tier of presets.keys()) {
      const entries = presets.table(tier)!;
      presetTable[tier] = Object.fromEntries(entries.keys().map((key) => [key, entries.raw(key)]));
    }
  }
  const parameterValidation = routing.choice("parameter_validation", PARAMETER_VALIDATION_POLICIES);
  routing.finish([...ROUTING_CAPABILITIES, "fallbacks", "presets", "parameter_validation"]);
  return { preferred, fallbacks, presets: presetTable, parameterValidation };
}
