/**
 * Warnings on the wire (an extension): what the answering provider ignored
 * or could not honour, and what a request lost on its way in.
 */
import { create } from "@bufbuild/protobuf";
import { describeWarning, type WarningV1 } from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";

/**
 * A warning as it crosses the wire: a {@link WarningV1}, with the provider
 * that said so when known, or the gateway's `cache_unavailable` (sent as an
 * `other` warning; it comes back as one).
 */
export type WireWarning = WarningV1 & { provider?: string };

/** A warning → `ratatoskr.v1.Warning` (the gateway's `cache_unavailable` goes as an `other` warning). */
export function warningToProto(warning: WireWarning): pb.Warning {
  const proto = create(pb.WarningSchema);
  switch (warning.type) {
    case "unsupported_setting":
      proto.type = pb.WarningType.UNSUPPORTED_SETTING;
      proto.subject = warning.setting;
      break;
    case "unsupported_tool":
      proto.type = pb.WarningType.UNSUPPORTED_TOOL;
      proto.subject = warning.tool;
      break;
    case "unknown_provider_option":
      proto.type = pb.WarningType.UNKNOWN_PROVIDER_OPTION;
      proto.subject = warning.option;
      break;
    case "cache_unavailable":
      // No wire type of its own: an `other` warning naming the store.
      proto.type = pb.WarningType.OTHER;
      proto.subject = warning.store;
      proto.message = describeWarning(warning);
      break;
    default:
      proto.type = pb.WarningType.OTHER;
      proto.message = warning.message;
  }
  if ("details" in warning && warning.details !== undefined) proto.details = warning.details;
  if (warning.provider !== undefined) proto.provider = warning.provider;
  return proto;
}

/**
 * `ratatoskr.v1.Warning` → a warning. An unknown type becomes an `other`
 * warning that keeps its subject and details in the message.
 */
export function warningFromProto(proto: pb.Warning): WireWarning {
  const details = proto.details === undefined ? {} : { details: proto.details };
  const provider = proto.provider === undefined ? {} : { provider: proto.provider };
  switch (proto.type) {
    case pb.WarningType.UNSUPPORTED_SETTING:
      return { type: "unsupported_setting", setting: proto.subject, ...details, ...provider };
    case pb.WarningType.UNSUPPORTED_TOOL:
      return { type: "unsupported_tool", tool: proto.subject, ...details, ...provider };
    case pb.WarningType.UNKNOWN_PROVIDER_OPTION:
      return { type: "unknown_provider_option", option: proto.subject, ...details, ...provider };
    case pb.WarningType.OTHER:
      return { type: "other", message: proto.message, ...provider };
    default: {
      const parts = [proto.message, proto.subject, proto.details].filter(
        (part): part is string => part !== undefined && part !== "",
      );
      return { type: "other", message: parts.join(": "), ...provider };
    }
  }
}
