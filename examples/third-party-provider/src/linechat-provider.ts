/**
 * The LineChat provider: chat (complete and stream) and embeddings over
 * LineChat's JSON / NDJSON API, with `fetch` and nothing else. It
 * implements the Ratatoskr provider specification v1 from
 * `@ratatoskr/core`'s public types only.
 *
 * The gateway owns retries, deadlines and fallbacks: this provider sends
 * one request per call, hands the call's `signal` to `fetch`, and reports
 * every failure as a typed `RatatoskrError`.
 */
import {
  abortedError,
  type Capability,
  type ChatRequestV1,
  type ChatResultV1,
  type ChatStreamPartV1,
  createUsage,
  type EmbeddingRequestV1,
  type EmbeddingResultV1,
  type ModelSupportV1,
  type ProviderV1,
  RatatoskrError,
  type WarningV1,
} from "@ratatoskr/core";
import {
  loadApiKey,
  networkError,
  registerHeaderSecrets,
  validateBaseURL,
} from "@ratatoskr/provider-utils";
import { convertToLinechatRequest } from "./convert-to-linechat-request.ts";
import { mapLinechatStream } from "./linechat-chat-stream.ts";
import { linechatDataError, linechatHttpError, linechatProtocolError } from "./linechat-error.ts";
import { LINECHAT_API_KEY_VARIABLE, LINECHAT_PROVIDER_ID } from "./linechat-id.ts";
import { readNdjsonLines } from "./linechat-ndjson-lines.ts";
import { LINECHAT_MAX_EMBED_INPUTS } from "./linechat-wire.ts";
import { mapLinechatFinishReason } from "./map-linechat-finish-reason.ts";
import { parseChatAnswer, parseEmbedAnswer } from "./parse-linechat-answer.ts";

/** LineChat's public endpoint. */
export const LINECHAT_DEFAULT_BASE_URL = "https://api.linechat.example";

