/**
 * The `/api/status` answer: every provider the playground knows and its
 * state, each capability's availability with what to configure when it is
 * missing, model suggestions that the gateway routes somewhere, and the
 * progress of the local models' downloads.
 */
import { CAPABILITIES, type Capability } from "@ratatoskr/core";
import { CAPABILITY_HINTS, type CapabilityHint } from "../capability-hints.ts";
import { DEMO_TOOLS } from "../demo-tools.ts";
import type { PlaygroundServerContext } from "./server-context.ts";

/** A suggested model and where it routes. */
interface ModelSuggestion {
  model: string;
  provider: string;
  rule: string | undefined;
}

/** Whether a capability is served, by whom, and what to configure when it is not. */
interface CapabilityAvailability {
  available: boolean;
  providers: string[];
  hints: CapabilityHint[];
}

/** The configured and provider-suggested models of each capability that route somewhere. */
async function routedSuggestions(context: PlaygroundServerContext) {
  const ready = context.setup.filter((provider) => provider.state === "ready");
  const models = {} as Record<Capability, ModelSuggestion[]>;
  for (const capability of CAPABILITIES) {
    const names = new Set<string>([
      ...(context.config.models[capability] ?? []),
      ...ready.flatMap((provider) => provider.models[capability] ?? []),
    ]);
    const decisions = await Promise.all(
      [...names].map(async (name) => ({
        name,
        decision: await context.gateway.route(capability, name),
      })),
    );
    models[capability] = decisions.flatMap(({ name, decision }) =>
      decision.provider === undefined
        ? []
        : [{ model: name, provider: decision.provider, rule: decision.rule }],
    );
  }
  return models;
}

/**
 * Each capability's providers, or the hints to get one. A provider whose
 * setup has no model for a capability its object offers (`unserved`) does
 * not count.
 */
function availability(context: PlaygroundServerContext) {
  const capabilities = context.gateway.capabilities();
  const unserved = new Map(context.setup.map((row) => [row.id, row.unserved ?? []]));
  const entries = {} as Record<Capability, CapabilityAvailability>;
  for (const capability of CAPABILITIES) {
    const providers = capabilities.providers[capability].filter(
      (id) => !(unserved.get(id) ?? []).includes(capability),
    );
    entries[capability] = {
      available: providers.length > 0,
      providers,
      hints: providers.length > 0 ? [] : CAPABILITY_HINTS[capability],
    };
  }
  return entries;
}

/** The `/api/status` body: providers, capabilities with their hints, and routed model suggestions. */
export async function playgroundStatus(context: PlaygroundServerContext) {
  return {
    /** `embedded`, or `remote`: a running ratd is the gateway (`RATATOSKR_URL`). */
    mode: context.mode,
    /** The ratd in remote mode (its token is never shown), else null. */
    remote:
      context.mode === "remote" && context.config.remote !== undefined
        ? { url: context.config.remote.url, token: context.config.remote.token !== undefined }
        : null,
    demo: context.config.demo,
    configFile: context.config.configFile ?? null,
    providers: context.setup.map(
      ({ id, label, packageName, state, capabilities, detail, configure }) => ({
        id,
        label,
        packageName,
        state,
        capabilities,
        detail,
        configure,
        aliases: context.providers.get(id)?.aliases ?? [],
        localInference: context.providers.get(id)?.localInference ?? false,
      }),
    ),
    capabilities: availability(context),
    models: await routedSuggestions(context),
    tokenModels: context.config.tokenModels,
    tools: Object.values(DEMO_TOOLS).map((tool) => tool.definition),
    /** The local provider's model downloads (bytes, rate, time left); null in remote mode. */
    downloads: context.downloads?.progress() ?? null,
  };
}
