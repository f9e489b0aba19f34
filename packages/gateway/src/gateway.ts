/**
 * The composed gateway: validates input, routes each call to a provider,
 * gives the provider a signal tied to the caller's signal and the deadline,
 * and returns typed results and errors.
 */
import {
  assertLabels,
  assertMessages,
  assertModel,
  assertNliPairs,
  assertText,
  assertTexts,
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
  type Message,
  type ModelGateway,
  type NliPair,
  type NliResult,
  type ProviderPlugin,
  RatatoskrError,
  type TokenCount,
  withPartial,
} from "@ratatoskr/core";
import { CallScope } from "./call-scope.ts";
import type { ProviderRegistry } from "./provider-registry.ts";
import { RoutedChatStream, RoutedStream, type StreamCandidate } from "./routed-chat-stream.ts";
import {
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
  /** Routing preferences (default {@link DEFAULT_ROUTING_RULES}). */
  rules?: readonly RoutingRule[];
}

/** Default overall deadline per call: 120 s, as in the original design. */
export const DEFAULT_TIMEOUT_MS = 120_000;

const ROUTE_CACHE_LIMIT = 1024;

/**
 * A {@link ModelGateway} composed of provider plugins. Build one with
 * `Ratatoskr.builder()`.
 */
export class Gateway implements ModelGateway {
  readonly #registry: ProviderRegistry;
  readonly #timeout: number;
  readonly #rules: readonly RoutingRule[];
  readonly #routes = new Map<string, RouteDecision>();

  constructor(registry: ProviderRegistry, settings: GatewaySettings = {}) {
    this.#registry = registry;
    this.#timeout = settings.timeout ?? DEFAULT_TIMEOUT_MS;
    this.#rules = settings.rules ?? DEFAULT_ROUTING_RULES;
  }

