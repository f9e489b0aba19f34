/**
 * Chat requests on the wire: `(messages, ChatOptions)` ↔
 * `ratatoskr.v1.ChatRequest`, tools, tool choice, response format and
 * reasoning settings included.
 */
import { create } from "@bufbuild/protobuf";
import {
  assertChatRequest,
  type ChatOptions,
  type Message,
  type ProviderOptions,
  type ReasoningConfig,
  type ReasoningEffort,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from "@ratatoskr/core";
import {
  assertNoCallProviderOptions,
  callSettingsFromProto,
  callSettingsToProto,
} from "./call-settings-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { messageFromProto, messageToProto } from "./message-mapping.ts";
import { PROTOCOL_REVISION } from "./protocol-revision.ts";
import type { WireWarning } from "./warning-mapping.ts";
import {
  fromFloat32,
  fromJsonObject,
  fromUint64,
  toFloat32,
  toJsonText,
  toUint32,
  toUint64,
  wireError,
} from "./wire-values.ts";

/** {@link ChatOptions} as the wire carries them (`topK` is field 13 of the original protocol). */
export type WireChatOptions = ChatOptions & { topK?: number };

/** Options of the `*RequestToProto` functions. */
export interface RequestEncodingOptions {
  /** The protocol revision to announce; default {@link PROTOCOL_REVISION}. `0` asks for the original protocol's events only. */
  protocolRevision?: number;
}

/** A request read from the wire, and what it lost on the way in. */
export interface DecodedRequest {
  /** What the request asked for that Ratatoskr cannot carry out as asked (the server returns them with the answer). */
  warnings: WireWarning[];
}

/** A chat request read from the wire. */
export interface DecodedChatRequest extends DecodedRequest {
  messages: Message[];
  options: WireChatOptions;
}

/**
 * `(messages, options)` → `ratatoskr.v1.ChatRequest`. The request is
 * validated first (`assertChatRequest`), so bad input fails as
 * `invalid_input` naming the field; so do values the wire cannot carry (a
 * negative `seed`, a `retry.shouldRetry` function). `signal` and `timeout`
 * are the RPC's own cancellation and deadline, not fields.
 */
export function chatRequestToProto(
  messages: readonly Message[],
  options: WireChatOptions,
  encoding: RequestEncodingOptions = {},
): pb.ChatRequest {
  assertChatRequest(messages, options);
  const request = create(pb.ChatRequestSchema, {
    messages: messages.map((message, index) =>
      messageToProto(message, "request", `messages[${index}]`),
    ),
    tools: (options.tools ?? []).map((tool, index) => toolToProto(tool, index)),
    options: chatOptionsToProto(options),
    protocolRevision: encoding.protocolRevision ?? PROTOCOL_REVISION,
  });
  const call = callSettingsToProto(options);
  if (call !== undefined) request.call = call;
  return request;
}

/** A tool definition → `ratatoskr.v1.ToolDefinition` (`index`: its place in `options.tools`, for errors). */
export function toolToProto(tool: ToolDefinition, index: number): pb.ToolDefinition {
  return create(pb.ToolDefinitionSchema, {
    name: tool.name,
    description: tool.description ?? "",
    parametersJson: toJsonText(tool.parameters, "request", `options.tools[${index}].parameters`),
  });
}

function chatOptionsToProto(options: WireChatOptions): pb.ChatOptions {
  const proto = create(pb.ChatOptionsSchema, { model: options.model, stop: options.stop ?? [] });
  if (options.temperature !== undefined) {
    proto.temperature = toFloat32(options.temperature, "request", "options.temperature");
  }
  if (options.maxTokens !== undefined) {
    proto.maxTokens = toUint32(options.maxTokens, "request", "options.maxTokens");
  }
  if (options.topP !== undefined) proto.topP = toFloat32(options.topP, "request", "options.topP");
  if (options.frequencyPenalty !== undefined) {
    proto.frequencyPenalty = toFloat32(
      options.frequencyPenalty,
      "request",
      "options.frequencyPenalty",
    );
  }
  if (options.presencePenalty !== undefined) {
    proto.presencePenalty = toFloat32(
      options.presencePenalty,
      "request",
      "options.presencePenalty",
    );
  }
  if (options.seed !== undefined) proto.seed = toUint64(options.seed, "request", "options.seed");
  if (options.toolChoice !== undefined) proto.toolChoice = toolChoiceToProto(options.toolChoice);
  if (options.responseFormat !== undefined) {
    proto.responseFormat = responseFormatToProto(options.responseFormat);
  }
  if (options.cachePrompt !== undefined) proto.cachePrompt = options.cachePrompt;
  if (options.reasoning !== undefined) proto.reasoning = reasoningToProto(options.reasoning);
  if (options.topK !== undefined) proto.topK = toUint32(options.topK, "request", "options.topK");
  if (options.providerOptions !== undefined) {
    proto.rawProviderOptions = toJsonText(
      options.providerOptions,
      "request",
      "options.providerOptions",
    );
  }
  if (options.parallelToolCalls !== undefined) {
    proto.parallelToolCalls = options.parallelToolCalls;
  }
  return proto;
}

function toolChoiceToProto(choice: ToolChoice): pb.ToolChoice {
  if (typeof choice === "object") {
    return create(pb.ToolChoiceSchema, { choice: { case: "function", value: choice.name } });
  }
  return create(pb.ToolChoiceSchema, { choice: { case: choice, value: true } });
}

function responseFormatToProto(format: ResponseFormat): pb.ResponseFormat {
  switch (format.type) {
    case "text":
      return create(pb.ResponseFormatSchema, { format: { case: "text", value: true } });
    case "json_object":
      return create(pb.ResponseFormatSchema, { format: { case: "jsonObject", value: true } });
    case "json_schema": {
      const proto = create(pb.ResponseFormatSchema, {
        format: {
          case: "jsonSchema",
          value: toJsonText(format.schema, "request", "options.responseFormat.schema"),
        },
        jsonSchemaName: format.name,
      });
      if (format.strict !== undefined) proto.jsonSchemaStrict = format.strict;
      if (format.description !== undefined) proto.jsonSchemaDescription = format.description;
      return proto;
    }
  }
}

const REASONING_EFFORTS: Readonly<Record<ReasoningEffort, pb.ReasoningEffort>> = {
  minimal: pb.ReasoningEffort.MINIMAL,
  low: pb.ReasoningEffort.LOW,
  medium: pb.ReasoningEffort.MEDIUM,
  high: pb.ReasoningEffort.HIGH,
};

/** `ReasoningConfig` → `ratatoskr.v1.ReasoningConfig` (shared by chat and generate). */
export function reasoningToProto(reasoning: ReasoningConfig): pb.ReasoningConfig {
  const proto = create(pb.ReasoningConfigSchema);
  if (reasoning.effort !== undefined) proto.effort = REASONING_EFFORTS[reasoning.effort];
  if (reasoning.maxTokens !== undefined) {
    proto.maxTokens = toUint32(reasoning.maxTokens, "request", "options.reasoning.maxTokens");
  }
  if (reasoning.exclude !== undefined) proto.excludeFromOutput = reasoning.exclude;
  return proto;
}

/**
 * `ratatoskr.v1.ChatRequest` → `(messages, options)`, validated like a local
 * call (`assertChatRequest`): bad input fails as `invalid_input` naming the
 * field, never a TypeError. What the request asks for that Ratatoskr cannot
 * carry out as asked comes back in `warnings` (a name on a system message, a
 * per-tool cache directive, reasoning effort `NONE` or `XHIGH`).
 */
export function chatRequestFromProto(request: pb.ChatRequest): DecodedChatRequest {
  const warnings: WireWarning[] = [];
  const messages = request.messages.map((message, index) =>
    messageFromProto(message, "request", `messages[${index}]`, warnings),
  );
  const proto = request.options ?? create(pb.ChatOptionsSchema);
  assertNoCallProviderOptions(request.call, "options.raw_provider_options (14)");
  const options: WireChatOptions = { model: proto.model, ...callSettingsFromProto(request.call) };
  if (request.tools.length > 0) {
    options.tools = request.tools.map((tool, index) => toolFromProto(tool, index, warnings));
  }
  if (proto.temperature !== undefined) options.temperature = fromFloat32(proto.temperature);
  if (proto.maxTokens !== undefined) options.maxTokens = proto.maxTokens;
  if (proto.topP !== undefined) options.topP = fromFloat32(proto.topP);
  if (proto.stop.length > 0) options.stop = [...proto.stop];
  if (proto.frequencyPenalty !== undefined) {
    options.frequencyPenalty = fromFloat32(proto.frequencyPenalty);
  }
  if (proto.presencePenalty !== undefined) {
    options.presencePenalty = fromFloat32(proto.presencePenalty);
  }
  if (proto.seed !== undefined) options.seed = fromUint64(proto.seed, "request", "options.seed");
  if (proto.toolChoice !== undefined) options.toolChoice = toolChoiceFromProto(proto.toolChoice);
  if (proto.responseFormat !== undefined) {
    options.responseFormat = responseFormatFromProto(proto.responseFormat);
  }
  if (proto.cachePrompt !== undefined) options.cachePrompt = proto.cachePrompt;
  if (proto.reasoning !== undefined) {
    options.reasoning = reasoningFromProto(proto.reasoning, warnings);
  }
  if (proto.topK !== undefined) options.topK = proto.topK;
  if (proto.rawProviderOptions !== undefined) {
    // Field 14 carries the provider-keyed object; assertChatRequest checks each entry.
    options.providerOptions = fromJsonObject(
      proto.rawProviderOptions,
      "request",
      "options.providerOptions",
    ) as ProviderOptions;
  }
  if (proto.parallelToolCalls !== undefined) options.parallelToolCalls = proto.parallelToolCalls;
  assertChatRequest(messages, options);
  return { messages, options, warnings };
}

/**
 * `ratatoskr.v1.ToolDefinition` → a tool definition; a cache directive
 * (which Ratatoskr does not take per tool) becomes a warning in `warnings`.
 */
export function toolFromProto(
  tool: pb.ToolDefinition,
  index: number,
  warnings: WireWarning[],
): ToolDefinition {
  if (tool.cacheControlJson !== "") {
    warnings.push({
      type: "unsupported_setting",
      setting: `tools[${index}].cacheControl`,
      details: "Ratatoskr marks the cached prompt prefix itself: set options.cachePrompt",
    });
  }
  return {
    name: tool.name,
    ...(tool.description === "" ? {} : { description: tool.description }),
    parameters: fromJsonObject(
      tool.parametersJson,
      "request",
      `options.tools[${index}].parametersJson`,
    ),
  };
}

/**
 * The original protocol's reading of a tool choice: a boolean case selects
 * its choice only when true; anything else (false, or no case) is `auto`.
 */
function toolChoiceFromProto(proto: pb.ToolChoice): ToolChoice {
  const choice = proto.choice;
  switch (choice.case) {
    case "function":
      return { name: choice.value };
    case "none":
    case "required":
      return choice.value ? choice.case : "auto";
    default:
      return "auto";
  }
}

/**
 * A response format; a JSON schema without the `json_schema_name`
 * extension (a client of the original protocol) is named `"response"`. No
 * case set, or a boolean case set to false, is `text`, as in the original.
 */
function responseFormatFromProto(proto: pb.ResponseFormat): ResponseFormat {
  const format = proto.format;
  if (format.case === "jsonObject" && format.value) return { type: "json_object" };
  if (format.case !== "jsonSchema") return { type: "text" };
  return {
    type: "json_schema",
    name: proto.jsonSchemaName ?? "response",
    schema: fromJsonObject(format.value, "request", "options.responseFormat.jsonSchema"),
    ...(proto.jsonSchemaStrict === undefined ? {} : { strict: proto.jsonSchemaStrict }),
    ...(proto.jsonSchemaDescription === undefined
      ? {}
      : { description: proto.jsonSchemaDescription }),
  };
}

/**
 * `ratatoskr.v1.ReasoningConfig` → `ReasoningConfig`. Efforts Ratatoskr does
 * not have degrade with a warning: `XHIGH` is `high`; `NONE` leaves the
 * model's default. An unknown value fails as `invalid_input`.
 */
export function reasoningFromProto(
  proto: pb.ReasoningConfig,
  warnings: WireWarning[] = [],
): ReasoningConfig {
  const reasoning: ReasoningConfig = {};
  switch (proto.effort) {
    case undefined:
    case pb.ReasoningEffort.UNSPECIFIED:
      break;
    case pb.ReasoningEffort.MINIMAL:
      reasoning.effort = "minimal";
      break;
    case pb.ReasoningEffort.LOW:
      reasoning.effort = "low";
      break;
    case pb.ReasoningEffort.MEDIUM:
      reasoning.effort = "medium";
      break;
    case pb.ReasoningEffort.HIGH:
      reasoning.effort = "high";
      break;
    case pb.ReasoningEffort.XHIGH:
      reasoning.effort = "high";
      warnings.push({
        type: "other",
        message: "options.reasoning.effort REASONING_EFFORT_XHIGH was lowered to high",
      });
      break;
    case pb.ReasoningEffort.NONE:
      warnings.push({
        type: "unsupported_setting",
        setting: "reasoning.effort",
        details: "REASONING_EFFORT_NONE is not supported; the model's default applies",
      });
      break;
    default:
      throw wireError(
        "request",
        "options.reasoning.effort",
        `must be a REASONING_EFFORT_* value, got ${proto.effort}`,
      );
  }
  if (proto.maxTokens !== undefined) reasoning.maxTokens = proto.maxTokens;
  if (proto.excludeFromOutput !== undefined) reasoning.exclude = proto.excludeFromOutput;
  return reasoning;
}
