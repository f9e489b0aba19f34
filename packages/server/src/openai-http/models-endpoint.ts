/**
 * `GET /v1/models`: `gateway.listModels()` as OpenAI's model list, each
 * model owned by the provider that lists it. Providers whose listing failed
 * are left out (their models are not known), as OpenAI's list has no place
 * for failures.
 *
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
import type { EndpointCall } from "./endpoint.ts";
import { sendJson } from "./send-json.ts";

/** One model of the list. */
export interface OpenAIModel {
  id: string;
  object: "model";
  /** Unix seconds; 0: unknown. */
  created: number;
  owned_by: string;
}

/** OpenAI's model list. */
export interface ModelList {
  object: "list";
  data: OpenAIModel[];
}

/** Serve the model list. */
export async function serveModels(call: EndpointCall): Promise<void> {
  const listing = await call.gateway.listModels({ signal: call.signal });
  const list: ModelList = {
    object: "list",
    data: listing.models.map((model) => ({
      id: model.id,
      object: "model",
      created: 0,
      owned_by: model.provider,
    })),
  };
  sendJson(call.response, 200, list);
}
