/**
 * Embeddings, natural-language inference, zero-shot classification, token
 * counts and capabilities on the wire. Request decoders validate like the
 * gateway does for a local call, so bad input fails as `invalid_input`
 * naming the field. Scores cross the wire as 32-bit floats and come back as
 * the shortest decimal each float stands for; embedding vectors come back as
 * the 32-bit values themselves.
 */
import { create } from "@bufbuild/protobuf";
import {
  assertCallOptions,
  assertClassifyOptions,
  assertLabels,
  assertModel,
  assertNliPairs,
  assertText,
  assertTexts,
  CAPABILITIES,
  type CallOptions,
  Capabilities,
  type Capability,
  type ClassifyOptions,
  type ClassifyResult,
  type CountTokensOptions,
  type Embedding,
  type NliLabel,
  type NliPair,
  type NliResult,
  STANCE_LABELS,
  type StanceLabel,
  type StanceResult,
  stanceLabelOf,
  type TokenCount,
} from "@ratatoskr/core";
import {
  callSettingsWithProviderOptionsFromProto,
  callSettingsWithProviderOptionsToProto,
} from "./call-settings-mapping.ts";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { fromFloat32, toFloat32, toUint32 } from "./wire-values.ts";

/** An embed request read from the wire. */
export interface DecodedEmbedRequest {
  text: string;
  model: string;
  options: CallOptions;
}

/** `embed(text, model, options)` → `ratatoskr.v1.EmbedRequest`. */
export function embedRequestToProto(
  text: string,
  model: string,
  options?: CallOptions,
): pb.EmbedRequest {
  assertText(text, "text");
  assertModel(model);
  assertCallOptions(options);
  return withCall(create(pb.EmbedRequestSchema, { text, model }), options);
}

/** `ratatoskr.v1.EmbedRequest` → `embed`'s arguments. */
export function embedRequestFromProto(request: pb.EmbedRequest): DecodedEmbedRequest {
  assertText(request.text, "text");
  assertModel(request.model);
  return {
    text: request.text,
    model: request.model,
    options: callSettingsWithProviderOptionsFromProto(request.call),
  };
}

/** An `embedBatch` request read from the wire. */
export interface DecodedEmbedBatchRequest {
  texts: string[];
  model: string;
  options: CallOptions;
}

/** `embedBatch(texts, model, options)` → `ratatoskr.v1.EmbedBatchRequest`. */
export function embedBatchRequestToProto(
  texts: readonly string[],
  model: string,
  options?: CallOptions,
): pb.EmbedBatchRequest {
  assertTexts(texts, "texts");
  assertModel(model);
  assertCallOptions(options);
  return withCall(create(pb.EmbedBatchRequestSchema, { texts: [...texts], model }), options);
}

/** `ratatoskr.v1.EmbedBatchRequest` → `embedBatch`'s arguments. */
export function embedBatchRequestFromProto(
  request: pb.EmbedBatchRequest,
): DecodedEmbedBatchRequest {
  assertTexts(request.texts, "texts");
  assertModel(request.model);
  return {
    texts: [...request.texts],
    model: request.model,
    options: callSettingsWithProviderOptionsFromProto(request.call),
  };
}

/** `Embedding` → `ratatoskr.v1.EmbedResponse` (the same fields as `ratatoskr.v1.Embedding`). */
export function embeddingToProto(embedding: Embedding): pb.EmbedResponse {
  return create(pb.EmbedResponseSchema, {
    values: embedding.values,
    model: embedding.model,
    dimensions: toUint32(embedding.dimensions, "response", "embedding.dimensions"),
  });
}

/** `ratatoskr.v1.EmbedResponse` or `ratatoskr.v1.Embedding` → `Embedding`. */
export function embeddingFromProto(proto: pb.EmbedResponse | pb.Embedding): Embedding {
  return { values: [...proto.values], model: proto.model, dimensions: proto.dimensions };
}

/** `Embedding[]` → `ratatoskr.v1.EmbedBatchResponse`. */
export function embedBatchResponseToProto(embeddings: readonly Embedding[]): pb.EmbedBatchResponse {
  return create(pb.EmbedBatchResponseSchema, {
    embeddings: embeddings.map((embedding, index) =>
      create(pb.EmbeddingSchema, {
        values: embedding.values,
        model: embedding.model,
        dimensions: toUint32(embedding.dimensions, "response", `embeddings[${index}].dimensions`),
      }),
    ),
  });
}

/** `ratatoskr.v1.EmbedBatchResponse` → `Embedding[]`, in input order. */
export function embedBatchResponseFromProto(proto: pb.EmbedBatchResponse): Embedding[] {
  return proto.embeddings.map(embeddingFromProto);
}

