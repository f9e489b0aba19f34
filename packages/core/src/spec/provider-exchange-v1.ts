/**
 * One HTTP exchange between a provider and its upstream, as a provider
 * reports it to the call's {@link ExchangeInspectorV1} (a debugging aid, off
 * unless the caller asked for it). Credentials are redacted before the
 * record is built: request and response headers that carry them, key-like
 * query parameters of the URL, and every registered secret in the bodies.
 * The bodies are otherwise as sent and as received: prompts and completions
 * included.
 */
export interface ProviderExchangeV1 {
  /** HTTP method (`POST`, `GET`). */
  readonly method: string;
  /** The request URL, key-like query parameters redacted. */
  readonly url: string;
  /** Request headers (lower-case names), credentials redacted. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** The request body as sent (the final JSON), or undefined when there was none or it was not text. */
  readonly requestBody: string | undefined;
  /** The response status; undefined when no response arrived (`error` says why). */
  readonly status: number | undefined;
  /** Response headers (lower-case names), credentials (`set-cookie`, …) redacted; empty when no response arrived. */
  readonly responseHeaders: Readonly<Record<string, string>>;
  /**
   * The response body as the provider read it (for a stream, the raw SSE or
   * NDJSON text), up to the capture bound; empty when no response arrived.
   */
  readonly responseBody: string;
  /** Whether `responseBody` was cut at the capture bound (the provider read the whole body all the same). */
  readonly truncated: boolean;
  /**
   * Set when the exchange failed: the request could not be sent, the body
   * failed mid-way (`responseBody` holds what arrived), or the provider
   * stopped reading it (`"cancelled: …"`). Redacted.
   */
  readonly error?: string;
}

/**
 * Receives each HTTP exchange of one call when it completes or fails
 * (never before the provider has read the response body to its end, so a
 * stream is never held back). It must not throw; the gateway's inspector
 * reports its listener's failures itself.
 */
export type ExchangeInspectorV1 = (exchange: ProviderExchangeV1) => void;
