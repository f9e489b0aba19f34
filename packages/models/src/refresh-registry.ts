/**
 * The optional remote registry: fetched from a URL you configure, cached on
 * disk with its `ETag`, and laid over the shipped registry (as the Rust
 * Ratatoskr lays its cached remote copy over the embedded seed). Offline,
 * or when the server fails, the last cached copy serves, else the shipped
 * one; a status object says which and why. Nothing here rejects for a
 * network, server or data problem: only for options that are wrong.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/registry/remote.rs
 */
import { abortedError, RatatoskrError } from "@ratatoskr/core";
import {
  httpError,
  linkSignals,
  networkError,
  readErrorBody,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import { ModelRegistry } from "./model-registry.ts";
import { type CachedRegistry, readRegistryCache, writeRegistryCache } from "./registry-cache.ts";
import { shippedRegistry } from "./shipped-registry.ts";

/** Where a registry was served from. */
export type RegistrySource = "remote" | "cache" | "shipped";

/** Which registry copy serves, and why. */
export interface RegistryStatus {
  /**
   * `remote`: fetched now; `cache`: the copy on disk (the server confirmed
   * it with 304, or could not be asked); `shipped`: the copy in this
   * package (no usable cache).
   */
  readonly source: RegistrySource;
  /** Whether the server was reached and the copy serving is its current one (200 or 304). */
  readonly fresh: boolean;
  /** One sentence for a log line or a UI. */
  readonly note: string;
  /** Why the remote copy, or the cache, could not be used. */
  readonly error?: RatatoskrError;
  /** Why the fetched copy could not be cached (it still serves). */
  readonly cacheError?: RatatoskrError;
  /** The remote registry's URL (absent for the shipped copy). */
  readonly url?: string;
  /** The `ETag` of the copy serving, when the server sent one. */
  readonly etag?: string;
  /** When the copy serving was fetched (ISO 8601); absent for the shipped copy. */
  readonly fetchedAt?: string;
  /** How many models the registry serving holds. */
  readonly models: number;
}

/** A registry, and where it came from. */
export interface LoadedRegistry {
  /** The registry. */
  readonly registry: ModelRegistry;
  /** Which copy serves, and why. */
  readonly status: RegistryStatus;
}

/** Options of {@link loadRegistry}. */
export interface LoadRegistryOptions {
  /** The remote registry URL whose cached copy to use. */
  url: string;
  /** Directory holding the cache (the file goes under `model-registry/`). */
  cacheDirectory: string;
}

/** Options of {@link refreshRegistry}. */
export interface RefreshRegistryOptions extends LoadRegistryOptions {
  /** Cancels the request; the cached or shipped copy then serves. */
  signal?: AbortSignal;
  /** Longest wait for the whole response in ms (default 30,000, as in the Rust client). */
  timeout?: number;
  /** Largest response accepted, in bytes (default 32 MiB). */
  maxBytes?: number;
  /** `fetch` to use (tests, proxies); default the global one. */
  fetch?: typeof globalThis.fetch;
  /** The clock for `fetchedAt` (tests); default `Date.now`. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const SOURCE = "model registry";

/**
 * The registry to start with, without touching the network: the cached
 * copy of `url` over the shipped registry, or the shipped registry alone
 * (with a note saying why) when there is no usable cache.
 */
export async function loadRegistry(options: LoadRegistryOptions): Promise<LoadedRegistry> {
  const url = checkOptions(options);
  const cache = await readRegistryCache(options.cacheDirectory, url);
  if (cache.cached !== undefined) {
    return served(
      cache.cached,
      false,
      `cached registry from ${url} (fetched ${cache.cached.fetchedAt})`,
    );
  }
  return shipped(
    url,
    cache.error,
    cache.error === undefined ? "no cached copy yet" : "the cached copy is unusable",
  );
}

/**
 * Fetch the remote registry (conditionally, with the cached copy's ETag),
 * cache it and serve it over the shipped registry. On 304 the cached copy
 * serves; on any failure (offline, an HTTP error, a timeout or abort, a
 * body that is not JSON or not a registry this package reads) the cached
 * copy serves, else the shipped one, and `status.error` says what went
 * wrong. Rejects only for invalid options.
 */
export async function refreshRegistry(options: RefreshRegistryOptions): Promise<LoadedRegistry> {
  const url = checkOptions(options);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(timeout) || timeout <= 0 || timeout > 2 ** 31 - 1) {
    throw invalid("timeout", "must be a positive integer of milliseconds (at most 2^31 - 1)");
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw invalid("maxBytes", "must be a positive integer");
  }
  const cache = await readRegistryCache(options.cacheDirectory, url);
  const fallback = (error: RatatoskrError): LoadedRegistry =>
    cache.cached === undefined
      ? shipped(url, error, `could not refresh from ${url}: ${error.message}`)
      : served(
          cache.cached,
          false,
          `could not refresh from ${url} (${error.message}); serving the cached copy fetched ${cache.cached.fetchedAt}`,
          error,
        );

  let fetched: { status: number; etag?: string; text?: string; registry?: ModelRegistry };
  try {
    fetched = await fetchRegistry(url, {
      ...(cache.cached?.etag === undefined ? {} : { etag: cache.cached.etag }),
      timeout,
      maxBytes,
      signal: options.signal,
      fetch: options.fetch ?? globalThis.fetch,
    });
  } catch (error) {
    return fallback(asRatatoskrError(error));
  }
  if (fetched.status === 304) {
    if (cache.cached === undefined) {
      return fallback(
        new RatatoskrError({
          code: "data",
          message: `${url} answered 304 Not Modified to a request without If-None-Match`,
          status: 304,
        }),
      );
    }
    return served(cache.cached, true, `cached registry from ${url} is current (304 Not Modified)`);
  }
  const fetchedAt = new Date((options.now ?? Date.now)()).toISOString();
  let cacheError: RatatoskrError | undefined;
  try {
    await writeRegistryCache(options.cacheDirectory, {
      url,
      etag: fetched.etag,
      fetchedAt,
      text: fetched.text!,
    });
  } catch (error) {
    cacheError = asRatatoskrError(error);
  }
  const registry = shippedRegistry().merge(fetched.registry!);
  return {
    registry,
    status: Object.freeze({
      source: "remote",
      fresh: true,
      note:
        `registry fetched from ${url}` +
        (cacheError === undefined ? "" : ` (not cached: ${cacheError.message})`),
      ...(cacheError === undefined ? {} : { cacheError }),
      url,
      ...(fetched.etag === undefined ? {} : { etag: fetched.etag }),
      fetchedAt,
      models: registry.size,
    }),
  };
}

async function fetchRegistry(
  url: string,
  options: {
    etag?: string;
    timeout: number;
    maxBytes: number;
    signal: AbortSignal | undefined;
    fetch: typeof globalThis.fetch;
  },
): Promise<{ status: number; etag?: string; text?: string; registry?: ModelRegistry }> {
  const deadline = new AbortController();
  const linked = linkSignals(options.signal, deadline.signal);
  const timer = setTimeout(
    () =>
      deadline.abort(
        new RatatoskrError({
          code: "timeout",
          timeoutKind: "total",
          message: `${url} did not answer within ${options.timeout} ms`,
        }),
      ),
    options.timeout,
  );
  const failure = (cause: unknown): RatatoskrError => {
    if (deadline.signal.aborted) return deadline.signal.reason as RatatoskrError;
    if (options.signal?.aborted) return abortedError(options.signal);
    return RatatoskrError.isInstance(cause) ? cause : networkError(SOURCE, url, cause);
  };
  try {
    let response: Response;
    try {
      response = await options.fetch(url, {
        headers: {
          accept: "application/json",
          ...(options.etag === undefined ? {} : { "if-none-match": options.etag }),
        },
        signal: linked.signal,
      });
    } catch (cause) {
      throw failure(cause);
    }
    if (response.status === 304) {
      await response.body?.cancel().catch(() => {});
      return { status: 304 };
    }
    if (!response.ok) {
      let body: string;
      try {
        body = await readErrorBody(response, { signal: linked.signal });
      } catch (cause) {
        throw failure(cause);
      }
      throw httpError({
        provider: SOURCE,
        status: response.status,
        headers: response.headers,
        body,
        // A 404 says the URL is wrong (not that a model is missing); a 400 is not the caller's input.
        classifyBody: (_body, status) =>
          status === 404 || status === 400 || status === 422 ? "http" : undefined,
      });
    }
    let text: string;
    try {
      text = await readBounded(response, options.maxBytes, url);
    } catch (cause) {
      throw failure(cause);
    }
    const origin = `registry from ${url}`;
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new RatatoskrError({
        code: "json",
        message: `${origin}: not valid JSON (${(error as Error).message})`,
      });
    }
    const registry = ModelRegistry.fromPayload(document, { origin, adopt: true });
    const etag = response.headers.get("etag") ?? undefined;
    return { status: response.status, ...(etag === undefined ? {} : { etag }), text, registry };
  } finally {
    clearTimeout(timer);
    linked.dispose();
  }
}

