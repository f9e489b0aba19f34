/**
 * `createOpenAI`: the direct OpenAI preset of the OpenAI-compatible provider.
 */

import type { Capability, ModelSupportV1, ResponseFormat, WarningV1 } from "@ratatoskr/core";
import {
  assertProviderOptionTypes,
  PROVIDER_OPTION_CHECKS,
  type ProviderOptionCheck,
} from "./assert-provider-option-types.ts";
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
} from "./openai-compatible-provider.ts";
import { toOpenAIStrictSchema } from "./openai-strict-schema.ts";

/** Settings of {@link createOpenAI}. */
export interface OpenAISettings {
  /** API key; defaults to `OPENAI_API_KEY`. */
  apiKey?: string;
  /** Default `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
  /** Sent as `OpenAI-Project`. */
  project?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/**
 * The provider options of `openai` (`providerOptions: { openai: {…} }`):
 * Chat Completions body fields beyond the standard settings, spelt as the
 * API spells them and sent as given. Any other key is an
 * `unknown_provider_option` warning and is not sent (the API rejects fields
 * it does not know).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export interface OpenAIProviderOptions {
  /** A stable id of your end user, for abuse monitoring (prefer `safety_identifier`). */
  readonly user?: string;
  /** A stable, hashed id of your end user, for abuse monitoring. */
  readonly safety_identifier?: string;
  /** Store the completion for distillation and evals. */
  readonly store?: boolean;
  /** Up to 16 key-value pairs stored with the completion. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Processing tier: `auto`, `default`, `flex`, `scale`, `priority`. */
  readonly service_tier?: string;
  /** Token id → bias (-100 to 100). */
  readonly logit_bias?: Readonly<Record<string, number>>;
  /** Predicted output, to speed up a regeneration that changes little. */
  readonly prediction?: {
    /** The only kind of prediction: the expected content. */
    readonly type: "content";
    /** The text (or content parts) the answer is expected to largely repeat. */
    readonly content: unknown;
  };
  /** How long the answer should be: `low`, `medium`, `high` (GPT-5 models). */
  readonly verbosity?: string;
  /** The raw effort (`none`, `minimal`, … `xhigh`), over the one `settings.reasoning.effort` maps to. */
  readonly reasoning_effort?: string;
  /** Groups requests that share a prompt prefix, to improve cache hits. */
  readonly prompt_cache_key?: string;
  /** How long a cached prefix is kept: `in-memory` or `24h`. */
  readonly prompt_cache_retention?: string;
  /** Web search options of the search models (`gpt-4o-search-preview`, …). */
  readonly web_search_options?: Readonly<Record<string, unknown>>;
}

/** Every key of {@link OpenAIProviderOptions} (the provider warns about any other). */
export const OPENAI_PROVIDER_OPTIONS: readonly (keyof OpenAIProviderOptions)[] = Object.keys({
  user: true,
  safety_identifier: true,
  store: true,
  metadata: true,
  service_tier: true,
  logit_bias: true,
  prediction: true,
  verbosity: true,
  reasoning_effort: true,
  prompt_cache_key: true,
  prompt_cache_retention: true,
  web_search_options: true,
} satisfies Record<keyof OpenAIProviderOptions, true>) as (keyof OpenAIProviderOptions)[];

const { object, string, boolean } = PROVIDER_OPTION_CHECKS;

/** The shape each of {@link OpenAIProviderOptions} must have. */
const OPENAI_PROVIDER_OPTION_CHECKS: Readonly<
  Record<keyof OpenAIProviderOptions, ProviderOptionCheck>
> = {
  user: string,
  safety_identifier: string,
  store: boolean,
  metadata: { ...object, expected: "must be an object of string values" },
  service_tier: { ...string, expected: 'must be a string ("auto", "flex", …)' },
  logit_bias: { ...object, expected: "must be an object of token id → bias" },
  prediction: { ...object, expected: 'must be a prediction object ({type: "content", content})' },
  verbosity: { ...string, expected: 'must be a string ("low", "medium", "high")' },
  reasoning_effort: { ...string, expected: 'must be a string ("low", "medium", "high", …)' },
  prompt_cache_key: string,
  prompt_cache_retention: string,
  web_search_options: object,
};

