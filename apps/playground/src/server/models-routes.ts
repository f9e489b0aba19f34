/**
 * The Models page's API, over the gateway's model-information calls: the
 * models the providers list (`listModels`) and the models the presets name,
 * each with the registry's context window, output limit and prices
 * (`modelMetadata`); one model's full record (`fetchModelMetadata`) and
 * where it stands (`modelStatus`); and the presets, tier by tier
 * (`listPresets`).
 */
import type { ModelMetadata, ParameterAvailability } from "@ratatoskr/core";
import { Hono } from "hono";
import type { PlaygroundModelGateway, PlaygroundPreset } from "../build-playground-gateway.ts";
import { errorBody, errorHandlerFor } from "./error-response.ts";
import { registryRecord } from "./model-records.ts";
import { modelQuery, modelsQuery } from "./request-schemas.ts";
import type { PlaygroundServerContext } from "./server-context.ts";
import { validQuery } from "./validate-request.ts";

/** Most rows the table holds (a provider listing hundreds of models is cut here). */
export const MAX_MODEL_ROWS = 500;

/** Prices in US dollars per million tokens; null where unknown. */
export interface ModelPrices {
  prompt: number | null;
  completion: number | null;
}

/** One row of the models table. */
export interface ModelRow {
  id: string;
  provider: string;
  /** Where the row came from: a provider's listing (`provider`, `registry`, `cache`), or a preset. */
  source: "provider" | "registry" | "cache" | "preset";
  capabilities: string[];
  contextWindow: number | null;
  maxOutputTokens: number | null;
  pricing: ModelPrices | null;
}

/** One request parameter of a model, as the detail view lists it. */
export interface ModelParameterRow {
  name: string;
  availability: ParameterAvailability["availability"];
  /** `min`…`max`, default: the bounds of a mutable parameter, when known. */
  range: { min: number | null; max: number | null; default: number | null } | null;
  /** The fixed value of a read-only parameter, as JSON. */
  value: string | null;
}

function prices(metadata: ModelMetadata | undefined): ModelPrices | null {
  const pricing = metadata?.pricing;
  if (pricing === undefined) return null;
  return {
    prompt: pricing.prompt_cost_per_mtok ?? null,
    completion: pricing.completion_cost_per_mtok ?? null,
  };
}

function parameterRows(metadata: ModelMetadata): ModelParameterRow[] {
  return Object.entries(metadata.parameters)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, parameter]) => ({
      name,
      availability: parameter.availability,
      range:
        parameter.availability === "mutable" && parameter.range !== undefined
          ? {
              min: parameter.range.min ?? null,
              max: parameter.range.max ?? null,
              default: parameter.range.default ?? null,
            }
          : null,
      value: parameter.availability === "read_only" ? JSON.stringify(parameter.value) : null,
    }));
}

/** A row from a listed model (or a preset's) and the registry's record of it. */
function row(
  listed: { id: string; provider: string; capabilities: readonly string[] },
  source: ModelRow["source"],
  contextWindow: number | null | undefined,
  metadata: ModelMetadata | undefined,
): ModelRow {
  return {
    id: listed.id,
    provider: listed.provider,
    source,
    capabilities: [...(metadata?.info.capabilities ?? listed.capabilities)],
    contextWindow: contextWindow ?? metadata?.info.context_window ?? null,
    maxOutputTokens: metadata?.max_output_tokens ?? null,
    pricing: prices(metadata),
  };
}

/** The presets, in the gateway's order, as the page shows them. */
async function presetsOf(gateway: PlaygroundModelGateway) {
  const presets: readonly PlaygroundPreset[] = await gateway.listPresets();
  return presets.map((preset) => ({
    uri: preset.uri,
    tier: preset.tier,
    capability: preset.capability,
    model: preset.model,
    source: preset.source,
  }));
}

/**
 * `GET /models?provider=` (the table's rows, the listings that failed, and
 * the presets) and `GET /model?model=` (one model's registry record in
 * full, and its status).
 */
export function modelsRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .get("/models", validQuery(modelsQuery), async (c) => {
      const { provider } = c.req.valid("query");
      const { gateway } = context;
      const signal = c.req.raw.signal;
      const [listing, presets] = await Promise.all([
        gateway.listModels(provider === undefined ? { signal } : { signal, providers: [provider] }),
        presetsOf(gateway),
      ]);
      const listed = listing.models.slice(0, MAX_MODEL_ROWS);
      const seen = new Set(listed.map((model) => model.id));
      // The models the presets name, where no provider listed them: what the registry knows.
      const presetModels = [...new Set(presets.map((preset) => preset.model))].filter(
        (id) => provider === undefined && !seen.has(id),
      );
      const rows = await Promise.all([
        ...listed.map(async (model) =>
          row(model, model.source, model.context_window, await registryRecord(gateway, model.id)),
        ),
        ...presetModels.map(async (id) => {
          const metadata = await registryRecord(gateway, id);
          return row(
            { id, provider: metadata?.info.provider ?? "registry", capabilities: [] },
            "preset",
            undefined,
            metadata,
          );
        }),
      ]);
      return c.json({
        models: rows,
        truncated: listing.models.length > MAX_MODEL_ROWS,
        failures: listing.failures.map((failure) => ({
          provider: failure.provider,
          ...errorBody(failure.error).error,
        })),
        presets,
      });
    })
    .get("/model", validQuery(modelQuery), async (c) => {
      const { model } = c.req.valid("query");
      const signal = c.req.raw.signal;
      const [metadata, status] = await Promise.all([
        context.gateway.fetchModelMetadata(model, { signal }),
        context.gateway.modelStatus(model, { signal }).then(
          (answer) => ({ ...answer }),
          () => null,
        ),
      ]);
      return c.json({
        model,
        id: metadata.info.id,
        provider: metadata.info.provider,
        capabilities: [...metadata.info.capabilities],
        contextWindow: metadata.info.context_window ?? null,
        dimensions: metadata.info.dimensions ?? null,
        maxOutputTokens: metadata.max_output_tokens ?? null,
        pricing: prices(metadata),
        parameters: parameterRows(metadata),
        status,
      });
    })
    .onError(errorHandlerFor());
}
