/**
 * `createServiceClient(url, options)`: a `ModelGateway` whose every call is
 * an RPC of the `ratatoskr.v1.Ratatoskr` service of a running daemon
 * (`ratd`). Input is checked locally first, with the same checks as the
 * gateway, so bad input fails as `invalid_input` without a round trip.
 */
import { inspect } from "node:util";
import { type Client, createClient } from "@connectrpc/connect";
import {
  assertModel,
  assertModelInfoOptions,
  type CallOptions,
  type Capabilities,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type ClassifyOptions,
  type ClassifyResult,
  type ContextFit,
  type ContextFitOptions,
  type CountTokensOptions,
  type Embedding,
  type GenerateEvent,
  type GenerateOptions,
  type GenerateResponse,
  type ListModelsOptions,
  type Message,
  type ModelGateway,
  type ModelInfoCallOptions,
  type ModelListing,
  type ModelMetadata,
  type ModelStatus,
  type NliPair,
  type NliResult,
  RatatoskrError,
  registerSecret,
  type StanceResult,
  type TokenCount,
  type Tokenization,
} from "@ratatoskr/core";
import {
  capabilitiesFromProto,
  chatRequestToProto,
  chatResponseFromProto,
  classifyRequestToProto,
  classifyResultFromProto,
  contextFitFromProto,
  embedBatchRequestToProto,
  embedBatchResponseFromProto,
  embeddingFromProto,
  embedRequestToProto,
  fitsContextRequestToProto,
  generateRequestToProto,
  generateResponseFromProto,
  healthFromProto,
  listModelsRequestToProto,
  modelListingFromProto,
  modelMetadataFromProto,
  modelMetadataRequestToProto,
  modelStatusFromProto,
  modelStatusRequestToProto,
  nliBatchRequestToProto,
  nliBatchResponseFromProto,
  nliRequestToProto,
  nliResultFromProto,
  presetListFromProto,
  presetResolutionFromProto,
  Ratatoskr,
  resolvePresetRequestToProto,
  routeDecisionFromProto,
  routeRequestToProto,
  type ServiceHealth,
  stanceRequestToProto,
  stanceResultFromProto,
  tokenCountFromProto,
  tokenCountRequestToProto,
  tokenizationFromProto,
  tokenizeRequestToProto,
  type WirePresetResolution,
  type WireRouteDecision,
} from "@ratatoskr/protocol";
import {
  assertServiceClientOptions,
  resolveRetry,
  type ServiceClientOptions,
} from "./client-options.ts";
import { decodeChatStream, decodeGenerateStream } from "./remote-streams.ts";
import { RpcRunner, type RunOptions } from "./rpc-runner.ts";
import { type ClientTransport, createClientTransport } from "./transport.ts";

/** A resolved preset, as the gateway's `resolvePreset()` answers it: the preset string, its model and parameters. */
export type RemotePresetResolution = WirePresetResolution & {
  /** The preset string (`ratatoskr:budget/coding`). */
  readonly uri: string;
};

/**
 * A routing decision of the daemon's gateway, as `Gateway.route()` answers
 * it: the providers to try and why, the rule and hint that chose them, the
 * candidates asked, the configured fallbacks, the providers cooling down,
 * the preset the model string named, and the explanation text.
 */
export type RemoteRouteDecision = WireRouteDecision;

/** Options of the calls without options of their own in `ModelGateway` (`health`, presets, `ready`, `route`). */
export type ServiceCallOptions = Pick<CallOptions, "signal" | "timeout">;

/**
 * A `ModelGateway` served by a daemon, plus what only a remote gateway
 * needs: `ready()` (capabilities), `getModelMetadata`, presets, `health()`
 * and `close()`, and `route()` as the `Gateway` class has it.
 */
