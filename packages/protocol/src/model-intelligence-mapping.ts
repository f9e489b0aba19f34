/**
 * Model information on the wire: tokenize, list models, model status and
 * model metadata. Ratatoskr's richer answers travel in extension fields
 * (numbered from 100), so an original client reads what it knows and a
 * Ratatoskr client gets everything back. Token offsets are UTF-16 code units
 * here and UTF-8 bytes on the wire ({@link TextOffsets}).
 */
import { create } from "@bufbuild/protobuf";
import {
  assertCallOptions,
  assertModel,
  assertText,
  type CountTokensOptions,
  type ListedModel,
  type ListModelsOptions,
  MODEL_CAPABILITIES,
  type ModelCapability,
  type ModelInfo,
  type ModelListing,
  type ModelMetadata,
  type ModelState,
  type ModelStatus,
  type ParameterAvailability,
  type Tokenization,
} from "@ratatoskr/core";
import {
  callSettingsWithProviderOptionsFromProto,
  callSettingsWithProviderOptionsToProto,
} from "./call-settings-mapping.ts";
import { errorFromStatus, errorToStatus } from "./error-status.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { TextOffsets } from "./token-offsets.ts";
import { fromJsonText, fromUint64, toJsonText, toUint32, toUint64 } from "./wire-values.ts";

// --- Tokenize ---------------------------------------------------------------

/** A tokenize request read from the wire. */
export interface DecodedTokenizeRequest {
  text: string;
  model: string;
  options: CountTokensOptions;
}

/** `tokenize(text, model, options)` → `ratatoskr.v1.TokenizeRequest`. */
export function tokenizeRequestToProto(
  text: string,
  model: string,
  options?: CountTokensOptions,
): pb.TokenizeRequest {
  assertText(text, "text", { allowEmpty: true });
  assertModel(model);
  assertCallOptions(options);
  const request = create(pb.TokenizeRequestSchema, { text, model });
  const call = callSettingsWithProviderOptionsToProto(options);
  if (call !== undefined) request.call = call;
  if (options?.allowApproximate !== undefined) request.allowApproximate = options.allowApproximate;
  return request;
}

/** `ratatoskr.v1.TokenizeRequest` → `tokenize`'s arguments. */
export function tokenizeRequestFromProto(request: pb.TokenizeRequest): DecodedTokenizeRequest {
  assertText(request.text, "text", { allowEmpty: true });
  assertModel(request.model);
  const options: CountTokensOptions = callSettingsWithProviderOptionsFromProto(request.call);
  if (request.allowApproximate !== undefined) options.allowApproximate = request.allowApproximate;
  return { text: request.text, model: request.model, options };
}

/**
 * `Tokenization` of `text` → `ratatoskr.v1.TokenizeResponse`: token offsets
 * become UTF-8 byte offsets into `text`, as the original reports them.
 */
export function tokenizationToProto(tokenization: Tokenization, text: string): pb.TokenizeResponse {
  const offsets = new TextOffsets(text);
  return create(pb.TokenizeResponseSchema, {
    tokens: tokenization.tokens.map((token, index) =>
      create(pb.TokenSchema, {
        id: toUint32(token.id, "response", `tokens[${index}].id`),
        text: token.text,
        start: offsets.toBytes(token.start),
        end: offsets.toBytes(token.end),
      }),
    ),
    provider: tokenization.provider,
    model: tokenization.model,
    approximate: tokenization.approximate,
    source: tokenization.source,
  });
}

/**
 * `ratatoskr.v1.TokenizeResponse` for `text` → `Tokenization`: byte offsets
 * become UTF-16 code unit offsets into `text`. An original server sends the
 * tokens only: `provider` and `source` are then `""`, `model` the one asked.
 */
export function tokenizationFromProto(
  proto: pb.TokenizeResponse,
  text: string,
  model: string,
): Tokenization {
  const offsets = new TextOffsets(text);
  return {
    tokens: proto.tokens.map((token) => ({
      id: token.id,
      text: token.text,
      start: offsets.toUtf16(token.start),
      end: offsets.toUtf16(token.end),
    })),
    provider: proto.provider,
    model: proto.model || model,
    approximate: proto.approximate,
    source: proto.source,
  };
}

// --- Models ------------------------------------------------------------------

