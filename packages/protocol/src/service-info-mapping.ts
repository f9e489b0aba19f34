/**
 * Presets and service health on the wire. Protocol keeps no dependency on
 * the model registry: a preset is described structurally
 * ({@link WirePresetResolution}), which the gateway's `resolvePreset()`
 * answer satisfies.
 */
import { create } from "@bufbuild/protobuf";
import { invalidInput } from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import {
  fromFloat32,
  fromJsonObject,
  fromUint64,
  toJsonText,
  toUint32,
  toUint64,
} from "./wire-values.ts";

/** The prefix of a preset string (`ratatoskr:<tier>/<capability>`). */
export const PRESET_URI_PREFIX = "ratatoskr:";

/**
 * A preset's default parameters, by their registry (snake_case) names: the
 * ones the original's `ProtoPresetParameters` has a field for; any others
 * the object holds travel in `parameters_json`.
 */
export interface WirePresetParameters {
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly max_tokens?: number;
  readonly frequency_penalty?: number;
  readonly presence_penalty?: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
  // Parameters without a field of their own (reasoning, tool_choice, …)
  // travel in `parameters_json` only.
}

/** A resolved preset, as the gateway's `resolvePreset()` answers it. */
export interface WirePresetResolution {
  readonly tier: string;
  readonly capability: string;
  readonly model: string;
  readonly parameters?: WirePresetParameters;
  /** Whose preset it is (absent from an original server). */
  readonly source?: "user" | "registry";
}

/** A preset request read from the wire. */
export interface DecodedResolvePresetRequest {
  tier: string;
  capability: string;
  /** `ratatoskr:<tier>/<capability>`, for `resolvePreset(uri)`. */
  uri: string;
}

/** `resolvePreset("ratatoskr:<tier>/<capability>")` → `ratatoskr.v1.ResolvePresetRequest`. */
export function resolvePresetRequestToProto(uri: string): pb.ResolvePresetRequest {
  const rest =
    typeof uri === "string" && uri.startsWith(PRESET_URI_PREFIX)
      ? uri.slice(PRESET_URI_PREFIX.length)
      : "";
  const slash = rest.indexOf("/");
  if (slash <= 0 || slash === rest.length - 1) {
    throw invalidInput(`uri must be "${PRESET_URI_PREFIX}<tier>/<capability>"`, { field: "uri" });
  }
  return create(pb.ResolvePresetRequestSchema, {
    tier: rest.slice(0, slash),
    capability: rest.slice(slash + 1),
  });
}

/** `ratatoskr.v1.ResolvePresetRequest` → the preset asked for (both parts non-empty, without `/`). */
export function resolvePresetRequestFromProto(
  request: pb.ResolvePresetRequest,
): DecodedResolvePresetRequest {
  for (const field of ["tier", "capability"] as const) {
    const value = request[field];
    if (value.trim() === "" || value.includes("/")) {
      throw invalidInput(`${field} must be a non-empty name without "/"`, { field });
    }
  }
  return {
    tier: request.tier,
    capability: request.capability,
    uri: `${PRESET_URI_PREFIX}${request.tier}/${request.capability}`,
  };
}

/**
 * A resolved preset (or none: `found` false) → `ratatoskr.v1.ResolvePresetResponse`.
 * The original's parameter fields carry what they can; every parameter
 * travels in `parameters_json` (extension), and the preset's source in
 * `source`.
 */
export function presetResolutionToProto(
  resolution: WirePresetResolution | undefined,
): pb.ResolvePresetResponse {
  if (resolution === undefined) return create(pb.ResolvePresetResponseSchema, { found: false });
  const response = create(pb.ResolvePresetResponseSchema, {
    found: true,
    modelId: resolution.model,
  });
  const parameters = resolution.parameters;
  if (parameters !== undefined) {
    const proto = create(pb.ProtoPresetParametersSchema, { stop: [...(parameters.stop ?? [])] });
    if (parameters.temperature !== undefined) proto.temperature = parameters.temperature;
    if (parameters.top_p !== undefined) proto.topP = parameters.top_p;
    if (parameters.top_k !== undefined)
      proto.topK = toUint32(parameters.top_k, "response", "top_k");
    if (parameters.max_tokens !== undefined) {
      proto.maxTokens = toUint64(parameters.max_tokens, "response", "max_tokens");
    }
    if (parameters.frequency_penalty !== undefined) {
      proto.frequencyPenalty = parameters.frequency_penalty;
    }
    if (parameters.presence_penalty !== undefined)
      proto.presencePenalty = parameters.presence_penalty;
    if (parameters.seed !== undefined) proto.seed = toUint64(parameters.seed, "response", "seed");
    response.parameters = proto;
    response.parametersJson = toJsonText(parameters, "response", "parameters");
  }
  if (resolution.source !== undefined) response.source = resolution.source;
  return response;
}

/**
 * `ratatoskr.v1.ResolvePresetResponse` for a tier and capability → the
 * resolved preset, or `undefined` when not found. `parameters_json` wins
 * over the original's fields when present.
 */
