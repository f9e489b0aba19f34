/**
 * What the playground can do: `GET /api/status` (providers, capabilities,
 * model suggestions) and `GET /api/route` (`gateway.route()` explained,
 * with what to configure on a miss, and what the model registry knows of
 * the model: context window, prices, supported parameters).
 */
import type { ModelMetadata } from "@ratatoskr/core";
import { Hono } from "hono";
import { CAPABILITY_HINTS } from "../capability-hints.ts";
import { errorHandlerFor } from "./error-response.ts";
import { playgroundStatus } from "./playground-status.ts";
import { routeQuery } from "./request-schemas.ts";
import type { PlaygroundServerContext } from "./server-context.ts";
import { validQuery } from "./validate-request.ts";

/** What the registry says about a model, as the model picker shows it (null: nothing known). */
export interface ModelFacts {
  id: string;
  capabilities: string[];
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** US dollars per million prompt and completion tokens, when known. */
  pricing: { prompt: number | null; completion: number | null } | null;
  /** Request parameters the model takes (the registry's wire names). */
  parameters: string[];
}

/** The facts of `metadata` for the browser. */
export function modelFacts(metadata: ModelMetadata | undefined): ModelFacts | null {
  if (metadata === undefined) return null;
  return {
    id: metadata.info.id,
    capabilities: [...metadata.info.capabilities],
    contextWindow: metadata.info.context_window ?? null,
    maxOutputTokens: metadata.max_output_tokens ?? null,
    pricing:
      metadata.pricing === undefined
        ? null
        : {
            prompt: metadata.pricing.prompt_cost_per_mtok ?? null,
            completion: metadata.pricing.completion_cost_per_mtok ?? null,
          },
    parameters: Object.entries(metadata.parameters)
      .filter(([, availability]) => availability.availability !== "unsupported")
      .map(([name]) => name)
      .sort(),
  };
}

/** `GET /status` and `GET /route?capability=&model=` (with the model's registry facts). */
export function statusRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .get("/status", async (c) => c.json(await playgroundStatus(context)))
    .get("/route", validQuery(routeQuery), async (c) => {
      const { capability, model } = c.req.valid("query");
      const decision = await context.gateway.route(capability, model);
      return c.json({
        ...decision,
        hints: decision.provider === undefined ? CAPABILITY_HINTS[capability] : [],
        facts: modelFacts(context.gateway.modelMetadata(model)),
      });
    })
    .onError(errorHandlerFor());
}
