/**
 * The official `ollama` client, loaded on the first request (importing this
 * package loads no SDK), with one client per request: its `fetch` carries the
 * request's own AbortSignal (the SDK passes none to non-streaming calls, and
 * for streams only one of its own), turns HTTP failures into typed errors
 * with status, headers and body, and guards NDJSON bodies (see
 * {@link guardOllamaNdjson}). The client makes no retries: the gateway does.
 *
 * @see https://github.com/ollama/ollama-js
 */
import { type ExchangeInspectorV1, RatatoskrError } from "@ratatoskr/core";
import { inspectExchanges, linkSignals } from "@ratatoskr/provider-utils";
import type { Ollama } from "ollama/browser";
import { ollamaHttpError } from "./ollama-error.ts";
import { guardOllamaNdjson } from "./ollama-ndjson-guard.ts";

/** Where and how requests go: the same for every request of one provider. */
export interface OllamaClientContext {
  /** Plugin id, named in errors. */
  provider: string;
  /** Server URL without a trailing slash (`http://localhost:11434`). */
  baseURL: string;
  /** Extra headers (Authorization for a proxy included). */
  headers: Record<string, string>;
  /** The `fetch` every request goes through (the provider's `fetch` setting, or the global). */
  fetch: typeof globalThis.fetch;
  /** Appended to connection errors: how to start Ollama or point at it. */
  networkErrorHint: string;
}

/** One request's client and its lifetime. */
export interface OllamaRequest {
  /** The SDK client bound to this request's signal. */
  readonly client: Ollama;
  /** Close the upstream request now (leaving a stream early, errors). */
  abort(): void;
  /** Release the listener on the caller's signal; call once the request is over. */
  dispose(): void;
}

type OllamaModule = typeof import("ollama/browser");

let loading: Promise<OllamaModule> | undefined;

/**
 * Import the SDK once. The browser entry is the same client without the
 * Node entry's file access (it reads an image string that names an existing
 * path from disk), which this provider never wants.
 */
function loadOllamaModule(): Promise<OllamaModule> {
  loading ??= import("ollama/browser").catch((error: unknown) => {
    loading = undefined;
    throw new RatatoskrError({
      code: "configuration",
      message:
        "@ratatoskr/provider-ollama could not load its `ollama` client package: reinstall @ratatoskr/provider-ollama (or run `pnpm add ollama`)",
      cause: error,
    });
  });
  return loading;
}

/**
 * Open one request: a fresh SDK client whose `fetch` is bound to `signal`.
 * `stream` says whether the answer is NDJSON to guard; `model` (absent for
 * listings) is named in errors.
 */
export async function openOllamaRequest(
  context: OllamaClientContext,
  options: {
    signal: AbortSignal | undefined;
    model?: string;
    stream: boolean;
    /** The call's inspector (a debugging aid): the request's exchange is captured for it. */
    inspect?: ExchangeInspectorV1 | undefined;
  },
): Promise<OllamaRequest> {
  const { Ollama } = await loadOllamaModule();
  const link = linkSignals(options.signal);
  // Without an inspector this is `context.fetch` itself.
  const send = inspectExchanges(context.fetch, options.inspect);
  const requestFetch: typeof globalThis.fetch = async (input, init = {}) => {
    // `inner` is the client's own controller for this one stream (ollama
    // creates one per streamed request), so the listener lives and dies with
    // the request; the call's signal is linked once, by `link`, and released
    // by `dispose()`.
    const inner = init.signal;
    if (inner) {
      if (inner.aborted) link.abort(inner.reason);
      else inner.addEventListener("abort", () => link.abort(inner.reason), { once: true });
    }
    const response = await send(input, { ...init, signal: link.signal });
    if (!response.ok) {
      throw await ollamaHttpError(response, {
        provider: context.provider,
        ...(options.model === undefined ? {} : { model: options.model }),
      });
    }
    if (!options.stream || response.body === null) return response;
    return new Response(
      guardOllamaNdjson(response.body, {
        provider: context.provider,
        model: options.model ?? "",
      }),
      { status: response.status, statusText: response.statusText, headers: response.headers },
    );
  };
  const client = new Ollama({
    host: context.baseURL,
    headers: context.headers,
    fetch: requestFetch,
  });
  return {
    client,
    abort: () => link.abort(),
    dispose: () => link.dispose(),
  };
}