/** An `inferNli` request read from the wire. */
export interface DecodedNliRequest {
  premise: string;
  hypothesis: string;
  model: string;
  options: CallOptions;
}

/** `inferNli(premise, hypothesis, model, options)` → `ratatoskr.v1.NliRequest`. */
export function nliRequestToProto(
  premise: string,
  hypothesis: string,
  model: string,
  options?: CallOptions,
): pb.NliRequest {
  assertText(premise, "premise");
  assertText(hypothesis, "hypothesis");
  assertModel(model);
  assertCallOptions(options);
  return withCall(create(pb.NliRequestSchema, { premise, hypothesis, model }), options);
}

/** `ratatoskr.v1.NliRequest` → `inferNli`'s arguments. */
export function nliRequestFromProto(request: pb.NliRequest): DecodedNliRequest {
  assertText(request.premise, "premise");
  assertText(request.hypothesis, "hypothesis");
  assertModel(request.model);
  return {
    premise: request.premise,
    hypothesis: request.hypothesis,
    model: request.model,
    options: callSettingsWithProviderOptionsFromProto(request.call),
  };
}

/** An `inferNliBatch` request read from the wire. */
export interface DecodedNliBatchRequest {
  pairs: NliPair[];
  model: string;
  options: CallOptions;
}

/** `inferNliBatch(pairs, model, options)` → `ratatoskr.v1.NliBatchRequest`. */
export function nliBatchRequestToProto(
  pairs: readonly NliPair[],
  model: string,
  options?: CallOptions,
): pb.NliBatchRequest {
  assertNliPairs(pairs);
  assertModel(model);
  assertCallOptions(options);
  return withCall(
    create(pb.NliBatchRequestSchema, {
      pairs: pairs.map((pair) =>
        create(pb.NliPairSchema, { premise: pair.premise, hypothesis: pair.hypothesis }),
      ),
      model,
    }),
    options,
  );
}

/** `ratatoskr.v1.NliBatchRequest` → `inferNliBatch`'s arguments. */
export function nliBatchRequestFromProto(request: pb.NliBatchRequest): DecodedNliBatchRequest {
  const pairs = request.pairs.map((pair) => ({
    premise: pair.premise,
    hypothesis: pair.hypothesis,
  }));
  assertNliPairs(pairs);
  assertModel(request.model);
  return {
    pairs,
    model: request.model,
    options: callSettingsWithProviderOptionsFromProto(request.call),
  };
}

const NLI_LABELS: Readonly<Record<NliLabel, pb.NliLabel>> = {
  entailment: pb.NliLabel.ENTAILMENT,
  contradiction: pb.NliLabel.CONTRADICTION,
  neutral: pb.NliLabel.NEUTRAL,
};

/** `NliResult` → `ratatoskr.v1.NliResponse`. */
export function nliResultToProto(result: NliResult, field = "result"): pb.NliResponse {
  return create(pb.NliResponseSchema, {
    entailment: toFloat32(result.entailment, "response", `${field}.entailment`),
    contradiction: toFloat32(result.contradiction, "response", `${field}.contradiction`),
    neutral: toFloat32(result.neutral, "response", `${field}.neutral`),
    label: NLI_LABELS[result.label] ?? pb.NliLabel.UNSPECIFIED,
  });
}

/**
 * `ratatoskr.v1.NliResponse` → `NliResult`. A label left unspecified is the
 * one with the highest score.
 */
export function nliResultFromProto(proto: pb.NliResponse): NliResult {
  const scores = {
    entailment: fromFloat32(proto.entailment),
    contradiction: fromFloat32(proto.contradiction),
    neutral: fromFloat32(proto.neutral),
  };
  const labels = Object.keys(NLI_LABELS) as NliLabel[];
  const named = labels.find((label) => NLI_LABELS[label] === proto.label);
  const label =
    named ?? labels.reduce((best, label) => (scores[label] > scores[best] ? label : best));
  return { ...scores, label };
}

/** `NliResult[]` → `ratatoskr.v1.NliBatchResponse`. */
export function nliBatchResponseToProto(results: readonly NliResult[]): pb.NliBatchResponse {
  return create(pb.NliBatchResponseSchema, {
    results: results.map((result, index) => nliResultToProto(result, `results[${index}]`)),
  });
}

/** `ratatoskr.v1.NliBatchResponse` → `NliResult[]`, in input order. */
export function nliBatchResponseFromProto(proto: pb.NliBatchResponse): NliResult[] {
  return proto.results.map(nliResultFromProto);
}

/** A `classifyStance` request read from the wire. */
export interface DecodedStanceRequest {
  text: string;
  target: string;
  model: string;
  options: CallOptions;
}

