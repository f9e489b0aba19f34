/**
 * The composed gateway: the `ModelGateway` over the registered providers.
 * It wires the parts and decides nothing itself: routing and targets are
 * the planner's (`call-planner.ts`), unary calls run through
 * `unary-calls.ts`, batches through `batch-calls.ts`, streams are
 * `RoutedChatStream` / `RoutedGenerationStream`, and the state every call
 * shares is the `GatewayCore`.
 */
import {
  assertModel,
  CAPABILITIES,
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
  invalidInput,
  type ListModelsOptions,
  type Message,
  type ModelGateway,
  type ModelInfoCallOptions,
  type ModelListing,
  type ModelMetadata,
  type ModelStatus,
  type NliPair,
  type NliResult,
  type ProviderV1,
  RatatoskrError,
  type StanceResult,
  type TokenCount,
  type Tokenization,
} from "@ratatoskr/core";
import { embedBatch, inferNliBatch } from "./batch-calls.ts";
import { CallPlanner, type GatewayRouteDecision } from "./call-planner.ts";
import { gatewayCapabilities } from "./gateway-capabilities.ts";
import type { GatewayCore } from "./gateway-core.ts";
import { assertHooks, type GatewayHooks } from "./gateway-hooks.ts";
import { type CooldownOptions, ProviderHealth } from "./provider-health.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import { assertTimeout, DEFAULT_TIMEOUTS, type FallbackTarget } from "./reliability-options.ts";
import { type RetryOptions, resolveRetry } from "./retry-policy.ts";
import { RoutedChatStream } from "./routed-chat-stream.ts";
import { RoutedGenerationStream } from "./routed-generation-stream.ts";
import type { KnownProvider } from "./router.ts";
import { classifyStance } from "./stance.ts";
import { chat, classifyZeroShot, countTokens, embed, generate, inferNli } from "./unary-calls.ts";

/** Options of the composed gateway (set through the builder). */
export interface GatewaySettings {
  /** Default overall deadline per call, in ms (default 120,000; 0 disables). */
  timeout?: number;
  /** Default attempt timeout, in ms (default 60,000; 0 disables). See `TimeoutOptions`. */
  attemptTimeout?: number;
  /** Default idle timeout between stream events, in ms (default 30,000; 0 disables). */
  idleTimeout?: number;
  /** Retry settings (default `DEFAULT_RETRY`); `false`: one attempt per target. */
  retry?: RetryOptions | false;
  /** Fallback targets per capability, tried in order when a call fails before delivering anything. */
  fallbacks?: Partial<Record<Capability, readonly FallbackTarget[]>>;
  /** Cool-down of failing providers (default `DEFAULT_COOLDOWN`); `false` disables. */
  cooldown?: CooldownOptions | false;
  /** Observability hooks. */
  hooks?: GatewayHooks;
  /** Turn warnings into `invalid_input` before anything is sent, unless a call says otherwise (default false). */
  strict?: boolean;
  /**
   * Providers that could be registered (the builder passes the catalog's):
   * a `provider:` prefix naming one that is not registered is a miss with
   * a hint, instead of part of the model name.
   */
  knownProviders?: readonly KnownProvider[];
}

/** Default overall deadline per call: 120 s, as in the original design. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUTS.total;

/**
 * A {@link ModelGateway} composed of v1 providers. Build one with
 * `Ratatoskr.builder()`.
 */
export class Gateway implements ModelGateway {
  readonly #registry: ProviderRegistry;
  readonly #core: GatewayCore;

