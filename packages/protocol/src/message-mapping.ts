/**
 * Conversation messages on the wire: {@link Message} ↔ `ratatoskr.v1.Message`,
 * with tool calls, reasoning details and server tool calls and results.
 * Fields 1–5 are the original protocol's; an assistant's reasoning and
 * server tool items are extensions (100–103).
 */
import { create } from "@bufbuild/protobuf";
import type {
  AssistantMessage,
  Message,
  ProviderRecord,
  ReasoningDetail,
  ServerToolCall,
  ServerToolResult,
  ToolCall,
} from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import type { WireWarning } from "./warning-mapping.ts";
import { fromJsonText, toJsonText, toUint32, type WireSide, wireError } from "./wire-values.ts";

const ROLES = {
  system: pb.Role.SYSTEM,
  user: pb.Role.USER,
  assistant: pb.Role.ASSISTANT,
  tool: pb.Role.TOOL,
} as const;

/** `Message` → `ratatoskr.v1.Message`. */
export function messageToProto(
  message: Message,
  side: WireSide = "request",
  field = "message",
): pb.Message {
  const proto = create(pb.MessageSchema, { role: ROLES[message.role], content: message.content });
  switch (message.role) {
    case "user":
      if (message.name !== undefined) proto.name = message.name;
      break;
    case "tool":
      proto.toolCallId = message.toolCallId;
      if (message.name !== undefined) proto.name = message.name;
      break;
    case "assistant":
      assistantToProto(message, proto, side, field);
      break;
  }
  return proto;
}

function assistantToProto(
  message: AssistantMessage,
  proto: pb.Message,
  side: WireSide,
  field: string,
): void {
  proto.toolCalls = (message.toolCalls ?? []).map(toolCallToProto);
  if (message.reasoning !== undefined) proto.reasoning = message.reasoning;
  proto.reasoningDetails = (message.reasoningDetails ?? []).map((detail, index) =>
    reasoningDetailToProto(detail, side, `${field}.reasoningDetails[${index}]`),
  );
  proto.serverToolCalls = (message.serverToolCalls ?? []).map((call, index) =>
    serverToolCallToProto(call, side, `${field}.serverToolCalls[${index}]`),
  );
  proto.serverToolResults = (message.serverToolResults ?? []).map((result, index) =>
    serverToolResultToProto(result, side, `${field}.serverToolResults[${index}]`),
  );
}

/**
 * `ratatoskr.v1.Message` → `Message`. A role that is unset or unknown fails
 * with a typed error naming the field. Ratatoskr's system and assistant
 * messages have no participant name: a `name` on them is dropped with a
 * warning pushed onto `warnings`. Tool-call and reasoning fields on a
 * message that is not an assistant's are dropped the same way.
 */
export function messageFromProto(
  proto: pb.Message,
  side: WireSide = "request",
  field = "message",
  warnings: WireWarning[] = [],
): Message {
  switch (proto.role) {
    case pb.Role.SYSTEM:
      dropNonAssistantFields(proto, field, warnings, true);
      return { role: "system", content: proto.content };
    case pb.Role.USER:
      dropNonAssistantFields(proto, field, warnings, false);
      return proto.name === undefined
        ? { role: "user", content: proto.content }
        : { role: "user", content: proto.content, name: proto.name };
    case pb.Role.TOOL:
      dropNonAssistantFields(proto, field, warnings, false);
      return {
        role: "tool",
        content: proto.content,
        toolCallId: proto.toolCallId ?? "",
        ...(proto.name === undefined ? {} : { name: proto.name }),
      };
    case pb.Role.ASSISTANT:
      if (proto.name !== undefined) warnings.push(droppedName(field, "assistant"));
      return assistantFromProto(proto, side, field);
    default:
      throw wireError(
        side,
        `${field}.role`,
        `must be ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT or ROLE_TOOL, got ${proto.role === pb.Role.UNSPECIFIED ? "ROLE_UNSPECIFIED" : proto.role}`,
      );
  }
}