export interface ServiceClient extends ModelGateway {
  /** The daemon's URL. */
  readonly url: string;
  /**
   * Fetch the daemon's capabilities (`GetCapabilities`), which the
   * synchronous `capabilities()` then answers with. `connectServiceClient`
   * calls it for you; call it again to refresh them.
   */
  ready(options?: ServiceCallOptions): Promise<Capabilities>;
  /**
   * What the daemon knows of the model: the capabilities fetched by the last
   * `ready()`. Throws `configuration` before the first `ready()` resolved.
   */
  capabilities(): Capabilities;
  /**
   * The daemon's registry record of `model` (`GetModelMetadata`: no provider
   * call), or `undefined`; kept for `modelMetadata()`.
   */
  getModelMetadata(model: string, options?: ServiceCallOptions): Promise<ModelMetadata | undefined>;
  /**
   * The record of `model` this client has fetched (by `getModelMetadata` or
   * `fetchModelMetadata`), or `undefined`. Synchronous, no I/O: it answers
   * only from what this client fetched, never from a stale local registry.
   */
  modelMetadata(model: string): ModelMetadata | undefined;
  /**
   * Whether a chat request (messages and tools) plus the output kept free
   * fits `model`'s context window, counted by the daemon's gateway as it
   * would send the request (the `FitsContext` extension RPC; an original
   * daemon answers `not_implemented`).
   */
  fitsContext(
    messages: readonly Message[],
    model: string,
    options?: ContextFitOptions,
  ): Promise<ContextFit>;
  /**
   * Where the daemon would send a call for `capability` and `model`, and
   * why: its gateway's `route()` decision (the `Route` extension RPC), the
   * explanation, fallbacks, cool-downs and preset included. Bad input is
   * `invalid_input`; an original daemon answers `not_implemented`.
   */
  route(
    capability: Capability,
    model: string,
    options?: ServiceCallOptions,
  ): Promise<RemoteRouteDecision>;
  /** Resolve a `ratatoskr:<tier>/<capability>` preset on the daemon; `invalid_input` for an unknown one. */
  resolvePreset(uri: string, options?: ServiceCallOptions): Promise<RemotePresetResolution>;
  /** Every preset of the daemon, resolved. */
  listPresets(options?: ServiceCallOptions): Promise<RemotePresetResolution[]>;
  /** The daemon's health: whether it can serve, its version and providers. */
  health(options?: ServiceCallOptions): Promise<ServiceHealth>;
  /** Close the connection; calls in flight fail, later calls reject with `configuration`. */
  close(): Promise<void>;
}

/** The error of a call on a closed client. */
function closedError(): RatatoskrError {
  return new RatatoskrError({
    code: "configuration",
    message: "this service client is closed",
  });
}

/** The `model_not_found` answer of `fetchModelMetadata`. */
function unknownModel(model: string): RatatoskrError {
  return new RatatoskrError({
    code: "model_not_found",
    message: `neither the daemon's providers nor its registry know the model "${model.slice(0, 200)}"`,
    model,
  });
}

class RemoteGateway implements ServiceClient {
  readonly url: string;
  readonly #protocol: "grpc" | "connect";
  readonly #connection: ClientTransport;
  readonly #rpc: Client<typeof Ratatoskr>;
  readonly #runner: RpcRunner;
  readonly #metadata = new Map<string, ModelMetadata>();
  #capabilities: Capabilities | undefined;
  #closed = false;

  constructor(url: string, options: ServiceClientOptions) {
    const parsed = assertServiceClientOptions(url, options);
    if (options.token !== undefined) registerSecret(options.token);
    this.url = url;
    this.#protocol = options.transport ?? "grpc";
    this.#connection = createClientTransport(parsed, this.#protocol, options.token, options.tls);
    this.#rpc = createClient(Ratatoskr, this.#connection.transport);
    this.#runner = new RpcRunner(resolveRetry(options.retry), options.timeout);
  }

