/**
 * Build the body of an `/api/chat` request from a v1 chat request, and the
 * warnings for what Ollama cannot honour as asked. Sampling settings go into
 * `options` (`maxTokens` → `num_predict`, `topK` → `top_k`), reasoning into
 * `think`, the response format into `format`; the provider's settings add
 * `keep_alive` and model options such as `num_ctx`; the call's provider
 * options (`keep_alive`, `options`, `think`) are applied last. Pure: the
 * call and `warningsFor()` run the same function.
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/modelfile#valid-parameters-and-values
 */
import type {
  ChatRequestV1,
  ChatSettingsV1,
  ReasoningConfig,
  ResponseFormat,
  ToolDefinition,
  WarningV1,
} from "@ratatoskr/core";
import { assertProviderOptionTypes } from "@ratatoskr/provider-openai-compat/internal";
import { convertToOllamaMessages, type OllamaWireMessage } from "./convert-to-ollama-messages.ts";
import { OLLAMA_PROVIDER_OPTION_CHECKS } from "./ollama-provider-option-checks.ts";

/** Ollama's `think`: on/off, or a level for models that take one (gpt-oss). */
export type OllamaThink = boolean | "low" | "medium" | "high" | "max";

/**
 * The provider options of `ollama` (`providerOptions: { ollama: {…} }`),
 * spelt as Ollama spells them. Chat (native transport) reads `keep_alive`,
 * `options` and `think`; embeddings read `keep_alive`, `options`, `truncate`
 * and `dimensions`. Any other key, or one the call cannot use, is an
 * `unknown_provider_option` warning and is not sent. The `/v1` transport
 * (`transport: "openai"`) takes none.
 *
 * @see https://docs.ollama.com/api/chat
 * @see https://docs.ollama.com/api/embed
 */
export interface OllamaProviderOptions {
  /** How long the model stays loaded after this call (`"10m"`, seconds, `-1` for ever), over `settings.keepAlive`. */
  readonly keep_alive?: string | number;
  /** Model options (`num_ctx`, `top_k`, `repeat_penalty`, `num_gpu`, …), merged over the mapped ones and `settings.modelOptions`. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** `think` as Ollama takes it, over the value `settings.reasoning` maps to (chat). */
  readonly think?: OllamaThink;
  /** Whether inputs longer than the context are truncated (embeddings; Ollama's default: true). */
  readonly truncate?: boolean;
  /** Shorten embeddings to this many dimensions (embeddings, for models that support it). */
  readonly dimensions?: number;
}

/** The provider options a chat call reads. */
const CHAT_PROVIDER_OPTIONS: ReadonlySet<string> = new Set(["keep_alive", "options", "think"]);

/** The `/api/chat` request body this provider sends. */
export interface OllamaChatRequestBody {
  /** The model (`llama3.2`), without the `ollama:` prefix. */
  model: string;
  /** The conversation. */
  messages: OllamaWireMessage[];
  /** The tools, as OpenAI-style `{type: "function", function}` objects. */
  tools?: Array<Record<string, unknown>>;
  /** `json`, or a JSON Schema the answer must match. */
  format?: "json" | Record<string, unknown>;
  /** Model options (`temperature`, `top_k`, `num_ctx`, `stop`, …). */
  options?: Record<string, unknown>;
  /** Whether (or how hard) a thinking model thinks. */
  think?: OllamaThink;
  /** How long the model stays loaded after the request (`"5m"`, seconds, `-1`). */
  keep_alive?: string | number;
  /** Whether the answer streams (NDJSON). */
  stream: boolean;
}

/** Per-provider defaults that shape every chat request. */
export interface OllamaChatDefaults {
  /** `keep_alive`: how long the model stays loaded after the request. */
  keepAlive?: string | number;
  /** `options.num_ctx`: the context window to load the model with. */
  numCtx?: number;
  /** Further model options (`num_gpu`, `top_k`, `repeat_penalty`, …), sent in `options`. */
  modelOptions?: Record<string, unknown>;
}

/**
 * Map core reasoning settings to `think`: an effort becomes the level of the
 * same name (`minimal` → `low`, Ollama's lowest), reasoning without an effort
 * turns thinking on. Undefined (the model's default) when no reasoning is set.
 *
 * @see https://docs.ollama.com/capabilities/thinking
 */
export function mapOllamaThink(reasoning: ReasoningConfig | undefined): OllamaThink | undefined {
  if (reasoning === undefined) return undefined;
  switch (reasoning.effort) {
    case "minimal":
    case "low":
      return "low";
    case "medium":
      return "medium";
    case "high":
      return "high";
    default:
      return true;
  }
}

/**
 * Map a core {@link ResponseFormat} to `format`: `"json"` for JSON mode, the
 * schema itself for structured outputs, nothing for text.
 *
 * @see https://docs.ollama.com/capabilities/structured-outputs
 */
export function mapOllamaFormat(
  format: ResponseFormat | undefined,
): "json" | Record<string, unknown> | undefined {
  if (format === undefined || format.type === "text") return undefined;
  return format.type === "json_object" ? "json" : format.schema;
}

/**
 * Map a core {@link ToolDefinition} to an Ollama function tool.
 *
 * @see https://docs.ollama.com/capabilities/tool-calling
 */
export function mapOllamaTool(tool: ToolDefinition): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.parameters;
  return { type: "function", function: fn };
}

