/**
 * `createOpenRouter`: the OpenRouter preset of the OpenAI-compatible
 * provider (provider specification v1). OpenRouter serves `vendor/model`
 * ids (`anthropic/claude-sonnet-4`) over the OpenAI wire, with its own
 * additions: app attribution headers, a `reasoning` request object,
 * `reasoning_details` to send back, provider routing preferences, message
 * transforms, model fallbacks, `cache_control` breakpoints,
 * `: OPENROUTER PROCESSING` keep-alive comments and mid-stream
 * `finish_reason: "error"` chunks.
 *
 * @see https://openrouter.ai/docs/api-reference/overview
 */
import type { Capability, ChatRequestV1, ModelSupportV1, WarningV1 } from "@ratatoskr/core";
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
} from "@ratatoskr/provider-openai-compat";
import {
  assertProviderOptionTypes,
  PROVIDER_OPTION_CHECKS,
  type ProviderOptionCheck,
} from "@ratatoskr/provider-openai-compat/internal";
import { createOpenRouterModelCatalog } from "./openrouter-model-catalog.ts";

/** OpenRouter's API base URL. */
export const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";

/**
 * OpenRouter's provider routing preferences, sent as the request's
 * `provider` object (fields beyond these pass through too).
 *
 * @see https://openrouter.ai/docs/features/provider-routing
 */
export interface OpenRouterProviderPreferences {
  /** Providers to try, in order (`["anthropic", "openai"]`). */
  order?: string[];
  /** Whether to fall back to other providers when the ordered ones fail (default true). */
  allow_fallbacks?: boolean;
  /** Only use providers that support every parameter of the request. */
  require_parameters?: boolean;
  /** `deny` excludes providers that may store or train on prompts. */
  data_collection?: "allow" | "deny";
  /** Only these providers. */
  only?: string[];
  /** Never these providers. */
  ignore?: string[];
  /** Allowed quantizations (`["fp8", "bf16"]`). */
  quantizations?: string[];
  /** Sort providers by `price`, `throughput` or `latency`. */
  sort?: "price" | "throughput" | "latency";
  /** Highest price to pay, per million tokens. */
  max_price?: {
    /** Per million prompt tokens. */
    prompt?: number;
    /** Per million completion tokens. */
    completion?: number;
    /** Per request. */
    request?: number;
    /** Per image. */
    image?: number;
  };
  [field: string]: unknown;
}

/**
 * OpenRouter's reasoning object, merged field by field over the one
 * `settings.reasoning` maps to (`{effort, max_tokens, exclude}`).
 *
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens
 */
export interface OpenRouterReasoning {
  /** How hard the model reasons (OpenAI-style effort levels). */
  effort?: "minimal" | "low" | "medium" | "high";
  /** A reasoning token budget (Anthropic-style), instead of `effort`. */
  max_tokens?: number;
  /** Reason, but leave the reasoning out of the answer. */
  exclude?: boolean;
  /** Reason with the model's default effort (models that reason only when asked). */
  enabled?: boolean;
  [field: string]: unknown;
}

/**
 * The provider options of `openrouter` (`providerOptions: { openrouter: {…} }`):
 * OpenRouter's request body extensions, spelt as OpenRouter spells them and
 * sent as given. A plain object merges field by field into the mapped one of
 * the same name (`provider` over `settings.providerPreferences`, `reasoning`
 * over `settings.reasoning`). Any other key is an `unknown_provider_option`
 * warning and is not sent.
 *
 * @see https://openrouter.ai/docs/api-reference/parameters
 */