/** `classifyStance(text, target, model, options)` → `ratatoskr.v1.StanceRequest`. */
export function stanceRequestToProto(
  text: string,
  target: string,
  model: string,
  options?: CallOptions,
): pb.StanceRequest {
  assertText(text, "text");
  assertText(target, "target");
  assertModel(model);
  assertCallOptions(options);
  return withCall(create(pb.StanceRequestSchema, { text, target, model }), options);
}

/** `ratatoskr.v1.StanceRequest` → `classifyStance`'s arguments. */
export function stanceRequestFromProto(request: pb.StanceRequest): DecodedStanceRequest {
  assertText(request.text, "text");
  assertText(request.target, "target");
  assertModel(request.model);
  return {
    text: request.text,
    target: request.target,
    model: request.model,
    options: callSettingsWithProviderOptionsFromProto(request.call),
  };
}

const STANCE_WIRE_LABELS: Readonly<Record<StanceLabel, pb.StanceLabel>> = {
  favor: pb.StanceLabel.FAVOR,
  against: pb.StanceLabel.AGAINST,
  neutral: pb.StanceLabel.NEUTRAL,
};

/** `StanceResult` → `ratatoskr.v1.StanceResponse`. */
export function stanceResultToProto(result: StanceResult): pb.StanceResponse {
  return create(pb.StanceResponseSchema, {
    favor: toFloat32(result.favor, "response", "result.favor"),
    against: toFloat32(result.against, "response", "result.against"),
    neutral: toFloat32(result.neutral, "response", "result.neutral"),
    label: STANCE_WIRE_LABELS[result.label] ?? pb.StanceLabel.UNSPECIFIED,
    target: result.target,
  });
}

/**
 * `ratatoskr.v1.StanceResponse` → `StanceResult`. A label left unspecified
 * is the highest score's (a tie going to favor, then against, then neutral).
 */
export function stanceResultFromProto(proto: pb.StanceResponse): StanceResult {
  const scores = {
    favor: fromFloat32(proto.favor),
    against: fromFloat32(proto.against),
    neutral: fromFloat32(proto.neutral),
  };
  const named = STANCE_LABELS.find((label) => STANCE_WIRE_LABELS[label] === proto.label);
  return { ...scores, label: named ?? stanceLabelOf(scores), target: proto.target };
}

/** A `classifyZeroShot` request read from the wire. */
export interface DecodedClassifyRequest {
  text: string;
  labels: string[];
  model: string;
  options: ClassifyOptions;
}

/** `classifyZeroShot(text, labels, model, options)` → `ratatoskr.v1.ClassifyRequest`. */
export function classifyRequestToProto(
  text: string,
  labels: readonly string[],
  model: string,
  options?: ClassifyOptions,
): pb.ClassifyRequest {
  assertText(text, "text");
  assertLabels(labels);
  assertModel(model);
  assertClassifyOptions(options);
  const request = withCall(
    create(pb.ClassifyRequestSchema, { text, labels: [...labels], model }),
    options,
  );
  if (options?.hypothesisTemplate !== undefined) {
    request.hypothesisTemplate = options.hypothesisTemplate;
  }
  if (options?.multiLabel !== undefined) request.multiLabel = options.multiLabel;
  return request;
}

/** `ratatoskr.v1.ClassifyRequest` → `classifyZeroShot`'s arguments. */
export function classifyRequestFromProto(request: pb.ClassifyRequest): DecodedClassifyRequest {
  const options: ClassifyOptions = callSettingsWithProviderOptionsFromProto(request.call);
  if (request.hypothesisTemplate !== undefined) {
    options.hypothesisTemplate = request.hypothesisTemplate;
  }
  if (request.multiLabel !== undefined) options.multiLabel = request.multiLabel;
  assertText(request.text, "text");
  assertLabels(request.labels);
  assertModel(request.model);
  assertClassifyOptions(options);
  return { text: request.text, labels: [...request.labels], model: request.model, options };
}

/** `ClassifyResult` → `ratatoskr.v1.ClassifyResponse`. */
export function classifyResultToProto(result: ClassifyResult): pb.ClassifyResponse {
  const scores: Record<string, number> = {};
  for (const [label, score] of Object.entries(result.scores)) {
    scores[label] = toFloat32(score, "response", `scores.${label}`);
  }
  return create(pb.ClassifyResponseSchema, {
    scores,
    topLabel: result.topLabel,
    confidence: toFloat32(result.confidence, "response", "confidence"),
  });
}