/**
 * The tools Ollama gets for these settings, and what it cannot honour:
 * Ollama has no tool choice and no parallel-calls switch, so `"none"` sends
 * no tools, a named tool is offered alone (the model still decides), and
 * `"required"` or `parallelToolCalls: false` are warnings. Shared by both
 * transports.
 */
export function planOllamaTools(
  settings: ChatSettingsV1,
  warnings: WarningV1[],
): readonly ToolDefinition[] | undefined {
  const tools = settings.tools;
  if (tools === undefined || tools.length === 0) return undefined;
  const choice = settings.toolChoice;
  if (choice === "none") return undefined;
  if (choice === "required") {
    warnings.push({
      type: "unsupported_setting",
      setting: "toolChoice",
      details: 'Ollama cannot force a tool call ("required"); the model decides',
    });
  }
  if (settings.parallelToolCalls === false) {
    warnings.push({
      type: "unsupported_setting",
      setting: "parallelToolCalls",
      details: "Ollama has no switch for parallel tool calls; the model may make several",
    });
  }
  if (typeof choice !== "object") return tools;
  warnings.push({
    type: "unsupported_setting",
    setting: "toolChoice",
    details: `Ollama cannot force a tool call; only "${choice.name}" is offered, the model decides whether to call it`,
  });
  return tools.filter((tool) => tool.name === choice.name);
}

function modelOptionsFor(settings: ChatSettingsV1, defaults: OllamaChatDefaults) {
  const modelOptions: Record<string, unknown> = { ...defaults.modelOptions };
  if (defaults.numCtx !== undefined) modelOptions.num_ctx = defaults.numCtx;
  if (settings.temperature !== undefined) modelOptions.temperature = settings.temperature;
  if (settings.topP !== undefined) modelOptions.top_p = settings.topP;
  if (settings.topK !== undefined) modelOptions.top_k = settings.topK;
  if (settings.maxTokens !== undefined) modelOptions.num_predict = settings.maxTokens;
  if (settings.stop !== undefined && settings.stop.length > 0) modelOptions.stop = settings.stop;
  if (settings.seed !== undefined) modelOptions.seed = settings.seed;
  if (settings.frequencyPenalty !== undefined)
    modelOptions.frequency_penalty = settings.frequencyPenalty;
  if (settings.presencePenalty !== undefined)
    modelOptions.presence_penalty = settings.presencePenalty;
  return modelOptions;
}

/**
 * Apply the call's provider options: `keep_alive` and `think` replace the
 * mapped values, `options` merges into the model options. A key a chat call
 * does not read is a warning. A value of the wrong type is `invalid_input`
 * (checked first, for every key).
 */
function applyProviderOptions(
  body: OllamaChatRequestBody,
  modelOptions: Record<string, unknown>,
  providerOptions: Readonly<Record<string, unknown>>,
  warnings: WarningV1[],
): void {
  assertProviderOptionTypes("ollama", providerOptions, OLLAMA_PROVIDER_OPTION_CHECKS);
  for (const key in providerOptions) {
    if (!Object.hasOwn(providerOptions, key)) continue;
    const value = providerOptions[key];
    if (value === undefined) continue;
    if (!CHAT_PROVIDER_OPTIONS.has(key)) {
      warnings.push({
        type: "unknown_provider_option",
        option: key,
        details: `not sent; a chat call reads ${[...CHAT_PROVIDER_OPTIONS].join(", ")}`,
      });
      continue;
    }
    if (key === "options") {
      Object.assign(modelOptions, value);
    } else if (key === "keep_alive") {
      body.keep_alive = value as string | number;
    } else {
      body.think = value as OllamaThink;
    }
  }
}

/**
 * The complete `/api/chat` body and the warnings for the settings Ollama
 * cannot honour as asked (`toolChoice`, `parallelToolCalls`, a reasoning
 * budget) and the provider options a chat call does not read.
 *
 * @see https://docs.ollama.com/api/chat
 */
export function buildOllamaChatRequest(
  request: ChatRequestV1,
  defaults: OllamaChatDefaults,
  stream: boolean,
): {
  /** The request body. */
  body: OllamaChatRequestBody;
  /** What the request cannot honour. */
  warnings: WarningV1[];
} {
  const settings = request.settings;
  const warnings: WarningV1[] = [];
  const body: OllamaChatRequestBody = {
    model: request.model,
    messages: convertToOllamaMessages(request.messages),
    stream,
  };
  const tools = planOllamaTools(settings, warnings);
  if (tools !== undefined) body.tools = tools.map(mapOllamaTool);
  const format = mapOllamaFormat(settings.responseFormat);
  if (format !== undefined) body.format = format;
  const think = mapOllamaThink(settings.reasoning);
  if (think !== undefined) body.think = think;
  if (settings.reasoning?.maxTokens !== undefined) {
    warnings.push({
      type: "unsupported_setting",
      setting: "reasoning",
      details: "maxTokens: Ollama has no thinking budget; thinking is switched on without one",
    });
  }
  if (defaults.keepAlive !== undefined) body.keep_alive = defaults.keepAlive;
  const modelOptions = modelOptionsFor(settings, defaults);
  applyProviderOptions(body, modelOptions, request.providerOptions, warnings);
  if (Object.keys(modelOptions).length > 0) body.options = modelOptions;
  return { body, warnings };
}
