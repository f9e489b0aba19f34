/**
 * The composed gateway: validates input, routes each call to a provider,
 * gives the provider a signal tied to the caller's signal and the deadline,
 * and returns typed results and errors.
 */
import {
  assertCallOptions,
  assertChatRequest,
  assertClassifyOptions,
  assertFallbackTargets,
  assertGenerateOptions,
  assertLabels,
  assertModel,
  assertNliPairs,
  assertText,
  assertTexts,
  CAPABILITIES,
  type CallOptions,
  type Capabilities,
  Capabilities as CapabilitiesHelpers,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type ClassifyOptions,
  type ClassifyResult,
  type CountTokensOptions,
  collectChatStream,
  type Embedding,
  type GenerateEvent,
  type GenerateOptions,
  type GenerateResponse,
  invalidInput,
  type Message,
  type ModelGateway,
  type NliPair,
  type NliResult,
  type PartialOutput,
  type ProviderPlugin,
  RatatoskrError,
  type TokenCount,
  type Usage,
} from "@ratatoskr/core";
import { asConfiguration } from "./as-configuration.ts";
import {
  type CallContext,
  type CallTarget,
  type ReliabilityPolicy,
  runAttempts,
} from "./call-runner.ts";
import { CallScope } from "./call-scope.ts";
import { chunkConcurrency, chunkSize, runChunkedBatch } from "./chunked-batch-runner.ts";
import { assertHooks, emitHook, type GatewayHooks, summarizeError } from "./gateway-hooks.ts";
import { type CooldownOptions, type ProviderCooldown, ProviderHealth } from "./provider-health.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import {
  assertTimeout,
  DEFAULT_TIMEOUTS,
  type FallbackTarget,
  type GatewayCallOptions,
  type ReliabilityCallOptions,
} from "./reliability-options.ts";
import { mergeRetry, type RetryOptions, resolveRetry } from "./retry-policy.ts";
import { callTargetsBytes, RouteCache, routeDecisionBytes } from "./route-cache.ts";
import { RoutedChatStream, RoutedStream, type StreamPlan } from "./routed-chat-stream.ts";
import {
  assertRoutingRules,
  DEFAULT_ROUTING_RULES,
  type RouteDecision,
  type RoutingRule,
  routeModel,
} from "./router.ts";
import { chatResponseToEvents, generateResponseToEvents } from "./synthesized-streams.ts";

/** Options of the composed gateway (set through the builder). */
export interface GatewaySettings {
  /** Default overall deadline per call, in ms (default 120,000; 0 disables). */
  timeout?: number;
  /** Default attempt timeout, in ms (default 60,000; 0 disables). See {@link TimeoutOptions}. */
  attemptTimeout?: number;
  /** Default idle timeout between stream events, in ms (default 30,000; 0 disables). */
  idleTimeout?: number;
  /** Routing preferences (default {@link DEFAULT_ROUTING_RULES}). */
  rules?: readonly RoutingRule[];
  /** Retry settings (default {@link DEFAULT_RETRY}); `false`: one attempt per target. */
  retry?: RetryOptions | false;
  /** Fallback targets per capability, tried in order when a call fails before delivering anything. */
  fallbacks?: Partial<Record<Capability, readonly FallbackTarget[]>>;
  /** Cool-down of failing providers (default {@link DEFAULT_COOLDOWN}); `false` disables. */
  cooldown?: CooldownOptions | false;
  /** Observability hooks. */
  hooks?: GatewayHooks;
}

/** Default overall deadline per call: 120 s, as in the original design. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUTS.total;

/** A routing decision plus the gateway's live state: fallbacks and cool-downs. */
export interface GatewayRouteDecision extends RouteDecision {
  /** The configured fallback targets for the capability, in order. */
  fallbacks?: readonly FallbackTarget[];
  /** Providers of this route that are cooling down now (tried last until `until`). */
  cooldowns?: ProviderCooldown[];
}

/** Most entries of each route cache (decisions; target lists). */
const ROUTE_CACHE_ENTRIES = 1024;
/**
 * Most estimated bytes of each route cache: with model strings capped at
 * core's `MAX_MODEL_LENGTH`, a cache holds at least a few hundred of the
 * longest names and all 1,024 entries of ordinary ones.
 */