  /**
   * Where a call for `capability` and `model` would go, and why; on a miss,
   * which providers were asked and what they said.
   */
  route(capability: Capability, model: string): RouteDecision {
    const key = `${capability}\u0000${model}`;
    const cached = this.#routes.get(key);
    if (cached !== undefined) return cached;
    const decision = routeModel(this.#registry, capability, model, this.#rules);
    if (this.#routes.size >= ROUTE_CACHE_LIMIT) this.#routes.clear();
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
    const decision = this.route(capability, model);
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

  /** Run a unary call on the first candidate that does not decline the model. */
  async #unary<T>(
    capability: Capability,
    model: string,
    options: CallOptions | undefined,
    invoke: (plugin: ProviderPlugin, providerModel: string, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { plugins, providerModel } = this.#plugins(capability, model);
    const scope = new CallScope(options?.signal, options?.timeout ?? this.#timeout);
    try {
      let lastDecline: unknown;
      for (const plugin of plugins) {
        try {
          return await scope.race(invoke(plugin, providerModel, scope.signal));
        } catch (error) {
          if (RatatoskrError.isInstance(error, "model_not_available") && !scope.signal.aborted) {
            lastDecline = error;
            continue;
          }
          throw normalizeError(error, plugin.id, scope.signal);
        }
      }
      throw lastDecline;
    } finally {
      scope.dispose();
    }
  }

  async chat(messages: readonly Message[], options: ChatOptions): Promise<ChatResponse> {
    assertMessages(messages);
    assertModel(options?.model);
    return this.#unary("chat", options.model, options, async (plugin, model, signal) => {
      const providerOptions = { ...options, model, signal };
      const response = plugin.chat
        ? await plugin.chat(messages, providerOptions)
        : await collectChatStream(plugin.chatStream!(messages, providerOptions), signal);
      return { ...response, provider: plugin.id };
    });
  }

  chatStream(messages: readonly Message[], options: ChatOptions): AsyncIterable<ChatEvent> {
    const scope = new CallScope(options?.signal, options?.timeout ?? this.#timeout);
    return new RoutedChatStream(() => {
      assertMessages(messages);
      assertModel(options?.model);
      const { plugins, providerModel } = this.#plugins("chat", options.model);
      return plugins.map(
        (plugin): StreamCandidate<ChatEvent> => ({
          provider: plugin.id,
          start: (signal) => {
            const providerOptions = { ...options, model: providerModel, signal };
            if (plugin.chatStream) return plugin.chatStream(messages, providerOptions);
            return chatResponseToEvents(plugin.chat!(messages, providerOptions));
          },
        }),
      );
    }, scope);
  }

  async generate(prompt: string, options: GenerateOptions): Promise<GenerateResponse> {
    assertText(prompt, "prompt");
    assertModel(options?.model);
    return this.#unary("generate", options.model, options, async (plugin, model, signal) => {
      const providerOptions = { ...options, model, signal };
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
    });
  }

  generateStream(prompt: string, options: GenerateOptions): AsyncIterable<GenerateEvent> {
    const scope = new CallScope(options?.signal, options?.timeout ?? this.#timeout);
    return new RoutedGenerateStream(() => {
      assertText(prompt, "prompt");
      assertModel(options?.model);
      const { plugins, providerModel } = this.#plugins("generate", options.model);
      return plugins.map((plugin) => ({
        provider: plugin.id,
        start: (signal: AbortSignal) => {
          const providerOptions = { ...options, model: providerModel, signal };
          if (plugin.generateStream) return plugin.generateStream(prompt, providerOptions);
          return generateResponseToEvents(plugin.generate!(prompt, providerOptions));
        },
      }));
    }, scope);
  }

  async embed(text: string, model: string, options?: CallOptions): Promise<Embedding> {
    assertText(text, "text");
    assertModel(model);
    return this.#unary("embed", model, options, async (plugin, providerModel, signal) => {
      const callOptions = { ...options, signal };
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
    return this.#unary("embed", model, options, async (plugin, providerModel, signal) => {
      const callOptions = { ...options, signal };
      let embeddings: Embedding[];
      if (plugin.embedBatch) {
        embeddings = await plugin.embedBatch(texts, providerModel, callOptions);
      } else {
        embeddings = [];
        for (const text of texts)
          embeddings.push(await plugin.embed!(text, providerModel, callOptions));
      }
      checkCount(embeddings, texts.length, plugin.id, "embedBatch");
      const dimensions = embeddings[0]?.dimensions;
      for (const embedding of embeddings) {
        checkEmbedding(embedding, plugin.id);
        if (embedding.dimensions !== dimensions) {
          throw dataError(
            plugin.id,
            `embeddings of one batch must share dimensions; got ${dimensions} and ${embedding.dimensions}`,
          );
        }
      }
      return embeddings;
    });
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
    return this.#unary("nli", model, options, async (plugin, providerModel, signal) => {
      const callOptions = { ...options, signal };
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
    return this.#unary("nli", model, options, async (plugin, providerModel, signal) => {
      const callOptions = { ...options, signal };
      if (plugin.inferNliBatch) {
        return checkCount(
          await plugin.inferNliBatch(pairs, providerModel, callOptions),
          pairs.length,
          plugin.id,
          "inferNliBatch",
        );
      }
      const results: NliResult[] = [];
      for (const pair of pairs)
        results.push(
          await plugin.inferNli!(pair.premise, pair.hypothesis, providerModel, callOptions),
        );
      return results;
    });
  }

  async classifyZeroShot(
    text: string,
    labels: readonly string[],
    model: string,
    options?: ClassifyOptions,
  ): Promise<ClassifyResult> {
    assertText(text, "text");
    assertLabels(labels);
    assertModel(model);
    if (options?.hypothesisTemplate !== undefined) {
      assertText(options.hypothesisTemplate, "hypothesisTemplate");
    }
    return this.#unary("classify", model, options, (plugin, providerModel, signal) =>
      plugin.classifyZeroShot!(text, labels, providerModel, { ...options, signal }),
    );
  }

  async countTokens(
    text: string,
    model: string,
    options?: CountTokensOptions,
  ): Promise<TokenCount> {
    assertText(text, "text", { allowEmpty: true });
    assertModel(model);
    return this.#unary("countTokens", model, options, (plugin, providerModel, signal) =>
      plugin.countTokens!(text, providerModel, { ...options, signal }),
    );
  }
}

/** The generation stream returned by `gateway.generateStream()`. */
class RoutedGenerateStream extends RoutedStream<GenerateEvent> {
  #text = "";

  protected observe(event: GenerateEvent): void {
    if (event.type === "text") this.#text += event.text;
  }

  protected decorate(error: unknown, signal: AbortSignal): RatatoskrError {
    const partial = { content: this.#text };
    if (
      signal.aborted &&
      (error === undefined || !RatatoskrError.isInstance(error) || error.code === "aborted")
    ) {
      return withPartial(signal.reason instanceof Error ? signal.reason : error, partial, signal);
    }
    return withPartial(error, partial, signal);
  }

  protected stamp(event: GenerateEvent, provider: string): GenerateEvent {
    return { ...event, provider } as GenerateEvent;
  }
}

function normalizeError(error: unknown, provider: string, signal: AbortSignal): RatatoskrError {
  if (signal.aborted && (!RatatoskrError.isInstance(error) || error.code === "aborted")) {
    const reason: unknown = signal.reason;
    if (RatatoskrError.isInstance(reason)) return reason;
  }
  if (RatatoskrError.isInstance(error)) return error;
  if (signal.aborted) return withPartial(error, { content: "" }, signal);
  return new RatatoskrError({
    code: "provider",
    message: `Provider "${provider}" failed: ${error instanceof Error ? error.message : String(error)}`,
    provider,
    cause: error,
  });
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
