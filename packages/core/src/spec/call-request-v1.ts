import type { ExchangeInspectorV1 } from "./provider-exchange-v1.ts";

/**
 * What every provider call receives. The gateway validates and normalises
 * the request before a provider sees it, and owns every retry, deadline and
 * fallback: a provider is given one `signal` (the caller's abort, the
 * attempt, idle and total deadlines) and never sees `retry`, `fallbacks` or
 * `timeout`.
 */
export interface CallRequestV1 {
  /** The model id with any `provider:` prefix removed. */
  readonly model: string;
  /**
   * Aborts when the caller aborts or a gateway deadline fires. Pass it to the
   * SDK or `fetch`; a call that ignores it cannot be cancelled.
   */
  readonly signal: AbortSignal;
  /**
   * This provider's own entry of the caller's `providerOptions` (keyed by the
   * provider id), or an empty object. Another provider's entry never arrives
   * here, so nothing leaks across a fallback.
   */
  readonly providerOptions: Readonly<Record<string, unknown>>;
  /** Extra HTTP headers for this call, set over the provider's own (never credentials of another provider). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Set only while the caller inspects calls (a debugging aid; see
   * `ProviderExchangeV1`): report every HTTP exchange this call makes to it
   * (`inspectExchanges`/`inspectingFetch` of `@ratatoskr/provider-utils` do
   * the capture and the redaction). Absent, a provider must add nothing to
   * its request path.
   */
  readonly inspect?: ExchangeInspectorV1;
}