export function presetResolutionFromProto(
  proto: pb.ResolvePresetResponse,
  tier: string,
  capability: string,
): WirePresetResolution | undefined {
  if (!proto.found || proto.modelId === undefined) return undefined;
  let parameters: WirePresetParameters | undefined;
  if (proto.parametersJson !== undefined && proto.parametersJson !== "") {
    parameters = fromJsonObject(
      proto.parametersJson,
      "response",
      "parameters_json",
    ) as WirePresetParameters;
  } else if (proto.parameters !== undefined) {
    const p = proto.parameters;
    parameters = {
      ...(p.temperature === undefined ? {} : { temperature: fromFloat32(p.temperature) }),
      ...(p.topP === undefined ? {} : { top_p: fromFloat32(p.topP) }),
      ...(p.topK === undefined ? {} : { top_k: p.topK }),
      ...(p.maxTokens === undefined
        ? {}
        : { max_tokens: fromUint64(p.maxTokens, "response", "max_tokens") }),
      ...(p.frequencyPenalty === undefined
        ? {}
        : { frequency_penalty: fromFloat32(p.frequencyPenalty) }),
      ...(p.presencePenalty === undefined
        ? {}
        : { presence_penalty: fromFloat32(p.presencePenalty) }),
      ...(p.seed === undefined ? {} : { seed: fromUint64(p.seed, "response", "seed") }),
      ...(p.stop.length === 0 ? {} : { stop: [...p.stop] }),
    };
  }
  const source = proto.source === "user" || proto.source === "registry" ? proto.source : undefined;
  return {
    tier,
    capability,
    model: proto.modelId,
    ...(parameters === undefined ? {} : { parameters }),
    ...(source === undefined ? {} : { source }),
  };
}

/** Every preset → `ratatoskr.v1.ListPresetsResponse`: one entry per tier, its capabilities in order. */
export function presetListToProto(
  presets: readonly Pick<WirePresetResolution, "tier" | "capability">[],
): pb.ListPresetsResponse {
  const tiers = new Map<string, string[]>();
  for (const { tier, capability } of presets) {
    const capabilities = tiers.get(tier) ?? [];
    if (!capabilities.includes(capability)) capabilities.push(capability);
    tiers.set(tier, capabilities);
  }
  return create(pb.ListPresetsResponseSchema, {
    tiers: [...tiers].map(([tier, capabilities]) =>
      create(pb.PresetTierEntrySchema, { tier, capabilities }),
    ),
  });
}

/** `ratatoskr.v1.ListPresetsResponse` → every tier and capability. */
export function presetListFromProto(
  proto: pb.ListPresetsResponse,
): Array<{ tier: string; capability: string }> {
  return proto.tiers.flatMap((entry) =>
    entry.capabilities.map((capability) => ({ tier: entry.tier, capability })),
  );
}

/** A provider cooling down after consecutive failures (calls try it last until `until`). */
export interface ServiceCooldown {
  readonly provider: string;
  /** When the cool-down ends (epoch ms). */
  readonly until: number;
  readonly remainingMs: number;
  /** Consecutive failures that started it. */
  readonly failures: number;
  /** The error code of the last failure. */
  readonly lastError: string;
}

/** A daemon's health: whether it can serve, its version, and its providers. */
export interface ServiceHealth {
  readonly healthy: boolean;
  readonly version: string;
  readonly gitSha?: string;
  /** The registered providers, in routing order (extension). */
  readonly providers: readonly string[];
  /** The providers cooling down now (extension; absent or empty: none). */
  readonly cooling?: readonly ServiceCooldown[];
}

/** `ServiceHealth` → `ratatoskr.v1.HealthResponse`. */
export function healthToProto(health: ServiceHealth): pb.HealthResponse {
  const proto = create(pb.HealthResponseSchema, {
    healthy: health.healthy,
    version: health.version,
    providers: [...health.providers],
    cooling: (health.cooling ?? []).map((entry) =>
      create(pb.CoolingProviderSchema, {
        provider: entry.provider,
        cooldown: create(pb.ProviderCooldownSchema, {
          untilMs: entry.until,
          remainingMs: entry.remainingMs,
        }),
        failures: entry.failures,
        lastError: entry.lastError,
      }),
    ),
  });
  if (health.gitSha !== undefined) proto.gitSha = health.gitSha;
  return proto;
}

/** `ratatoskr.v1.HealthResponse` → `ServiceHealth` (an original server lists no providers). */
export function healthFromProto(proto: pb.HealthResponse): ServiceHealth {
  return {
    healthy: proto.healthy,
    version: proto.version,
    ...(proto.gitSha === undefined ? {} : { gitSha: proto.gitSha }),
    providers: [...proto.providers],
    ...(proto.cooling.length === 0
      ? {}
      : {
          cooling: proto.cooling.map((entry) => ({
            provider: entry.provider,
            until: entry.cooldown?.untilMs ?? 0,
            remainingMs: entry.cooldown?.remainingMs ?? 0,
            failures: entry.failures,
            lastError: entry.lastError,
          })),
        }),
  };
}
