/**
 * The NLI & zero-shot page's API: a premise/hypothesis pair scored, and a
 * text ranked against labels.
 */
import type { ClassifyOptions } from "@ratatoskr/core";
import { Hono } from "hono";
import { errorHandlerFor } from "./error-response.ts";
import { classifyRequest, nliRequest } from "./request-schemas.ts";
import { type PlaygroundServerContext, routeSummary } from "./server-context.ts";
import { validJson } from "./validate-request.ts";

/** `POST /nli`: `{premise, hypothesis, model}` → the three scores and the label. */
function nliRoute(context: PlaygroundServerContext) {
  return new Hono()
    .post("/nli", validJson(nliRequest), async (c) => {
      const { premise, hypothesis, model } = c.req.valid("json");
      const route = await routeSummary(context, "nli", model);
      const started = performance.now();
      const result = await context.gateway.inferNli(premise, hypothesis, model, {
        signal: c.req.raw.signal,
      });
      return c.json({ model, route, latencyMs: Math.round(performance.now() - started), result });
    })
    .onError(errorHandlerFor("nli"));
}

/** `POST /classify`: `{text, labels, model, multiLabel?, hypothesisTemplate?}` → ranked scores. */
function classifyRoute(context: PlaygroundServerContext) {
  return new Hono()
    .post("/classify", validJson(classifyRequest), async (c) => {
      const { text, labels, model, multiLabel, hypothesisTemplate } = c.req.valid("json");
      const options: ClassifyOptions = {
        signal: c.req.raw.signal,
        multiLabel: multiLabel === true,
      };
      if (hypothesisTemplate) options.hypothesisTemplate = hypothesisTemplate;
      const route = await routeSummary(context, "classify", model);
      const started = performance.now();
      const result = await context.gateway.classifyZeroShot(text, labels, model, options);
      const ranked = Object.entries(result.scores)
        .map(([label, score]) => ({ label, score }))
        .sort((a, b) => b.score - a.score);
      return c.json({
        model,
        route,
        latencyMs: Math.round(performance.now() - started),
        result,
        ranked,
      });
    })
    .onError(errorHandlerFor("classify"));
}

/** `POST /nli` and `POST /classify`. */
export function nliRoutes(context: PlaygroundServerContext) {
  return new Hono().route("/", nliRoute(context)).route("/", classifyRoute(context));
}
