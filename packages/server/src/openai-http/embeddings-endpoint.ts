/**
 * `POST /v1/embeddings`: `gateway.embedBatch`. `input` is a string or an
 * array of strings (token-id arrays are refused); `encoding_format` is
 * `float` (default) or `base64`: each vector's float32 values as
 * little-endian bytes, as OpenAI sends them. `dimensions` is accepted only
 * when the model's vectors have that many dimensions (the gateway cannot
 * shorten them). `usage` is absent: the gateway does not report embedding
 * token counts, and unknown is not zero.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
import { type Embedding, RatatoskrError } from "@ratatoskr/core";
import type { EndpointCall } from "./endpoint.ts";
import {
  invalidField,
  optionalEnum,
  optionalInteger,
  requiredObject,
  requiredString,
} from "./request-fields.ts";
import { sendJson } from "./send-json.ts";

/** One vector of the answer. */
export interface OpenAIEmbedding {
  object: "embedding";
  index: number;
  embedding: number[] | string;
}

/** OpenAI's embeddings list. */
export interface EmbeddingList {
  object: "list";
  data: OpenAIEmbedding[];
  model: string;
}

function inputs(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string")) {
    return value;
  }
  throw invalidField("input", "must be a string or a non-empty array of strings");
}

/** A vector as base64 of its float32 values, little-endian. */
export function base64Float32(values: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(values.length * 4));
  for (const [index, value] of values.entries()) bytes.setFloat32(index * 4, value, true);
  return Buffer.from(bytes.buffer).toString("base64");
}

function checkDimensions(requested: number | undefined, embeddings: readonly Embedding[]): void {
  if (requested === undefined) return;
  const actual = embeddings[0]?.dimensions;
  if (actual === undefined || actual === requested) return;
  throw new RatatoskrError({
    code: "unsupported_parameter",
    message: `dimensions ${requested} is not supported: the model returns ${actual}-dimension vectors and the gateway cannot shorten them`,
    details: { field: "dimensions" },
  });
}

/** Serve one embeddings request. */
export async function serveEmbeddings(call: EndpointCall): Promise<void> {
  const body = requiredObject(call.body, "body");
  const model = requiredString(body.model, "model");
  const texts = inputs(body.input);
  const format = optionalEnum(body.encoding_format, "encoding_format", ["float", "base64"]);
  const dimensions = optionalInteger(body.dimensions, "dimensions");
  const embeddings = await call.gateway.embedBatch(texts, model, { signal: call.signal });
  checkDimensions(dimensions, embeddings);
  const list: EmbeddingList = {
    object: "list",
    data: embeddings.map((embedding, index) => ({
      object: "embedding",
      index,
      embedding: format === "base64" ? base64Float32(embedding.values) : embedding.values,
    })),
    model: embeddings[0]?.model || model,
  };
  sendJson(call.response, 200, list);
}
