/**
 * A scripted mock provider for tests, implementing the provider
 * specification v1 (`ProviderV1`): queue answers, streams and errors, fail
 * on cue, and inspect the requests it received. Unscripted calls get
 * deterministic defaults (echo chat, hash embeddings), so it also works as a
 * zero-config provider.
 */
import {
  abortedError,
  type CallRequestV1,
  type Capability,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatStreamPartV1,
  type ChatTokenCountingRequestV1,
  type ClassificationRequestV1,
  type ClassificationResultV1,
  collectChatStreamParts,
  createUsage,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  type GenerationRequestV1,
  type GenerationResultV1,
  type GenerationStreamPartV1,
  type ListModelsRequestV1,
  type Message,
  type ModelSupportV1,
  type NliRequestV1,
  type NliResult,
  type NliResultV1,
  type ProviderDescriptorV1,
  type ProviderV1,
  RatatoskrError,
  type RoutingHintV1,
  type TokenCountingRequestV1,
  type TokenCountingResultV1,
  type TokenizeResultV1,
  type WarningV1,
} from "@ratatoskr/core";
import { createMockModelCatalog, type MockModelCatalogOptions } from "./mock-model-catalog.ts";

/** The mock's methods, by the name `failNext()` and recorded calls use. */
export type MockMethod =
  | "chat"
  | "chatStream"
  | "generate"
  | "generateStream"
  | "embed"
  | "nli"
  | "classify"
  | "countTokens"
  | "tokenize"
  | "countChatTokens";

/** The methods of the mock's model catalog (`provider.models`), recorded in `catalogCalls`. */
export type MockCatalogMethod = "listModels" | "fetchModelMetadata" | "modelStatus";

/** One recorded call of the mock's model catalog. */
export interface MockCatalogCall {
  /** The catalog method called. */
  method: MockCatalogMethod;
  /** A listing's request (signal, headers), or a call's about one model. */
  request: ListModelsRequestV1 | CallRequestV1;
  /** The signal the catalog received. */
  signal: AbortSignal;
}

/** The request each method receives. */
export interface MockRequests {
  /** `chat.complete`. */
  chat: ChatRequestV1;
  /** `chat.stream`. */
  chatStream: ChatRequestV1;
  /** `generation.complete`. */
  generate: GenerationRequestV1;
  /** `generation.stream`. */
  generateStream: GenerationRequestV1;
  /** `embedding.embed`. */
  embed: EmbeddingRequestV1;
  /** `nli.infer`. */
  nli: NliRequestV1;
  /** `classification.classifyZeroShot`. */
  classify: ClassificationRequestV1;
  /** `tokenCounting.countTokens`. */
  countTokens: TokenCountingRequestV1;
  /** `tokenCounting.tokenize`. */
  tokenize: TokenCountingRequestV1;
  /** `tokenCounting.countChatTokens`. */
  countChatTokens: ChatTokenCountingRequestV1;
}

/** One recorded call of `method`. */
export interface MockCallOf<M extends MockMethod> {
  /** The method called. */
  method: M;
  /** The v1 request as received: model without prefix, settings, this provider's options, signal. */
  request: MockRequests[M];
  /** The signal the provider received (`request.signal`). */
  signal: AbortSignal;
}

/** One recorded call. */
export type MockCall = { [M in MockMethod]: MockCallOf<M> }[MockMethod];

/** A scripted stream: its parts, then optionally an error thrown after them. */
export interface ScriptedStream {
  /** The stream parts, in order. */
  events: ChatStreamPartV1[];
  /** Thrown after `events` (instead of ending normally). */
  error?: Error;
  /** Milliseconds to wait before each part (lets tests abort mid-stream). */
  delayMs?: number;
}

/** Which halves of a capability with two (chat, generation) the mock implements. */
export type MockHalves = "complete" | "stream" | "both";