function assistantFromProto(proto: pb.Message, side: WireSide, field: string): AssistantMessage {
  const message: AssistantMessage = { role: "assistant", content: proto.content };
  if (proto.toolCalls.length > 0) message.toolCalls = proto.toolCalls.map(toolCallFromProto);
  if (proto.reasoning !== undefined) message.reasoning = proto.reasoning;
  if (proto.reasoningDetails.length > 0) {
    message.reasoningDetails = proto.reasoningDetails.map((detail, index) =>
      reasoningDetailFromProto(detail, side, `${field}.reasoningDetails[${index}]`),
    );
  }
  if (proto.serverToolCalls.length > 0) {
    message.serverToolCalls = proto.serverToolCalls.map((call, index) =>
      serverToolCallFromProto(call, side, `${field}.serverToolCalls[${index}]`),
    );
  }
  if (proto.serverToolResults.length > 0) {
    message.serverToolResults = proto.serverToolResults.map((result, index) =>
      serverToolResultFromProto(result, side, `${field}.serverToolResults[${index}]`),
    );
  }
  return message;
}

function dropNonAssistantFields(
  proto: pb.Message,
  field: string,
  warnings: WireWarning[],
  dropName: boolean,
): void {
  if (dropName && proto.name !== undefined) warnings.push(droppedName(field, "system"));
  const dropped = [
    proto.toolCalls.length > 0 ? "toolCalls" : undefined,
    proto.reasoning !== undefined ? "reasoning" : undefined,
    proto.reasoningDetails.length > 0 ? "reasoningDetails" : undefined,
    proto.serverToolCalls.length > 0 ? "serverToolCalls" : undefined,
    proto.serverToolResults.length > 0 ? "serverToolResults" : undefined,
    proto.role !== pb.Role.TOOL && proto.toolCallId !== undefined ? "toolCallId" : undefined,
  ].filter((name): name is string => name !== undefined);
  for (const name of dropped) {
    warnings.push({
      type: "other",
      message: `${field}.${name} was dropped: only ${name === "toolCallId" ? "tool" : "assistant"} messages carry it`,
    });
  }
}

function droppedName(field: string, role: string): WireWarning {
  return {
    type: "other",
    message: `${field}.name was dropped: ${role} messages carry no participant name in Ratatoskr`,
  };
}

/** `ToolCall` → `ratatoskr.v1.ToolCall`. */
export function toolCallToProto(call: ToolCall): pb.ToolCall {
  return create(pb.ToolCallSchema, { id: call.id, name: call.name, arguments: call.arguments });
}

/** `ratatoskr.v1.ToolCall` → `ToolCall`. */
export function toolCallFromProto(proto: pb.ToolCall): ToolCall {
  return { id: proto.id, name: proto.name, arguments: proto.arguments };
}

/** `ReasoningDetail` → `ratatoskr.v1.ReasoningDetail` (an opaque record's value as JSON). */
export function reasoningDetailToProto(
  detail: ReasoningDetail,
  side: WireSide = "response",
  field = "reasoningDetail",
): pb.ReasoningDetail {
  switch (detail.type) {
    case "text":
      return create(pb.ReasoningDetailSchema, {
        kind: {
          case: "text",
          value: create(pb.ReasoningTextSchema, {
            text: detail.text,
            ...(detail.signature === undefined ? {} : { signature: detail.signature }),
            ...(detail.provider === undefined ? {} : { provider: detail.provider }),
          }),
        },
      });
    case "redacted":
      return create(pb.ReasoningDetailSchema, {
        kind: {
          case: "redacted",
          value: create(pb.RedactedReasoningSchema, {
            data: detail.data,
            ...(detail.provider === undefined ? {} : { provider: detail.provider }),
          }),
        },
      });
    case "opaque":
      return create(pb.ReasoningDetailSchema, {
        kind: {
          case: "opaque",
          value: create(pb.OpaqueReasoningSchema, {
            provider: detail.provider,
            valueJson: toJsonText(detail.value, side, `${field}.value`),
          }),
        },
      });
    default:
      throw wireError(
        side,
        `${field}.type`,
        `must be "text", "redacted" or "opaque", got ${JSON.stringify((detail as { type?: unknown }).type)}`,
      );
  }
}

