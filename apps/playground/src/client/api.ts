/**
 * The browser's side of the playground API: typed fetch helpers and the
 * NDJSON chat stream reader.
 */
import type { Capability, Message } from "@ratatoskr/core";
import type { PlaygroundChatEvent } from "../chat-tool-loop.ts";
import type { CapabilityHint } from "../playground-gateway.ts";
import type { playgroundStatus } from "../playground-server.ts";

/** `/api/status`. */
export type Status = ReturnType<typeof playgroundStatus>;

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
  provider?: string;
  hints?: CapabilityHint[];
}

/** A route decision as the API returns it. */
export interface RouteSummary {
  provider: string | undefined;
  rule: string | undefined;
  providerModel: string;
  explanation: string;
}

/** An event of the chat stream: the server loop's events plus the route and hints it sends first. */
export type ChatStreamEvent =
  | PlaygroundChatEvent
  | {
      type: "route";
      provider: string | null;
      rule: string | null;
      providerModel: string;
      explanation: string;
    }
  | { type: "hints"; hints: CapabilityHint[] };

/** A failed API call, carrying the server's error body. */
export class ApiCallError extends Error {
  readonly body: ApiError;
  constructor(body: ApiError) {
    super(body.message);
    this.body = body;
  }
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response
    .json()
    .catch(() => ({ error: { code: "internal", message: `HTTP ${response.status}` } }))) as T & {
    error?: ApiError;
  };
  if (!response.ok || body.error)
    throw new ApiCallError(body.error ?? { code: "internal", message: `HTTP ${response.status}` });
  return body;
}

/** GET a JSON resource. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return parse<T>(await fetch(path, signal ? { signal } : {}));
}

/** POST a JSON body, read a JSON answer. */
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return parse<T>(
    await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    }),
  );
}

/** The availability entry of one capability. */
export function capabilityStatus(status: Status, capability: Capability): CapabilityStatus {
  return (status.capabilities as Record<Capability, CapabilityStatus>)[capability];
}

/** Stream one chat turn; `onEvent` sees each event as it arrives. Rejects with an AbortError when `signal` fires. */
export async function streamChat(
  body: { messages: Message[]; model: string; tools: boolean; reasoning?: string },
  onEvent: (event: ChatStreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch("/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || response.body === null) {
    await parse(response);
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== "") onEvent(JSON.parse(line) as ChatStreamEvent);
      newline = buffer.indexOf("\n");
    }
  }
  if (buffer.trim() !== "") onEvent(JSON.parse(buffer) as ChatStreamEvent);
}