  /** Run a unary call on the open client. */
  #unary<T>(
    options: RunOptions | undefined,
    call: (attempt: { signal: AbortSignal; timeoutMs?: number }) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(closedError());
    return this.#runner.unary(options ?? {}, call);
  }

  chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse> {
    return this.#guard(async () => {
      const request = chatRequestToProto(messages, options);
      const response = await this.#unary(options, (call) => this.#rpc.chat(request, call));
      return chatResponseFromProto(response) as ChatResponse;
    });
  }

  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent> {
    return this.#stream(() => {
      const request = chatRequestToProto(messages, options);
      return decodeChatStream(
        this.#runner.stream(options, (call) => this.#rpc.chatStream(request, call)),
      );
    });
  }

  generate(prompt: string, options: GenerateOptions): Promise<GenerateResponse> {
    return this.#guard(async () => {
      const request = generateRequestToProto(prompt, options);
      const response = await this.#unary(options, (call) => this.#rpc.generate(request, call));
      return generateResponseFromProto(response) as GenerateResponse;
    });
  }

  generateStream(prompt: string, options: GenerateOptions): AsyncIterable<GenerateEvent> {
    return this.#stream(() => {
      const request = generateRequestToProto(prompt, options);
      return decodeGenerateStream(
        this.#runner.stream(options, (call) => this.#rpc.generateStream(request, call)),
      );
    });
  }

  embed(text: string, model: string, options?: CallOptions): Promise<Embedding> {
    return this.#guard(async () => {
      const request = embedRequestToProto(text, model, options);
      return embeddingFromProto(
        await this.#unary(options, (call) => this.#rpc.embed(request, call)),
      );
    });
  }

  embedBatch(texts: readonly string[], model: string, options?: CallOptions): Promise<Embedding[]> {
    return this.#guard(async () => {
      const request = embedBatchRequestToProto(texts, model, options);
      return embedBatchResponseFromProto(
        await this.#unary(options, (call) => this.#rpc.embedBatch(request, call)),
      );
    });
  }

  inferNli(
    premise: string,
    hypothesis: string,
    model: string,
    options?: CallOptions,
  ): Promise<NliResult> {
    return this.#guard(async () => {
      const request = nliRequestToProto(premise, hypothesis, model, options);
      return nliResultFromProto(
        await this.#unary(options, (call) => this.#rpc.inferNli(request, call)),
      );
    });
  }

  inferNliBatch(
    pairs: readonly NliPair[],
    model: string,
    options?: CallOptions,
  ): Promise<NliResult[]> {
    return this.#guard(async () => {
      const request = nliBatchRequestToProto(pairs, model, options);
      return nliBatchResponseFromProto(
        await this.#unary(options, (call) => this.#rpc.inferNliBatch(request, call)),
      );
    });
  }

  classifyZeroShot(
    text: string,
    labels: readonly string[],
    model: string,
    options?: ClassifyOptions,
  ): Promise<ClassifyResult> {
    return this.#guard(async () => {
      const request = classifyRequestToProto(text, labels, model, options);
      return classifyResultFromProto(
        await this.#unary(options, (call) => this.#rpc.classifyZeroShot(request, call)),
      );
    });
  }

  classifyStance(
    text: string,
    target: string,
    model: string,
    options?: CallOptions,
  ): Promise<StanceResult> {
    return this.#guard(async () => {
      const request = stanceRequestToProto(text, target, model, options);
      return stanceResultFromProto(
        await this.#unary(options, (call) => this.#rpc.classifyStance(request, call)),
      );
    });
  }

  countTokens(text: string, model: string, options?: CountTokensOptions): Promise<TokenCount> {
    return this.#guard(async () => {
      const request = tokenCountRequestToProto(text, model, options);
      return tokenCountFromProto(
        await this.#unary(options, (call) => this.#rpc.countTokens(request, call)),
      );
    });
  }

  tokenize(text: string, model: string, options?: CountTokensOptions): Promise<Tokenization> {
    return this.#guard(async () => {
      const request = tokenizeRequestToProto(text, model, options);
      const response = await this.#unary(options, (call) => this.#rpc.tokenize(request, call));
      return tokenizationFromProto(response, text, model);
    });
  }

  fitsContext(
    messages: readonly Message[],
    model: string,
    options?: ContextFitOptions,
  ): Promise<ContextFit> {
    return this.#guard(async () => {
      const request = fitsContextRequestToProto(messages, model, options);
      return contextFitFromProto(
        await this.#unary(options, (call) => this.#rpc.fitsContext(request, call)),
      );
    });
  }

  route(
    capability: Capability,
    model: string,
    options?: ServiceCallOptions,
  ): Promise<RemoteRouteDecision> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const request = routeRequestToProto(capability, model);
      return routeDecisionFromProto(
        await this.#unary(options, (call) => this.#rpc.route(request, call)),
      );
    });
  }

  listModels(options?: ListModelsOptions): Promise<ModelListing> {
    return this.#guard(async () => {
      assertModelInfoOptions(options, true);
      const request = listModelsRequestToProto(options);
      return modelListingFromProto(
        await this.#unary(options, (call) => this.#rpc.listModels(request, call)),
      );
    });
  }

  modelStatus(model: string, options?: ModelInfoCallOptions): Promise<ModelStatus> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const request = modelStatusRequestToProto(model);
      const response = await this.#unary(options, (call) => this.#rpc.modelStatus(request, call));
      return modelStatusFromProto(response, model);
    });
  }

  modelMetadata(model: string): ModelMetadata | undefined {
    assertModel(model);
    return this.#metadata.get(model);
  }

  getModelMetadata(
    model: string,
    options?: ServiceCallOptions,
  ): Promise<ModelMetadata | undefined> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const request = modelMetadataRequestToProto(model);
      const metadata = modelMetadataFromProto(
        await this.#unary(options, (call) => this.#rpc.getModelMetadata(request, call)),
      );
      if (metadata !== undefined) this.#metadata.set(model, metadata);
      return metadata;
    });
  }

  fetchModelMetadata(model: string, options?: ModelInfoCallOptions): Promise<ModelMetadata> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const request = modelMetadataRequestToProto(model);
      const metadata = modelMetadataFromProto(
        await this.#unary(options, (call) => this.#rpc.fetchModelMetadata(request, call)),
      );
      if (metadata === undefined) throw unknownModel(model);
      this.#metadata.set(model, metadata);
      return metadata;
    });
  }

  ready(options?: ServiceCallOptions): Promise<Capabilities> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const response = await this.#unary(options, (call) => this.#rpc.getCapabilities({}, call));
      this.#capabilities = capabilitiesFromProto(response);
      return this.#capabilities;
    });
  }

  capabilities(): Capabilities {
    if (this.#capabilities === undefined) {
      throw new RatatoskrError({
        code: "configuration",
        message:
          "the daemon's capabilities are not known yet: await client.ready() (or create the client with connectServiceClient) first",
      });
    }
    return this.#capabilities;
  }

  resolvePreset(uri: string, options?: ServiceCallOptions): Promise<RemotePresetResolution> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const request = resolvePresetRequestToProto(uri);
      const response = await this.#unary(options, (call) => this.#rpc.resolvePreset(request, call));
      const resolution = presetResolutionFromProto(response, request.tier, request.capability);
      if (resolution === undefined) {
        throw new RatatoskrError({
          code: "invalid_input",
          message: `${uri.slice(0, 200)}: the daemon knows no such preset`,
          details: { field: "uri" },
        });
      }
      return { uri: `ratatoskr:${request.tier}/${request.capability}`, ...resolution };
    });
  }

  listPresets(options?: ServiceCallOptions): Promise<RemotePresetResolution[]> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      const list = presetListFromProto(
        await this.#unary(options, (call) => this.#rpc.listPresets({}, call)),
      );
      return Promise.all(
        list.map(({ tier, capability }) =>
          this.resolvePreset(`ratatoskr:${tier}/${capability}`, options),
        ),
      );
    });
  }

  health(options?: ServiceCallOptions): Promise<ServiceHealth> {
    return this.#guard(async () => {
      assertModelInfoOptions(options);
      return healthFromProto(await this.#unary(options, (call) => this.#rpc.health({}, call)));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connection.close();
  }

  /** Runs `body`, so that a synchronous input check rejects the promise instead of throwing. */
  async #guard<T>(body: () => Promise<T>): Promise<T> {
    return body();
  }

  /**
   * A stream opened when iterated: its input is checked then (as the
   * gateway's streams do), and a closed client fails its first `next()`.
   */
  #stream<T>(open: () => AsyncIterable<T>): AsyncIterable<T> {
    const closed = () => this.#closed;
    return {
      async *[Symbol.asyncIterator]() {
        if (closed()) throw closedError();
        yield* open();
      },
    };
  }

  /** Shows the URL and transport, never the token. */
  [inspect.custom](): string {
    return `ServiceClient { url: ${JSON.stringify(this.url)}, transport: ${JSON.stringify(this.#protocol)}, closed: ${this.#closed} }`;
  }
}

/**
 * A `ModelGateway` served by the daemon at `url` (`http://host:port`, or
 * `https://` with `options.tls`): switch from embedded to remote mode by
 * changing the line that makes the gateway. Call `ready()` before
 * `capabilities()`, or use {@link connectServiceClient}.
 *
 * @example
 * ```ts
 * // const gateway = await Ratatoskr.builder().openrouter().build();
 * const gateway = createServiceClient("http://127.0.0.1:9741", { token: process.env.RATD_TOKEN });
 * ```
 */
export function createServiceClient(
  url: string,
  options: ServiceClientOptions = {},
): ServiceClient {
  return new RemoteGateway(url, options);
}

/**
 * {@link createServiceClient}, then `ready()`: the client answers
 * `capabilities()` at once. Rejects when the daemon cannot be reached
 * (after the transport retries) and closes the client then.
 */
export async function connectServiceClient(
  url: string,
  options: ServiceClientOptions = {},
): Promise<ServiceClient> {
  const client = createServiceClient(url, options);
  try {
    await client.ready();
    return client;
  } catch (error) {
    await client.close();
    throw error;
  }
}