const CAPABILITY_VALUES: Readonly<Record<ModelCapability, pb.ModelCapability>> = {
  Chat: pb.ModelCapability.CHAT,
  ChatStreaming: pb.ModelCapability.CHAT_STREAMING,
  Generate: pb.ModelCapability.GENERATE,
  ToolUse: pb.ModelCapability.TOOL_USE,
  Embed: pb.ModelCapability.EMBED,
  Nli: pb.ModelCapability.NLI,
  Classify: pb.ModelCapability.CLASSIFY,
  Stance: pb.ModelCapability.STANCE,
  TokenCounting: pb.ModelCapability.TOKEN_COUNTING,
  LocalInference: pb.ModelCapability.LOCAL_INFERENCE,
};

const LISTING_SOURCES = ["provider", "registry", "cache"] as const;

/** `ModelInfo` (or a `ListedModel`, its `source` included) → `ratatoskr.v1.ModelInfo`. */
export function modelInfoToProto(info: ModelInfo | ListedModel): pb.ModelInfo {
  const proto = create(pb.ModelInfoSchema, {
    id: info.id,
    provider: info.provider,
    capabilities: info.capabilities.map((capability) => CAPABILITY_VALUES[capability]),
  });
  if (typeof info.context_window === "number") {
    proto.contextWindow = toUint32(info.context_window, "response", "context_window");
  }
  if (typeof info.dimensions === "number") {
    proto.dimensions = toUint32(info.dimensions, "response", "dimensions");
  }
  if ("source" in info) proto.source = info.source;
  return proto;
}

/** `ratatoskr.v1.ModelInfo` → `ModelInfo`; capabilities this version does not know are left out. */
export function modelInfoFromProto(proto: pb.ModelInfo): ModelInfo {
  const capabilities = MODEL_CAPABILITIES.filter((capability) =>
    proto.capabilities.includes(CAPABILITY_VALUES[capability]),
  );
  return {
    id: proto.id,
    provider: proto.provider,
    capabilities,
    ...(proto.contextWindow === undefined ? {} : { context_window: proto.contextWindow }),
    ...(proto.dimensions === undefined ? {} : { dimensions: proto.dimensions }),
  };
}

/** `listModels(options)` → `ratatoskr.v1.ListModelsRequest` (signal and timeout stay local). */
export function listModelsRequestToProto(options?: ListModelsOptions): pb.ListModelsRequest {
  return create(pb.ListModelsRequestSchema, { providers: [...(options?.providers ?? [])] });
}

/** `ratatoskr.v1.ListModelsRequest` → `listModels`'s options. */
export function listModelsRequestFromProto(request: pb.ListModelsRequest): ListModelsOptions {
  for (const [index, provider] of request.providers.entries()) {
    assertModel(provider, `providers[${index}]`);
  }
  return request.providers.length === 0 ? {} : { providers: [...request.providers] };
}

/** `ModelListing` → `ratatoskr.v1.ListModelsResponse`, failures as redacted error details. */
export function modelListingToProto(listing: ModelListing): pb.ListModelsResponse {
  return create(pb.ListModelsResponseSchema, {
    models: listing.models.map(modelInfoToProto),
    failures: listing.failures.map((failure) => {
      const status = errorToStatus(failure.error);
      return create(pb.ModelListingFailureSchema, {
        provider: failure.provider,
        message: status.message,
        error: status.detail,
      });
    }),
  });
}

/**
 * `ratatoskr.v1.ListModelsResponse` → `ModelListing`. An original server
 * sends no `source`: such models read as `provider`.
 */
export function modelListingFromProto(proto: pb.ListModelsResponse): ModelListing {
  return {
    models: proto.models.map((model) => ({
      ...modelInfoFromProto(model),
      source: (LISTING_SOURCES as readonly string[]).includes(model.source ?? "")
        ? (model.source as ListedModel["source"])
        : "provider",
    })),
    failures: proto.failures.map((failure) => ({
      provider: failure.provider,
      error: errorFromStatus({
        code: 2,
        message: failure.message,
        ...(failure.error === undefined ? {} : { detail: failure.error }),
      }),
    })),
  };
}

// --- Model status --------------------------------------------------------------

