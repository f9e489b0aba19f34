/**
 * `createOpenAIHttpHandler(gateway, options)`: the OpenAI-compatible HTTP
 * API over a gateway, as a request listener for `http.createServer`,
 * `https.createServer` or `http2`'s compatibility API. Each request passes
 * the bearer-token check, then the concurrency limit, then the body size
 * limit, before its endpoint runs; every failure answers with OpenAI's
 * error body, and a client that disconnects aborts its gateway call.
 */
import type { ServerResponse } from "node:http";
import { invalidInput, type ModelGateway } from "@ratatoskr/core";
import { bearerTokenChecker } from "./bearer-token.ts";
import { serveChatCompletions } from "./chat-completions-endpoint.ts";
import { serveCompletions } from "./completions-endpoint.ts";
import { ConcurrencyLimit } from "./concurrency-limit.ts";
import { serveEmbeddings } from "./embeddings-endpoint.ts";
import type { Endpoint } from "./endpoint.ts";
import { endStreamWithError } from "./event-stream.ts";
import { asRequest, asResponse, type HttpRequest, type HttpResponse } from "./http-exchange.ts";
import { serveModels } from "./models-endpoint.ts";
import { errorResponse, errorResponseOf, HttpFailure } from "./openai-error.ts";
import { readJsonBody } from "./read-json-body.ts";
import { sendError } from "./send-json.ts";

/** The default request body limit: 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Options of {@link createOpenAIHttpHandler}. */
export interface OpenAIHttpHandlerOptions {
  /**
   * Require `Authorization: Bearer <token>` on every request (compared in
   * constant time); others get 401. Absent: no authentication (loopback use).
   */
  readonly token?: string;
  /** Largest request body in bytes; larger bodies get 413. Default 4 MiB. */
  readonly maxBodyBytes?: number;
  /** Requests served at once, in all; more get 429 with `retry-after`. Default: unlimited. */
  readonly maxConcurrentRequests?: number;
  /** Requests served at once per client (remote address); more get 429. Default: unlimited. */
  readonly maxConcurrentRequestsPerClient?: number;
  /** The `retry-after` of a 429 for the concurrency limit, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
  /**
   * Hears failures that are not `RatatoskrError`s (answered as a bare 500),
   * for logging. Gateway errors are answered, not reported here.
   */
  readonly onInternalError?: (error: unknown) => void;
}

/** A request listener serving the OpenAI-compatible API (`node:http` or `node:http2` compatibility). */
export type OpenAIHttpHandler = (request: HttpRequest, response: HttpResponse) => void;

/** An endpoint and the method it takes. */
interface Route {
  readonly method: "GET" | "POST";
  readonly endpoint: Endpoint;
}

const ROUTES: Readonly<Record<string, Route>> = {
  "/v1/chat/completions": { method: "POST", endpoint: serveChatCompletions },
  "/v1/completions": { method: "POST", endpoint: serveCompletions },
  "/v1/embeddings": { method: "POST", endpoint: serveEmbeddings },
  "/v1/models": { method: "GET", endpoint: serveModels },
};

function positiveInteger(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalidInput(`${name} must be a positive integer`, { field: name });
  }
  return value;
}

/** The route of a request: its endpoint, or a 404 (unknown path) or 405 (wrong method) failure. */
function routeOf(method: string | undefined, url: string | undefined): Route {
  const path = (url ?? "/").split("?", 1)[0] ?? "/";
  const route = ROUTES[path];
  if (route === undefined) {
    throw new HttpFailure(
      errorResponse(
        404,
        "not_found",
        `Unknown path; this server serves ${Object.keys(ROUTES).join(", ")}`,
      ),
    );
  }
  if (method !== route.method) {
    throw new HttpFailure(
      errorResponse(405, "method_not_allowed", `${path} takes ${route.method} requests`, {
        headers: { allow: route.method },
      }),
    );
  }
  return route;
}

/** Where an exchange stands: whether its answer was sent in full, and a signal that aborts when the client leaves first. */
interface Exchange {
  readonly signal: AbortSignal;
  readonly finished: boolean;
}