/** Options of {@link createMockProvider}. */
export interface MockProviderOptions {
  /** Provider id (default `mock`): the routing prefix and the `providerOptions` key. */
  id?: string;
  /** Other prefixes that select the mock (default none). */
  aliases?: string[];
  /** Offered capabilities (default: all). */
  capabilities?: Capability[];
  /** Which chat methods exist (default both): the gateway derives the other. */
  chat?: MockHalves;
  /** Which generation methods exist (default both). */
  generation?: MockHalves;
  /** Decide per model; default serves everything. */
  supports?: (capability: Capability, model: string) => ModelSupportV1;
  /** Dimensions of default embeddings (default 8). */
  dimensions?: number;
  /** Report the mock as local inference (default false). */
  localInference?: boolean;
  /** Whether chat sends tools (default true). */
  toolUse?: boolean;
  /** Declared texts per `embed` call (the gateway splits batches into such chunks); default no limit. */
  maxEmbeddingsPerCall?: number;
  /** Declared pairs per `nli` call; default no limit. */
  maxPairsPerCall?: number;
  /** Declared chunk calls of one batch run at once (the gateway's default: 1). */
  maxParallelCalls?: number;
  /**
   * Standard settings the mock does not support: each one set in a request
   * comes back as an `unsupported_setting` warning (on the result, as a
   * stream `warning` part, and from `warningsFor`).
   */
  unsupportedSettings?: readonly string[];
  /**
   * The provider options the mock knows; any other key of its
   * `providerOptions` entry is an `unknown_provider_option` warning.
   * Default: it knows every key.
   */
  knownProviderOptions?: readonly string[];
  /**
   * A model catalog (`provider.models`): the listed models, live metadata
   * and status. Default none (the provider has no `models`).
   */
  models?: MockModelCatalogOptions;
}

/** The mock provider: a {@link ProviderV1} plus scripting and inspection. */
export interface MockProvider extends ProviderV1 {
  /** Every call received, in order. */
  readonly calls: MockCall[];
  /** Every call of its model catalog (`models`), in order. */
  readonly catalogCalls: MockCatalogCall[];
  /** The recorded calls of one method, typed. */
  callsOf<M extends MockMethod>(method: M): MockCallOf<M>[];
  /** Queue the next chat answer (a result, or an error to reject with); `chatStream` plays it too. */
  enqueueChat(result: ChatResultV1 | Error): this;
  /** Queue the next `chatStream` script (parts, or an error thrown before any part); `chat` collects it too. */
  enqueueStream(script: ChatStreamPartV1[] | ScriptedStream | Error): this;
  /**
   * Make the next `count` calls of `method` reject with `error`. Calls queue:
   * `failNext("chat", a).failNext("chat", b, 2)` fails with a, then b twice.
   */
  failNext(method: MockMethod | MockCatalogMethod, error: Error, count?: number): this;
  /** Forget recorded calls and scripts. */
  reset(): void;
}

const ALL: Capability[] = ["chat", "generate", "embed", "nli", "classify", "countTokens"];