const ROUTE_CACHE_BYTES = 4 * 1024 * 1024;

/** The per-attempt options the gateway hands a provider on top of the caller's. */
interface ProviderCallOptions {
  signal: AbortSignal;
  timeout?: number;
}

/**
 * A {@link ModelGateway} composed of provider plugins. Build one with
 * `Ratatoskr.builder()`.
 */
export class Gateway implements ModelGateway {
  readonly #registry: ProviderRegistry;
  readonly #timeout: number;
  readonly #rules: readonly RoutingRule[];
  readonly #routes = new RouteCache<RouteDecision>({
    maxEntries: ROUTE_CACHE_ENTRIES,
    maxBytes: ROUTE_CACHE_BYTES,
    sizeOf: routeDecisionBytes,
  });
  readonly #targetCache = new RouteCache<readonly CallTarget[]>({
    maxEntries: ROUTE_CACHE_ENTRIES,
    maxBytes: ROUTE_CACHE_BYTES,
    sizeOf: callTargetsBytes,
  });
  readonly #policy: ReliabilityPolicy;
  readonly #fallbacks: Partial<Record<Capability, readonly FallbackTarget[]>>;
  readonly #health: ProviderHealth;
  readonly #hooks: GatewayHooks | undefined;
  #callIds = 0;

  constructor(registry: ProviderRegistry, settings: GatewaySettings = {}) {
    for (const name of ["timeout", "attemptTimeout", "idleTimeout"] as const) {
      if (settings[name] !== undefined) assertTimeout(name, settings[name]);
    }
    if (settings.hooks !== undefined) assertHooks(settings.hooks);
    if (settings.rules !== undefined) assertRoutingRules(settings.rules);
    this.#registry = registry;
    this.#timeout = settings.timeout ?? DEFAULT_TIMEOUT_MS;
    this.#rules = settings.rules ?? DEFAULT_ROUTING_RULES;
    this.#policy = {
      retry: resolveRetry(settings.retry),
      attemptTimeout: settings.attemptTimeout ?? DEFAULT_TIMEOUTS.attempt,
      idleTimeout: settings.idleTimeout ?? DEFAULT_TIMEOUTS.idle,
    };
    this.#fallbacks = settings.fallbacks ?? {};
    this.#health = new ProviderHealth(settings.cooldown ?? {});
    this.#hooks = settings.hooks;
    for (const [capability, targets] of Object.entries(this.#fallbacks)) {
      if (!CAPABILITIES.includes(capability as Capability)) {
        throw new RatatoskrError({
          code: "configuration",
          message: `fallbacks.${capability} names no capability; the capabilities are ${CAPABILITIES.join(", ")}`,
        });
      }
      asConfiguration(() => assertFallbackTargets(targets, `fallbacks.${capability}`));
      for (const target of targets ?? []) this.#fallbackRoute(capability as Capability, target);
    }
  }

  /**
   * The route of a fallback target. Its `provider:` prefix must name a
   * registered provider (a target is never re-read as a bare model name,
   * which could route back to the failing primary), and that provider must
   * serve it. A bad configured target is a `configuration` error; a bad
   * per-call one (`field` set) is `invalid_input`.
   */
  #fallbackRoute(capability: Capability, target: FallbackTarget, field?: string): RouteDecision {
    const colon = target.indexOf(":");
    const prefix = colon > 0 ? target.slice(0, colon) : target;
    let problem: string | undefined;
    let decision: RouteDecision | undefined;
    if (this.#registry.get(prefix) === undefined) {
      problem = `names provider "${prefix}", which is not registered (registered: ${
        this.#registry
          .all()
          .map((plugin) => plugin.id)
          .join(", ") || "none"
      })`;
    } else {
      decision = this.#route(capability, target);
      if (decision.providers.length > 0) return decision;
      problem = `is not served by any registered provider: ${decision.explanation}`;
    }
    if (field !== undefined) {
      throw invalidInput(`${field} ("${target}") ${problem}`, { field });
    }
    throw new RatatoskrError({
      code: "configuration",
      message: `Fallback "${target}" for ${capability} ${problem}`,
      ...(decision === undefined ? {} : { details: { route: decision } }),
    });
  }

  /**
   * Where a call for `capability` and `model` would go, and why; on a miss,
   * which providers were asked and what they said.
   */
  route(capability: Capability, model: string): GatewayRouteDecision {
    if (!CAPABILITIES.includes(capability)) {
      throw invalidInput(
        `capability must be one of ${CAPABILITIES.join(", ")}; got ${typeof capability === "string" ? `"${capability.slice(0, 40)}"` : typeof capability}`,
        { field: "capability" },
      );
    }
    assertModel(model);
    const decision = this.#route(capability, model);
    const fallbacks = this.#fallbacks[capability];
    const cooldowns: ProviderCooldown[] = [];
    if (this.#health.tracking) {
      for (const provider of decision.providers) {
        const cooldown = this.#health.cooldown(provider);
        if (cooldown !== undefined) cooldowns.push(cooldown);
      }
    }
    if ((fallbacks === undefined || fallbacks.length === 0) && cooldowns.length === 0) {
      return decision;
    }
    const result: GatewayRouteDecision = { ...decision };
    if (fallbacks !== undefined && fallbacks.length > 0) {
      result.fallbacks = fallbacks;
      result.explanation += `; fallbacks: ${fallbacks.join(", ")}`;
    }
    if (cooldowns.length > 0) {
      const cooling = new Set(cooldowns.map((cooldown) => cooldown.provider));
      result.cooldowns = cooldowns;
      result.providers = [
        ...decision.providers.filter((provider) => !cooling.has(provider)),
        ...decision.providers.filter((provider) => cooling.has(provider)),
      ];
      result.explanation += `; cooling down (tried last): ${cooldowns
        .map(
          (cooldown) =>
            `${cooldown.provider} for ${Math.max(0, Math.ceil((cooldown.until - Date.now()) / 1000))} s after ${cooldown.failures} failures (last: ${cooldown.lastError})`,
        )
        .join(", ")}`;
    }
    return result;
  }

  #route(capability: Capability, model: string): RouteDecision {
    const key = `${capability}\u0000${model}`;
    const cached = this.#routes.get(key);
    if (cached !== undefined) return cached;
    const decision = routeModel(this.#registry, capability, model, this.#rules);
    this.#routes.set(key, decision);
    return decision;
  }

  /** The registered providers, in priority order. */
  providers(): readonly ProviderPlugin[] {
    return this.#registry.all();
  }

  /** The merge of every registered provider's capabilities. */
  capabilities(): Capabilities {
    return CapabilitiesHelpers.merge(
      ...this.#registry.all().map((plugin) =>
        CapabilitiesHelpers.fromCapabilities(plugin.capabilities, plugin.id, {
          ...(plugin.toolUse === undefined ? {} : { toolUse: plugin.toolUse }),
          ...(plugin.localInference === undefined ? {} : { localInference: plugin.localInference }),
        }),
      ),
    );
  }

  /** Release every provider's resources. */
  async dispose(): Promise<void> {
    await Promise.all(this.#registry.all().map((plugin) => plugin.dispose?.()));
  }

  #plugins(
    capability: Capability,
    model: string,
  ): { plugins: ProviderPlugin[]; providerModel: string } {
    const decision = this.#route(capability, model);
    if (decision.providers.length === 0) {
      throw new RatatoskrError({
        code:
          this.#registry.forCapability(capability).length === 0 ? "not_implemented" : "no_provider",
        message:
          this.#registry.forCapability(capability).length === 0
            ? `No registered provider offers ${capability} (registered: ${
                this.#registry
                  .all()
                  .map((plugin) => plugin.id)
                  .join(", ") || "none"
              }); ${decision.explanation}`
            : `No provider for ${capability} with model "${model}": ${decision.explanation}`,
        model,
        details: { route: decision },
      });
    }
    return {
      plugins: decision.providers.map((id) => this.#registry.get(id)!),
      providerModel: decision.providerModel,
    };
  }

  /**
   * The policy of one call: the gateway's, unless the call overrides part of
   * it (options already validated: core's `assertCallOptions`).
   */
  #policyFor(options: GatewayCallOptions | undefined): ReliabilityPolicy {
    if (options === undefined) return this.#policy;
    if (
      options.retry === undefined &&
      options.attemptTimeout === undefined &&
      options.idleTimeout === undefined
    ) {
      return this.#policy;
    }
    return {
      retry: mergeRetry(options.retry, this.#policy.retry),
      attemptTimeout: options.attemptTimeout ?? this.#policy.attemptTimeout,
      idleTimeout: options.idleTimeout ?? this.#policy.idleTimeout,
    };
  }

  /**
   * The targets of a call: the route's providers (group 0; the next one is
   * tried only when one declines the model), then each fallback's.
   */
  #targets(
    capability: Capability,
    model: string,
    options: ReliabilityCallOptions | undefined,
  ): readonly CallTarget[] {
    const perCall = options?.fallbacks;
    if (perCall === undefined) {
      const key = `${capability}\u0000${model}`;
      const cached = this.#targetCache.get(key);
      if (cached !== undefined) return cached;
      const targets = this.#buildTargets(capability, model, this.#fallbacks[capability] ?? []);
      this.#targetCache.set(key, targets);
      return targets;
    }
    return this.#buildTargets(capability, model, perCall === false ? [] : perCall, true);
  }

  /**
   * The route's providers (group 0), then each fallback's (group 1…). A
   * target may appear twice (a fallback naming a provider of the route);
   * the attempt loop never tries one that already failed.
   */
  #buildTargets(
    capability: Capability,
    model: string,
    fallbacks: readonly FallbackTarget[],
    perCall = false,
  ): CallTarget[] {
    const { plugins, providerModel } = this.#plugins(capability, model);
    const targets: CallTarget[] = plugins.map((plugin) => ({ plugin, providerModel, group: 0 }));
    for (const [index, fallback] of fallbacks.entries()) {
      const decision = this.#fallbackRoute(
        capability,
        fallback,
        perCall ? `options.fallbacks[${index}]` : undefined,
      );
      for (const id of decision.providers) {
        const plugin = this.#registry.get(id)!;
        targets.push({ plugin, providerModel: decision.providerModel, group: index + 1 });
      }
    }
    return targets;
  }

  #context(
    capability: Capability,
    model: string,
    policy: ReliabilityPolicy,
    stream: boolean,
    scope: CallScope,
  ): CallContext {
    const context: CallContext = {
      callId: ++this.#callIds,
      capability,
      model,
      stream,
      startedAt: performance.now(),
      scope,
      policy,
      hooks: this.#hooks,
      health: this.#health,
      attempts: 0,
    };
    if (this.#hooks?.onRequestStart && !stream) {
      emitHook(this.#hooks, "onRequestStart", {
        callId: context.callId,
        capability,
        model,
        stream,
        timestamp: Date.now(),
      });
    }
    return context;
  }

  /** What the provider gets besides the caller's options: the attempt's signal and request timeout. */
  #callOptions(context: CallContext, signal: AbortSignal): ProviderCallOptions {
    const attempt = context.policy.attemptTimeout;
    const remaining = context.scope.remainingMs();
    const limit = attempt > 0 ? Math.min(attempt, remaining) : remaining;
    return Number.isFinite(limit) ? { signal, timeout: Math.max(1, Math.ceil(limit)) } : { signal };
  }

  /**
   * Run a unary call: each target in turn (retries, fallbacks, cool-downs),
   * raced against the call's deadline and signal.
   */
  async #unary<T>(
    capability: Capability,
    model: string,
    options: GatewayCallOptions | undefined,
    invoke: (
      plugin: ProviderPlugin,
      providerModel: string,
      call: ProviderCallOptions,
    ) => Promise<T>,
    usageOf?: (value: T) => Usage | undefined,
  ): Promise<T> {
    return this.#observed(
      capability,
      model,
      options,
      (context, targets) =>
        // runAttempts turns whatever the provider throws into a RatatoskrError.
        runAttempts(context, targets, (target) =>
          context.scope.race(
            invoke(
              target.plugin,
              target.providerModel,
              this.#callOptions(context, context.scope.signal),
            ),
          ),
        ),
      usageOf,
    );
  }

  /**
   * Run a unary call with `run` (one attempt loop, or a chunked batch),
   * within the call's scope, reporting it to the hooks.
   */
  async #observed<T>(
    capability: Capability,
    model: string,
    options: GatewayCallOptions | undefined,
    run: (
      context: CallContext,
      targets: readonly CallTarget[],
    ) => Promise<{ value: T; target: CallTarget }>,
    usageOf?: (value: T) => Usage | undefined,
  ): Promise<T> {
    // Everything that can throw on bad settings runs before the scope links to the caller's signal.
    const targets = this.#targets(capability, model, options);
    const policy = this.#policyFor(options);
    const scope = new CallScope(options?.signal, options?.timeout ?? this.#timeout);
    const context = this.#context(capability, model, policy, false, scope);
    try {
      const { value, target } = await run(context, targets);
      if (this.#hooks?.onComplete) {
        const usage = usageOf?.(value);
        emitHook(this.#hooks, "onComplete", {
          callId: context.callId,
          capability,
          model,
          stream: false,
          provider: target.plugin.id,
          providerModel: target.providerModel,
          attempts: context.attempts,
          latencyMs: performance.now() - context.startedAt,
          ...(usage === undefined ? {} : { usage }),
        });
      }
      return value;
    } catch (error) {
      if (this.#hooks?.onError) {
        emitHook(this.#hooks, "onError", {
          callId: context.callId,
          capability,
          model,
          stream: false,
          attempts: context.attempts,
          latencyMs: performance.now() - context.startedAt,
          error: summarizeError(error),
          ...(context.lastProvider === undefined ? {} : { provider: context.lastProvider }),
        });
      }
      throw error;
    } finally {
      scope.dispose();
    }
  }

  #streamPlan(
    capability: Capability,
    model: string,
    options: GatewayCallOptions,
    scope: CallScope,
  ): StreamPlan {
    const targets = this.#targets(capability, model, options);
    const policy = this.#policyFor(options);
    return { context: this.#context(capability, model, policy, true, scope), targets };
  }

  async chat(
    messages: readonly Message[],
    options: GatewayCallOptions<ChatOptions>,
  ): Promise<ChatResponse> {
    assertChatRequest(messages, options);
    return this.#unary(
      "chat",
      options.model,
      options,
      async (plugin, model, call) => {
        const providerOptions = { ...options, model, ...call };
        const response = plugin.chat
          ? await plugin.chat(messages, providerOptions)
          : await collectChatStream(plugin.chatStream!(messages, providerOptions), call.signal);
        return { ...response, provider: plugin.id, model: response.model ?? model };
      },
      (response) => response.usage,
    );
  }

  chatStream(
    messages: readonly Message[],
    options: GatewayCallOptions<ChatOptions>,
  ): AsyncIterable<ChatEvent> {
    return new RoutedChatStream(
      (scope) => this.#streamPlan("chat", options.model, options, scope),
      (target, signal, context) => {
        const plugin = target.plugin;
        const providerOptions = {
          ...options,
          model: target.providerModel,
          ...this.#callOptions(context, signal),
        };
        if (plugin.chatStream) return plugin.chatStream(messages, providerOptions);
        return chatResponseToEvents(plugin.chat!(messages, providerOptions));
      },
      () => {
        assertChatRequest(messages, options);
        return new CallScope(options.signal, options.timeout ?? this.#timeout);
      },
    );
  }

  async generate(
    prompt: string,
    options: GatewayCallOptions<GenerateOptions>,
  ): Promise<GenerateResponse> {
    assertText(prompt, "prompt");
    assertGenerateOptions(options);
    return this.#unary(
      "generate",
      options.model,
      options,
      async (plugin, model, call) => {
        const providerOptions = { ...options, model, ...call };
        if (plugin.generate)
          return { ...(await plugin.generate(prompt, providerOptions)), provider: plugin.id };
        let text = "";
        for await (const event of plugin.generateStream!(prompt, providerOptions)) {
          if (event.type === "text") text += event.text;
          if (event.type === "done") {
            return {
              text,
              model: event.model ?? model,
              finishReason: event.finishReason,
              provider: plugin.id,
              ...(event.usage === undefined ? {} : { usage: event.usage }),
            };
          }
        }
        throw new RatatoskrError({
          code: "stream",
          message: `The generation stream from "${plugin.id}" ended without a finish marker`,
          provider: plugin.id,
          partial: { content: text },
        });
      },
      (response) => response.usage,
    );
  }

  generateStream(
    prompt: string,
    options: GatewayCallOptions<GenerateOptions>,
  ): AsyncIterable<GenerateEvent> {
    return new RoutedGenerateStream(
      (scope) => this.#streamPlan("generate", options.model, options, scope),
      (target, signal, context) => {
        const plugin = target.plugin;
        const providerOptions = {
          ...options,
          model: target.providerModel,
          ...this.#callOptions(context, signal),
        };
        if (plugin.generateStream) return plugin.generateStream(prompt, providerOptions);
        return generateResponseToEvents(plugin.generate!(prompt, providerOptions));
      },
      () => {
        assertText(prompt, "prompt");
        assertGenerateOptions(options);
        return new CallScope(options.signal, options.timeout ?? this.#timeout);
      },
    );
  }

  async embed(text: string, model: string, options?: GatewayCallOptions): Promise<Embedding> {
    assertText(text, "text");
    assertModel(model);
    assertCallOptions(options);
    return this.#unary("embed", model, options, async (plugin, providerModel, call) => {
      const callOptions = { ...options, ...call };
      if (plugin.embed)
        return checkEmbedding(await plugin.embed(text, providerModel, callOptions), plugin.id);
      const [embedding] = checkCount(
        await plugin.embedBatch!([text], providerModel, callOptions),
        1,
        plugin.id,
        "embedBatch",
      );
      return checkEmbedding(embedding!, plugin.id);
    });
  }

  async embedBatch(
    texts: readonly string[],
    model: string,
    options?: CallOptions,
  ): Promise<Embedding[]> {
    assertTexts(texts, "texts");
    assertModel(model);
    assertCallOptions(options);
    return this.#observed("embed", model, options, (context, targets) =>
      runChunkedBatch(context, targets, texts, {
        planFor: ({ plugin, providerModel }) => ({
          size: plugin.embedBatch
            ? chunkSize(
                plugin,
                plugin.maxEmbeddingsPerCall?.(providerModel),
                "maxEmbeddingsPerCall",
              )
            : 1,
          concurrency: chunkConcurrency(plugin),
        }),
        attempt: async ({ plugin, providerModel }, chunk, signal) => {
          const callOptions = { ...options, ...this.#callOptions(context, signal) };
          const embeddings = plugin.embedBatch
            ? await plugin.embedBatch(chunk, providerModel, callOptions)
            : [await plugin.embed!(chunk[0]!, providerModel, callOptions)];
          checkCount(embeddings, chunk.length, plugin.id, "embedBatch");
          for (const embedding of embeddings) checkEmbedding(embedding, plugin.id);
          return embeddings;
        },
        check: (embeddings, { plugin }) => {
          const dimensions = embeddings[0]?.dimensions;
          for (const embedding of embeddings) {
            if (embedding.dimensions !== dimensions) {
              throw dataError(
                plugin.id,
                `embeddings of one batch must share dimensions; got ${dimensions} and ${embedding.dimensions}`,
              );
            }
          }
        },
      }),
    );
  }

  async inferNli(
    premise: string,
    hypothesis: string,
    model: string,
    options?: CallOptions,
  ): Promise<NliResult> {
    assertText(premise, "premise");
    assertText(hypothesis, "hypothesis");
    assertModel(model);
    assertCallOptions(options);
    return this.#unary("nli", model, options, async (plugin, providerModel, call) => {
      const callOptions = { ...options, ...call };
      if (plugin.inferNli) return plugin.inferNli(premise, hypothesis, providerModel, callOptions);
      const results = await plugin.inferNliBatch!(
        [{ premise, hypothesis }],
        providerModel,
        callOptions,
      );
      return checkCount(results, 1, plugin.id, "inferNliBatch")[0]!;
    });
  }

  async inferNliBatch(
    pairs: readonly NliPair[],
    model: string,
    options?: CallOptions,
  ): Promise<NliResult[]> {
    assertNliPairs(pairs);
    assertModel(model);
    assertCallOptions(options);
    return this.#observed("nli", model, options, (context, targets) =>
      runChunkedBatch(context, targets, pairs, {
        planFor: ({ plugin, providerModel }) => ({
          size: plugin.inferNliBatch
            ? chunkSize(plugin, plugin.maxNliPairsPerCall?.(providerModel), "maxNliPairsPerCall")
            : 1,
          concurrency: chunkConcurrency(plugin),
        }),
        attempt: async ({ plugin, providerModel }, chunk, signal) => {
          const callOptions = { ...options, ...this.#callOptions(context, signal) };
          if (!plugin.inferNliBatch) {
            const { premise, hypothesis } = chunk[0]!;
            return [await plugin.inferNli!(premise, hypothesis, providerModel, callOptions)];
          }
          return checkCount(
            await plugin.inferNliBatch(chunk, providerModel, callOptions),
            chunk.length,
            plugin.id,
            "inferNliBatch",
          );
        },
      }),
    );
  }

  async classifyZeroShot(
    text: string,
    labels: readonly string[],
    model: string,
    options?: GatewayCallOptions<ClassifyOptions>,
  ): Promise<ClassifyResult> {
    assertText(text, "text");
    assertLabels(labels);
    assertModel(model);
    assertClassifyOptions(options);
    return this.#unary("classify", model, options, (plugin, providerModel, call) =>
      plugin.classifyZeroShot!(text, labels, providerModel, { ...options, ...call }),
    );
  }

  async countTokens(
    text: string,
    model: string,
    options?: GatewayCallOptions<CountTokensOptions>,
  ): Promise<TokenCount> {
    assertText(text, "text", { allowEmpty: true });
    assertModel(model);
    assertCallOptions(options);
    return this.#unary("countTokens", model, options, (plugin, providerModel, call) =>
      plugin.countTokens!(text, providerModel, { ...options, ...call }),
    );
  }
}

