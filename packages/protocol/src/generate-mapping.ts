/**
 * Text generation on the wire: `(prompt, GenerateOptions)` ↔
 * `ratatoskr.v1.GenerateRequest`, and {@link GenerateResponse} ↔
 * `ratatoskr.v1.GenerateResponse`.
 */
import { create } from "@bufbuild/protobuf";
import {
  assertGenerateOptions,
  assertText,
  type GenerateOptions,
  type GenerateResponse,
  type ProviderOptions,
} from "@ratatoskr/core";
import {
  assertNoCallProviderOptions,
  callSettingsFromProto,
  callSettingsToProto,
} from "./call-settings-mapping.ts";
import type { DecodedRequest, RequestEncodingOptions } from "./chat-request-mapping.ts";
import type { WireResponseMetadata } from "./chat-response-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { PROTOCOL_REVISION } from "./protocol-revision.ts";
import {
  finishReasonFromProto,
  finishReasonToProto,
  usageFromProto,
  usageToProto,
} from "./usage-mapping.ts";
import { type WireWarning, warningFromProto, warningToProto } from "./warning-mapping.ts";
import {
  fromFloat32,
  fromJsonObject,
  fromUint64,
  toFloat32,
  toJsonText,
  toUint32,
  toUint64,
} from "./wire-values.ts";

/** A generate request read from the wire. */
export interface DecodedGenerateRequest extends DecodedRequest {
  prompt: string;
  options: GenerateOptions;
}

/** A {@link GenerateResponse} as the wire carries it. */
export type WireGenerateResponse = Omit<GenerateResponse, keyof WireResponseMetadata> &
  WireResponseMetadata & { rawFinishReason?: string };

/**
 * `(prompt, options)` → `ratatoskr.v1.GenerateRequest`, validated first
 * (`assertGenerateOptions`): bad input fails as `invalid_input` naming the field.
 */
export function generateRequestToProto(
  prompt: string,
  options: GenerateOptions,
  encoding: RequestEncodingOptions = {},
): pb.GenerateRequest {
  assertText(prompt, "prompt");
  assertGenerateOptions(options);
  const proto = create(pb.GenerateOptionsSchema, {
    model: options.model,
    stopSequences: options.stopSequences ?? [],
  });
  if (options.maxTokens !== undefined) {
    proto.maxTokens = toUint32(options.maxTokens, "request", "options.maxTokens");
  }
  if (options.temperature !== undefined) {
    proto.temperature = toFloat32(options.temperature, "request", "options.temperature");
  }
  if (options.topP !== undefined) proto.topP = toFloat32(options.topP, "request", "options.topP");
  if (options.topK !== undefined) proto.topK = toUint32(options.topK, "request", "options.topK");
  if (options.seed !== undefined) proto.seed = toUint64(options.seed, "request", "options.seed");
  if (options.providerOptions !== undefined) {
    proto.rawProviderOptions = toJsonText(
      options.providerOptions,
      "request",
      "options.providerOptions",
    );
  }
  const request = create(pb.GenerateRequestSchema, {
    prompt,
    options: proto,
    protocolRevision: encoding.protocolRevision ?? PROTOCOL_REVISION,
  });
  const call = callSettingsToProto(options);
  if (call !== undefined) request.call = call;
  return request;
}

/**
 * `ratatoskr.v1.GenerateRequest` → `(prompt, options)`, validated like a
 * local call. The original protocol's frequency and presence penalties and
 * reasoning settings have no counterpart in Ratatoskr's generate options:
 * they come back in `warnings`.
 */
export function generateRequestFromProto(request: pb.GenerateRequest): DecodedGenerateRequest {
  const warnings: WireWarning[] = [];
  const proto = request.options ?? create(pb.GenerateOptionsSchema);
  assertNoCallProviderOptions(request.call, "options.raw_provider_options (100)");
  const options: GenerateOptions = { model: proto.model, ...callSettingsFromProto(request.call) };
  if (proto.maxTokens !== undefined) options.maxTokens = proto.maxTokens;
  if (proto.temperature !== undefined) options.temperature = fromFloat32(proto.temperature);
  if (proto.topP !== undefined) options.topP = fromFloat32(proto.topP);
  if (proto.stopSequences.length > 0) options.stopSequences = [...proto.stopSequences];
  if (proto.topK !== undefined) options.topK = proto.topK;
  if (proto.seed !== undefined) options.seed = fromUint64(proto.seed, "request", "options.seed");
  if (proto.rawProviderOptions !== undefined) {
    // Field 100 carries the provider-keyed object, as ChatOptions' field 14.
    options.providerOptions = fromJsonObject(
      proto.rawProviderOptions,
      "request",
      "options.providerOptions",
    ) as ProviderOptions;
  }
  const unsupported: Array<[string, boolean]> = [
    ["frequencyPenalty", proto.frequencyPenalty !== undefined],
    ["presencePenalty", proto.presencePenalty !== undefined],
    ["reasoning", proto.reasoning !== undefined],
  ];
  for (const [setting, present] of unsupported) {
    if (present) {
      warnings.push({
        type: "unsupported_setting",
        setting,
        details: "Ratatoskr's generate options have no such setting",
      });
    }
  }
  assertText(request.prompt, "prompt");
  assertGenerateOptions(options);
  return { prompt: request.prompt, options, warnings };
}

/** `GenerateResponse` → `ratatoskr.v1.GenerateResponse`. */
export function generateResponseToProto(response: WireGenerateResponse): pb.GenerateResponse {
  const proto = create(pb.GenerateResponseSchema, {
    text: response.text,
    model: response.model,
    finishReason: finishReasonToProto(response.finishReason),
    warnings: (response.warnings ?? []).map(warningToProto),
  });
  if (response.usage !== undefined) proto.usage = usageToProto(response.usage);
  if (response.provider !== undefined) proto.provider = response.provider;
  if (response.requestId !== undefined) proto.requestId = response.requestId;
  if (response.rawFinishReason !== undefined) proto.rawFinishReason = response.rawFinishReason;
  return proto;
}

/** `ratatoskr.v1.GenerateResponse` → `GenerateResponse` (`model` is `""` when the server left it out). */
export function generateResponseFromProto(proto: pb.GenerateResponse): WireGenerateResponse {
  const response: WireGenerateResponse = {
    text: proto.text,
    model: proto.model ?? "",
    finishReason: finishReasonFromProto(proto.finishReason),
  };
  if (proto.usage !== undefined) response.usage = usageFromProto(proto.usage);
  if (proto.provider !== undefined) response.provider = proto.provider;
  if (proto.requestId !== undefined) response.requestId = proto.requestId;
  if (proto.rawFinishReason !== undefined) response.rawFinishReason = proto.rawFinishReason;
  if (proto.warnings.length > 0) response.warnings = proto.warnings.map(warningFromProto);
  return response;
}
