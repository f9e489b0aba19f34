/**
 * Build the body of an OpenAI Chat Completions request from core options.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type {
  ChatOptions,
  Message,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "@ratatoskr/core";
import { convertToOpenAIChatMessages } from "./convert-to-openai-chat-messages.ts";

/** How a server takes the reasoning configuration. */
export type OpenAIReasoningRequestStyle =
  /** `reasoning_effort: "low" | "medium" | "high"` (OpenAI, Ollama, vLLM, most compatible servers). */
  | "reasoning_effort"
  /** `reasoning: {effort, max_tokens, exclude}` (OpenRouter). */
  | "reasoning_object";

/** Request-shaping choices that differ between OpenAI-compatible servers. */
export interface OpenAIChatRequestStyle {
  /** The plugin id (reasoning records of this provider go back on assistant messages). */
  provider: string;
  /** `max_tokens` (most servers) or `max_completion_tokens` (OpenAI, required by o-series models). */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  reasoning: OpenAIReasoningRequestStyle;
  /** Ask for a final usage chunk with `stream_options.include_usage` (default true). */
  includeUsage: boolean;
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
 * Map a core {@link ReasoningConfig} to request fields.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens
 */
export function mapOpenAIReasoning(
  config: ReasoningConfig,
  style: OpenAIReasoningRequestStyle,
): Record<string, unknown> {
  if (style === "reasoning_object") {
    const reasoning: Record<string, unknown> = {};
    if (config.effort !== undefined) reasoning.effort = config.effort;
    if (config.maxTokens !== undefined) reasoning.max_tokens = config.maxTokens;
    if (config.exclude !== undefined) reasoning.exclude = config.exclude;
    return { reasoning };
  }
  return config.effort === undefined ? {} : { reasoning_effort: config.effort };
}

/** The complete request body; `rawProviderOptions` are merged last and win. */
export function buildOpenAIChatRequestBody(
  messages: readonly Message[],
  options: ChatOptions,
  style: OpenAIChatRequestStyle,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: options.model,
    messages: convertToOpenAIChatMessages(messages, style.provider),
  };
  if (options.tools !== undefined && options.tools.length > 0)
    body.tools = options.tools.map(mapOpenAITool);
  if (options.toolChoice !== undefined) body.tool_choice = mapOpenAIToolChoice(options.toolChoice);
  if (options.parallelToolCalls !== undefined) body.parallel_tool_calls = options.parallelToolCalls;
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.maxTokens !== undefined) body[style.maxTokensField] = options.maxTokens;
  if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.frequencyPenalty !== undefined) body.frequency_penalty = options.frequencyPenalty;
  if (options.presencePenalty !== undefined) body.presence_penalty = options.presencePenalty;
  if (options.responseFormat !== undefined)
    body.response_format = mapOpenAIResponseFormat(options.responseFormat);
  if (options.reasoning !== undefined)
    Object.assign(body, mapOpenAIReasoning(options.reasoning, style.reasoning));
  if (stream) {
    body.stream = true;
    if (style.includeUsage) body.stream_options = { include_usage: true };
  }
  if (options.rawProviderOptions !== undefined) Object.assign(body, options.rawProviderOptions);
  return body;
}
