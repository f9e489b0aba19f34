/**
 * Capture of a call's HTTP exchanges for its inspector (`CallRequestV1.inspect`,
 * a debugging aid). A provider routes its requests through
 * {@link inspectExchanges} (a `fetch` of its own) or {@link inspectingFetch}
 * (an SDK's client-wide `fetch`, with the call's inspector travelling in the
 * SDK's per-request `fetchOptions`, see {@link inspectorFetchOptions}).
 *
 * Capturing never changes what the provider reads: the response body is
 * teed, each chunk passed on the moment it arrives (never held back until
 * the body ends) and copied into a bounded capture, and the exchange is
 * reported once the body ends, fails or is cancelled. The capture side reads
 * the body to its end even when the provider stops at its last event
 * without cancelling, so every exchange is reported. Without an inspector the provider's `fetch`
 * is used as is: no wrapper, no copy.
 */
import {
  type ExchangeInspectorV1,
  type ProviderExchangeV1,
  redactHeaders,
  redactSecrets,
  redactUrl,
} from "@ratatoskr/core";

/** Bytes of a response body kept for the inspector by default (1 MiB); the rest is read by the provider but not kept. */
export const DEFAULT_INSPECT_BODY_LIMIT = 1_048_576;

/** Options of {@link inspectExchanges} and {@link inspectingFetch}. */
export interface InspectExchangeOptions {
  /** Bytes of each response body kept (default {@link DEFAULT_INSPECT_BODY_LIMIT}); past it `truncated` is set. */
  maxBodyBytes?: number;
}

/** The key under which a request's init carries its call's inspector. */
const INSPECTOR = Symbol.for("ratatoskr.exchangeInspector");

type InspectedInit = RequestInit & { [INSPECTOR]?: ExchangeInspectorV1 };

const NO_FETCH_OPTIONS: object = Object.freeze({});

/**
 * Per-request SDK `fetchOptions` that carry `inspect` to an
 * {@link inspectingFetch} (only a symbol key; an empty object without an
 * inspector). Spread it into the request's other `fetchOptions`.
 */
export function inspectorFetchOptions(inspect: ExchangeInspectorV1 | undefined): object {
  return inspect === undefined ? NO_FETCH_OPTIONS : { [INSPECTOR]: inspect };
}

/**
 * A client-wide `fetch` for an SDK: a request whose init carries an
 * inspector ({@link inspectorFetchOptions}) is captured for it
 * ({@link inspectExchanges}); any other passes straight through.
 * `fetchImplementation` defaults to the global `fetch` at call time.
 */
export function inspectingFetch(
  fetchImplementation?: typeof globalThis.fetch,
  options: InspectExchangeOptions = {},
): typeof globalThis.fetch {
  return (input, init) => {
    const inspect = (init as InspectedInit | undefined)?.[INSPECTOR];
    const send = fetchImplementation ?? globalThis.fetch;
    if (inspect === undefined) return send(input, init);
    const { [INSPECTOR]: _inspect, ...rest } = init as InspectedInit;
    return capture(send, inspect, options, input, rest);
  };
}

/**
 * `fetchImplementation` with every exchange reported to `inspect`; without
 * an inspector, `fetchImplementation` itself (nothing added to the path).
 */
export function inspectExchanges(
  fetchImplementation: typeof globalThis.fetch,
  inspect: ExchangeInspectorV1 | undefined,
  options: InspectExchangeOptions = {},
): typeof globalThis.fetch {
  if (inspect === undefined) return fetchImplementation;
  return (input, init) => capture(fetchImplementation, inspect, options, input, init);
}

/** What is known of an exchange before its response. */
type ExchangeRequest = Pick<
  ProviderExchangeV1,
  "method" | "url" | "requestHeaders" | "requestBody"
>;

