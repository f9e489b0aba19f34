/**
 * `createOpenRouter`: the OpenRouter preset of the OpenAI-compatible
 * provider. OpenRouter serves `vendor/model` names (`anthropic/claude-sonnet-4`)
 * over the OpenAI wire, with its own additions: app attribution headers,
 * a `reasoning` request object, `reasoning_details` to send back, provider
 * routing preferences, `: OPENROUTER PROCESSING` keep-alive comments and
 * mid-stream `finish_reason: "error"` chunks.
 *
 * @see https://openrouter.ai/docs/api-reference/overview
 */
import type { Capability, ChatOptions, ModelSupport } from "@ratatoskr/core";
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
} from "@ratatoskr/provider-openai-compat";

/** OpenRouter's API base URL. */
export const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";

/**
 * OpenRouter's provider routing preferences, sent as the request's
 * `provider` object unchanged (fields beyond these pass through too).
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
  max_price?: { prompt?: number; completion?: number; request?: number; image?: number };
  [field: string]: unknown;
}

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
  /** Provider routing preferences for every request (a request's `rawProviderOptions.provider` wins). */
  providerPreferences?: OpenRouterProviderPreferences;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/** Whether OpenRouter serves `model` for `capability`: chat models named `vendor/model`. */
export function supportsOpenRouter(capability: Capability, model: string): ModelSupport {
  if (capability !== "chat")
    return { supported: false, reason: `openrouter serves chat only, not ${capability}` };
  return model.includes("/")
    ? true
    : {
        supported: false,
        reason: 'openrouter serves "vendor/model" names (e.g. "anthropic/claude-sonnet-4")',
      };
}

/**
 * Create the OpenRouter chat provider (plugin id `openrouter`).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder()
 *   .use(createOpenRouter({ appName: "my-app", appUrl: "https://example.com" })) // OPENROUTER_API_KEY
 *   .build();
 * await gateway.chat([Message.user("Hi")], { model: "anthropic/claude-sonnet-4", reasoning: { effort: "low" } });
 * ```
 * @see https://openrouter.ai/docs/api-reference/chat-completion
 */
export function createOpenRouter(settings: OpenRouterSettings = {}): OpenAICompatibleProvider {
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.appUrl !== undefined) headers["HTTP-Referer"] = settings.appUrl;
  if (settings.appName !== undefined) headers["X-Title"] = settings.appName;
  const preferences = settings.providerPreferences;
  return createOpenAICompatible({
    id: "openrouter",
    baseURL: settings.baseURL ?? OPENROUTER_BASE_URL,
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
    apiKeyEnvironmentVariable: "OPENROUTER_API_KEY",
    headers,
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    reasoningRequest: "reasoning_object",
    supports: supportsOpenRouter,
    ...(preferences === undefined
      ? {}
      : {
          transformRequestBody: (body: Record<string, unknown>, options: ChatOptions) => {
            if (options.rawProviderOptions?.provider === undefined) body.provider = preferences;
            return body;
          },
        }),
  });
}
