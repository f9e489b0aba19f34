/**
 * What the registry knows about one model. The records are the registry's
 * JSON as it is: the field names of the Rust Ratatoskr's `seed.json`
 * version 1 (`info.context_window`, `pricing.prompt_cost_per_mtok`, …), so
 * a record read here, written to a file or sent over the wire stays
 * readable by every Ratatoskr.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/types/model.rs
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/types/parameter.rs
 */

/**
 * What a model can do. The values are the format's (the Rust enum's
 * variant names), not the gateway's routable `Capability`: `ToolUse`, say,
 * says a chat model can call tools.
 */
export type ModelCapability =
  | "Chat"
  | "ChatStreaming"
  | "Generate"
  | "ToolUse"
  | "Embed"
  | "Nli"
  | "Classify"
  | "Stance"
  | "TokenCounting"
  | "LocalInference";

/** Every {@link ModelCapability}, in the format's order. */
export const MODEL_CAPABILITIES: readonly ModelCapability[] = [
  "Chat",
  "ChatStreaming",
  "Generate",
  "ToolUse",
  "Embed",
  "Nli",
  "Classify",
  "Stance",
  "TokenCounting",
  "LocalInference",
];

/** Who serves a model and what it can do. */
export interface ModelInfo {
  /** The model id (`anthropic/claude-sonnet-4`, `sentence-transformers/all-MiniLM-L6-v2`). */
  readonly id: string;
  /** The provider the record describes it for (`openrouter`, `huggingface`). */
  readonly provider: string;
  /** What the model does (`chat`, `embed`, …). */
  readonly capabilities: readonly ModelCapability[];
  /** Context window in tokens; `null` or absent when unknown. */
  readonly context_window?: number | null;
  /** Embedding dimensions, for embedding models; `null` or absent otherwise. */
  readonly dimensions?: number | null;
}

/** Numeric bounds of a parameter (inclusive), and its default, each when known. */
export interface ParameterRange {
  /** The smallest value accepted. */
  readonly min?: number;
  /** The largest value accepted. */
  readonly max?: number;
  /** The value used when the parameter is not sent. */
  readonly default?: number;
}

/**
 * How a model takes one request parameter:
 *
 * - `mutable`: the caller may set it, within `range` where one is known;
 * - `read_only`: fixed by the provider or model at `value`;
 * - `opaque`: accepted, limits unknown;
 * - `unsupported`: not accepted.
 */
export type ParameterAvailability =
  | {
      /** The caller may set it. */
      readonly availability: "mutable";
      /** Its bounds and default, when known. */
      readonly range?: ParameterRange;
    }
  | {
      /** Fixed by the provider or model. */
      readonly availability: "read_only";
      /** The fixed value. */
      readonly value: unknown;
    }
  | {
      /** Accepted, limits unknown. */
      readonly availability: "opaque";
    }
  | {
      /** Not accepted. */
      readonly availability: "unsupported";
    };

/** Prices in US dollars per million tokens, each when known. */
export interface PricingInfo {
  /** US dollars per million prompt (input) tokens. */
  readonly prompt_cost_per_mtok?: number;
  /** US dollars per million completion (output) tokens. */
  readonly completion_cost_per_mtok?: number;
}

/**
 * One registry record: the model, the request parameters it takes (by their
 * wire names: `temperature`, `top_p`, `max_tokens`, `tools`, …), its price
 * and its longest output. Records handed out by a registry are frozen.
 */
export interface ModelMetadata {
  /** The model: id, provider, capabilities, context window, dimensions. */
  readonly info: ModelInfo;
  /** How it takes each request parameter, by wire name. */
  readonly parameters: Readonly<Record<string, ParameterAvailability>>;
  /** Its prices, when known. */
  readonly pricing?: PricingInfo;
  /** Most tokens one response may hold (distinct from the context window). */
  readonly max_output_tokens?: number;
}