export interface OpenRouterProviderOptions {
  /** Provider routing preferences for this call, merged over `settings.providerPreferences`. */
  readonly provider?: OpenRouterProviderPreferences;
  /** Prompt transforms (`["middle-out"]` compresses a prompt that is too long; `[]` turns them off). */
  readonly transforms?: readonly string[];
  /** Models to try in order when the requested one is unavailable or refuses (model fallbacks). */
  readonly models?: readonly string[];
  /** With `models`: `"fallback"`. */
  readonly route?: string;
  /** The reasoning object, merged over `settings.reasoning`. */
  readonly reasoning?: OpenRouterReasoning;
  /** `{include: true}`: usage accounting (cost, cached tokens) in the answer. */
  readonly usage?: {
    /** Add usage accounting to the answer. */
    readonly include?: boolean;
  };
  /** Plugins (`[{id: "web"}]` for web search, `file-parser`, …). */
  readonly plugins?: readonly Readonly<Record<string, unknown>>[];
  /** A stable id of your end user. */
  readonly user?: string;
  /** Repetition penalty (0–2), for models that take one. */
  readonly repetition_penalty?: number;
  /** Minimum probability relative to the most likely token (0–1). */
  readonly min_p?: number;
  /** Top-a sampling (0–1). */
  readonly top_a?: number;
  /** Token id → bias (-100 to 100). */
  readonly logit_bias?: Readonly<Record<string, number>>;
  /** Answer length for models that take one (`low`, `medium`, `high`). */
  readonly verbosity?: string;
  /** Predicted output, to speed up a regeneration that changes little. */
  readonly prediction?: {
    /** The only kind of prediction: the expected content. */
    readonly type: "content";
    /** The text the answer is expected to largely repeat. */
    readonly content: string;
  };
}

/** Every key of {@link OpenRouterProviderOptions} (the provider warns about any other). */
export const OPENROUTER_PROVIDER_OPTIONS: readonly (keyof OpenRouterProviderOptions)[] =
  Object.keys({
    provider: true,
    transforms: true,
    models: true,
    route: true,
    reasoning: true,
    usage: true,
    plugins: true,
    user: true,
    repetition_penalty: true,
    min_p: true,
    top_a: true,
    logit_bias: true,
    verbosity: true,
    prediction: true,
  } satisfies Record<keyof OpenRouterProviderOptions, true>) as (keyof OpenRouterProviderOptions)[];

const { object, string, finiteNumber, stringList, objectList } = PROVIDER_OPTION_CHECKS;

/** The shape each of {@link OpenRouterProviderOptions} must have (OpenRouter checks the contents). */
const OPENROUTER_PROVIDER_OPTION_CHECKS: Readonly<
  Record<keyof OpenRouterProviderOptions, ProviderOptionCheck>
> = {
  provider: { ...object, expected: "must be a provider routing object ({order, only, sort, …})" },
  transforms: { ...stringList, expected: 'must be an array of transform names (["middle-out"])' },
  models: { ...stringList, expected: "must be an array of model ids" },
  route: { ...string, expected: 'must be a string ("fallback")' },
  reasoning: { ...object, expected: "must be a reasoning object ({effort, max_tokens, exclude})" },
  usage: { ...object, expected: "must be an object ({include: true})" },
  plugins: { ...objectList, expected: 'must be an array of plugin objects ([{id: "web"}])' },
  user: string,
  repetition_penalty: finiteNumber,
  min_p: finiteNumber,
  top_a: finiteNumber,
  logit_bias: { ...object, expected: "must be an object of token id → bias" },
  verbosity: { ...string, expected: 'must be a string ("low", "medium", "high")' },
  prediction: { ...object, expected: 'must be a prediction object ({type: "content", content})' },
};