/** Settings of {@link createLineChat}. */
export interface LineChatSettings {
  /** The API key (default: the `LINECHAT_API_KEY` environment variable). */
  apiKey?: string;
  /** The API's base URL (default {@link LINECHAT_DEFAULT_BASE_URL}); http or https, no credentials in it. */
  baseURL?: string;
  /** Headers sent with every request (credentials among them are redacted from errors). */
  headers?: Record<string, string>;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/** Embedding models are `line-embed-*`; every other `line-*` model chats. */
const EMBEDDING_MODEL = /^line-embed-/;

function supports(capability: Capability, model: string): ModelSupportV1 {
  const embeddingModel = EMBEDDING_MODEL.test(model);
  if (capability === "embed") {
    return (
      embeddingModel || { supported: false, reason: "LineChat embeds with line-embed-* models" }
    );
  }
  return !embeddingModel || { supported: false, reason: `${model} is an embedding model` };
}

/** Unknown keys of the options entry of a call that reads none (embeddings). */
function unreadOptionWarnings(entry: Readonly<Record<string, unknown>>): WarningV1[] {
  return Object.keys(entry)
    .filter((key) => entry[key] !== undefined)
    .map((option) => ({
      type: "unknown_provider_option",
      option,
      details: "LineChat embeddings take no provider options",
    }));
}

/**
 * Create the LineChat provider. The API key is read (and registered for
 * redaction) here: a missing key is an `authentication` error naming
 * `LINECHAT_API_KEY`; a malformed `baseURL` an `invalid_input` error.
 */
export function createLineChat(settings: LineChatSettings = {}): ProviderV1 {
  const apiKey = loadApiKey({
    apiKey: settings.apiKey,
    environmentVariable: LINECHAT_API_KEY_VARIABLE,
    provider: LINECHAT_PROVIDER_ID,
  });
  registerHeaderSecrets(settings.headers);
  const baseURL = validateBaseURL(settings.baseURL ?? LINECHAT_DEFAULT_BASE_URL, {
    setting: "baseURL",
    provider: LINECHAT_PROVIDER_ID,
  });
  const fetchFunction = settings.fetch ?? globalThis.fetch;

  /** One POST; a non-2xx answer becomes its typed error. */
  async function post(
    path: string,
    body: unknown,
    request: ChatRequestV1 | EmbeddingRequestV1,
  ): Promise<Response> {
    const { signal } = request;
    if (signal.aborted) throw abortedError(signal);
    const url = `${baseURL}${path}`;
    let response: Response;
    try {
      // Header names are case-insensitive: a configured `Authorization` replaces the key's.
      const headers = new Headers({ authorization: `Bearer ${apiKey}` });
      for (const source of [settings.headers, request.headers]) {
        for (const [name, value] of Object.entries(source ?? {})) headers.set(name, value);
      }
      headers.set("content-type", "application/json");
      response = await fetchFunction(url, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw abortedError(signal);
      throw networkError(LINECHAT_PROVIDER_ID, url, error);
    }
    if (!response.ok) throw await linechatHttpError(response, request.model, signal);
    return response;
  }

  /** A successful answer's body as text; a broken connection is a `network` error. */
  async function readText(response: Response, request: ChatRequestV1 | EmbeddingRequestV1) {
    try {
      return await response.text();
    } catch (error) {
      if (request.signal.aborted) throw abortedError(request.signal);
      throw networkError(LINECHAT_PROVIDER_ID, response.url, error);
    }
  }

  return {
    specificationVersion: "v1",
    id: LINECHAT_PROVIDER_ID,
    aliases: ["lc"],
    supports,
    chat: {
      toolUse: true,
      warningsFor: (request) => convertToLinechatRequest(request).warnings,

      async complete(request: ChatRequestV1): Promise<ChatResultV1> {
        const { body, warnings } = convertToLinechatRequest(request);
        const response = await post("/chat", body, request);
        const answer = parseChatAnswer(await readText(response, request), request.model);
        for (const message of answer.notices ?? []) warnings.push({ type: "other", message });
        return {
          content: answer.text,
          toolCalls: answer.calls.map(({ id, name, arguments: text }) => ({
            id,
            name,
            arguments: text,
          })),
          finishReason: mapLinechatFinishReason(answer.finish),
          rawFinishReason: answer.finish,
          ...(answer.usage === undefined
            ? {}
            : { usage: createUsage(answer.usage.in, answer.usage.out) }),
          response: {
            model: answer.model,
            requestId: response.headers.get("x-request-id") ?? answer.id,
          },
          warnings,
        };
      },

      async *stream(request: ChatRequestV1): AsyncGenerator<ChatStreamPartV1> {
        const { signal, model } = request;
        const { body, warnings } = convertToLinechatRequest(request);
        for (const warning of warnings) yield { type: "warning", warning };
        const response = await post("/chat?stream=1", body, request);
        if (response.body === null) throw linechatDataError(model, "an NDJSON stream", "");
        const parts = mapLinechatStream(
          readNdjsonLines(response.body, model),
          model,
          response.headers.get("x-request-id"),
        );
        try {
          for await (const part of parts) {
            // Nothing is delivered once the call was aborted, even if it was already read.
            if (signal.aborted) throw abortedError(signal);
            yield part;
          }
        } catch (error) {
          if (signal.aborted) throw abortedError(signal);
          if (RatatoskrError.isInstance(error)) throw error;
          throw linechatProtocolError(model, `stream broke off (${String(error)})`);
        }
      },
    },
    embedding: {
      maxEmbeddingsPerCall: () => LINECHAT_MAX_EMBED_INPUTS,
      maxParallelCalls: 2,

      async embed(request: EmbeddingRequestV1): Promise<EmbeddingResultV1> {
        const warnings = unreadOptionWarnings(request.providerOptions);
        const response = await post(
          "/embed",
          { model: request.model, input: [...request.values] },
          request,
        );
        const answer = parseEmbedAnswer(
          await readText(response, request),
          request.model,
          request.values.length,
        );
        return {
          embeddings: answer.vectors.map((values) => ({
            values,
            model: answer.model,
            dimensions: values.length,
          })),
          ...(answer.usage === undefined ? {} : { usage: createUsage(answer.usage.in, 0) }),
          response: {
            model: answer.model,
            requestId: response.headers.get("x-request-id") ?? answer.id,
          },
          warnings,
        };
      },
    },
  };
}