  constructor(registry: ProviderRegistry, settings: GatewaySettings = {}) {
    for (const name of ["timeout", "attemptTimeout", "idleTimeout"] as const) {
      if (settings[name] !== undefined) assertTimeout(name, settings[name]);
    }
    if (settings.hooks !== undefined) assertHooks(settings.hooks);
    let callIds = 0;
    this.#registry = registry;
    this.#core = {
      registry,
      planner: new CallPlanner(registry, settings.fallbacks ?? {}, settings.knownProviders ?? []),
      policy: {
        retry: resolveRetry(settings.retry),
        attemptTimeout: settings.attemptTimeout ?? DEFAULT_TIMEOUTS.attempt,
        idleTimeout: settings.idleTimeout ?? DEFAULT_TIMEOUTS.idle,
      },
      health: new ProviderHealth(settings.cooldown ?? {}),
      hooks: settings.hooks,
      timeout: settings.timeout ?? DEFAULT_TIMEOUT_MS,
      strict: settings.strict ?? false,
      nextCallId: () => ++callIds,
    };
  }

  /**
   * Where a call for `capability` and `model` would go, and why (the
   * routing hint's reason, an explicit prefix, the first accepting
   * provider); on a miss, which providers were asked and what they said;
   * with the configured fallbacks and the providers cooling down now.
   */
  route(capability: Capability, model: string): GatewayRouteDecision {
    if (!CAPABILITIES.includes(capability)) {
      throw invalidInput(
        `capability must be one of ${CAPABILITIES.join(", ")}; got ${typeof capability === "string" ? `"${capability.slice(0, 40)}"` : typeof capability}`,
        { field: "capability" },
      );
    }
    assertModel(model);
    return this.#core.planner.route(capability, model, this.#core.health);
  }

  /** The registered providers, in priority order. */
  providers(): readonly ProviderV1[] {
    return this.#registry.all().map((registered) => registered.provider);
  }

  /** The merge of every registered provider's capabilities. */
  capabilities(): Capabilities {
    return gatewayCapabilities(this.#registry);
  }

  /** Release every provider's resources. */
  async dispose(): Promise<void> {
    await Promise.all(this.#registry.all().map(({ provider }) => provider.dispose?.()));
  }

  chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse> {
    return chat(this.#core, messages, options);
  }

  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent> {
    return new RoutedChatStream(this.#core, messages, options);
  }

  generate(prompt: string, options: GenerateOptions): Promise<GenerateResponse> {
    return generate(this.#core, prompt, options);
  }

  generateStream(prompt: string, options: GenerateOptions): AsyncIterable<GenerateEvent> {
    return new RoutedGenerationStream(this.#core, prompt, options);
  }

  embed(text: string, model: string, options?: CallOptions): Promise<Embedding> {
    return embed(this.#core, text, model, options);
  }

  embedBatch(texts: readonly string[], model: string, options?: CallOptions): Promise<Embedding[]> {
    return embedBatch(this.#core, texts, model, options);
  }

  inferNli(
    premise: string,
    hypothesis: string,
    model: string,
    options?: CallOptions,
  ): Promise<NliResult> {
    return inferNli(this.#core, premise, hypothesis, model, options);
  }

  inferNliBatch(
    pairs: readonly NliPair[],
    model: string,
    options?: CallOptions,
  ): Promise<NliResult[]> {
    return inferNliBatch(this.#core, pairs, model, options);
  }

  classifyZeroShot(
    text: string,
    labels: readonly string[],
    model: string,
    options?: ClassifyOptions,
  ): Promise<ClassifyResult> {
    return classifyZeroShot(this.#core, text, labels, model, options);
  }

  classifyStance(
    text: string,
    target: string,
    model: string,
    options?: CallOptions,
  ): Promise<StanceResult> {
    return classifyStance(this.#core, text, target, model, options);
  }

  countTokens(text: string, model: string, options?: CountTokensOptions): Promise<TokenCount> {
    return countTokens(this.#core, text, model, options);
  }

  // The model-intelligence methods below are being built (issue #15).
  tokenize(_text: string, _model: string, _options?: CountTokensOptions): Promise<Tokenization> {
    return Promise.reject(
      new RatatoskrError({ code: "not_implemented", message: "tokenize is not built yet" }),
    );
  }

  fitsContext(
    _messages: readonly Message[],
    _model: string,
    _options?: ContextFitOptions,
  ): Promise<ContextFit> {
    return Promise.reject(
      new RatatoskrError({ code: "not_implemented", message: "fitsContext is not built yet" }),
    );
  }

  listModels(_options?: ListModelsOptions): Promise<ModelListing> {
    return Promise.reject(
      new RatatoskrError({ code: "not_implemented", message: "listModels is not built yet" }),
    );
  }

  modelStatus(_model: string, _options?: ModelInfoCallOptions): Promise<ModelStatus> {
    return Promise.reject(
      new RatatoskrError({ code: "not_implemented", message: "modelStatus is not built yet" }),
    );
  }

  modelMetadata(_model: string): ModelMetadata | undefined {
    return undefined;
  }

  fetchModelMetadata(_model: string, _options?: ModelInfoCallOptions): Promise<ModelMetadata> {
    return Promise.reject(
      new RatatoskrError({
        code: "not_implemented",
        message: "fetchModelMetadata is not built yet",
      }),
    );
  }
}