/** `ratatoskr.v1.ReasoningDetail` → `ReasoningDetail`; an unset kind fails with a typed error. */
export function reasoningDetailFromProto(
  proto: pb.ReasoningDetail,
  side: WireSide = "response",
  field = "reasoningDetail",
): ReasoningDetail {
  const kind = proto.kind;
  switch (kind.case) {
    case "text":
      return {
        type: "text",
        text: kind.value.text,
        ...(kind.value.signature === undefined ? {} : { signature: kind.value.signature }),
        ...(kind.value.provider === undefined ? {} : { provider: kind.value.provider }),
      };
    case "redacted":
      return {
        type: "redacted",
        data: kind.value.data,
        ...(kind.value.provider === undefined ? {} : { provider: kind.value.provider }),
      };
    case "opaque":
      return {
        type: "opaque",
        provider: kind.value.provider,
        value: fromJsonText(kind.value.valueJson, side, `${field}.valueJson`),
      };
    default:
      throw wireError(side, field, "must set one of text, redacted or opaque");
  }
}

function recordToProto(record: ProviderRecord, side: WireSide, field: string): pb.ProviderRecord {
  return create(pb.ProviderRecordSchema, {
    provider: record.provider,
    valueJson: toJsonText(record.value, side, `${field}.value`),
  });
}

function recordFromProto(proto: pb.ProviderRecord, side: WireSide, field: string): ProviderRecord {
  return {
    provider: proto.provider,
    value: fromJsonText(proto.valueJson, side, `${field}.valueJson`),
  };
}

/** `ServerToolCall` → `ratatoskr.v1.ServerToolCall` (input and record as JSON). */
export function serverToolCallToProto(
  call: ServerToolCall,
  side: WireSide = "response",
  field = "serverToolCall",
): pb.ServerToolCall {
  const proto = create(pb.ServerToolCallSchema, {
    id: call.id,
    name: call.name,
    inputJson: toJsonText(call.input, side, `${field}.input`),
  });
  if (call.server !== undefined) proto.server = call.server;
  if (call.contentOffset !== undefined) {
    proto.contentOffset = toUint32(call.contentOffset, side, `${field}.contentOffset`);
  }
  if (call.record !== undefined) proto.record = recordToProto(call.record, side, `${field}.record`);
  return proto;
}

/** `ratatoskr.v1.ServerToolCall` → `ServerToolCall`. */
export function serverToolCallFromProto(
  proto: pb.ServerToolCall,
  side: WireSide = "response",
  field = "serverToolCall",
): ServerToolCall {
  const call: ServerToolCall = {
    id: proto.id,
    name: proto.name,
    input: fromJsonText(proto.inputJson, side, `${field}.inputJson`),
  };
  if (proto.server !== undefined) call.server = proto.server;
  if (proto.contentOffset !== undefined) call.contentOffset = proto.contentOffset;
  if (proto.record !== undefined)
    call.record = recordFromProto(proto.record, side, `${field}.record`);
  return call;
}

/** `ServerToolResult` → `ratatoskr.v1.ServerToolResult` (content and record as JSON). */
export function serverToolResultToProto(
  result: ServerToolResult,
  side: WireSide = "response",
  field = "serverToolResult",
): pb.ServerToolResult {
  const proto = create(pb.ServerToolResultSchema, {
    toolCallId: result.toolCallId,
    name: result.name,
    contentJson: toJsonText(result.content, side, `${field}.content`),
  });
  if (result.isError !== undefined) proto.isError = result.isError;
  if (result.contentOffset !== undefined) {
    proto.contentOffset = toUint32(result.contentOffset, side, `${field}.contentOffset`);
  }
  if (result.record !== undefined) {
    proto.record = recordToProto(result.record, side, `${field}.record`);
  }
  return proto;
}

/** `ratatoskr.v1.ServerToolResult` → `ServerToolResult`. */
export function serverToolResultFromProto(
  proto: pb.ServerToolResult,
  side: WireSide = "response",
  field = "serverToolResult",
): ServerToolResult {
  const result: ServerToolResult = {
    toolCallId: proto.toolCallId,
    name: proto.name,
    content: fromJsonText(proto.contentJson, side, `${field}.contentJson`),
  };
  if (proto.isError !== undefined) result.isError = proto.isError;
  if (proto.contentOffset !== undefined) result.contentOffset = proto.contentOffset;
  if (proto.record !== undefined) {
    result.record = recordFromProto(proto.record, side, `${field}.record`);
  }
  return result;
}
