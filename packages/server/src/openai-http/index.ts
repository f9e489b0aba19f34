/**
 * The OpenAI-compatible HTTP API of `ratd`: `createOpenAIHttpHandler`.
 *
 * @packageDocumentation
 */

export type { HttpRequest, HttpResponse } from "./http-exchange.ts";
export {
  createOpenAIHttpHandler,
  DEFAULT_MAX_BODY_BYTES,
  type OpenAIHttpHandler,
  type OpenAIHttpHandlerOptions,
} from "./openai-http-handler.ts";
