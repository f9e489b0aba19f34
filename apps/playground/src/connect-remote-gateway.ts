/**
 * The playground over a running `ratd` (`RATATOSKR_URL`, and
 * `RATATOSKR_TOKEN` when the daemon needs one) instead of an embedded
 * gateway: `createServiceClient` from `@ratatoskr/client`, ready before the
 * server starts (the daemon's capabilities are fetched once).
 *
 * The daemon routes, and explains its routing: `route()` asks it over the
 * `Route` RPC (rule, hint, candidates, fallbacks, cool-downs, preset and
 * explanation, as the embedded gateway tells them). Only a daemon without
 * that RPC (the original one: `not_implemented`) gets the degraded answer:
 * the daemon's providers of the capability, with an explanation saying the
 * routing cannot be explained (or a miss, with the usual hints, when the
 * daemon serves none). What else degrades: the provider list is the
 * daemon's providers, without the playground's configuration advice; token
 * pieces (which need a tokenizer in this process) are not shown. Keys live
 * in the daemon only. The daemon's health and metrics (the Service page)
 * come through `service`.
 */
import { createServiceClient, type ServiceClient } from "@ratatoskr/client";
import { CAPABILITIES, type Capability, type ProviderV1, RatatoskrError } from "@ratatoskr/core";
import type {
  PlaygroundGateway,
  PlaygroundModelGateway,
  PlaygroundRouteDecision,
  ProviderSetup,
} from "./build-playground-gateway.ts";
import type { PlaygroundConfig } from "./playground-config.ts";
import { createRemoteService } from "./remote-service.ts";

/** The route of `model` as the playground can tell it without the daemon's router (a daemon without the `Route` RPC). */
function unexplainedRoute(
  client: ServiceClient,
  url: string,
  capability: Capability,
  model: string,
): PlaygroundRouteDecision {
  const providers = client.capabilities().providers[capability] ?? [];
  const served = providers.length > 0;
  return {
    capability,
    model,
    providerModel: model,
    provider: served ? providers[0] : undefined,
    rule: undefined,
    providers,
    candidates: [],
    explanation: served
      ? `Routed by the ratd at ${url}, which serves ${capability} with ${providers.join(", ")}. This daemon cannot explain its routing (it has no Route RPC); the provider shown is its first for ${capability}.`
      : `The ratd at ${url} serves no provider for ${capability}: configure one in the daemon's configuration.`,
  };
}

/**
 * The daemon's own routing decision (`Route` RPC); the degraded answer only
 * when the daemon has no such RPC.
 */
async function remoteRoute(
  client: ServiceClient,
  url: string,
  capability: Capability,
  model: string,
): Promise<PlaygroundRouteDecision> {
  try {
    return await client.route(capability, model);
  } catch (error) {
    if (RatatoskrError.isInstance(error) && error.code === "not_implemented") {
      return unexplainedRoute(client, url, capability, model);
    }
    throw error;
  }
}

/** `client` with `route()` and `dispose()` (closing it), as the playground's routes call it. */
function asPlaygroundGateway(client: ServiceClient, url: string): PlaygroundModelGateway {
  const route = (capability: Capability, model: string) =>
    remoteRoute(client, url, capability, model);
  const dispose = () => client.close();
  return new Proxy(client, {
    get(target, property) {
      if (property === "route") return route;
      if (property === "dispose") return dispose;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as unknown as PlaygroundModelGateway;
}

/**
 * Connect to the ratd of `config.remote`: resolves once its capabilities
 * are known; rejects with the client's typed error (`network` when it
 * cannot be reached, `authentication` for a missing or wrong token).
 */
export async function connectRemoteGateway(config: PlaygroundConfig): Promise<PlaygroundGateway> {
  if (config.remote === undefined) throw new Error("connectRemoteGateway needs config.remote");
  const { url, token, metricsUrl } = config.remote;
  const client = createServiceClient(url, token === undefined ? {} : { token });
  let capabilities: Awaited<ReturnType<ServiceClient["ready"]>>;
  try {
    capabilities = await client.ready();
  } catch (error) {
    await client.close();
    throw error;
  }
  const ids = [
    ...new Set(CAPABILITIES.flatMap((capability) => capabilities.providers[capability])),
  ];
  const setup: ProviderSetup[] = ids.map((id) => ({
    id,
    label: id,
    packageName: "(served by ratd)",
    state: "ready",
    capabilities: CAPABILITIES.filter((capability) =>
      capabilities.providers[capability].includes(id),
    ),
    detail: `served by the ratd at ${url}`,
    configure: "Configure it in the daemon's configuration (ratd --config).",
    models: {},
  }));
  return {
    gateway: asPlaygroundGateway(client, url),
    mode: "remote",
    providers: new Map<string, ProviderV1>(),
    setup,
    service: createRemoteService(client, { url, token, metricsUrl }),
  };
}