/** The generation stream returned by `gateway.generateStream()`. */
class RoutedGenerateStream extends RoutedStream<GenerateEvent> {
  #text = "";
  #usage: Usage | undefined;
  #done = false;

  protected observe(event: GenerateEvent): void {
    if (this.#done) {
      throw new RatatoskrError({
        code: "stream",
        message: `Received a "${event.type}" event after "done"`,
      });
    }
    if (event.type === "text") this.#text += event.text;
    else {
      this.#usage = event.usage ?? this.#usage;
      this.#done = event.type === "done";
    }
  }

  protected partial(): PartialOutput {
    return { content: this.#text };
  }

  protected stamp(event: GenerateEvent, provider: string, model: string): GenerateEvent {
    if (event.type !== "done") return event;
    return { ...event, provider, model: event.model ?? model };
  }

  protected usage(): Usage | undefined {
    return this.#usage;
  }
}

function dataError(provider: string, message: string): RatatoskrError {
  return new RatatoskrError({
    code: "data",
    message: `Provider "${provider}" returned bad data: ${message}`,
    provider,
  });
}

function checkCount<T>(items: T[], expected: number, provider: string, method: string): T[] {
  if (!Array.isArray(items) || items.length !== expected) {
    throw dataError(
      provider,
      `${method} must return ${expected} result(s), got ${Array.isArray(items) ? items.length : typeof items}`,
    );
  }
  return items;
}

function checkEmbedding(embedding: Embedding, provider: string): Embedding {
  if (
    !embedding ||
    !Array.isArray(embedding.values) ||
    embedding.values.length !== embedding.dimensions
  ) {
    throw dataError(provider, "an embedding's values.length must equal its dimensions");
  }
  return embedding;
}