/** Settings of {@link createOpenRouter}. */
export interface OpenRouterSettings {
  /** API key; defaults to `OPENROUTER_API_KEY`. */
  apiKey?: string;
  /** Default `https://openrouter.ai/api/v1`. */
  baseURL?: string;
  /** Your app's name, sent as `X-Title` (shown in OpenRouter's rankings). */
  appName?: string;
  /** Your app's URL, sent as `HTTP-Referer`. */
  appUrl?: string;
  /** Provider routing preferences for every request; a call's `providerOptions.openrouter.provider` is merged over them, field by field. */
  providerPreferences?: OpenRouterProviderPreferences;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/** OpenRouter model ids: `vendor/model`, one `/`, an optional `:variant` (`:free`, `:nitro`). */
export const OPENROUTER_MODEL_PATTERN = /^[\w.~-]+\/[^/\s]+$/;

/** Whether OpenRouter serves `model` for `capability`: chat models named `vendor/model`. */
export function supportsOpenRouter(capability: Capability, model: string): ModelSupportV1 {
  if (capability !== "chat")
    return { supported: false, reason: `openrouter serves chat only, not ${capability}` };
  return OPENROUTER_MODEL_PATTERN.test(model)
    ? true
    : {
        supported: false,
        reason: 'openrouter serves "vendor/model" ids (e.g. "anthropic/claude-sonnet-4")',
      };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `cachePrompt`: a `cache_control` breakpoint on the last system message,
 * which caches the tools and system messages before it (Anthropic, Gemini;
 * OpenRouter converts it for providers with explicit caching, and the
 * others cache on their own). Without a system message there is nothing
 * stable to mark: with tools, that is a warning.
 *
 * @see https://openrouter.ai/docs/features/prompt-caching
 */
function markPromptCache(
  body: Record<string, unknown>,
  request: ChatRequestV1,
  warn: (warning: WarningV1) => void,
): void {
  const messages = body.messages as Array<Record<string, unknown>>;
  const last = messages.findLastIndex((message) => message.role === "system");
  if (last === -1) {
    if (request.settings.tools !== undefined && request.settings.tools.length > 0) {
      warn({
        type: "unsupported_setting",
        setting: "cachePrompt",
        details:
          "OpenRouter marks the cached prefix on a system message, and this conversation has none: the tools alone are not cached",
      });
    }
    return;
  }
  const system = messages[last]!;
  messages[last] = {
    ...system,
    content: [{ type: "text", text: system.content, cache_control: { type: "ephemeral" } }],
  };
}

/**
 * Create the OpenRouter chat provider (id `openrouter`). `topK` is sent as
 * `top_k`, `settings.reasoning` as OpenRouter's `reasoning` object and
 * `cachePrompt` as a `cache_control` breakpoint; OpenRouter's own request
 * fields are provider options ({@link OpenRouterProviderOptions}).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder()
 *   .use(openrouterDescriptor, { appName: "my-app", appUrl: "https://example.com" }) // OPENROUTER_API_KEY
 *   .build();
 * await gateway.chat([Message.user("Hi")], {
 *   model: "anthropic/claude-sonnet-4",
 *   reasoning: { effort: "low" },
 *   providerOptions: { openrouter: { provider: { sort: "throughput" }, transforms: ["middle-out"] } },
 * });
 * ```
 * @see https://openrouter.ai/docs/api-reference/chat-completion
 */
export function createOpenRouter(settings: OpenRouterSettings = {}): OpenAICompatibleProvider {
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.appUrl !== undefined) headers["HTTP-Referer"] = settings.appUrl;
  if (settings.appName !== undefined) headers["X-Title"] = settings.appName;
  const preferences = settings.providerPreferences;
  const compatible = createOpenAICompatible({
    id: "openrouter",
    baseURL: settings.baseURL ?? OPENROUTER_BASE_URL,
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
    apiKeyEnvironmentVariable: "OPENROUTER_API_KEY",
    headers,
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    reasoningRequest: "reasoning_object",
    sendTopK: true,
    // The breakpoint is set below; the models behind OpenRouter that need none cache on their own.
    promptCaching: "automatic",
    knownProviderOptions: OPENROUTER_PROVIDER_OPTIONS,
    supports: supportsOpenRouter,
    transformRequestBody: (body, request, warn) => {
      assertProviderOptionTypes(
        "openrouter",
        request.providerOptions,
        OPENROUTER_PROVIDER_OPTION_CHECKS,
      );
      if (preferences !== undefined) {
        const own = body.provider;
        body.provider =
          own === undefined ? preferences : isPlainObject(own) ? { ...preferences, ...own } : own;
      }
      if (request.settings.cachePrompt === true) markPromptCache(body, request, warn);
      return body;
    },
  });
  // OpenRouter's own list (no key sent), with full registry records, over the OpenAI-compatible guesses.
  const models = createOpenRouterModelCatalog({
    baseURL: compatible.baseURL,
    headers,
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
  });
  return { ...compatible, models };
}
