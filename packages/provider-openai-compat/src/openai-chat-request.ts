/**
 * Build the body of an OpenAI Chat Completions request from a v1 chat
 * request, and the warnings for what the server will not get as asked. Pure:
 * the call and `warningsFor()` run the same function, so strict mode and
 * the answer agree.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type {
  ChatRequestV1,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
  WarningV1,
} from "@ratatoskr/core";
import { convertToOpenAIChatMessages } from "./convert-to-openai-chat-messages.ts";
import { mergeOpenAIProviderOptions } from "./merge-openai-provider-options.ts";

/** How a server takes the reasoning configuration. */
export type OpenAIReasoningRequestStyle =
  /** `reasoning_effort: "low" | "medium" | "high"` (OpenAI, Ollama, vLLM, most compatible servers): a budget or `exclude` cannot be sent. */
  | "reasoning_effort"
  /** `reasoning: {effort, max_tokens, exclude}` (OpenRouter). */
  | "reasoning_object";

/** Whether a server caches prompt prefixes by itself. */
export type OpenAIPromptCaching =
  /** It caches on its own (OpenAI: prompts of 1,024 tokens or more): `cachePrompt` is honoured as is. */
  | "automatic"
  /** Unknown or none: `cachePrompt` is an `unsupported_setting` warning. */
  | "unsupported";

/** Request-shaping choices that differ between OpenAI-compatible servers. */
export interface OpenAIChatRequestStyle {
  /** The provider id (reasoning records of this provider go back on assistant messages). */
  provider: string;
  /** `max_tokens` (most servers) or `max_completion_tokens` (OpenAI, required by o-series models). */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  reasoning: OpenAIReasoningRequestStyle;
  /** Ask for a final usage chunk with `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Send `topK` as `top_k`; false: `topK` is an `unsupported_setting` warning. */
  sendTopK: boolean;
  promptCaching: OpenAIPromptCaching;
  /**
   * The provider options this server knows: others are `unknown_provider_option`
   * warnings and are not sent. Undefined: every key passes through as a body
   * field (see {@link mergeOpenAIProviderOptions}).
   */
  knownProviderOptions: ReadonlySet<string> | undefined;
  /**
   * Last change to the body (presets map their own settings here). Must be
   * pure: `warningsFor()` runs it too. `warn` reports what it could not honour.
   */
  transformRequestBody?:
    | ((
        body: Record<string, unknown>,
        request: ChatRequestV1,
        warn: (warning: WarningV1) => void,
      ) => Record<string, unknown>)
    | undefined;
}

/** A request body ready to send, and what it could not carry as asked. */
export interface OpenAIChatRequest {
  body: Record<string, unknown>;
  warnings: WarningV1[];
}

/**
 * Map a core {@link ToolDefinition} to an OpenAI function tool.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 */
export function mapOpenAITool(tool: ToolDefinition): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.parameters;
  return { type: "function", function: fn };
}

/**
 * Map a core {@link ToolChoice} to `tool_choice`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice
 */
export function mapOpenAIToolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string"
    ? choice
    : { type: "function", function: { name: choice.name } };
}

/**
 * Map a core {@link ResponseFormat} to `response_format`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format
 */
export function mapOpenAIResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type !== "json_schema") return { type: format.type };
  const schema: Record<string, unknown> = { name: format.name };
  if (format.description !== undefined) schema.description = format.description;
  schema.schema = format.schema;
  if (format.strict !== undefined) schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}

/**
 * Map a core {@link ReasoningConfig} to request fields. With the
 * `reasoning_effort` style only the effort can be sent: a budget or
 * `exclude` comes back as an `unsupported_setting` warning on `reasoning`
 * (its details name the field).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens
 */
export function mapOpenAIReasoning(
  config: ReasoningConfig,
  style: OpenAIReasoningRequestStyle,
  warnings: WarningV1[] = [],
): Record<string, unknown> {
  if (style === "reasoning_object") {
    const reasoning: Record<string, unknown> = {};
    if (config.effort !== undefined) reasoning.effort = config.effort;
    if (config.maxTokens !== undefined) reasoning.max_tokens = config.maxTokens;
    if (config.exclude !== undefined) reasoning.exclude = config.exclude;
    return { reasoning };
  }
  if (config.maxTokens !== undefined) {
    warnings.push({
      type: "unsupported_setting",
      setting: "reasoning",
      details:
        "maxTokens: this server takes a reasoning effort (reasoning_effort), not a token budget",
    });
  }
  if (config.exclude !== undefined) {
    warnings.push({
      type: "unsupported_setting",
      setting: "reasoning",
      details: "exclude: this server has no switch to hide the reasoning",
    });
  }
  return config.effort === undefined ? {} : { reasoning_effort: config.effort };
}

/**
 * The complete request body for `request`, and the warnings for what it
 * cannot carry: provider options are merged over the mapped fields, then the
 * preset's `transformRequestBody` runs.
 */
export function buildOpenAIChatRequest(
  request: ChatRequestV1,
  style: OpenAIChatRequestStyle,
  stream: boolean,
): OpenAIChatRequest {
  const settings = request.settings;
  const warnings: WarningV1[] = [];
  const body: Record<string, unknown> = {
    model: request.model,
    messages: convertToOpenAIChatMessages(request.messages, style.provider),
  };
  if (settings.tools !== undefined && settings.tools.length > 0)
    body.tools = settings.tools.map(mapOpenAITool);
  if (settings.toolChoice !== undefined)
    body.tool_choice = mapOpenAIToolChoice(settings.toolChoice);
  if (settings.parallelToolCalls !== undefined)
    body.parallel_tool_calls = settings.parallelToolCalls;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (settings.topK !== undefined) {
    if (style.sendTopK) body.top_k = settings.topK;
    else
      warnings.push({
        type: "unsupported_setting",
        setting: "topK",
        details: "the OpenAI Chat Completions wire has no top_k, and this server does not take one",
      });
  }
  if (settings.maxTokens !== undefined) body[style.maxTokensField] = settings.maxTokens;
  if (settings.stop !== undefined && settings.stop.length > 0) body.stop = settings.stop;
  if (settings.seed !== undefined) body.seed = settings.seed;
  if (settings.frequencyPenalty !== undefined) body.frequency_penalty = settings.frequencyPenalty;
  if (settings.presencePenalty !== undefined) body.presence_penalty = settings.presencePenalty;
  if (settings.responseFormat !== undefined)
    body.response_format = mapOpenAIResponseFormat(settings.responseFormat);
  if (settings.reasoning !== undefined)
    Object.assign(body, mapOpenAIReasoning(settings.reasoning, style.reasoning, warnings));
  if (settings.cachePrompt === true && style.promptCaching === "unsupported") {
    warnings.push({
      type: "unsupported_setting",
      setting: "cachePrompt",
      details: `${style.provider} is not known to cache prompt prefixes`,
    });
  }
  if (stream) {
    body.stream = true;
    if (style.includeUsage) body.stream_options = { include_usage: true };
  }
  mergeOpenAIProviderOptions(body, request.providerOptions, style.knownProviderOptions, warnings);
  const transform = style.transformRequestBody;
  if (transform === undefined) return { body, warnings };
  return {
    body: transform(body, request, (warning) => warnings.push(warning)),
    warnings,
  };
}