async function capture(
  send: typeof globalThis.fetch,
  inspect: ExchangeInspectorV1,
  options: InspectExchangeOptions,
  input: Parameters<typeof globalThis.fetch>[0],
  init: RequestInit | undefined,
): Promise<Response> {
  const request = describeRequest(input, init);
  let response: Response;
  try {
    response = await send(input, init);
  } catch (error) {
    report(inspect, {
      ...request,
      status: undefined,
      responseHeaders: {},
      responseBody: "",
      truncated: false,
      error: describeError(error),
    });
    throw error;
  }
  const responseHeaders = redactHeaders(response.headers);
  const body = response.body;
  if (body === null) {
    report(inspect, {
      ...request,
      status: response.status,
      responseHeaders,
      responseBody: "",
      truncated: false,
    });
    return response;
  }
  const captured = new BoundedText(options.maxBodyBytes ?? DEFAULT_INSPECT_BODY_LIMIT);
  const finish = (error?: string) =>
    report(inspect, {
      ...request,
      status: response.status,
      responseHeaders,
      responseBody: redactSecrets(captured.text(), { keyShapes: false }),
      truncated: captured.truncated,
      ...(error === undefined ? {} : { error }),
    });
  const reader = body.getReader();
  let finished = false;
  const settle = (error?: string) => {
    if (finished) return;
    finished = true;
    finish(error);
  };
  // Each chunk is passed on the moment it arrives (a tee, not a buffer): the
  // body is read to its end even when the provider stops reading at its last
  // event without cancelling (so the exchange is still reported), and a
  // cancel by the provider cancels the upstream body.
  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        settle(describeError(error));
        try {
          controller.error(error);
        } catch {
          // Already cancelled by the provider.
        }
        return;
      }
      if (chunk.done) {
        settle();
        try {
          controller.close();
        } catch {
          // Already cancelled by the provider.
        }
        return;
      }
      captured.add(chunk.value);
      try {
        controller.enqueue(chunk.value);
      } catch {
        return; // Cancelled by the provider: `cancel` reported it.
      }
    }
  };
  const copy = new ReadableStream<Uint8Array>({
    start(controller) {
      void pump(controller);
    },
    cancel(reason) {
      settle(`cancelled: ${describeError(reason)}`);
      return reader.cancel(reason);
    },
  });
  const passed = new Response(copy, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(passed, "url", { value: response.url });
  return passed;
}

/** The request side of an exchange: method, redacted URL and headers, the body when it is text. */
function describeRequest(
  input: Parameters<typeof globalThis.fetch>[0],
  init: RequestInit | undefined,
): ExchangeRequest {
  const fromRequest = typeof input === "object" && "method" in input ? input : undefined;
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return {
    method: (init?.method ?? fromRequest?.method ?? "GET").toUpperCase(),
    url: redactUrl(url),
    requestHeaders: requestHeaders(init?.headers ?? fromRequest?.headers),
    requestBody: bodyText(init?.body),
  };
}

/** The request's headers, redacted; empty when they do not parse (then `fetch` itself will refuse them). */
function requestHeaders(headers: HeadersInit | undefined): Record<string, string> {
  try {
    return redactHeaders(new Headers(headers));
  } catch {
    return {};
  }
}

/** A request body as text: strings and bytes; undefined for none, streams and forms (not read, so not consumed). */
function bodyText(body: BodyInit | null | undefined): string | undefined {
  if (body === undefined || body === null) return undefined;
  let text: string | undefined;
  if (typeof body === "string") text = body;
  else if (body instanceof URLSearchParams) text = body.toString();
  else if (body instanceof ArrayBuffer) text = new TextDecoder().decode(body);
  else if (ArrayBuffer.isView(body)) text = new TextDecoder().decode(body);
  return text === undefined ? undefined : redactSecrets(text, { keyShapes: false });
}

/** A redacted one-line description of what a request or body read failed with. */
function describeError(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : String(error ?? "unknown");
  return redactSecrets(text);
}

/** Hand `exchange` to `inspect`; a throwing inspector never reaches the provider. */
function report(inspect: ExchangeInspectorV1, exchange: ProviderExchangeV1): void {
  try {
    inspect(exchange);
  } catch {
    // The gateway's inspector reports its listener's failures; nothing here may break the call.
  }
}

/** Decoded text of the first `limit` bytes of a body. */
class BoundedText {
  truncated = false;
  readonly #limit: number;
  readonly #decoder = new TextDecoder();
  #bytes = 0;
  #text = "";

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(chunk: Uint8Array): void {
    const room = this.#limit - this.#bytes;
    if (room <= 0) {
      if (chunk.byteLength > 0) this.truncated = true;
      return;
    }
    const kept = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
    if (kept !== chunk) this.truncated = true;
    this.#bytes += kept.byteLength;
    this.#text += this.#decoder.decode(kept, { stream: true });
  }

  text(): string {
    return this.#text + this.#decoder.decode();
  }
}
