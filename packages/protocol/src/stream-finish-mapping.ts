/**
 * How a stream finished (`ratatoskr.v1.StreamFinish`, an extension sent
 * beside the original protocol's `done`): the finish reason, usage, the
 * model and provider that answered, the request id and warnings.
 */
import { create } from "@bufbuild/protobuf";
import type { FinishReason, Usage } from "@ratatoskr/core";
import type { WireResponseMetadata } from "./chat-response-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  finishReasonFromProto,
  finishReasonToProto,
  usageFromProto,
  usageToProto,
} from "./usage-mapping.ts";
import { warningFromProto, warningToProto } from "./warning-mapping.ts";

/** The fields of a `done` event that {@link pb.StreamFinish} carries. */
export interface WireStreamFinish extends WireResponseMetadata {
  finishReason: FinishReason;
  rawFinishReason?: string;
  usage?: Usage;
  model?: string;
  provider?: string;
}

/** A `done` event's fields → `ratatoskr.v1.StreamFinish`. */
export function streamFinishToProto(done: WireStreamFinish): pb.StreamFinish {
  const proto = create(pb.StreamFinishSchema, {
    finishReason: finishReasonToProto(done.finishReason),
    warnings: (done.warnings ?? []).map(warningToProto),
  });
  if (done.rawFinishReason !== undefined) proto.rawFinishReason = done.rawFinishReason;
  if (done.usage !== undefined) proto.usage = usageToProto(done.usage, "response", "done.usage");
  if (done.model !== undefined) proto.model = done.model;
  if (done.provider !== undefined) proto.provider = done.provider;
  if (done.requestId !== undefined) proto.requestId = done.requestId;
  return proto;
}

/** `ratatoskr.v1.StreamFinish` → a `done` event's fields. */
export function streamFinishFromProto(proto: pb.StreamFinish): WireStreamFinish {
  const done: WireStreamFinish = { finishReason: finishReasonFromProto(proto.finishReason) };
  if (proto.rawFinishReason !== undefined) done.rawFinishReason = proto.rawFinishReason;
  if (proto.usage !== undefined) done.usage = usageFromProto(proto.usage);
  if (proto.model !== undefined) done.model = proto.model;
  if (proto.provider !== undefined) done.provider = proto.provider;
  if (proto.requestId !== undefined) done.requestId = proto.requestId;
  if (proto.warnings.length > 0) done.warnings = proto.warnings.map(warningFromProto);
  return done;
}
