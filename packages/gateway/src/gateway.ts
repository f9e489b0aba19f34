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
  type ProviderBudgetStore,
  type ProviderV1,
  type SharedProviderState,
  type StanceResult,
  type TokenCount,
  type Tokenization,
} from "@ratatoskr/core";
import type { ModelRegistry, PresetResolution } from "@ratatoskr/models";
import { embedBatch, inferNliBatch } from "./batch-calls.ts";
import { type CacheOptions, resolveCacheOptions } from "./cache-options.ts";
import { CallPlanner, type GatewayRouteDecision } from "./call-planner.ts";
import { type ChatObjectOptions, chatObject, chatObjectStream } from "./chat-object.ts";
import { gatewayCapabilities } from "./gateway-capabilities.ts";
import type { GatewayCore } from "./gateway-core.ts";
import { assertHooks, type GatewayHooks } from "./gateway-hooks.ts";
import {
  fetchModelMetadata,
  fitsContext,
  listModels,
  modelStatus,
  tokenize,
} from "./model-calls.ts";
import { ModelKnowledge, type ModelKnowledgeSettings } from "./model-knowledge.ts";
import {
  ProviderBudgets,
  type ProviderLimitsMap,
  resolveProviderLimits,
} from "./provider-budgets.ts";
import { type CooldownOptions, type ProviderCooldown, ProviderHealth } from "./provider-health.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import { assertTimeout, DEFAULT_TIMEOUTS, type FallbackTarget } from "./reliability-options.ts";
import { ResponseCache } from "./response-cache.ts";
import { type RetryOptions, resolveRetry } from "./retry-policy.ts";
import { RoutedChatStream } from "./routed-chat-stream.ts";
import { RoutedGenerationStream } from "./routed-generation-stream.ts";
import type { KnownProvider } from "./router.ts";
import { linkSharedState, type SharedHealthLink } from "./shared-health.ts";
import { classifyStance } from "./stance.ts";
import type { StandardSchemaV1 } from "./standard-schema.ts";
import { chat, classifyZeroShot, countTokens, embed, generate, inferNli } from "./unary-calls.ts";

/** Options of the composed gateway (set through the builder). */
export interface GatewaySettings extends ModelKnowledgeSettings {
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
  /**
   * Provider cool-downs shared with the other gateway instances (see
   * `SharedProviderState`): this gateway publishes its cool-downs and
   * recoveries and applies theirs.
   */
  sharedState?: SharedProviderState;
  /**
   * Per-provider budgets (builder `.providerLimits()`): most requests in
   * flight and most requests started per minute, by provider id.
   */
  providerLimits?: ProviderLimitsMap;
  /**
   * Where the budgets are kept (builder `.budgetStore()`); absent: in this
   * gateway's memory. `budgetStoreTimeoutMs` bounds one `acquire` (default 1,000).
   */
  budgetStore?: ProviderBudgetStore;
  /** How long one `acquire` of `budgetStore` may take, in ms, before the attempt uses the in-memory budget (default 1,000). */
  budgetStoreTimeoutMs?: number;
  /** Observability hooks. */
  hooks?: GatewayHooks;
  /** Turn warnings into `invalid_input` before anything is sent, unless a call says otherwise (default false). */
  strict?: boolean;
  /** The response cache (see `docs/cache.md`); absent or `false`: none. */
  cache?: CacheOptions | false;
  /** Run by `dispose()` after the providers are released, in order (builder `.onDispose()`). */
  onDispose?: readonly (() => unknown)[];
  /**
   * Providers that could be registered (the builder passes the catalog's):
   * a `provider:` prefix naming one that is not registered is a miss with
   * a hint, instead of part of the model name.
   */
  knownProviders?: readonly KnownProvider[];
}

/** The link of each gateway built with a shared state (the builder awaits its snapshot). */
const sharedLinks = new WeakMap<Gateway, SharedHealthLink>();

/**
 * Settles once the gateway has applied the cool-downs its shared state
 * reported at start (at once without a shared state). Never rejects.
 */
export function sharedStateLoaded(gateway: Gateway): Promise<void> {
  return sharedLinks.get(gateway)?.ready ?? Promise.resolve();
}