const STATE_VALUES: Readonly<Record<ModelState, pb.ModelStatus>> = {
  available: pb.ModelStatus.AVAILABLE,
  downloading: pb.ModelStatus.DOWNLOADING,
  loading: pb.ModelStatus.LOADING,
  ready: pb.ModelStatus.READY,
  unavailable: pb.ModelStatus.UNAVAILABLE,
};

/** `modelStatus(model)` → `ratatoskr.v1.ModelStatusRequest`. */
export function modelStatusRequestToProto(model: string): pb.ModelStatusRequest {
  assertModel(model);
  return create(pb.ModelStatusRequestSchema, { model });
}

/** `ratatoskr.v1.ModelStatusRequest` (or `ModelMetadataRequest`) → the model asked for. */
export function modelRequestFromProto(request: { model: string }): string {
  assertModel(request.model);
  return request.model;
}

/**
 * `ModelStatus` → `ratatoskr.v1.ModelStatusResponse`. `downloading` is the
 * extension value `MODEL_STATUS_DOWNLOADING` (100); provider, device, memory,
 * download progress and cool-down travel in extension fields.
 */
export function modelStatusToProto(status: ModelStatus): pb.ModelStatusResponse {
  const proto = create(pb.ModelStatusResponseSchema, { status: STATE_VALUES[status.state] });
  if (status.reason !== undefined) proto.reason = status.reason;
  if (status.provider !== undefined) proto.provider = status.provider;
  if (status.device !== undefined) proto.device = status.device;
  if (status.memoryBytes !== undefined) {
    proto.memoryBytes = toUint64(status.memoryBytes, "response", "memoryBytes");
  }
  if (status.progress !== undefined) {
    proto.progress = create(pb.DownloadProgressSchema, {
      receivedBytes: toUint64(status.progress.receivedBytes, "response", "progress.receivedBytes"),
    });
    if (status.progress.totalBytes !== undefined) {
      proto.progress.totalBytes = toUint64(
        status.progress.totalBytes,
        "response",
        "progress.totalBytes",
      );
    }
  }
  if (status.cooldown !== undefined) {
    proto.cooldown = create(pb.ProviderCooldownSchema, {
      untilMs: status.cooldown.until,
      remainingMs: status.cooldown.remainingMs,
    });
  }
  return proto;
}

/**
 * `ratatoskr.v1.ModelStatusResponse` for `model` → `ModelStatus`. An unset
 * or unknown status (a newer server's) reads as `unavailable`.
 */
export function modelStatusFromProto(proto: pb.ModelStatusResponse, model: string): ModelStatus {
  const state =
    (Object.keys(STATE_VALUES) as ModelState[]).find(
      (candidate) => STATE_VALUES[candidate] === proto.status,
    ) ?? "unavailable";
  const progress = proto.progress;
  return {
    model,
    state,
    ...(proto.reason === undefined ? {} : { reason: proto.reason }),
    ...(proto.provider === undefined ? {} : { provider: proto.provider }),
    ...(proto.device === undefined ? {} : { device: proto.device }),
    ...(proto.memoryBytes === undefined
      ? {}
      : { memoryBytes: fromUint64(proto.memoryBytes, "response", "memory_bytes") }),
    ...(progress === undefined
      ? {}
      : {
          progress: {
            receivedBytes: fromUint64(
              progress.receivedBytes,
              "response",
              "progress.received_bytes",
            ),
            ...(progress.totalBytes === undefined
              ? {}
              : {
                  totalBytes: fromUint64(progress.totalBytes, "response", "progress.total_bytes"),
                }),
          },
        }),
    ...(proto.cooldown === undefined
      ? {}
      : { cooldown: { until: proto.cooldown.untilMs, remainingMs: proto.cooldown.remainingMs } }),
  };
}

// --- Model metadata -------------------------------------------------------------

/** `modelMetadata(model)` / `fetchModelMetadata(model)` → `ratatoskr.v1.ModelMetadataRequest`. */
export function modelMetadataRequestToProto(model: string): pb.ModelMetadataRequest {
  assertModel(model);
  return create(pb.ModelMetadataRequestSchema, { model });
}