/** OpenAI's own API base URL. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * OpenAI chat model ids: the `gpt*` (not the open-weight `gpt-oss`),
 * `chatgpt*`, `o1*`, `o3*` and `o4*` families, without a `/` (a router's
 * `vendor/model`) or a `:tag` (Ollama's `name:tag`).
 */
export const OPENAI_CHAT_MODEL_PATTERN = /^(?:gpt(?!-oss)|chatgpt|o1|o3|o4)(?:$|[-.\d])[^/:]*$/;

/** OpenAI fine-tuned model ids (`ft:gpt-4o-mini:org::id`): no other provider uses this form. */
export const OPENAI_FINE_TUNE_PATTERN = /^ft:/;

/** Whether `model` is an OpenAI chat model id: a model family of {@link OPENAI_CHAT_MODEL_PATTERN} or a fine-tune. */
export function isOpenAIChatModel(model: string): boolean {
  return OPENAI_FINE_TUNE_PATTERN.test(model) || OPENAI_CHAT_MODEL_PATTERN.test(model);
}

function supportsOpenAI(capability: Capability, model: string): ModelSupportV1 {
  if (capability !== "chat")
    return { supported: false, reason: `openai here serves chat only, not ${capability}` };
  return isOpenAIChatModel(model)
    ? true
    : {
        supported: false,
        reason: "openai serves gpt*, chatgpt*, o1*, o3* and o4* model ids and ft: fine-tunes",
      };
}

/**
 * With `responseFormat: {type: "json_schema", strict: true}`, fit the schema
 * sent in `response_format` into OpenAI's strict subset
 * ({@link toOpenAIStrictSchema}); what changed comes back as one `other`
 * warning. Without `strict: true` (OpenAI's default is false) the schema
 * goes as given.
 */
function strictenResponseFormat(
  body: Record<string, unknown>,
  format: ResponseFormat | undefined,
  warn: (warning: WarningV1) => void,
): void {
  if (format?.type !== "json_schema" || format.strict !== true) return;
  const wire = body.response_format as { json_schema?: Record<string, unknown> } | undefined;
  if (wire?.json_schema === undefined) return;
  const { schema, changes } = toOpenAIStrictSchema(format.schema);
  if (changes.length === 0) return;
  body.response_format = { ...wire, json_schema: { ...wire.json_schema, schema } };
  warn({
    type: "other",
    message: `responseFormat.schema was fitted to OpenAI's strict subset: ${changes.join("; ")}`,
  });
}

/**
 * Create the direct OpenAI chat provider (id `openai`). OpenAI caches prompt
 * prefixes by itself, so `cachePrompt` is honoured; `topK` has no OpenAI
 * field and comes back as a warning.
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(openaiDescriptor).build(); // OPENAI_API_KEY
 * await gateway.chat([Message.user("Hi")], {
 *   model: "gpt-4o-mini",
 *   providerOptions: { openai: { service_tier: "flex" } },
 * });
 * ```
 * @see https://platform.openai.com/docs/api-reference/chat
 */
export function createOpenAI(settings: OpenAISettings = {}): OpenAICompatibleProvider {
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.organization !== undefined) headers["OpenAI-Organization"] = settings.organization;
  if (settings.project !== undefined) headers["OpenAI-Project"] = settings.project;
  return createOpenAICompatible({
    id: "openai",
    baseURL: settings.baseURL ?? OPENAI_BASE_URL,
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
    apiKeyEnvironmentVariable: "OPENAI_API_KEY",
    headers,
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    maxTokensField: "max_completion_tokens",
    reasoningRequest: "reasoning_effort",
    promptCaching: "automatic",
    knownProviderOptions: OPENAI_PROVIDER_OPTIONS,
    supports: supportsOpenAI,
    transformRequestBody: (body, request, warn) => {
      assertProviderOptionTypes("openai", request.providerOptions, OPENAI_PROVIDER_OPTION_CHECKS);
      strictenResponseFormat(body, request.settings.responseFormat, warn);
      return body;
    },
  });
}