/**
 * Watch a response: a client that closes the connection before the answer
 * finished aborts the signal (and with it the gateway call). Uses the
 * `finish` and `close` events, which `http` and `http2` responses both emit.
 */
function watchExchange(response: ServerResponse): Exchange {
  const controller = new AbortController();
  const exchange = { signal: controller.signal, finished: false };
  response.once("finish", () => {
    exchange.finished = true;
  });
  response.once("close", () => {
    if (!exchange.finished) controller.abort();
  });
  return exchange;
}

/** The error of a failed request: a JSON error, or an error event when the stream had started. */
function answerFailure(response: ServerResponse, error: unknown): void {
  const failure = errorResponseOf(error);
  if (response.headersSent) endStreamWithError(response, failure.body);
  else sendError(response, failure);
}

/**
 * A request listener serving `POST /v1/chat/completions`,
 * `POST /v1/completions`, `POST /v1/embeddings` and `GET /v1/models` over
 * `gateway`. Throws `invalid_input` for bad options (a non-positive limit,
 * an empty token).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder().openrouter().build();
 * http.createServer(createOpenAIHttpHandler(gateway, { token })).listen(9741, "127.0.0.1");
 * ```
 */
export function createOpenAIHttpHandler(
  gateway: ModelGateway,
  options: OpenAIHttpHandlerOptions = {},
): OpenAIHttpHandler {
  if (options.token === "") throw invalidInput("token must not be empty", { field: "token" });
  const authorized = options.token === undefined ? undefined : bearerTokenChecker(options.token);
  const maxBodyBytes =
    positiveInteger(options.maxBodyBytes, "maxBodyBytes") ?? DEFAULT_MAX_BODY_BYTES;
  const retryAfter = String(positiveInteger(options.retryAfterSeconds, "retryAfterSeconds") ?? 1);
  const limit = new ConcurrencyLimit({
    maxConcurrentRequests: positiveInteger(options.maxConcurrentRequests, "maxConcurrentRequests"),
    maxConcurrentRequestsPerClient: positiveInteger(
      options.maxConcurrentRequestsPerClient,
      "maxConcurrentRequestsPerClient",
    ),
  });

  async function serve(
    request: HttpRequest,
    response: ServerResponse,
    exchange: Exchange,
  ): Promise<void> {
    const incoming = asRequest(request);
    if (authorized !== undefined && !authorized(incoming.headers.authorization)) {
      throw new HttpFailure(
        errorResponse(401, "authentication", "A valid bearer token is required", {
          headers: { "www-authenticate": "Bearer" },
        }),
      );
    }
    const route = routeOf(incoming.method, incoming.url);
    const release = limit.tryAcquire(incoming.socket?.remoteAddress ?? "unknown");
    if (release === undefined) {
      throw new HttpFailure(
        errorResponse(429, "rate_limited", "Too many requests in flight; retry later", {
          headers: { "retry-after": retryAfter },
        }),
      );
    }
    response.once("close", release);
    try {
      const body = route.method === "POST" ? await readJsonBody(incoming, maxBodyBytes) : undefined;
      await route.endpoint({ gateway, body, signal: exchange.signal, response });
    } finally {
      if (exchange.finished) release();
    }
  }

  function fail(request: HttpRequest, response: ServerResponse, error: unknown): void {
    if (!(error instanceof HttpFailure) && errorResponseOf(error).status === 500) {
      options.onInternalError?.(error);
    }
    if (error instanceof HttpFailure && error.response.status === 413) {
      // Stop reading the rest of an oversized body: close the connection after the answer.
      if (asRequest(request).httpVersionMajor < 2) response.setHeader("connection", "close");
    }
    answerFailure(response, error);
  }

  return (request, response) => {
    const outgoing = asResponse(response);
    const exchange = watchExchange(outgoing);
    serve(request, outgoing, exchange).catch((error: unknown) => {
      if (exchange.signal.aborted) return; // the client left: nobody to answer
      try {
        fail(request, outgoing, error);
      } catch {
        // The connection broke while answering: nothing more can be said.
      }
    });
  };
}
