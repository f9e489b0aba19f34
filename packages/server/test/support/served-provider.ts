/**
 * The provider the daemon tests serve: the mock provider of
 * `@ratatoskr/testing`, plus tokenize and a model catalog, and chat streams
 * for the model `gated` that deliver their first content and then wait:
 * for `release()`, or for their request signal to abort (which the test
 * observes).
 */
import {
  type ChatRequestV1,
  type ChatStreamPartV1,
  type ProviderV1,
  RatatoskrError,
} from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";

/** A promise and its resolver. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** One chat stream of the model `gated`, as the provider sees it. */
export interface GatedStream {
  readonly signal: AbortSignal;
  /** Resolves when the request signal aborts. */
  readonly aborted: Promise<void>;
  /** Let the stream deliver the rest of its answer. */
  release(): void;
}

/** The served provider and the gated streams it receives. */
export interface ServedProvider {
  readonly provider: ProviderV1;
  /** Resolves with the next gated stream the provider receives. */
  nextGatedStream(): Promise<GatedStream>;
}

const aborted = () => new RatatoskrError({ code: "aborted", message: "the caller aborted" });

export function createServedProvider(): ServedProvider {
  const mock = createMockProvider();
  const waiting: Array<Deferred<GatedStream>> = [];
  const arrived: GatedStream[] = [];

  async function* gatedStream(request: ChatRequestV1): AsyncGenerator<ChatStreamPartV1> {
    const released = deferred();
    const abort = deferred();
    request.signal.addEventListener("abort", () => abort.resolve(), { once: true });
    const stream: GatedStream = {
      signal: request.signal,
      aborted: abort.promise,
      release: () => released.resolve(),
    };
    const waiter = waiting.shift();
    if (waiter === undefined) arrived.push(stream);
    else waiter.resolve(stream);
    yield { type: "response_metadata", model: request.model };
    yield { type: "content", text: "first" };
    await Promise.race([released.promise, abort.promise]);
    if (request.signal.aborted) throw aborted();
    yield { type: "content", text: " second" };
    yield { type: "done", finishReason: "stop" };
  }

  const chat = mock.chat;
  const tokenCounting = mock.tokenCounting;
  if (chat?.stream === undefined || tokenCounting === undefined) {
    throw new Error("the mock provider lost its chat stream or token counting");
  }
  const mockStream = chat.stream.bind(chat);
  const provider: ProviderV1 = {
    ...mock,
    chat: {
      ...chat,
      stream: (request) => (request.model === "gated" ? gatedStream(request) : mockStream(request)),
    },
    tokenCounting: {
      ...tokenCounting,
      tokenize: async (request) => {
        const tokens = [...request.text.matchAll(/\S+/g)].map((match, index) => ({
          id: index + 1,
          text: match[0],
          start: match.index,
          end: match.index + match[0].length,
        }));
        return { tokens, approximate: true, source: "mock:words" };
      },
    },
    models: {
      listModels: async () => ({
        models: [
          {
            id: "mock-1",
            provider: "mock",
            capabilities: ["Chat", "ChatStreaming", "Embed"],
            context_window: 8192,
            source: "provider",
          },
        ],
      }),
      fetchModelMetadata: async (request) =>
        request.model === "mock-1"
          ? {
              info: {
                id: "mock-1",
                provider: "mock",
                capabilities: ["Chat"],
                context_window: 8192,
              },
              parameters: { temperature: { availability: "mutable", range: { min: 0, max: 2 } } },
              pricing: { prompt_cost_per_mtok: 0.5, completion_cost_per_mtok: 1.5 },
              max_output_tokens: 1024,
            }
          : undefined,
      modelStatus: async () => ({ state: "ready", device: "cpu" }),
    },
  };
  return {
    provider,
    nextGatedStream: () => {
      const stream = arrived.shift();
      if (stream !== undefined) return Promise.resolve(stream);
      const waiter = deferred<GatedStream>();
      waiting.push(waiter);
      return waiter.promise;
    },
  };
}

/** A gateway over a fresh served provider. */
export async function createServedGateway() {
  const served = createServedProvider();
  const gateway = await Ratatoskr.builder().use(served.provider).build();
  return { gateway, served };
}
