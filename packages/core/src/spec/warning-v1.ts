/**
 * A setting or tool that a provider ignored or could not honour as asked.
 * Providers return warnings with their results; the gateway stamps the
 * provider id, puts them on the response and on `done`, and reports them to
 * the `onWarning` hook. In strict mode a warning is an `invalid_input` error
 * raised before any request is sent. Nothing a caller asked for is dropped
 * without one.
 */
export type WarningV1 =
  /** A standard setting the provider or model does not support (`setting` names the option, e.g. `topK`). */
  | {
      /** The kind of warning. */
      type: "unsupported_setting";
      /** The option's name (`topK`). */
      setting: string;
      /** What happened instead, or why. */
      details?: string;
    }
  /** A tool the provider cannot send (e.g. a schema feature it rejects). */
  | {
      /** The kind of warning. */
      type: "unsupported_tool";
      /** The tool's name. */
      tool: string;
      /** What the provider cannot send, or why. */
      details?: string;
    }
  /** An entry of this provider's `providerOptions` that it does not know. */
  | {
      /** The kind of warning. */
      type: "unknown_provider_option";
      /** The key in this provider's `providerOptions` entry. */
      option: string;
      /** Why, or what was done with it. */
      details?: string;
    }
  /** Anything else the caller should know (a value clamped, a feature degraded). */
  | {
      /** The kind of warning. */
      type: "other";
      /** What the caller should know. */
      message: string;
    }
  /**
   * The gateway's response cache (builder `.cache()`) could not be read or
   * written: the call went upstream (a failed read counts every entry as a
   * miss) or its answer was not stored. The gateway's own; providers never
   * return it. Never fails the call, and strict mode ignores it.
   */
  | {
      /** The kind of warning. */
      type: "cache_unavailable";
      /** The store's name (`memory`, `redis`, …). */
      store: string;
      /** What failed (the store error's message). */
      details: string;
    };