function availabilityToProto(
  availability: ParameterAvailability,
  name: string,
): pb.ProtoParameterAvailability {
  switch (availability.availability) {
    case "mutable": {
      const range = create(pb.ProtoParameterRangeSchema);
      if (availability.range?.min !== undefined) range.min = availability.range.min;
      if (availability.range?.max !== undefined) range.max = availability.range.max;
      if (availability.range?.default !== undefined)
        range.defaultValue = availability.range.default;
      return create(pb.ProtoParameterAvailabilitySchema, {
        kind: { case: "mutableRange", value: range },
      });
    }
    case "read_only":
      return create(pb.ProtoParameterAvailabilitySchema, {
        kind: {
          case: "readOnlyJson",
          value: toJsonText(availability.value, "response", `parameters.${name}`),
        },
      });
    case "opaque":
      return create(pb.ProtoParameterAvailabilitySchema, { kind: { case: "opaque", value: true } });
    case "unsupported":
      return create(pb.ProtoParameterAvailabilitySchema, {
        kind: { case: "unsupported", value: true },
      });
  }
}

function availabilityFromProto(
  proto: pb.ProtoParameterAvailability | undefined,
  name: string,
): ParameterAvailability | undefined {
  switch (proto?.kind.case) {
    case "mutableRange": {
      const { min, max, defaultValue } = proto.kind.value;
      const range = {
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
        ...(defaultValue === undefined ? {} : { default: defaultValue }),
      };
      return Object.keys(range).length === 0
        ? { availability: "mutable" }
        : { availability: "mutable", range };
    }
    case "readOnlyJson":
      return {
        availability: "read_only",
        value: fromJsonText(proto.kind.value, "response", `parameters.${name}`),
      };
    case "opaque":
      return { availability: "opaque" };
    case "unsupported":
      return { availability: "unsupported" };
    default:
      return undefined;
  }
}

/** `ModelMetadata` (or none: `found` false) → `ratatoskr.v1.ModelMetadataResponse`. */
export function modelMetadataToProto(
  metadata: ModelMetadata | undefined,
): pb.ModelMetadataResponse {
  if (metadata === undefined) return create(pb.ModelMetadataResponseSchema, { found: false });
  const proto = create(pb.ProtoModelMetadataSchema, {
    info: modelInfoToProto(metadata.info),
    parameters: Object.entries(metadata.parameters).map(([name, availability]) =>
      create(pb.ParameterEntrySchema, {
        name,
        availability: availabilityToProto(availability, name),
      }),
    ),
  });
  if (metadata.pricing !== undefined) {
    proto.pricing = create(pb.ProtoPricingInfoSchema);
    if (metadata.pricing.prompt_cost_per_mtok !== undefined) {
      proto.pricing.promptCostPerMtok = metadata.pricing.prompt_cost_per_mtok;
    }
    if (metadata.pricing.completion_cost_per_mtok !== undefined) {
      proto.pricing.completionCostPerMtok = metadata.pricing.completion_cost_per_mtok;
    }
  }
  if (metadata.max_output_tokens !== undefined) {
    proto.maxOutputTokens = toUint32(metadata.max_output_tokens, "response", "max_output_tokens");
  }
  return create(pb.ModelMetadataResponseSchema, { found: true, metadata: proto });
}

/**
 * `ratatoskr.v1.ModelMetadataResponse` → `ModelMetadata`, or `undefined`
 * when not found. Parameters without a known availability are left out.
 */
export function modelMetadataFromProto(proto: pb.ModelMetadataResponse): ModelMetadata | undefined {
  const metadata = proto.metadata;
  if (!proto.found || metadata === undefined) return undefined;
  const parameters: Record<string, ParameterAvailability> = {};
  for (const entry of metadata.parameters) {
    const availability = availabilityFromProto(entry.availability, entry.name);
    if (availability !== undefined) parameters[entry.name] = availability;
  }
  const pricing = metadata.pricing;
  return {
    info: modelInfoFromProto(metadata.info ?? create(pb.ModelInfoSchema)),
    parameters,
    ...(pricing === undefined
      ? {}
      : {
          pricing: {
            ...(pricing.promptCostPerMtok === undefined
              ? {}
              : { prompt_cost_per_mtok: pricing.promptCostPerMtok }),
            ...(pricing.completionCostPerMtok === undefined
              ? {}
              : { completion_cost_per_mtok: pricing.completionCostPerMtok }),
          },
        }),
    ...(metadata.maxOutputTokens === undefined
      ? {}
      : { max_output_tokens: metadata.maxOutputTokens }),
  };
}
