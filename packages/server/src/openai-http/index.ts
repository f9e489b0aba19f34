/**
 * The OpenAI-compatible HTTP API of `ratd`: `createOpenAIHttpHandler`.
 *
 * @packageDocumentation
 */

export {
  createOpenAIHttpHandler,
  DEFAULT_MAX_BODY_BYTES,
  type OpenAIHttpHandler,
  type OpenAIHttpHandlerOptions,
} from "./openai-http-handler.ts";