/** The gateway's budgets, or undefined when no provider has limits (calls then pay nothing). */
function budgetsOf(
  registry: ProviderRegistry,
  settings: GatewaySettings,
): ProviderBudgets | undefined {
  if (settings.providerLimits === undefined) return undefined;
  const limits = resolveProviderLimits(settings.providerLimits);
  if (Object.keys(limits).length === 0) return undefined;
  return new ProviderBudgets(
    limits,
    registry.all().map((provider) => provider.id),
    settings.budgetStore,
    settings.budgetStoreTimeoutMs,
  );
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
  readonly #onDispose: readonly (() => unknown)[];

  constructor(registry: ProviderRegistry, settings: GatewaySettings = {}) {
    for (const name of ["timeout", "attemptTimeout", "idleTimeout"] as const) {
      if (settings[name] !== undefined) assertTimeout(name, settings[name]);
    }
    if (settings.hooks !== undefined) assertHooks(settings.hooks);
    let callIds = 0;
    this.#registry = registry;
    this.#onDispose = [...(settings.onDispose ?? [])];
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
      cache:
        settings.cache === undefined || settings.cache === false
          ? undefined
          : new ResponseCache(resolveCacheOptions(settings.cache)),
      budgets: budgetsOf(registry, settings),
      knowledge: new ModelKnowledge(settings),
      nextCallId: () => ++callIds,
    };
    if (settings.sharedState !== undefined) {
      sharedLinks.set(this, linkSharedState(this.#core.health, settings.sharedState));
    }
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
    const preset = this.#core.knowledge.presetOf(model);
    if (preset === undefined) return this.#core.planner.route(capability, model, this.#core.health);
    const decision = this.#core.planner.route(capability, preset.model, this.#core.health);
    const parameters = Object.entries(preset.parameters ?? {})
      .map(([name, value]) => `${name} ${JSON.stringify(value)}`)
      .join(", ");
    return {
      ...decision,
      preset,
      explanation: `${preset.uri} is ${preset.source === "user" ? "your" : "the registry's"} preset for "${preset.model}"${parameters === "" ? "" : ` (defaults: ${parameters}; your settings win)`}; ${decision.explanation}`,
    };
  }

  /** The registered providers, in priority order. */
  providers(): readonly ProviderV1[] {
    return this.#registry.all().map((registered) => registered.provider);
  }

  /**
   * The providers cooling down now after consecutive failures, in
   * registration order: calls try them last until `until` (see the
   * builder's `cooldown()`).
   */
  cooldowns(): ProviderCooldown[] {
    const cooling: ProviderCooldown[] = [];
    if (!this.#core.health.tracking) return cooling;
    for (const { id } of this.#registry.all()) {
      const cooldown = this.#core.health.cooldown(id);
      if (cooldown !== undefined) cooling.push(cooldown);
    }
    return cooling;
  }

  /** The merge of every registered provider's capabilities. */
  capabilities(): Capabilities {
    return gatewayCapabilities(this.#registry);
  }

  /**
   * Release every provider's resources, stop publishing to and listening on
   * the shared state (which stays open: it is yours to close), then run the
   * builder's `.onDispose()` functions in order (each runs even when an
   * earlier one failed; the first failure is rethrown at the end).
   */
  async dispose(): Promise<void> {
    sharedLinks.get(this)?.disconnect();
    await Promise.all(this.#registry.all().map(({ provider }) => provider.dispose?.()));
    let failure: { error: unknown } | undefined;
    for (const release of this.#onDispose) {
      try {
        await release();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
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

  tokenize(text: string, model: string, options?: CountTokensOptions): Promise<Tokenization> {
    return tokenize(this.#core, text, model, options);
  }

  fitsContext(
    messages: readonly Message[],
    model: string,
    options?: ContextFitOptions,
  ): Promise<ContextFit> {
    return fitsContext(this.#core, messages, model, options);
  }

  listModels(options?: ListModelsOptions): Promise<ModelListing> {
    return listModels(this.#core, options);
  }

  modelStatus(model: string, options?: ModelInfoCallOptions): Promise<ModelStatus> {
    return modelStatus(this.#core, model, options);
  }

  modelMetadata(model: string): ModelMetadata | undefined {
    return this.#core.knowledge.metadata(model);
  }

  fetchModelMetadata(model: string, options?: ModelInfoCallOptions): Promise<ModelMetadata> {
    return fetchModelMetadata(this.#core, model, options);
  }

  /**
   * One chat turn whose answer is an object: `options.schema` (any Standard
   * Schema: zod, valibot, arktype, …) is sent as the response format in
   * each provider's dialect, and the answer parsed and validated. See
   * `chatObject()` for the errors.
   */
  chatObject<S extends StandardSchemaV1>(
    messages: readonly Message[],
    options: ChatObjectOptions<S>,
  ): ReturnType<typeof chatObject<S>> {
    return chatObject(this, messages, options);
  }

  /** {@link chatObject} streamed: partial objects as the answer arrives, then the validated object. */
  chatObjectStream<S extends StandardSchemaV1>(
    messages: readonly Message[],
    options: ChatObjectOptions<S>,
  ): ReturnType<typeof chatObjectStream<S>> {
    return chatObjectStream(this, messages, options);
  }

  /**
   * Resolve a `ratatoskr:<tier>/<capability>` preset string: the model and
   * default parameters it stands for (your presets over the registry's).
   * Throws `invalid_input` for a malformed or unknown preset.
   */
  resolvePreset(uri: string): PresetResolution {
    return this.#core.knowledge.resolvePreset(uri);
  }

  /** Every preset: your presets over the registry's, standard tiers first. */
  listPresets(): PresetResolution[] {
    return this.#core.knowledge.listPresets();
  }

  /** The model registry this gateway reads (the shipped one unless the builder was given another). */
  get registry(): ModelRegistry {
    return this.#core.knowledge.registry;
  }
}
