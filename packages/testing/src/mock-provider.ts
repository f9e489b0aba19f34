/**
 * A scripted mock provider for tests: queue responses, streams and errors,
 * inspect the calls it received. Unscripted calls get deterministic defaults
 * (echo chat, hash embeddings), so it also works as a zero-config provider.
 */
import {
  abortedError,
  type Capability,
  type ChatEvent,
  type ChatOptions,
  type ChatResponse,
  type ClassifyResult,
  collectChatStream,
  createUsage,
  type Embedding,
  type GenerateEvent,
  type Message,
  type ModelSupport,
  type NliResult,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
  type TokenCount,
} from "@ratatoskr/core";

/** One recorded call. */
export interface MockCall {
  method: string;
  /** The arguments, options object last (its `signal` included). */
  args: unknown[];
  /** The signal the provider received. */
  signal: AbortSignal | undefined;
}

/** A scripted stream: its events, then optionally an error thrown after them. */
export interface ScriptedStream {
  events: ChatEvent[];
  /** Thrown after `events` (instead of ending normally). */
  error?: Error;
  /** Milliseconds to wait before each event (lets tests abort mid-stream). */
  delayMs?: number;
}

/** Options of {@link createMockProvider}. */
export interface MockProviderOptions {
  /** Plugin id (default `mock`). */
  id?: string;
  aliases?: string[];
  /** Offered capabilities (default: all). */
  capabilities?: Capability[];
  /** Decide per model; default serves everything. */
  supports?: (capability: Capability, model: string) => ModelSupport;
  /** Dimensions of default embeddings (default 8). */
  dimensions?: number;
  localInference?: boolean;
  /** Declared texts per `embedBatch` call (the gateway splits batches into such chunks); default no limit. */
  maxEmbeddingsPerCall?: number;
  /** Declared pairs per `inferNliBatch` call; default no limit. */
  maxNliPairsPerCall?: number;
  /** Declared chunk calls of one batch run at once (the gateway's default: 1). */
  maxParallelCalls?: number;
}