/** Deterministic text → unit vector (FNV-1a seeded), for default embeddings. */
export function hashEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  let hash = 2166136261;
  for (let i = 0; i < dimensions; i++) {
    for (let j = 0; j < text.length; j++) {
      hash ^= text.charCodeAt(j) + i;
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    values.push((hash / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}

/** Split text into stream chunks of whole words (keeps the separators). */
function chunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function lastUserText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return message.content;
  }
  return "";
}

/**
 * Default streamed answer: the answering model (a `response_metadata`
 * part), `mock: <last user text>` in word chunks, then usage and `done`.
 */
export function defaultMockStream(messages: readonly Message[], model: string): ChatStreamPartV1[] {
  const text = `mock: ${lastUserText(messages)}`;
  const usage = createUsage(
    messages.reduce((sum, message) => sum + chunks(message.content).length, 0),
    chunks(text).length,
  );
  return [
    { type: "response_metadata", model },
    ...chunks(text).map((piece): ChatStreamPartV1 => ({ type: "content", text: piece })),
    { type: "usage", usage },
    { type: "done", finishReason: "stop", usage },
  ];
}

/**
 * An abortable wait. The one shared implementation is provider-utils'
 * `sleep`, but provider-utils dev-depends on this package, so importing it
 * here would close a workspace cycle: this small copy stays on purpose.
 */
function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Parts replayed from a scripted complete answer (for `chatStream`). */
function resultParts(result: ChatResultV1): ChatStreamPartV1[] {
  const parts: ChatStreamPartV1[] = [];
  if (result.response !== undefined) parts.push({ type: "response_metadata", ...result.response });
  for (const warning of result.warnings ?? []) parts.push({ type: "warning", warning });
  if (result.content !== "") parts.push({ type: "content", text: result.content });
  for (const [index, call] of result.toolCalls.entries()) {
    parts.push({ type: "tool_call_start", index, id: call.id, name: call.name });
    parts.push({ type: "tool_call_delta", index, arguments: call.arguments });
    parts.push({
      type: "tool_call_end",
      index,
      id: call.id,
      name: call.name,
      arguments: call.arguments,
      parsedArguments: JSON.parse(call.arguments === "" ? "{}" : call.arguments),
    });
  }
  parts.push({
    type: "done",
    finishReason: result.finishReason,
    ...(result.usage === undefined ? {} : { usage: result.usage }),
  });
  return parts;
}

/**
 * Create a mock provider.
 *
 * @example
 * ```ts
 * const mock = createMockProvider().enqueueChat({ content: "hi", toolCalls: [], finishReason: "stop" });
 * const gateway = await Ratatoskr.builder().use(mock).build();
 * ```
 */
export function createMockProvider(options: MockProviderOptions = {}): MockProvider {
  const id = options.id ?? "mock";
  const dimensions = options.dimensions ?? 8;
  const offered = new Set(options.capabilities ?? ALL);
  const chatHalves = options.chat ?? "both";
  const generationHalves = options.generation ?? "both";
  const unsupported = options.unsupportedSettings ?? [];
  const known =
    options.knownProviderOptions === undefined ? undefined : new Set(options.knownProviderOptions);
  let scripts: Array<{ kind: "answer"; result: ChatResultV1 } | ScriptedStream | Error> = [];
  let failures = new Map<MockMethod | MockCatalogMethod, Array<{ error: Error; count: number }>>();
  let requestNumber = 0;
  const calls: MockCall[] = [];
  const catalogCalls: MockCatalogCall[] = [];

  /** Record the call; throw a queued failure, or the abort when the signal already fired. */
  function record<M extends MockMethod>(method: M, request: MockRequests[M]): void {
    calls.push({ method, request, signal: request.signal } as MockCall);
    failIfQueued(method);
    if (request.signal.aborted) throw abortedError(request.signal);
  }

  /** Throw the failure queued for `method`, if any. */
  function failIfQueued(method: MockMethod | MockCatalogMethod): void {
    const queue = failures.get(method);
    const failure = queue?.[0];
    if (failure !== undefined) {
      failure.count--;
      if (failure.count <= 0) queue!.shift();
      throw failure.error;
    }
  }

  /** The warnings a request gets: unsupported settings that are set, unknown provider options. */
  function warningsFor(request: {
    settings?: object;
    providerOptions: Readonly<Record<string, unknown>>;
  }): WarningV1[] {
    const warnings: WarningV1[] = [];
    const settings = (request.settings ?? {}) as Record<string, unknown>;
    for (const setting of unsupported) {
      if (settings[setting] !== undefined) {
        warnings.push({
          type: "unsupported_setting",
          setting,
          details: `the ${id} mock ignores it`,
        });
      }
    }
    if (known !== undefined) {
      for (const option of Object.keys(request.providerOptions)) {
        if (!known.has(option)) warnings.push({ type: "unknown_provider_option", option });
      }
    }
    return warnings;
  }

  function metadata(model: string): { response: { model: string; requestId: string } } {
    requestNumber++;
    return { response: { model, requestId: `${id}-request-${requestNumber}` } };
  }

  /** `value` with the request's warnings added to any it has. */
  function withWarnings<T extends { warnings?: readonly WarningV1[] }>(
    value: T,
    request: Parameters<typeof warningsFor>[0],
  ): T {
    const warnings = warningsFor(request);
    if (warnings.length === 0) return value;
    return { ...value, warnings: [...(value.warnings ?? []), ...warnings] };
  }

  async function* playStream(request: ChatRequestV1): AsyncGenerator<ChatStreamPartV1> {
    const scripted = scripts.shift();
    if (scripted instanceof Error) throw scripted;
    const script: ScriptedStream =
      scripted === undefined
        ? { events: defaultMockStream(request.messages, request.model) }
        : "kind" in scripted
          ? { events: resultParts(scripted.result) }
          : scripted;
    for (const warning of warningsFor(request)) yield { type: "warning", warning };
    requestNumber++;
    yield { type: "response_metadata", requestId: `${id}-request-${requestNumber}` };
    for (const event of script.events) {
      if (script.delayMs !== undefined) await sleep(script.delayMs, request.signal);
      if (request.signal.aborted) throw abortedError(request.signal);
      yield event;
    }
    if (script.error !== undefined) throw script.error;
  }

  async function chatAnswer(request: ChatRequestV1): Promise<ChatResultV1> {
    const scripted = scripts[0];
    if (scripted instanceof Error) {
      scripts.shift();
      throw scripted;
    }
    if (scripted !== undefined && "kind" in scripted) {
      scripts.shift();
      return withWarnings<ChatResultV1>(
        { ...metadata(request.model), ...scripted.result },
        request,
      );
    }
    return collectChatStreamParts(playStream(request), request.signal);
  }

  async function* generationStream(
    request: GenerationRequestV1,
  ): AsyncGenerator<GenerationStreamPartV1> {
    for (const warning of warningsFor(request)) yield { type: "warning", warning };
    yield { type: "response_metadata", ...metadata(request.model).response };
    const text = `mock: ${request.prompt}`;
    for (const piece of chunks(text)) yield { type: "text", text: piece };
    yield {
      type: "done",
      finishReason: "stop",
      usage: createUsage(chunks(request.prompt).length, chunks(text).length),
    };
  }

  const provider: MockProvider = {
    specificationVersion: "v1",
    id,
    ...(options.aliases ? { aliases: options.aliases } : {}),
    localInference: options.localInference ?? false,
    calls,
    catalogCalls,
    ...(options.supports ? { supports: options.supports } : {}),

    callsOf<M extends MockMethod>(method: M): MockCallOf<M>[] {
      return calls.filter((call): call is MockCallOf<M> & MockCall => call.method === method);
    },
    enqueueChat(result) {
      scripts.push(result instanceof Error ? result : { kind: "answer", result });
      return provider;
    },
    enqueueStream(script) {
      scripts.push(Array.isArray(script) ? { events: script } : script);
      return provider;
    },
    failNext(method, error, count = 1) {
      if (count < 1) return provider;
      const queue = failures.get(method) ?? [];
      queue.push({ error, count });
      failures.set(method, queue);
      return provider;
    },
    reset() {
      calls.length = 0;
      catalogCalls.length = 0;
      scripts = [];
      failures = new Map();
    },
  };

  const mutable = provider as { -readonly [K in keyof MockProvider]: MockProvider[K] };
  if (options.models !== undefined) {
    mutable.models = createMockModelCatalog(id, options.models, (method, request) => {
      catalogCalls.push({ method, request, signal: request.signal });
      failIfQueued(method);
      if (request.signal.aborted) throw abortedError(request.signal);
    });
  }
  if (offered.has("chat")) {
    mutable.chat = {
      ...(options.toolUse === undefined ? {} : { toolUse: options.toolUse }),
      warningsFor,
      ...(chatHalves === "stream"
        ? {}
        : {
            async complete(request: ChatRequestV1) {
              record("chat", request);
              return chatAnswer(request);
            },
          }),
      ...(chatHalves === "complete"
        ? {}
        : {
            async *stream(request: ChatRequestV1) {
              record("chatStream", request);
              yield* playStream(request);
            },
          }),
    };
  }
  if (offered.has("generate")) {
    mutable.generation = {
      warningsFor,
      ...(generationHalves === "stream"
        ? {}
        : {
            async complete(request: GenerationRequestV1): Promise<GenerationResultV1> {
              record("generate", request);
              const text = `mock: ${request.prompt}`;
              return withWarnings<GenerationResultV1>(
                {
                  text,
                  finishReason: "stop",
                  usage: createUsage(chunks(request.prompt).length, chunks(text).length),
                  ...metadata(request.model),
                },
                request,
              );
            },
          }),
      ...(generationHalves === "complete"
        ? {}
        : {
            async *stream(request: GenerationRequestV1) {
              record("generateStream", request);
              yield* generationStream(request);
            },
          }),
    };
  }
  if (offered.has("embed")) {
    mutable.embedding = {
      warningsFor,
      async embed(request: EmbeddingRequestV1): Promise<EmbeddingResultV1> {
        record("embed", request);
        return withWarnings<EmbeddingResultV1>(
          {
            embeddings: request.values.map((text) => ({
              values: hashEmbedding(text, dimensions),
              model: request.model,
              dimensions,
            })),
            ...metadata(request.model),
          },
          request,
        );
      },
      ...(options.maxEmbeddingsPerCall === undefined
        ? {}
        : { maxEmbeddingsPerCall: () => options.maxEmbeddingsPerCall }),
      ...(options.maxParallelCalls === undefined
        ? {}
        : { maxParallelCalls: options.maxParallelCalls }),
    };
  }
  if (offered.has("nli")) {
    mutable.nli = {
      warningsFor,
      async infer(request: NliRequestV1): Promise<NliResultV1> {
        record("nli", request);
        return withWarnings<NliResultV1>(
          {
            results: request.pairs.map((pair) => mockNli(pair.premise, pair.hypothesis)),
            ...metadata(request.model),
          },
          request,
        );
      },
      ...(options.maxPairsPerCall === undefined
        ? {}
        : { maxPairsPerCall: () => options.maxPairsPerCall }),
      ...(options.maxParallelCalls === undefined
        ? {}
        : { maxParallelCalls: options.maxParallelCalls }),
    };
  }
  if (offered.has("classify")) {
    mutable.classification = {
      warningsFor,
      async classifyZeroShot(request: ClassificationRequestV1): Promise<ClassificationResultV1> {
        record("classify", request);
        const { text, labels } = request;
        const raw = labels.map((label) =>
          text.toLowerCase().includes(label.toLowerCase()) ? 3 : 1,
        );
        const sum = raw.reduce((a, b) => a + b, 0);
        const scores: Record<string, number> = {};
        labels.forEach((label, index) => {
          scores[label] = request.settings.multiLabel ? raw[index]! / 3 : raw[index]! / sum;
        });
        const topLabel = labels.reduce((best, label) =>
          scores[label]! > scores[best]! ? label : best,
        );
        return withWarnings<ClassificationResultV1>(
          { scores, topLabel, confidence: scores[topLabel]!, ...metadata(request.model) },
          request,
        );
      },
    };
  }
  if (offered.has("countTokens")) {
    mutable.tokenCounting = {
      warningsFor,
      async countTokens(request: TokenCountingRequestV1): Promise<TokenCountingResultV1> {
        record("countTokens", request);
        return withWarnings<TokenCountingResultV1>(
          {
            count: chunks(request.text).filter((piece) => piece.trim() !== "").length,
            approximate: true,
            source: "mock:whitespace",
          },
          request,
        );
      },
      async tokenize(request: TokenCountingRequestV1): Promise<TokenizeResultV1> {
        record("tokenize", request);
        const tokens = [...request.text.matchAll(/\S+/g)].map((match, index) => ({
          id: index,
          text: match[0],
          start: match.index,
          end: match.index + match[0].length,
        }));
        return withWarnings<TokenizeResultV1>(
          { tokens, approximate: true, source: "mock:whitespace", ...metadata(request.model) },
          request,
        );
      },
      async countChatTokens(request: ChatTokenCountingRequestV1): Promise<TokenCountingResultV1> {
        record("countChatTokens", request);
        const words = (text: string) => chunks(text).filter((piece) => piece.trim() !== "").length;
        // 3 tokens of framing per message, 3 priming the reply, each tool as its JSON's words.
        let count = 3;
        for (const message of request.messages) {
          count += 3 + words(typeof message.content === "string" ? message.content : "");
        }
        for (const tool of request.tools ?? []) count += words(JSON.stringify(tool));
        return withWarnings<TokenCountingResultV1>(
          { count, approximate: true, source: "mock:whitespace", ...metadata(request.model) },
          request,
        );
      },
    };
  }
  return provider;
}

/** Options of {@link createMockDescriptor}: the descriptor's own fields, then the provider's defaults. */
export interface MockDescriptorOptions extends MockProviderOptions {
  /** Routing hints (default none). */
  routing?: readonly RoutingHintV1[];
  /** The package named in messages (default `@ratatoskr/testing`). */
  packageName?: string;
  /** Human name (default `Mock (<id>)`). */
  displayName?: string;
  /** Environment variables by setting name; the descriptor is configured when all are set. */
  environment?: Readonly<Record<string, string>>;
  /** Called with what `create()` made, e.g. to keep a handle on the mock. */
  onCreate?: (provider: MockProvider) => void;
}

/**
 * A descriptor for the mock provider: `create(settings)` makes
 * `createMockProvider({...options, ...settings})`. For tests of routing
 * hints, builders and loaders.
 */
export function createMockDescriptor(
  options: MockDescriptorOptions = {},
): ProviderDescriptorV1<MockProviderOptions> {
  const { routing, packageName, displayName, environment, onCreate, ...defaults } = options;
  const id = defaults.id ?? "mock";
  return {
    specificationVersion: "v1",
    id,
    ...(defaults.aliases === undefined ? {} : { aliases: defaults.aliases }),
    displayName: displayName ?? `Mock (${id})`,
    packageName: packageName ?? "@ratatoskr/testing",
    capabilities: defaults.capabilities ?? ALL,
    ...(environment === undefined ? {} : { environment }),
    isConfigured: (env) =>
      Object.values(environment ?? {}).every((name) => env[name] !== undefined && env[name] !== ""),
    ...(routing === undefined ? {} : { routing }),
    localInference: defaults.localInference ?? false,
    create(settings = {}) {
      const provider = createMockProvider({ ...defaults, ...settings });
      onCreate?.(provider);
      return provider;
    },
  };
}

/** Deterministic NLI: entailment when the hypothesis is contained in the premise. */
function mockNli(premise: string, hypothesis: string): NliResult {
  const contained = premise.toLowerCase().includes(hypothesis.toLowerCase());
  const negated = /\bnot\b/i.test(hypothesis) !== /\bnot\b/i.test(premise);
  const entailment = contained ? 0.9 : negated ? 0.05 : 0.2;
  const contradiction = negated ? 0.85 : 0.05;
  const neutral = Math.max(0, 1 - entailment - contradiction);
  const label =
    entailment >= contradiction && entailment >= neutral
      ? "entailment"
      : contradiction >= neutral
        ? "contradiction"
        : "neutral";
  return { entailment, contradiction, neutral, label };
}

/** An error that `RatatoskrError.isInstance` recognises, for scripting failures. */
export function mockError(
  code: RatatoskrError["code"],
  message = `mock ${code}`,
  extra: Partial<ConstructorParameters<typeof RatatoskrError>[0]> = {},
): RatatoskrError {
  return new RatatoskrError({ code, message, ...extra });
}
