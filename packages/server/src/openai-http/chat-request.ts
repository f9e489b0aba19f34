/**
 * An OpenAI `POST /v1/chat/completions` body to a gateway chat call:
 * messages, tools and tool choice, sampling settings, `response_format`,
 * `reasoning_effort` (and OpenRouter's `reasoning` object), `stream` and
 * `stream_options.include_usage`. Fields the gateway has no use for
 * (`user`, `metadata`, `store`, `service_tier`, …) are ignored; fields whose
 * non-default value it cannot honour (`n` > 1, `logprobs`) are rejected.
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
import { chatMessages } from "./chat-messages.ts";
import {
  invalidField,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStringList,
  rejectUnlessDefault,
  requiredObject,
  requiredString,
} from "./request-fields.ts";

/** A chat request, ready for `gateway.chat` or `gateway.chatStream`. */
export interface ChatCompletionRequest {
  readonly messages: Message[];
  /** The call's options, without `signal` (the handler adds it). */
  readonly options: ChatOptions;
  readonly stream: boolean;
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  readonly includeUsage: boolean;
}

const REASONING_EFFORTS = ["minimal", "low", "medium", "high"] as const;

function toolDefinitions(value: unknown): ToolDefinition[] | undefined {
  const tools = optionalArray(value, "tools");
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((item, index) => {
    const path = `tools[${index}]`;
    const tool = requiredObject(item, path);
    if (tool.type !== "function") {
      throw invalidField(`${path}.type`, `is not supported: only "function" tools are`);
    }
    const fn = requiredObject(tool.function, `${path}.function`);
    const definition: ToolDefinition = {
      name: requiredString(fn.name, `${path}.function.name`),
      parameters: optionalObject(fn.parameters, `${path}.function.parameters`) ?? {
        type: "object",
        properties: {},
      },
    };
    const description = optionalString(fn.description, `${path}.function.description`);
    if (description !== undefined) definition.description = description;
    return definition;
  });
}

function toolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "auto" || value === "none" || value === "required") return value;
  if (typeof value === "object" && !Array.isArray(value)) {
    const choice = value as JsonObject;
    if (choice.type === "function") {
      const fn = requiredObject(choice.function, "tool_choice.function");
      return { name: requiredString(fn.name, "tool_choice.function.name") };
    }
  }
  throw invalidField(
    "tool_choice",
    `must be "auto", "none", "required" or {"type": "function", "function": {"name": …}}`,
  );
}

function responseFormat(value: unknown): ResponseFormat | undefined {
  const format = optionalObject(value, "response_format");
  if (format === undefined) return undefined;
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json_object" };
    case "json_schema": {
      const spec = requiredObject(format.json_schema, "response_format.json_schema");
      const result: ResponseFormat = {
        type: "json_schema",
        name: requiredString(spec.name, "response_format.json_schema.name"),
        schema: optionalObject(spec.schema, "response_format.json_schema.schema") ?? {},
      };
      const strict = optionalBoolean(spec.strict, "response_format.json_schema.strict");
      if (strict !== undefined) result.strict = strict;
      const description = optionalString(
        spec.description,
        "response_format.json_schema.description",
      );
      if (description !== undefined) result.description = description;
      return result;
    }
    default:
      throw invalidField(
        "response_format.type",
        `must be "text", "json_object" or "json_schema", not ${JSON.stringify(format.type) ?? "absent"}`,
      );
  }
}

/** `reasoning_effort` (OpenAI), then OpenRouter's `reasoning: {effort, max_tokens, exclude}` over it. */
function reasoningConfig(body: JsonObject): ReasoningConfig | undefined {
  const config: ReasoningConfig = {};
  const effort = optionalEnum(body.reasoning_effort, "reasoning_effort", REASONING_EFFORTS);
  if (effort !== undefined) config.effort = effort;
  const reasoning = optionalObject(body.reasoning, "reasoning");
  if (reasoning !== undefined) {
    const nested = optionalEnum(reasoning.effort, "reasoning.effort", REASONING_EFFORTS);
    if (nested !== undefined) config.effort = nested;
    const maxTokens = optionalInteger(reasoning.max_tokens, "reasoning.max_tokens");
    if (maxTokens !== undefined) config.maxTokens = maxTokens;
    const exclude = optionalBoolean(reasoning.exclude, "reasoning.exclude");
    if (exclude !== undefined) config.exclude = exclude;
  }
  return Object.keys(config).length === 0 ? undefined : config;
}

/** Sets `options[key]` when `value` is defined (options stay free of `undefined` members). */
function set<K extends keyof ChatOptions>(
  options: ChatOptions,
  key: K,
  value: ChatOptions[K],
): void {
  if (value !== undefined) options[key] = value;
}

/** The gateway call of a chat completion body; every bad field is an `invalid_input` error naming it. */
export function parseChatCompletionRequest(value: unknown): ChatCompletionRequest {
  const body = requiredObject(value, "body");
  const model = requiredString(body.model, "model");
  const messages = chatMessages(body.messages);
  rejectUnlessDefault(body.n, "n", [1], "one choice per request");
  rejectUnlessDefault(body.logprobs, "logprobs", [false], "log probabilities are not reported");
  const options: ChatOptions = { model };
  set(options, "tools", toolDefinitions(body.tools));
  set(options, "toolChoice", toolChoice(body.tool_choice));
  set(
    options,
    "parallelToolCalls",
    optionalBoolean(body.parallel_tool_calls, "parallel_tool_calls"),
  );
  set(options, "temperature", optionalNumber(body.temperature, "temperature"));
  set(options, "topP", optionalNumber(body.top_p, "top_p"));
  set(options, "topK", optionalInteger(body.top_k, "top_k"));
  const maxCompletionTokens = optionalInteger(body.max_completion_tokens, "max_completion_tokens");
  set(options, "maxTokens", maxCompletionTokens ?? optionalInteger(body.max_tokens, "max_tokens"));
  set(options, "stop", optionalStringList(body.stop, "stop"));
  set(options, "seed", optionalInteger(body.seed, "seed"));
  set(options, "frequencyPenalty", optionalNumber(body.frequency_penalty, "frequency_penalty"));
  set(options, "presencePenalty", optionalNumber(body.presence_penalty, "presence_penalty"));
  set(options, "responseFormat", responseFormat(body.response_format));
  set(options, "reasoning", reasoningConfig(body));
  const streamOptions = optionalObject(body.stream_options, "stream_options");
  return {
    messages,
    options,
    stream: optionalBoolean(body.stream, "stream") ?? false,
    includeUsage:
      optionalBoolean(streamOptions?.include_usage, "stream_options.include_usage") ?? false,
  };
}
