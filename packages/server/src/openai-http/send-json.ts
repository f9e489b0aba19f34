/**
 * Complete JSON answers: a result object, or an OpenAI error body.
 */
import type { ServerResponse } from "node:http";
import type { OpenAIErrorResponse } from "./openai-error.ts";

/** Answer with `status` and `body` as JSON (plus `headers`); nothing when the response already ended. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Answer with an error response. */
export function sendError(response: ServerResponse, error: OpenAIErrorResponse): void {
  sendJson(response, error.status, error.body, error.headers);
}