/** `ratatoskr.v1.ClassifyResponse` → `ClassifyResult`. */
export function classifyResultFromProto(proto: pb.ClassifyResponse): ClassifyResult {
  const scores: Record<string, number> = {};
  for (const [label, score] of Object.entries(proto.scores)) scores[label] = fromFloat32(score);
  return { scores, topLabel: proto.topLabel, confidence: fromFloat32(proto.confidence) };
}

/** A `countTokens` request read from the wire. */
export interface DecodedTokenCountRequest {
  text: string;
  model: string;
  options: CountTokensOptions;
}

/** `countTokens(text, model, options)` → `ratatoskr.v1.TokenCountRequest`. */
export function tokenCountRequestToProto(
  text: string,
  model: string,
  options?: CountTokensOptions,
): pb.TokenCountRequest {
  assertText(text, "text", { allowEmpty: true });
  assertModel(model);
  assertCallOptions(options);
  const request = withCall(create(pb.TokenCountRequestSchema, { text, model }), options);
  if (options?.allowApproximate !== undefined) request.allowApproximate = options.allowApproximate;
  return request;
}

/** `ratatoskr.v1.TokenCountRequest` → `countTokens`'s arguments. */
export function tokenCountRequestFromProto(
  request: pb.TokenCountRequest,
): DecodedTokenCountRequest {
  assertText(request.text, "text", { allowEmpty: true });
  assertModel(request.model);
  const options: CountTokensOptions = callSettingsWithProviderOptionsFromProto(request.call);
  if (request.allowApproximate !== undefined) options.allowApproximate = request.allowApproximate;
  return { text: request.text, model: request.model, options };
}

/** `TokenCount` → `ratatoskr.v1.TokenCountResponse`. */
export function tokenCountToProto(count: TokenCount): pb.TokenCountResponse {
  return create(pb.TokenCountResponseSchema, {
    count: toUint32(count.count, "response", "count"),
    approximate: count.approximate,
    source: count.source,
  });
}

/**
 * `ratatoskr.v1.TokenCountResponse` → `TokenCount`. An original server sends
 * the count only: `source` is then `""`.
 */
export function tokenCountFromProto(proto: pb.TokenCountResponse): TokenCount {
  return { count: proto.count, approximate: proto.approximate, source: proto.source };
}

const CAPABILITY_FLAGS = [
  ["chat", pb.ModelCapability.CHAT],
  ["chatStreaming", pb.ModelCapability.CHAT_STREAMING],
  ["generate", pb.ModelCapability.GENERATE],
  ["toolUse", pb.ModelCapability.TOOL_USE],
  ["embeddings", pb.ModelCapability.EMBED],
  ["nli", pb.ModelCapability.NLI],
  ["classification", pb.ModelCapability.CLASSIFY],
  ["tokenCounting", pb.ModelCapability.TOKEN_COUNTING],
  ["localInference", pb.ModelCapability.LOCAL_INFERENCE],
] as const satisfies ReadonlyArray<readonly [keyof Capabilities, pb.ModelCapability]>;

/** `Capabilities` → `ratatoskr.v1.CapabilitiesResponse`: one enum value per true flag, and the providers (extension). */
export function capabilitiesToProto(capabilities: Capabilities): pb.CapabilitiesResponse {
  return create(pb.CapabilitiesResponseSchema, {
    capabilities: [
      ...CAPABILITY_FLAGS.filter(([flag]) => capabilities[flag]).map(([, value]) => value),
      // classifyStance runs on zero-shot classification: offered wherever it is.
      ...(capabilities.classification ? [pb.ModelCapability.STANCE] : []),
    ],
    providers: CAPABILITIES.map((capability) =>
      create(pb.CapabilityProvidersSchema, {
        capability,
        providers: [...(capabilities.providers[capability] ?? [])],
      }),
    ).filter((entry) => entry.providers.length > 0),
  });
}

/**
 * `ratatoskr.v1.CapabilitiesResponse` → `Capabilities`. `STANCE` has no flag
 * of its own (classifyStance is served wherever classification is), and
 * values this version does not know (later additions, unknown capability
 * names) are left out, so a newer server does not break an older client.
 */
export function capabilitiesFromProto(proto: pb.CapabilitiesResponse): Capabilities {
  const capabilities = Capabilities.none();
  for (const [flag, value] of CAPABILITY_FLAGS) {
    if (proto.capabilities.includes(value)) capabilities[flag] = true;
  }
  for (const entry of proto.providers) {
    if ((CAPABILITIES as readonly string[]).includes(entry.capability)) {
      capabilities.providers[entry.capability as Capability] = [...entry.providers];
    }
  }
  return capabilities;
}

function withCall<T extends { call?: pb.CallSettings }>(request: T, options?: CallOptions): T {
  const call = callSettingsWithProviderOptionsToProto(options);
  if (call !== undefined) request.call = call;
  return request;
}
