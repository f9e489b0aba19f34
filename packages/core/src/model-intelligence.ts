/**
 * What the gateway knows about models besides calling them: the models its
 * providers list, a model's status, its tokens and whether a request fits
 * its context window.
 *
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/types/model.rs (ModelStatus)
 * @see https://github.com/emesal/ratatoskr/blob/v0.3.4/src/types/token.rs (Token)
 */
import type { RatatoskrError } from "./errors.ts";
import type { ModelInfo } from "./model-metadata.ts";
import type { CallOptions, CountTokensOptions } from "./options.ts";
import type { ToolDefinition } from "./tools.ts";

/**
 * Where a model stands:
 *
 * - `available`: it can be used now (a remote model a provider serves; a
 *   local model whose files are on disk, not yet loaded);
 * - `downloading`: a local model's files are being fetched (see `progress`);
 * - `loading`: a local model is being loaded into memory;
 * - `ready`: a local model is loaded and answers without a warm-up;
 * - `unavailable`: it cannot be used (see `reason`).
 */
export type ModelState = "available" | "downloading" | "loading" | "ready" | "unavailable";

/** Every {@link ModelState}. */
export const MODEL_STATES: readonly ModelState[] = [
  "available",
  "downloading",
  "loading",
  "ready",
  "unavailable",
];

/** A provider cooling down after failures: calls skip it until `until`. */
export interface ModelCooldown {
  /** When the cool-down ends (epoch ms). */
  readonly until: number;
  /** How long it still lasts, in ms. */
  readonly remainingMs: number;
}

/** The answer of `modelStatus(model)`. */
export interface ModelStatus {
  /** The model as asked. */
  readonly model: string;
  /** Where the model is: available, downloading, loading, ready or unavailable. */
  readonly state: ModelState;
  /** The provider that would serve it (absent when none would). */
  readonly provider?: string;
  /** Why it is unavailable, or what is in progress. */
  readonly reason?: string;
  /** Where a local model runs (`cpu`, `cuda`). */
  readonly device?: string;
  /** Bytes a loaded local model's files take (absent when unknown). */
  readonly memoryBytes?: number;
  /** A download in progress: bytes received and, when known, the total. */
  readonly progress?: {
    /** Bytes received so far. */
    readonly receivedBytes: number;
    /** Bytes in all, when known. */
    readonly totalBytes?: number;
  };
  /** Set while the serving provider cools down after failures. */
  readonly cooldown?: ModelCooldown;
}

/** A model one provider lists, and where the listing came from. */
export interface ListedModel extends ModelInfo {
  /**
   * `provider`: the provider's own model list (`/v1/models`, `/api/tags`);
   * `registry`: the model registry (Hugging Face, local presets);
   * `cache`: files already on this machine.
   */
  readonly source: "provider" | "registry" | "cache";
}

/** A provider whose listing failed, and why. */
export interface ModelListingFailure {
  /** The provider's id. */
  readonly provider: string;
  /** Why its listing failed. */
  readonly error: RatatoskrError;
}

/**
 * The answer of `listModels()`: every model the registered providers list,
 * by provider in routing order, and the providers whose listing failed (one
 * provider down does not hide the others' models).
 */
export interface ModelListing {
  /** The models, by provider in routing order. */
  readonly models: readonly ListedModel[];
  /** The providers whose listing failed (empty: none). */
  readonly failures: readonly ModelListingFailure[];
}

/** Options of `listModels()`. */
export interface ListModelsOptions {
  /** Cancels every provider's listing. */
  signal?: AbortSignal;
  /** Overall deadline in ms (default: the gateway's call timeout; 0: none). */
  timeout?: number;
  /** Only these providers (ids or aliases); default: every provider that lists models. */
  providers?: readonly string[];
}

/**
 * One token of a text: its id, its text, and where it lies in the text as
 * UTF-16 code unit offsets (`text.slice(start, end)`; JavaScript string
 * indices, not the bytes the Rust original reports). A token that covers
 * part of a character (a byte-level piece of an emoji) shares that
 * character's span with its neighbours.
 */
export interface Token {
  /** The token's id in the tokenizer's vocabulary. */
  readonly id: number;
  /** The token's text. */
  readonly text: string;
  /** Where it starts in the text (UTF-16 offset, inclusive). */
  readonly start: number;
  /** Where it ends in the text (UTF-16 offset, exclusive). */
  readonly end: number;
}

/** The answer of `tokenize(text, model)`. */
export interface Tokenization {
  /** The tokens, in order. */
  readonly tokens: readonly Token[];
  /** The provider that tokenized and the model it tokenized for. */
  readonly provider: string;
  /** The model it tokenized for. */
  readonly model: string;
  /** Whether the tokenizer is a stand-in for the model's own. */
  readonly approximate: boolean;
  /** Which tokenizer was used. */
  readonly source: string;
}

/** Options of `fitsContext()`. */
export interface ContextFitOptions extends CountTokensOptions {
  /** Tools the request will carry (their definitions take tokens too). */
  tools?: readonly ToolDefinition[];
  /**
   * Tokens to keep free for the answer (default: the model's
   * `max_output_tokens` from the registry when known and smaller than a
   * quarter of the window, otherwise 0).
   */
  reserveOutput?: number;
  /** The context window to fit, when the registry does not know the model's (or to override it). */
  contextWindow?: number;
}

/** The answer of `fitsContext()`. */
export interface ContextFit {
  /** Whether the request and the reserved output fit the context window. */
  readonly fits: boolean;
  /** Tokens the request (messages and tools) takes. */
  readonly promptTokens: number;
  /** Tokens kept free for the answer. */
  readonly reserveOutput: number;
  /** The context window fitted, in tokens. */
  readonly contextWindow: number;
  /** Tokens left over (`contextWindow - promptTokens - reserveOutput`; 0 or more when it fits). */
  readonly margin: number;
  /** Tokens too many (`-margin` when it does not fit, else 0). */
  readonly overflow: number;
  /** Whether the count is approximate (see `countTokens`). */
  readonly approximate: boolean;
  /** How the request was counted. */
  readonly source: string;
}

/** Options shared by the model-information calls. */
export type ModelInfoCallOptions = Pick<CallOptions, "signal" | "timeout" | "providerOptions">;
