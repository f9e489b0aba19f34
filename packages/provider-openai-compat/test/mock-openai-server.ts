/**
 * A loopback OpenAI-compatible mock server and the setup every OpenAI-wire
 * test file shares (this package's and the OpenRouter / Ollama presets',
 * which import it by relative path). The mock answers each request with the
 * next scripted reply: a fixture body written as-is (optionally in small
 * pieces, slowly, or cut off), so the SDK parses real bytes in each server's
 * real wire format.
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { type ChatEvent, RatatoskrError } from "@ratatoskr/core";
import { type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/** The fake API key of these tests: it must never appear in an error. */
export const TEST_API_KEY = "test-key-canary-123456";

/** One scripted answer. */
export interface MockReply {
  status?: number;
  headers?: Record<string, string>;
  /** The body, sent byte for byte. */
  body?: string;
  /** Write the body in pieces of this many bytes (default: one write). */
  chunkSize?: number;
  /** Milliseconds to wait before each piece. */
  delayMs?: number;
  /** Milliseconds to wait before the status line and headers (a server slow to answer). */
  headersDelayMs?: number;
  /** Destroy the socket after the body instead of ending the response (a reset mid-stream). */
  destroy?: boolean;
  /** Keep the response open after the body (a stalled upstream). */
  hang?: boolean;
}

/** A request as the mock saw it, with its JSON body parsed. */
export interface MockRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Set when the client closed the connection before the reply ended. */
  clientClosedEarly: boolean;
}

/** The running mock server. */
export interface MockOpenAIServer {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly url: string;
  readonly requests: MockRequest[];
  /** Queue replies, answered in order. */
  reply(...replies: MockReply[]): void;
  /** Sockets currently open. */
  openSockets(): number;
  close(): Promise<void>;
}

/** An SSE reply from fixture text. */
export function sseReply(body: string, extra: Omit<MockReply, "body"> = {}): MockReply {
  return {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    body,
    ...extra,
  };
}

/** A JSON reply. */
export function jsonReply(
  status: number,
  body: string | unknown,
  headers: Record<string, string> = {},
): MockReply {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** A reader of the `__fixtures__/` folder beside a test module: `const fixture = fixtureReader(import.meta.url)`. */
export function fixtureReader(moduleUrl: string): (name: string) => string {
  return (name) => readFileSync(new URL(`./__fixtures__/${name}`, moduleUrl), "utf8");
}

async function write(response: ServerResponse, reply: MockReply): Promise<void> {
  const body = Buffer.from(reply.body ?? "", "utf8");
  const size = reply.chunkSize ?? Math.max(1, body.length);
  for (let offset = 0; offset < body.length; offset += size) {
    if (reply.delayMs !== undefined)
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    response.write(body.subarray(offset, offset + size));
  }
  if (reply.destroy) {
    // Let the written bytes reach the client first, then reset.
    await new Promise((resolve) => setTimeout(resolve, (reply.delayMs ?? 0) + 10));
    response.socket?.destroy();
    return;
  }
  if (!reply.hang) response.end();
}

/** Start the mock on 127.0.0.1 (an ephemeral port). */
export async function startMockOpenAIServer(): Promise<MockOpenAIServer> {
  const queue: MockReply[] = [];
  const requests: MockRequest[] = [];
  const server: LoopbackServer = await startLoopbackServer(
    async (request, response, text) => {
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const record: MockRequest = {
        method: request.method ?? "GET",
        path: request.url ?? "/",
        headers: request.headers,
        body,
        clientClosedEarly: false,
      };
      requests.push(record);
      response.on("close", () => {
        if (!response.writableFinished) record.clientClosedEarly = true;
      });
      const reply =
        queue.shift() ?? jsonReply(500, { error: { message: "mock: no scripted reply" } });
      if (reply.headersDelayMs !== undefined)
        await new Promise((resolve) => setTimeout(resolve, reply.headersDelayMs));
      if (response.destroyed) return;
      response.writeHead(reply.status ?? 200, reply.headers ?? {});
      response.flushHeaders();
      await write(response, reply);
    },
    { record: false },
  );
  return {
    url: server.url,
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
    openSockets: () => server.openSockets(),
    close: () => server.close(),
  };
}

/**
 * One mock for the calling test file: started before its tests, its recorded
 * requests forgotten after each test, closed after the file. The returned
 * handle reads the running mock, so it can be taken at module level.
 */
export function useMockOpenAIServer(): MockOpenAIServer {
  let server: MockOpenAIServer | undefined;
  const running = (): MockOpenAIServer => {
    if (server === undefined) throw new Error("the mock OpenAI server runs only inside tests");
    return server;
  };
  beforeAll(async () => {
    server = await startMockOpenAIServer();
  });
  afterEach(() => {
    if (server !== undefined) server.requests.length = 0;
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get url() {
      return running().url;
    },
    get requests() {
      return running().requests;
    },
    reply: (...replies) => running().reply(...replies),
    openSockets: () => running().openSockets(),
    close: () => running().close(),
  };
}

/** Every event of a stream, in order. */
export async function drain(stream: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Events already collected, as a stream again (for `collectChatStream`). */
export async function* replay(events: readonly ChatEvent[]): AsyncGenerator<ChatEvent> {
  yield* events;
}

/** The {@link RatatoskrError} a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<RatatoskrError> {
  try {
    await promise;
  } catch (error) {
    expect(RatatoskrError.isInstance(error), `not a RatatoskrError: ${String(error)}`).toBe(true);
    return error as RatatoskrError;
  }
  throw new Error("expected a rejection");
}