/** The mock provider: a {@link ProviderPlugin} plus scripting and inspection. */
export interface MockProvider extends ProviderPlugin {
  /** Every call received, in order. */
  readonly calls: MockCall[];
  /** Queue the next `chat` result (a response, or an error to reject with). */
  enqueueChat(result: ChatResponse | Error): this;
  /** Queue the next `chatStream` script (events, or an error thrown before any event). */
  enqueueStream(script: ChatEvent[] | ScriptedStream | Error): this;
  /**
   * Make the next `count` calls of `method` reject with `error`. Calls queue:
   * `failNext("chat", a).failNext("chat", b, 2)` fails with a, then b twice.
   */
  failNext(method: string, error: Error, count?: number): this;
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

/** Default streamed answer: `mock: <last user text>` in word chunks, then usage and done. */
export function defaultMockStream(messages: readonly Message[], model: string): ChatEvent[] {
  const text = `mock: ${lastUserText(messages)}`;
  const usage = createUsage(
    messages.reduce((sum, message) => sum + chunks(message.content).length, 0),
    chunks(text).length,
  );
  return [
    ...chunks(text).map((piece): ChatEvent => ({ type: "content", text: piece })),
    { type: "usage", usage },
    { type: "done", finishReason: "stop", usage, model },
  ];
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Create a mock provider.
 *
 * @example
 * ```ts
 * const mock = createMockProvider().enqueueChat({ content: "hi", toolCalls: [], finishReason: "stop" });
 * const gateway = Ratatoskr.builder().use(mock).build();
 * ```
 */
export function createMockProvider(options: MockProviderOptions = {}): MockProvider {
  const dimensions = options.dimensions ?? 8;
  let chatQueue: Array<ChatResponse | Error> = [];
  let streamQueue: Array<ScriptedStream | Error> = [];
  let failures = new Map<string, Array<{ error: Error; count: number }>>();
  const calls: MockCall[] = [];

  function record(method: string, args: unknown[]): void {
    const last = args[args.length - 1] as { signal?: AbortSignal } | undefined;
    calls.push({ method, args, signal: last?.signal });
    const queue = failures.get(method);
    const failure = queue?.[0];
    if (failure !== undefined) {
      failure.count--;
      if (failure.count <= 0) queue!.shift();
      throw failure.error;
    }
    if (last?.signal?.aborted) throw abortedError(last.signal);
  }

  async function* stream(
    messages: readonly Message[],
    chatOptions: ChatOptions,
  ): AsyncGenerator<ChatEvent> {
    const scripted = streamQueue.shift();
    if (scripted instanceof Error) throw scripted;
    const script: ScriptedStream = scripted ?? {
      events: defaultMockStream(messages, chatOptions.model),
    };
    for (const event of script.events) {
      if (script.delayMs !== undefined) await sleep(script.delayMs, chatOptions.signal);
      if (chatOptions.signal?.aborted) throw abortedError(chatOptions.signal);
      yield event;
    }
    if (script.error !== undefined) throw script.error;
  }

  const provider: MockProvider = {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: options.id ?? "mock",
    ...(options.aliases ? { aliases: options.aliases } : {}),
    capabilities: options.capabilities ?? ALL,
    localInference: options.localInference ?? false,
    calls,
    ...(options.supports ? { supports: options.supports } : {}),
    ...(options.maxEmbeddingsPerCall === undefined
      ? {}
      : { maxEmbeddingsPerCall: () => options.maxEmbeddingsPerCall }),
    ...(options.maxNliPairsPerCall === undefined
      ? {}
      : { maxNliPairsPerCall: () => options.maxNliPairsPerCall }),
    ...(options.maxParallelCalls === undefined
      ? {}
      : { maxParallelCalls: options.maxParallelCalls }),

    async chat(messages, chatOptions) {
      record("chat", [messages, chatOptions]);
      const next = chatQueue.shift();
      if (next instanceof Error) throw next;
      if (next !== undefined) return next;
      return collectChatStream(
        (async function* () {
          yield* defaultMockStream(messages, chatOptions.model);
        })(),
      );
    },

    async *chatStream(messages, chatOptions) {
      record("chatStream", [messages, chatOptions]);
      yield* stream(messages, chatOptions);
    },

    async generate(prompt, generateOptions) {
      record("generate", [prompt, generateOptions]);
      const text = `mock: ${prompt}`;
      return {
        text,
        model: generateOptions.model,
        finishReason: "stop",
        usage: createUsage(chunks(prompt).length, chunks(text).length),
      };
    },

    async *generateStream(prompt, generateOptions): AsyncGenerator<GenerateEvent> {
      record("generateStream", [prompt, generateOptions]);
      const text = `mock: ${prompt}`;
      for (const piece of chunks(text)) yield { type: "text", text: piece };
      yield { type: "done", finishReason: "stop", model: generateOptions.model };
    },

    async embed(text, model, callOptions): Promise<Embedding> {
      record("embed", [text, model, callOptions]);
      return { values: hashEmbedding(text, dimensions), model, dimensions };
    },

    async embedBatch(texts, model, callOptions): Promise<Embedding[]> {
      record("embedBatch", [texts, model, callOptions]);
      return texts.map((text) => ({ values: hashEmbedding(text, dimensions), model, dimensions }));
    },

    async inferNli(premise, hypothesis, model, callOptions): Promise<NliResult> {
      record("inferNli", [premise, hypothesis, model, callOptions]);
      return mockNli(premise, hypothesis);
    },

    async inferNliBatch(pairs, model, callOptions): Promise<NliResult[]> {
      record("inferNliBatch", [pairs, model, callOptions]);
      return pairs.map((pair) => mockNli(pair.premise, pair.hypothesis));
    },

    async classifyZeroShot(text, labels, model, classifyOptions): Promise<ClassifyResult> {
      record("classifyZeroShot", [text, labels, model, classifyOptions]);
      const raw = labels.map((label) => (text.toLowerCase().includes(label.toLowerCase()) ? 3 : 1));
      const sum = raw.reduce((a, b) => a + b, 0);
      const scores: Record<string, number> = {};
      labels.forEach((label, index) => {
        scores[label] = classifyOptions?.multiLabel ? raw[index]! / 3 : raw[index]! / sum;
      });
      const topLabel = labels.reduce((best, label) =>
        scores[label]! > scores[best]! ? label : best,
      );
      return { scores, topLabel, confidence: scores[topLabel]! };
    },

    async countTokens(text, model, countOptions): Promise<TokenCount> {
      record("countTokens", [text, model, countOptions]);
      return {
        count: chunks(text).filter((piece) => piece.trim() !== "").length,
        approximate: true,
        source: "mock:whitespace",
      };
    },

    enqueueChat(result) {
      chatQueue.push(result);
      return provider;
    },
    enqueueStream(script) {
      streamQueue.push(Array.isArray(script) ? { events: script } : script);
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
      chatQueue = [];
      streamQueue = [];
      failures = new Map();
    },
  };
  return provider;
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
