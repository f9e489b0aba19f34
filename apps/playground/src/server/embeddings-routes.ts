/**
 * The Embeddings page's API: several texts embedded at once, answered as
 * their cosine-similarity matrix.
 */
import { Hono } from "hono";
import { similarityMatrix } from "../similarity.ts";
import { errorHandlerFor } from "./error-response.ts";
import { embeddingsRequest } from "./request-schemas.ts";
import { type PlaygroundServerContext, routeSummary } from "./server-context.ts";
import { validJson } from "./validate-request.ts";

/** `POST /embeddings`: `{texts, model}` → the similarity matrix and a preview of each vector. */
export function embeddingsRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .post("/embeddings", validJson(embeddingsRequest), async (c) => {
      const { texts, model } = c.req.valid("json");
      const route = await routeSummary(context, "embed", model);
      const started = performance.now();
      const embeddings = await context.gateway.embedBatch(texts, model, {
        signal: c.req.raw.signal,
      });
      return c.json({
        model,
        route,
        latencyMs: Math.round(performance.now() - started),
        dimensions: embeddings[0]?.dimensions ?? 0,
        matrix: similarityMatrix(embeddings.map((embedding) => embedding.values)),
        preview: embeddings.map((embedding) => embedding.values.slice(0, 8)),
      });
    })
    .onError(errorHandlerFor("embed"));
}
