/**
 * The browser's side of the playground API, through Hono's typed client
 * (`hono/client`): request and answer types come from the server's route
 * definitions, so the two cannot drift apart. The chat turn and the
 * generation arrive as Server-Sent Events, parsed by `eventsource-parser`.
 */
import type { Capability, Message } from "@ratatoskr/core";
import { EventSourceParserStream } from "eventsource-parser/stream";
import {
  type ClientResponse,
  DetailedError,
  hc,
  type InferRequestType,
  type InferResponseType,
  parseResponse,
} from "hono/client";
import type { CapabilityHint } from "../capability-hints.ts";
import type { PlaygroundApp } from "../playground-server.ts";
import type { ChatStreamEvent } from "../server/chat-event-stream.ts";
import type { GenerateStreamEvent } from "../server/generate-event-stream.ts";
import type { ModelFacts } from "../server/status-routes.ts";

export type { ChatStreamEvent } from "../server/chat-event-stream.ts";
export type { GenerateStreamEvent } from "../server/generate-event-stream.ts";
export type { ModelFacts } from "../server/status-routes.ts";

/** The typed client of `/api`, on the page's own origin. */
export const api = hc<PlaygroundApp>("/").api;

/** `/api/status`. */
export type Status = InferResponseType<typeof api.status.$get>;

/** `/api/route`: a routing decision explained, with hints on a miss. */
export type RouteAnswer = InferResponseType<typeof api.route.$get, 200>;

/** `/api/embeddings`. */
export type EmbeddingsAnswer = InferResponseType<typeof api.embeddings.$post, 200>;

/** `/api/nli`. */
export type NliAnswer = InferResponseType<typeof api.nli.$post, 200>;

/** `/api/classify`. */
export type ClassifyAnswer = InferResponseType<typeof api.classify.$post, 200>;

/** `/api/stance`. */
export type StanceAnswer = InferResponseType<typeof api.stance.$post, 200>;

/** The body of `/api/generate`. */
export type GenerateRequest = InferRequestType<typeof api.generate.$post>["json"];

/** `/api/tokens`: one result per model. */
export type TokenResult = InferResponseType<typeof api.tokens.$post, 200>["results"][number];

/** `/api/models`: the models table, the failed listings and the presets. */
export type ModelsAnswer = InferResponseType<typeof api.models.$get, 200>;

/** `/api/model`: one model's registry record and status. */
export type ModelDetail = InferResponseType<typeof api.model.$get, 200>;

/** `/api/service`: the connected ratd's health and metrics, or how to connect one. */
export type ServiceAnswer = InferResponseType<typeof api.service.$get, 200>;

/** The body of `/api/chat`. */
export type ChatRequest = InferRequestType<typeof api.chat.$post>["json"];

/** A capability's availability and what to configure when it is missing. */
export interface CapabilityStatus {
  available: boolean;
  providers: string[];
  hints: CapabilityHint[];
}

/** An error answer of the API. */
export interface ApiError {
  code: string;
  message: string;
  /** The request field the problem is about, for `invalid_input`. */
  field?: string;
  provider?: string;
  hints?: CapabilityHint[];
}

/** A route decision as the API returns it, with the model's registry facts. */
export interface RouteSummary {
  provider?: string | undefined;
  rule?: string | undefined;
  providerModel: string;
  explanation: string;
  facts?: ModelFacts | null;
}

/** A failed API call, carrying the server's error body. */
export class ApiCallError extends Error {
  readonly body: ApiError;
  constructor(body: ApiError) {
    super(body.message);
    this.body = body;
  }
}

/** What a page shows for a failed call: the server's error, or a `network` one for anything else. */
export function apiErrorOf(caught: unknown): ApiError {
  return caught instanceof ApiCallError
    ? caught.body
    : { code: "network", message: String(caught) };
}

/** The server's error body from a failed call's answer, or a generic one. */
function apiError(data: unknown, status: number | undefined): ApiError {
  const error = (data as { error?: ApiError } | undefined)?.error;
  return typeof error?.code === "string" && typeof error.message === "string"
    ? error
    : { code: "internal", message: `HTTP ${status ?? "error"}` };
}

/** The JSON answer of a typed call, or an {@link ApiCallError} with the server's error body. */
export async function resultOf<T extends ClientResponse<unknown>>(
  request: Promise<T>,
): ReturnType<typeof parseResponse<T>> {
  try {
    return await parseResponse(request);
  } catch (caught) {
    if (caught instanceof DetailedError) {
      const detail = caught.detail as { data?: unknown } | undefined;
      throw new ApiCallError(apiError(detail?.data, caught.statusCode));
    }
    throw caught;
  }
}

/** The availability entry of one capability. */
export function capabilityStatus(status: Status, capability: Capability): CapabilityStatus {
  return (status.capabilities as Record<Capability, CapabilityStatus>)[capability];
}

/** Hand each SSE event of a stream (its data as JSON) to `onEvent` as it arrives. */
async function readEventStream<T>(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  onEvent: (event: T) => void,
): Promise<void> {
  const reader = body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onEvent(JSON.parse(value.data) as T);
  }
}

/** Hand each SSE event of a chat stream to `onEvent` as it arrives. */
export function readChatStream(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  onEvent: (event: ChatStreamEvent) => void,
): Promise<void> {
  return readEventStream(body, onEvent);
}

/** Hand each SSE event of a generation stream to `onEvent` as it arrives. */
export function readGenerateStream(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  onEvent: (event: GenerateStreamEvent) => void,
): Promise<void> {
  return readEventStream(body, onEvent);
}

/** Stream one chat turn; `onEvent` sees each event as it arrives. Rejects with an AbortError when `signal` fires. */
export async function streamChat(
  body: {
    messages: Message[];
    model: string;
    tools: boolean;
    reasoning?: ChatRequest["reasoning"];
  },
  onEvent: (event: ChatStreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await api.chat.$post({ json: body }, { init: { signal } });
  if (!response.ok || response.body === null) {
    throw new ApiCallError(apiError(await response.json().catch(() => undefined), response.status));
  }
  await readChatStream(response.body, onEvent);
}

/**
 * Stream one generation; `onEvent` sees each event as it arrives. Rejects
 * with an {@link ApiCallError} when it cannot start (no provider serves the
 * model, a refused body), and with an AbortError when `signal` fires.
 */
export async function streamGenerate(
  body: GenerateRequest,
  onEvent: (event: GenerateStreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await api.generate.$post({ json: body }, { init: { signal } });
  if (!response.ok || response.body === null) {
    throw new ApiCallError(apiError(await response.json().catch(() => undefined), response.status));
  }
  await readGenerateStream(response.body, onEvent);
}
