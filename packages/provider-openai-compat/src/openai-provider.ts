/**
 * `createOpenAI`: the direct OpenAI preset of the OpenAI-compatible provider.
 */
import type { Capability, ModelSupport } from "@ratatoskr/core";
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
} from "./openai-compatible-provider.ts";

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

/** OpenAI's own API base URL. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

const OPENAI_CHAT_MODEL = /^(?:ft:)?(?:gpt|chatgpt|o1|o3|o4)(?:$|[-.\d])/;

/**
 * Whether `model` is an OpenAI chat model name: `gpt*`, `chatgpt*`, `o1*`,
 * `o3*`, `o4*` (and fine-tunes of them, `ft:gpt-4o-mini:…`). Names with a
 * `/` (OpenRouter) or a tag `:` (Ollama's `gpt-oss:20b`) are not.
 */
export function isOpenAIChatModel(model: string): boolean {
  if (model.includes("/")) return false;
  if (model.includes(":") && !model.startsWith("ft:")) return false;
  return OPENAI_CHAT_MODEL.test(model);
}

function supportsOpenAI(capability: Capability, model: string): ModelSupport {
  if (capability !== "chat")
    return { supported: false, reason: `openai here serves chat only, not ${capability}` };
  return isOpenAIChatModel(model)
    ? true
    : { supported: false, reason: "openai serves gpt*, chatgpt*, o1*, o3* and o4* model names" };
}

/**
 * Create the direct OpenAI chat provider (plugin id `openai`).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().use(createOpenAI()).build(); // OPENAI_API_KEY
 * await gateway.chat([Message.user("Hi")], { model: "gpt-4o-mini" });
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
    supports: supportsOpenAI,
  });
}
