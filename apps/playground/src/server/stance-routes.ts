/**
 * The Stance page's API: the stance of a text toward a target (favor,
 * against, neutral), on the zero-shot classification the model routes to.
 */
import { Hono } from "hono";
import { errorHandlerFor } from "./error-response.ts";
import { stanceRequest } from "./request-schemas.ts";
import { type PlaygroundServerContext, routeSummary } from "./server-context.ts";
import { validJson } from "./validate-request.ts";

/** `POST /stance`: `{text, target, model}` → the three scores, the label and the target. */
export function stanceRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .post("/stance", validJson(stanceRequest), async (c) => {
      const { text, target, model } = c.req.valid("json");
      // Stance is one zero-shot classification: it routes (and is served) like `classify`.
      const route = await routeSummary(context, "classify", model);
      const started = performance.now();
      const result = await context.gateway.classifyStance(text, target, model, {
        signal: c.req.raw.signal,
      });
      return c.json({ model, route, latencyMs: Math.round(performance.now() - started), result });
    })
    .onError(errorHandlerFor("classify"));
}
