/**
 * Complete chat answers on the wire: {@link ChatResponse} ↔
 * `ratatoskr.v1.ChatResponse`. Fields 1–6 are the original protocol's;
 * reasoning details, server tool items, the answering provider, the raw
 * finish reason, the request id and warnings are extensions (100–106).
 */
import { create } from "@bufbuild/protobuf";
import type { ChatResponse } from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  reasoningDetailFromProto,
  reasoningDetailToProto,
  serverToolCallFromProto,
  serverToolCallToProto,
  serverToolResultFromProto,
  serverToolResultToProto,
  toolCallFromProto,
  toolCallToProto,
} from "./message-mapping.ts";
import {
  finishReasonFromProto,
  finishReasonToProto,
  usageFromProto,
  usageToProto,
} from "./usage-mapping.ts";
import { type WireWarning, warningFromProto, warningToProto } from "./warning-mapping.ts";

/** What a served answer reports besides its payload: the provider's request id and warnings. */
export interface WireResponseMetadata {
  /** The provider's id of the request or response. */
  requestId?: string;
  /** Settings the provider ignored or could not honour, and what the request lost on its way in. */
  warnings?: WireWarning[];
}

/**
 * A {@link ChatResponse} as the wire carries it: its warnings may lack a
 * provider (what the request lost on its way in is no provider's warning).
 */
export type WireChatResponse = Omit<ChatResponse, keyof WireResponseMetadata> &
  WireResponseMetadata;

/** `ChatResponse` → `ratatoskr.v1.ChatResponse`. */
export function chatResponseToProto(response: WireChatResponse): pb.ChatResponse {
  const proto = create(pb.ChatResponseSchema, {
    content: response.content,
    toolCalls: response.toolCalls.map(toolCallToProto),
    finishReason: finishReasonToProto(response.finishReason),
    reasoningDetails: (response.reasoningDetails ?? []).map((detail, index) =>
      reasoningDetailToProto(detail, "response", `reasoningDetails[${index}]`),
    ),
    serverToolCalls: (response.serverToolCalls ?? []).map((call, index) =>
      serverToolCallToProto(call, "response", `serverToolCalls[${index}]`),
    ),
    serverToolResults: (response.serverToolResults ?? []).map((result, index) =>
      serverToolResultToProto(result, "response", `serverToolResults[${index}]`),
    ),
    warnings: (response.warnings ?? []).map(warningToProto),
  });
  if (response.reasoning !== undefined) proto.reasoning = response.reasoning;
  if (response.usage !== undefined) proto.usage = usageToProto(response.usage);
  if (response.model !== undefined) proto.model = response.model;
  if (response.provider !== undefined) proto.provider = response.provider;
  if (response.rawFinishReason !== undefined) proto.rawFinishReason = response.rawFinishReason;
  if (response.requestId !== undefined) proto.requestId = response.requestId;
  return proto;
}

/** `ratatoskr.v1.ChatResponse` → `ChatResponse`; malformed JSON fields fail as `data`. */
export function chatResponseFromProto(proto: pb.ChatResponse): WireChatResponse {
  const response: WireChatResponse = {
    content: proto.content,
    toolCalls: proto.toolCalls.map(toolCallFromProto),
    finishReason: finishReasonFromProto(proto.finishReason),
  };
  if (proto.reasoning !== undefined) response.reasoning = proto.reasoning;
  if (proto.reasoningDetails.length > 0) {
    response.reasoningDetails = proto.reasoningDetails.map((detail, index) =>
      reasoningDetailFromProto(detail, "response", `reasoningDetails[${index}]`),
    );
  }
  if (proto.serverToolCalls.length > 0) {
    response.serverToolCalls = proto.serverToolCalls.map((call, index) =>
      serverToolCallFromProto(call, "response", `serverToolCalls[${index}]`),
    );
  }
  if (proto.serverToolResults.length > 0) {
    response.serverToolResults = proto.serverToolResults.map((result, index) =>
      serverToolResultFromProto(result, "response", `serverToolResults[${index}]`),
    );
  }
  if (proto.usage !== undefined) response.usage = usageFromProto(proto.usage);
  if (proto.model !== undefined) response.model = proto.model;
  if (proto.provider !== undefined) response.provider = proto.provider;
  if (proto.rawFinishReason !== undefined) response.rawFinishReason = proto.rawFinishReason;
  if (proto.requestId !== undefined) response.requestId = proto.requestId;
  if (proto.warnings.length > 0) response.warnings = proto.warnings.map(warningFromProto);
  return response;
}
