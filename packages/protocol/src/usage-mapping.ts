/**
 * {@link Usage} and {@link FinishReason} on the wire. Usage fields 1–4 are
 * the original protocol's; cache and server-tool counts are extensions.
 */
import { create } from "@bufbuild/protobuf";
import type { FinishReason, Usage } from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { toUint32, type WireSide } from "./wire-values.ts";

/** `Usage` → `ratatoskr.v1.Usage`. Counts must be integers from 0 to 2³²−1. */
export function usageToProto(usage: Usage, side: WireSide = "response", field = "usage"): pb.Usage {
  const proto = create(pb.UsageSchema, {
    promptTokens: toUint32(usage.promptTokens, side, `${field}.promptTokens`),
    completionTokens: toUint32(usage.completionTokens, side, `${field}.completionTokens`),
    totalTokens: toUint32(usage.totalTokens, side, `${field}.totalTokens`),
  });
  if (usage.reasoningTokens !== undefined) {
    proto.reasoningTokens = toUint32(usage.reasoningTokens, side, `${field}.reasoningTokens`);
  }
  if (usage.cacheReadTokens !== undefined) {
    proto.cacheReadTokens = toUint32(usage.cacheReadTokens, side, `${field}.cacheReadTokens`);
  }
  if (usage.cacheWriteTokens !== undefined) {
    proto.cacheWriteTokens = toUint32(usage.cacheWriteTokens, side, `${field}.cacheWriteTokens`);
  }
  for (const [tool, count] of Object.entries(usage.serverToolRequests ?? {})) {
    proto.serverToolRequests[tool] = toUint32(count, side, `${field}.serverToolRequests.${tool}`);
  }
  return proto;
}

/** `ratatoskr.v1.Usage` → `Usage` (optional counts only when the sender set them). */
export function usageFromProto(proto: pb.Usage): Usage {
  const usage: Usage = {
    promptTokens: proto.promptTokens,
    completionTokens: proto.completionTokens,
    totalTokens: proto.totalTokens,
  };
  if (proto.reasoningTokens !== undefined) usage.reasoningTokens = proto.reasoningTokens;
  if (proto.cacheReadTokens !== undefined) usage.cacheReadTokens = proto.cacheReadTokens;
  if (proto.cacheWriteTokens !== undefined) usage.cacheWriteTokens = proto.cacheWriteTokens;
  const serverToolRequests = Object.entries(proto.serverToolRequests);
  if (serverToolRequests.length > 0)
    usage.serverToolRequests = Object.fromEntries(serverToolRequests);
  return usage;
}

const FINISH_REASONS: Readonly<Record<FinishReason, pb.FinishReason>> = {
  stop: pb.FinishReason.STOP,
  length: pb.FinishReason.LENGTH,
  tool_calls: pb.FinishReason.TOOL_CALLS,
  content_filter: pb.FinishReason.CONTENT_FILTER,
  pause: pb.FinishReason.PAUSE,
  other: pb.FinishReason.OTHER,
};

/**
 * `FinishReason` → the wire enum. `pause` and `other` are extension values
 * (100, 101); a client of the original protocol reads them as `stop`.
 */
export function finishReasonToProto(reason: FinishReason): pb.FinishReason {
  return FINISH_REASONS[reason] ?? pb.FinishReason.OTHER;
}

/**
 * The wire enum → `FinishReason`. `UNSPECIFIED` and values this version does
 * not know are `other`.
 */
export function finishReasonFromProto(reason: pb.FinishReason): FinishReason {
  switch (reason) {
    case pb.FinishReason.STOP:
      return "stop";
    case pb.FinishReason.LENGTH:
      return "length";
    case pb.FinishReason.TOOL_CALLS:
      return "tool_calls";
    case pb.FinishReason.CONTENT_FILTER:
      return "content_filter";
    case pb.FinishReason.PAUSE:
      return "pause";
    default:
      return "other";
  }
}
