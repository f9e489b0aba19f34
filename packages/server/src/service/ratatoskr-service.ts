/**
 * The `ratatoskr.v1.Ratatoskr` service over a gateway: every one of its 22
 * RPCs (the original's 20, and the extensions `FitsContext` and `Route`) decodes its request with `@ratatoskr/protocol`'s mappings (bad input
 * is `INVALID_ARGUMENT` with the `invalid_input` code), calls the gateway
 * under the call's signal (a client that goes away aborts the gateway call)
 * and encodes the answer. Errors answer with the status of the error-trait
 * table.
 */
import type { ConnectRouter, HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { RatatoskrError } from "@ratatoskr/core";
import {
  ChatEventEncoder,
  capabilitiesToProto,
  chatRequestFromProto,
  chatResponseToProto,
  classifyRequestFromProto,
  classifyResultToProto,
  contextFitToProto,
  embedBatchRequestFromProto,
  embedBatchResponseToProto,
  embeddingToProto,
  embedRequestFromProto,
  fitsContextRequestFromProto,
  GenerateEventEncoder,
  generateRequestFromProto,
  generateResponseToProto,
  healthToProto,
  listModelsRequestFromProto,
  modelListingToProto,
  modelMetadataToProto,
  modelRequestFromProto,
  modelStatusToProto,
  nliBatchRequestFromProto,
  nliBatchResponseToProto,
  nliRequestFromProto,
  nliResultToProto,
  presetListToProto,
  presetResolutionToProto,
  Ratatoskr,
  resolvePresetRequestFromProto,
  routeDecisionToProto,
  routeRequestFromProto,
  stanceRequestFromProto,
  stanceResultToProto,
  tokenCountRequestFromProto,
  tokenCountToProto,
  tokenizationToProto,
  tokenizeRequestFromProto,
  type WireWarning,
} from "@ratatoskr/protocol";
import { type CallGate, OPEN_CALL_GATE } from "./call-gate.ts";
import { notImplemented, toConnectError } from "./rpc-errors.ts";
import { providerIds, type ServedGateway } from "./served-gateway.ts";

/** Options of {@link createRatatoskrService}. */
export interface RatatoskrServiceOptions {
  /** Admits calls and gives them their signal (default: every call, under the client's signal). */
  gate?: CallGate;
  /** The version the `Health` RPC reports (default `"0.0.0"`). */
  version?: string;
  /** The build's git commit, for `Health`. */
  gitSha?: string;
  /** Whether the service is still accepting work; `Health` reports unhealthy once not (default: always). */
  accepting?: () => boolean;
}

/** Runs one unary call: admitted by the gate, its errors mapped to statuses. */
async function unary<T>(
  gate: CallGate,
  context: HandlerContext,
  run: (signal: AbortSignal) => T | Promise<T>,
): Promise<T> {
  let slot: ReturnType<CallGate["enter"]> | undefined;
  try {
    slot = gate.enter(context);
    return await run(slot.signal);
  } catch (error) {
    throw toConnectError(error);
  } finally {
    slot?.leave();
  }
}

/** Runs one server stream: admitted by the gate until it ends, its errors mapped to statuses. */
async function* streaming<T>(
  gate: CallGate,
  context: HandlerContext,
  run: (signal: AbortSignal) => AsyncIterable<T>,
): AsyncGenerator<T> {
  let slot: ReturnType<CallGate["enter"]> | undefined;
  try {
    slot = gate.enter(context);
    yield* run(slot.signal);
  } catch (error) {
    throw toConnectError(error);
  } finally {
    slot?.leave();
  }
}

/** A gateway method that may be missing, or the `not_implemented` error of its RPC. */
function required<M>(method: M | undefined, name: string): M {
  if (method === undefined) throw notImplemented(name);
  return method;
}

/** Request warnings first, then the provider's. */
function joinWarnings(
  request: readonly WireWarning[],
  response: readonly WireWarning[] | undefined,
): WireWarning[] | undefined {
  const all = [...request, ...(response ?? [])];
  return all.length === 0 ? undefined : all;
}

/**
 * The implementation of `ratatoskr.v1.Ratatoskr` over `gateway`, for
 * `router.service(Ratatoskr, …)`.
 */
export function ratatoskrServiceImpl(
  gateway: ServedGateway,
  options: RatatoskrServiceOptions = {},
): ServiceImpl<typeof Ratatoskr> {
  const gate = options.gate ?? OPEN_CALL_GATE;
  return {
    chat: (request, context) =>
      unary(gate, context, async (signal) => {
        const { messages, options: chatOptions, warnings } = chatRequestFromProto(request);
        const response = await gateway.chat(messages, { ...chatOptions, signal });
        return chatResponseToProto({
          ...response,
          warnings: joinWarnings(warnings, response.warnings) ?? [],
        });
      }),
    chatStream: (request, context) =>
      streaming(gate, context, async function* (signal) {
        const { messages, options: chatOptions, warnings } = chatRequestFromProto(request);
        const encoder = new ChatEventEncoder(request.protocolRevision);
        for await (const event of gateway.chatStream(messages, { ...chatOptions, signal })) {
          const wire =
            event.type === "done"
              ? { ...event, warnings: joinWarnings(warnings, event.warnings) }
              : event;
          yield* encoder.encode(wire as Parameters<ChatEventEncoder["encode"]>[0]);
        }
      }),
    generate: (request, context) =>
      unary(gate, context, async (signal) => {
        const { prompt, options: generateOptions, warnings } = generateRequestFromProto(request);
        const response = await gateway.generate(prompt, { ...generateOptions, signal });
        return generateResponseToProto({
          ...response,
          warnings: joinWarnings(warnings, response.warnings) ?? [],
        });
      }),
    generateStream: (request, context) =>
      streaming(gate, context, async function* (signal) {
        const { prompt, options: generateOptions, warnings } = generateRequestFromProto(request);
        const encoder = new GenerateEventEncoder(request.protocolRevision);
        for await (const event of gateway.generateStream(prompt, { ...generateOptions, signal })) {
          const wire =
            event.type === "done"
              ? { ...event, warnings: joinWarnings(warnings, event.warnings) }
              : event;
          yield* encoder.encode(wire as Parameters<GenerateEventEncoder["encode"]>[0]);
        }
      }),
    embed: (request, context) =>
      unary(gate, context, async (signal) => {
        const { text, model, options: callOptions } = embedRequestFromProto(request);
        return embeddingToProto(await gateway.embed(text, model, { ...callOptions, signal }));
      }),
    embedBatch: (request, context) =>
      unary(gate, context, async (signal) => {
        const { texts, model, options: callOptions } = embedBatchRequestFromProto(request);
        return embedBatchResponseToProto(
          await gateway.embedBatch(texts, model, { ...callOptions, signal }),
        );
      }),
    inferNli: (request, context) =>
      unary(gate, context, async (signal) => {
        const { premise, hypothesis, model, options: callOptions } = nliRequestFromProto(request);
        return nliResultToProto(
          await gateway.inferNli(premise, hypothesis, model, { ...callOptions, signal }),
        );
      }),
    inferNliBatch: (request, context) =>
      unary(gate, context, async (signal) => {
        const { pairs, model, options: callOptions } = nliBatchRequestFromProto(request);
        return nliBatchResponseToProto(
          await gateway.inferNliBatch(pairs, model, { ...callOptions, signal }),
        );
      }),
    classifyZeroShot: (request, context) =>
      unary(gate, context, async (signal) => {
        const { text, labels, model, options: classifyOptions } = classifyRequestFromProto(request);
        return classifyResultToProto(
          await gateway.classifyZeroShot(text, labels, model, { ...classifyOptions, signal }),
        );
      }),
    classifyStance: (request, context) =>
      unary(gate, context, async (signal) => {
        const { text, target, model, options: callOptions } = stanceRequestFromProto(request);
        return stanceResultToProto(
          await gateway.classifyStance(text, target, model, { ...callOptions, signal }),
        );
      }),
    countTokens: (request, context) =>
      unary(gate, context, async (signal) => {
        const { text, model, options: countOptions } = tokenCountRequestFromProto(request);
        return tokenCountToProto(
          await gateway.countTokens(text, model, { ...countOptions, signal }),
        );
      }),
    tokenize: (request, context) =>
      unary(gate, context, async (signal) => {
        const tokenize = required(gateway.tokenize?.bind(gateway), "Tokenize");
        const { text, model, options: countOptions } = tokenizeRequestFromProto(request);
        return tokenizationToProto(await tokenize(text, model, { ...countOptions, signal }), text);
      }),
    fitsContext: (request, context) =>
      unary(gate, context, async (signal) => {
        const fitsContext = required(gateway.fitsContext?.bind(gateway), "FitsContext");
        const { messages, model, options: fitOptions } = fitsContextRequestFromProto(request);
        return contextFitToProto(await fitsContext(messages, model, { ...fitOptions, signal }));
      }),
    route: (request, context) =>
      unary(gate, context, () => {
        const route = required(gateway.route?.bind(gateway), "Route");
        const { capability, model } = routeRequestFromProto(request);
        return routeDecisionToProto(route(capability, model));
      }),
    listModels: (request, context) =>
      unary(gate, context, async (signal) => {
        const listModels = required(gateway.listModels?.bind(gateway), "ListModels");
        const listOptions = listModelsRequestFromProto(request);
        return modelListingToProto(await listModels({ ...listOptions, signal }));
      }),
    modelStatus: (request, context) =>
      unary(gate, context, async (signal) => {
        const modelStatus = required(gateway.modelStatus?.bind(gateway), "ModelStatus");
        return modelStatusToProto(await modelStatus(modelRequestFromProto(request), { signal }));
      }),
    getModelMetadata: (request, context) =>
      unary(gate, context, () => {
        const modelMetadata = required(gateway.modelMetadata?.bind(gateway), "GetModelMetadata");
        return modelMetadataToProto(modelMetadata(modelRequestFromProto(request)));
      }),
    fetchModelMetadata: (request, context) =>
      unary(gate, context, async (signal) => {
        const fetchModelMetadata = required(
          gateway.fetchModelMetadata?.bind(gateway),
          "FetchModelMetadata",
        );
        const model = modelRequestFromProto(request);
        try {
          return modelMetadataToProto(await fetchModelMetadata(model, { signal }));
        } catch (error) {
          // The original answers found: false for a model nobody knows.
          if (RatatoskrError.isInstance(error) && error.code === "model_not_found") {
            return modelMetadataToProto(undefined);
          }
          throw error;
        }
      }),
    resolvePreset: (request, context) =>
      unary(gate, context, () => {
        const resolvePreset = required(gateway.resolvePreset?.bind(gateway), "ResolvePreset");
        const listPresets = required(gateway.listPresets?.bind(gateway), "ResolvePreset");
        const { tier, capability, uri } = resolvePresetRequestFromProto(request);
        const known = listPresets().some(
          (preset) => preset.tier === tier && preset.capability === capability,
        );
        return presetResolutionToProto(known ? resolvePreset(uri) : undefined);
      }),
    listPresets: (_request, context) =>
      unary(gate, context, () => {
        const listPresets = required(gateway.listPresets?.bind(gateway), "ListPresets");
        return presetListToProto(listPresets());
      }),
    health: () => {
      try {
        const providers = providerIds(gateway);
        const now = Date.now();
        const cooling = (gateway.cooldowns?.() ?? []).map((entry) => ({
          provider: entry.provider,
          until: entry.until,
          remainingMs: Math.max(0, entry.until - now),
          failures: entry.failures,
          lastError: entry.lastError,
        }));
        // Unhealthy with no provider, while closing, or while every provider cools down.
        const coolingIds = new Set(cooling.map((entry) => entry.provider));
        const available = providers.filter((id) => !coolingIds.has(id));
        return healthToProto({
          healthy: available.length > 0 && (options.accepting?.() ?? true),
          version: options.version ?? "0.0.0",
          ...(options.gitSha === undefined ? {} : { gitSha: options.gitSha }),
          providers,
          ...(cooling.length === 0 ? {} : { cooling }),
        });
      } catch (error) {
        throw toConnectError(error);
      }
    },
    getCapabilities: () => {
      try {
        return capabilitiesToProto(gateway.capabilities());
      } catch (error) {
        throw toConnectError(error);
      }
    },
  };
}

/**
 * A Connect router setup serving `ratatoskr.v1.Ratatoskr` over `gateway`:
 * pass it as `routes` to `connectNodeAdapter` (or any Connect server).
 *
 * @example
 * ```ts
 * const handler = connectNodeAdapter({ routes: createRatatoskrService(gateway) });
 * http2.createServer(handler).listen(9741, "127.0.0.1");
 * ```
 */
export function createRatatoskrService(
  gateway: ServedGateway,
  options: RatatoskrServiceOptions = {},
): (router: ConnectRouter) => void {
  const implementation = ratatoskrServiceImpl(gateway, options);
  return (router) => {
    router.service(Ratatoskr, implementation);
  };
}
