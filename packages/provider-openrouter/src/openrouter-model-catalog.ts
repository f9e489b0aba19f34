/**
 * OpenRouter's model catalog: `GET {baseURL}/models` (OpenRouter's public
 * list, which needs no API key: none is sent), each model turned into a
 * registry record by `@ratatoskr/models`' converter (capabilities from the
 * output modalities and `tools`, context window, pricing per million
 * tokens, request parameters, longest output). `listModels` lists them;
 * `fetchModelMetadata` answers one model's record from the same list. A
 * listing is reused for `listingTtlMs` (default one minute), so looking up
 * several models one after another downloads the list (several MB) once.
 *
 * @see https://openrouter.ai/docs/api/api-reference/models/get-models
 */
import {
  abortedError,
  type CallRequestV1,
  type ListedModelV1,
  type ListModelsResultV1,
  type ModelCatalogV1,
  type ModelMetadata,
  RatatoskrError,
  registerSecret,
  type WarningV1,
} from "@ratatoskr/core";
import { registryDocumentFromOpenRouter } from "@ratatoskr/models";
import { httpError, networkError, readErrorBody, validateBaseURL } from "@ratatoskr/provider-utils";

/** Settings of {@link createOpenRouterModelCatalog}. */
export interface OpenRouterModelCatalogSettings {
  /** Default `https://openrouter.ai/api/v1`. */
  baseURL?: string;
  /** Extra headers (`HTTP-Referer`, `X-Title`, a proxy's); credentials in them are registered for redaction. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /**
   * How long a downloaded listing is reused, in ms (default 60,000; `0`:
   * every call downloads it). Only successful listings are kept; a failure
   * is never cached, and calls in flight never share one download (each
   * has its own signal).
   */
  listingTtlMs?: number;
}

/** The default of {@link OpenRouterModelCatalogSettings.listingTtlMs}. */
const DEFAULT_LISTING_TTL_MS = 60_000;

const PROVIDER = "openrouter";
const DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";

/** OpenRouter's records and what was left out, from one list response. */
interface OpenRouterListing {
  readonly records: readonly ModelMetadata[];
  readonly warnings: readonly WarningV1[];
}

/** The message of an OpenRouter error body (`{"error": {"message", "code"}}`), if it has one. */
function errorMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string };
    if (typeof parsed.error === "string") return parsed.error;
    return typeof parsed.error?.message === "string" ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The model catalog of OpenRouter, usable without a key (`createOpenRouter`
 * gives its provider one with its own base URL, headers and `fetch`).
 *
 * @example
 * ```ts
 * const catalog = createOpenRouterModelCatalog();
 * const { models } = await catalog.listModels({ signal: AbortSignal.timeout(10_000) });
 * ```
 */
export function createOpenRouterModelCatalog(
  settings: OpenRouterModelCatalogSettings = {},
): ModelCatalogV1 {
  const baseURL = validateBaseURL(settings.baseURL ?? DEFAULT_BASE_URL, {
    setting: "baseURL",
    provider: PROVIDER,
  });
  for (const [name, value] of Object.entries(settings.headers ?? {})) {
    if (/^(?:proxy-)?authorization$|api[-_]?key/i.test(name)) registerSecret(value);
  }
  const url = `${baseURL}/models`;
  const ttlMs = settings.listingTtlMs ?? DEFAULT_LISTING_TTL_MS;
  if (typeof ttlMs !== "number" || !(ttlMs >= 0)) {
    throw new RatatoskrError({
      code: "configuration",
      message: `listingTtlMs must be a non-negative number of ms, got ${String(ttlMs)}`,
      provider: PROVIDER,
    });
  }
  /** Listings by the extra request headers they were fetched with, with when they expire. */
  const recent = new Map<string, { listing: OpenRouterListing; expires: number }>();

  async function cachedListing(
    signal: AbortSignal,
    headers: Readonly<Record<string, string>> | undefined,
  ): Promise<OpenRouterListing> {
    if (ttlMs === 0) return fetchListing(signal, headers);
    const key = headers === undefined ? "" : JSON.stringify(Object.entries(headers).sort());
    const kept = recent.get(key);
    if (kept !== undefined && kept.expires > Date.now()) {
      if (signal.aborted) throw abortedError(signal);
      return kept.listing;
    }
    const listing = await fetchListing(signal, headers);
    recent.set(key, { listing, expires: Date.now() + ttlMs });
    return listing;
  }

  async function fetchListing(
    signal: AbortSignal,
    headers: Readonly<Record<string, string>> | undefined,
  ): Promise<OpenRouterListing> {
    if (signal.aborted) throw abortedError(signal);
    const fetchImplementation = settings.fetch ?? globalThis.fetch;
    let text: string;
    try {
      const response = await fetchImplementation(url, {
        method: "GET",
        headers: { accept: "application/json", ...settings.headers, ...headers },
        signal,
      });
      if (!response.ok) {
        const body = await readErrorBody(response, { signal });
        const message = errorMessageOf(body);
        throw httpError({
          status: response.status,
          headers: response.headers,
          body,
          ...(message === undefined ? {} : { message }),
          provider: PROVIDER,
        });
      }
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw abortedError(signal);
      if (RatatoskrError.isInstance(error)) throw error;
      throw networkError(PROVIDER, baseURL, error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RatatoskrError({
        code: "json",
        message: `${PROVIDER} answered GET /models with invalid JSON: ${(error as Error).message}`,
        provider: PROVIDER,
        cause: error,
      });
    }
    let document: ReturnType<typeof registryDocumentFromOpenRouter>;
    try {
      document = registryDocumentFromOpenRouter(parsed);
    } catch (error) {
      throw new RatatoskrError({
        code: "data",
        message: `${PROVIDER} answered GET /models with an unexpected body: ${(error as Error).message}`,
        provider: PROVIDER,
        cause: error,
      });
    }
    const skipped = document.skipped.length;
    return {
      records: document.document.models,
      warnings:
        skipped === 0
          ? []
          : [
              {
                type: "other",
                message: `${PROVIDER}: ${skipped} listed ${skipped === 1 ? "model was" : "models were"} left out (no id, or neither text nor embedding output)`,
              },
            ],
    };
  }

  return {
    async listModels(request): Promise<ListModelsResultV1> {
      const { records, warnings } = await cachedListing(request.signal, request.headers);
      const models: ListedModelV1[] = records.map((record) => ({
        ...record.info,
        source: "provider",
      }));
      return warnings.length === 0 ? { models } : { models, warnings };
    },
    async fetchModelMetadata(request: CallRequestV1): Promise<ModelMetadata | undefined> {
      const { records } = await cachedListing(request.signal, request.headers);
      return records.find((record) => record.info.id === request.model);
    },
  };
}