/** The body as text, at most `maxBytes` of it; a larger body is cancelled and is a `data` error. */
async function readBounded(response: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = () =>
    new RatatoskrError({
      code: "data",
      message: `registry from ${url} is larger than ${maxBytes} bytes`,
    });
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks).toString("utf8");
}

function served(
  cached: CachedRegistry,
  fresh: boolean,
  note: string,
  error?: RatatoskrError,
): LoadedRegistry {
  const registry = shippedRegistry().merge(cached.registry);
  return {
    registry,
    status: Object.freeze({
      source: "cache",
      fresh,
      note,
      ...(error === undefined ? {} : { error }),
      url: cached.url,
      ...(cached.etag === undefined ? {} : { etag: cached.etag }),
      fetchedAt: cached.fetchedAt,
      models: registry.size,
    }),
  };
}

function shipped(url: string, error: RatatoskrError | undefined, why: string): LoadedRegistry {
  const registry = shippedRegistry();
  return {
    registry,
    status: Object.freeze({
      source: "shipped",
      fresh: false,
      note: `serving the registry shipped with @ratatoskr/models: ${why}`,
      ...(error === undefined ? {} : { error }),
      url,
      models: registry.size,
    }),
  };
}

function checkOptions(options: LoadRegistryOptions): string {
  if (typeof options !== "object" || options === null) {
    throw invalid("options", "must be an object {url, cacheDirectory}");
  }
  validateBaseURL(options.url, { setting: "url", provider: SOURCE });
  if (typeof options.cacheDirectory !== "string" || options.cacheDirectory.trim() === "") {
    throw invalid("cacheDirectory", "must be a non-empty directory path");
  }
  return options.url;
}

function invalid(field: string, problem: string): RatatoskrError {
  return new RatatoskrError({
    code: "invalid_input",
    message: `${SOURCE}: ${field} ${problem}`,
    details: { field },
  });
}

function asRatatoskrError(error: unknown): RatatoskrError {
  return RatatoskrError.isInstance(error)
    ? error
    : new RatatoskrError({
        code: "data",
        message: String((error as Error)?.message ?? error),
        cause: error,
      });
}
