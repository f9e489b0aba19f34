/**
 * `fitsContext` on the wire (extension RPC `FitsContext`): the chat
 * request's messages and tools as `ChatRequest` carries them, the model,
 * `reserveOutput` and `contextWindow` ↔ `ratatoskr.v1.FitsContextRequest`,
 * and every field of `ContextFit` ↔ `ratatoskr.v1.FitsContextResponse`.
 */
import { create } from "@bufbuild/protobuf";
import {
  assertContextFitRequest,
  type ContextFit,
  type ContextFitOptions,
  type Message,
} from "@ratatoskr/core";
import {
  callSettingsWithProviderOptionsFromProto,
  callSettingsWithProviderOptionsToProto,
} from "./call-settings-mapping.ts";
import { toolFromProto, toolToProto } from "./chat-request-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { messageFromProto, messageToProto } from "./message-mapping.ts";
import type { WireWarning } from "./warning-mapping.ts";
import { fromUint64, toUint32, toUint64, wireError } from "./wire-values.ts";

/** A `fitsContext` request read from the wire. */
export interface DecodedFitsContextRequest {
  /** The conversation to count, checked. */
  messages: Message[];
  /** The model the count is for. */
  model: string;
  /** Tools, output reserve and context window, as `fitsContext` takes them. */
  options: ContextFitOptions;
}

/**
 * `fitsContext(messages, model, options)` → `ratatoskr.v1.FitsContextRequest`.
 * Checked first as the gateway checks it (`assertContextFitRequest`), so bad
 * input fails as `invalid_input` naming the field. `signal` and `timeout`
 * are the RPC's own cancellation and deadline, not fields.
 */
export function fitsContextRequestToProto(
  messages: readonly Message[],
  model: string,
  options?: ContextFitOptions,
): pb.FitsContextRequest {
  assertContextFitRequest(messages, model, options);
  const request = create(pb.FitsContextRequestSchema, {
    messages: messages.map((message, index) =>
      messageToProto(message, "request", `messages[${index}]`),
    ),
    model,
    tools: (options?.tools ?? []).map((tool, index) => toolToProto(tool, index)),
  });
  const call = callSettingsWithProviderOptionsToProto(options);
  if (call !== undefined) request.call = call;
  if (options?.reserveOutput !== undefined) {
    request.reserveOutput = toUint32(options.reserveOutput, "request", "options.reserveOutput");
  }
  if (options?.contextWindow !== undefined) {
    request.contextWindow = toUint32(options.contextWindow, "request", "options.contextWindow");
  }
  if (options?.allowApproximate !== undefined) request.allowApproximate = options.allowApproximate;
  return request;
}

/**
 * `ratatoskr.v1.FitsContextRequest` → `fitsContext`'s arguments, checked as
 * the gateway checks them (bad input is `invalid_input` naming the field).
 * A tool's cache directive, which counting ignores, is dropped.
 */
export function fitsContextRequestFromProto(
  request: pb.FitsContextRequest,
): DecodedFitsContextRequest {
  const ignored: WireWarning[] = [];
  const messages = request.messages.map((message, index) =>
    messageFromProto(message, "request", `messages[${index}]`, ignored),
  );
  const options: ContextFitOptions = callSettingsWithProviderOptionsFromProto(request.call);
  if (request.tools.length > 0) {
    options.tools = request.tools.map((tool, index) => toolFromProto(tool, index, ignored));
  }
  if (request.reserveOutput !== undefined) options.reserveOutput = request.reserveOutput;
  if (request.contextWindow !== undefined) options.contextWindow = request.contextWindow;
  if (request.allowApproximate !== undefined) options.allowApproximate = request.allowApproximate;
  assertContextFitRequest(messages, request.model, options);
  return { messages, model: request.model, options };
}

/** `ContextFit` → `ratatoskr.v1.FitsContextResponse`. */
export function contextFitToProto(fit: ContextFit): pb.FitsContextResponse {
  if (!Number.isSafeInteger(fit.margin)) {
    throw wireError("response", "margin", `must be a safe integer, got ${String(fit.margin)}`);
  }
  return create(pb.FitsContextResponseSchema, {
    fits: fit.fits,
    promptTokens: toUint32(fit.promptTokens, "response", "promptTokens"),
    reserveOutput: toUint32(fit.reserveOutput, "response", "reserveOutput"),
    contextWindow: toUint32(fit.contextWindow, "response", "contextWindow"),
    margin: BigInt(fit.margin),
    overflow: toUint64(fit.overflow, "response", "overflow"),
    approximate: fit.approximate,
    source: fit.source,
  });
}

/** `ratatoskr.v1.FitsContextResponse` → `ContextFit`. */
export function contextFitFromProto(proto: pb.FitsContextResponse): ContextFit {
  const margin = Number(proto.margin);
  if (!Number.isSafeInteger(margin)) {
    throw wireError("response", "margin", `must be a safe integer, got ${proto.margin}`);
  }
  return {
    fits: proto.fits,
    promptTokens: proto.promptTokens,
    reserveOutput: proto.reserveOutput,
    contextWindow: proto.contextWindow,
    margin,
    overflow: fromUint64(proto.overflow, "response", "overflow"),
    approximate: proto.approximate,
    source: proto.source,
  };
}
