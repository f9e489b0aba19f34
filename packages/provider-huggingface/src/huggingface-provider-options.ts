/**
 * The `huggingface` entry of `providerOptions`: typed per-call knobs of the
 * Hugging Face inference tasks, read from the request's own entry only.
 */
import { invalidInput, type WarningV1 } from "@ratatoskr/core";
import type { HuggingFacePooling } from "./map-huggingface-embeddings.ts";

/**
 * Per-call options of the Hugging Face provider (`providerOptions.huggingface`).
 *
 * Embeddings (feature extraction) read every key below; NLI and zero-shot
 * classification read none, so any key on those calls is an
 * `unknown_provider_option` warning. Chat is different: it goes through Hugging
 * Face's OpenAI-compatible router, and every key of the entry is sent as a
 * field of the chat request body, as given (a pass-through by design, e.g.
 * `{ huggingface: { repetition_penalty: 1.1 } }`).
 *
 * @see https://huggingface.co/docs/inference-providers/tasks/feature-extraction
 */
export interface HuggingFaceProviderOptions {
  /** Truncate texts longer than the model's maximum input (`parameters.truncate`, TEI). */
  truncate?: boolean;
  /** Which end `truncate` cuts: `Left` or `Right` (`parameters.truncation_direction`). */
  truncationDirection?: "Left" | "Right";
  /** A prompt the model declares in its sentence-transformers config (`parameters.prompt_name`, e.g. `query`). */
  promptName?: string;
  /** Pooling of token-level outputs for this call, over the `pooling` setting. */
  pooling?: HuggingFacePooling;
  /** L2-normalise vectors pooled from token-level outputs for this call, over the `normalize` setting. */
  normalize?: boolean;
}

/** The keys of {@link HuggingFaceProviderOptions}. */
const EMBEDDING_OPTION_KEYS: ReadonlySet<string> = new Set([
  "truncate",
  "truncationDirection",
  "promptName",
  "pooling",
  "normalize",
]);

/** What the embedding request takes from the options entry. */
export interface HuggingFaceEmbeddingOptions {
  /** Extra `parameters` of the feature-extraction request. */
  parameters: Record<string, unknown>;
  pooling?: HuggingFacePooling;
  normalize?: boolean;
}

function fail(option: string, expected: string, value: unknown): never {
  const got = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
  throw invalidInput(`providerOptions.huggingface.${option} must be ${expected}, got ${got}`);
}

/**
 * Read the feature-extraction options of a request's `huggingface` entry.
 * An unknown key is an `unknown_provider_option` warning (pushed to
 * `warnings`) and is not sent; a known key with a value of the wrong type is
 * an `invalid_input` error naming `providerOptions.huggingface.<key>`.
 */
export function readEmbeddingOptions(
  entry: Readonly<Record<string, unknown>>,
  warnings: WarningV1[],
): HuggingFaceEmbeddingOptions {
  const parameters: Record<string, unknown> = {};
  const result: HuggingFaceEmbeddingOptions = { parameters };
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (!EMBEDDING_OPTION_KEYS.has(key)) {
      warnings.push({ type: "unknown_provider_option", option: key });
      continue;
    }
    if (key === "truncate" || key === "normalize") {
      if (typeof value !== "boolean") {
        fail(key, "a boolean", value);
      } else if (key === "truncate") {
        parameters.truncate = value;
      } else {
        result.normalize = value;
      }
    } else if (key === "truncationDirection") {
      if (value === "Left" || value === "Right") parameters.truncation_direction = value;
      else fail(key, '"Left" or "Right"', value);
    } else if (key === "promptName") {
      if (typeof value === "string" && value.length > 0) parameters.prompt_name = value;
      else fail(key, "a non-empty string", value);
    } else if (value === "mean" || value === "cls") {
      result.pooling = value;
    } else {
      fail(key, '"mean" or "cls"', value);
    }
  }
  return result;
}

/**
 * Warnings for a task that reads no provider options (NLI, zero-shot
 * classification): every key of the entry is unknown to it.
 */
export function unreadOptionWarnings(
  entry: Readonly<Record<string, unknown>>,
  task: string,
): WarningV1[] {
  return Object.keys(entry)
    .filter((key) => entry[key] !== undefined)
    .map((key) => ({
      type: "unknown_provider_option" as const,
      option: key,
      details: EMBEDDING_OPTION_KEYS.has(key)
        ? `applies to embeddings only, not to ${task}`
        : `not a huggingface option for ${task}`,
    }));
}
