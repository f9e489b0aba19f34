/**
 * The Tokens page's API: one text counted for several models side by side,
 * each with its tokens as highlighted pieces where the tokenizer exposes
 * them. A model that fails is reported in its own column.
 */
import { Hono } from "hono";
import { isPieceTokenizer, tokenPieces } from "../token-pieces.ts";
import { errorBody, errorHandlerFor } from "./error-response.ts";
import { tokensRequest } from "./request-schemas.ts";
import { type PlaygroundServerContext, routeSummary } from "./server-context.ts";
import { validJson } from "./validate-request.ts";

/** Count `text` for one model, with its pieces; an error becomes that model's result. */
async function countFor(
  context: PlaygroundServerContext,
  text: string,
  model: string,
  signal: AbortSignal,
) {
  const route = await routeSummary(context, "countTokens", model);
  const started = performance.now();
  try {
    const count = await context.gateway.countTokens(text, model, { signal });
    const provider =
      route.provider === undefined ? undefined : context.providers.get(route.provider);
    const highlighted = isPieceTokenizer(provider)
      ? await tokenPieces(provider, text, route.providerModel)
      : undefined;
    return {
      model,
      route,
      latencyMs: Math.round(performance.now() - started),
      ...count,
      pieces: highlighted?.pieces ?? null,
      truncated: highlighted?.truncated ?? false,
    };
  } catch (error) {
    return { model, route, ...errorBody(error, "countTokens") };
  }
}

/** `POST /tokens`: `{text, models}` → per model: count, exact or approximate, source, pieces. */
export function tokensRoutes(context: PlaygroundServerContext) {
  return new Hono()
    .post("/tokens", validJson(tokensRequest), async (c) => {
      const { text, models } = c.req.valid("json");
      const results = await Promise.all(
        models.map((model) => countFor(context, text, model, c.req.raw.signal)),
      );
      return c.json({ characters: text.length, results });
    })
    .onError(errorHandlerFor("countTokens"));
}
