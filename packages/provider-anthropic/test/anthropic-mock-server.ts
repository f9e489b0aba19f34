/**
 * A loopback fake of the Anthropic Messages API for tests and benchmarks,
 * built on `startLoopbackServer` from @ratatoskr/testing. Responses are
 * queued and served in order, whatever the path.
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { type LoopbackServer, type RecordedRequest, startLoopbackServer } from "@ratatoskr/testing";

const FIXTURES = new URL("../src/__fixtures__/", import.meta.url);

/** The text of a fixture file in `src/__fixtures__/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** A fixture file parsed as JSON. */
export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixture(name)) as T;
}

/** One scripted answer. */
export type MockAnswer =
  /** An SSE body, written in `chunkSize`-byte pieces (whole body at once by default). */
  | { sse: string; chunkSize?: number; status?: number }
  /** SSE events, then the connection stays open until the client goes away. */
  | { sseThenHang: string }
  /** SSE bytes, then the socket is destroyed (a connection reset mid-body). */
  | { sseThenReset: string }
  /** A JSON body with a status (200 by default) and headers. */
  | { json: string | object; status?: number; headers?: Record<string, string> };

/** A running fake: queue answers, read what was sent. */
export interface AnthropicMock {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue answers, served in order. */
  enqueue(...answers: MockAnswer[]): void;
  /** Serve this answer to every request once the queue is empty (benchmarks). */
  setDefault(answer: MockAnswer | undefined): void;
  /** Drop queued answers (between tests, so one test's leftovers never reach the next). */
  reset(): void;
  /** The JSON body of the n-th request (negative counts from the end). */
  body(index?: number): Record<string, unknown>;
  openSockets(): number;
  close(): Promise<void>;
}

/** Start the fake on 127.0.0.1. */
export async function startAnthropicMock({
  record = true,
}: {
  record?: boolean;
} = {}): Promise<AnthropicMock> {
  const queue: MockAnswer[] = [];
  let fallback: MockAnswer | undefined;
  const server: LoopbackServer = await startLoopbackServer(
    (_request, response) => {
      const answer = queue.shift() ?? fallback;
      if (answer === undefined) {
        writeJson(response, 500, {
          type: "error",
          error: { type: "api_error", message: "mock: no answer queued" },
        });
        return;
      }
      serve(response, answer);
    },
    { record },
  );
  return {
    url: server.url,
    requests: server.requests,
    enqueue: (...answers) => {
      queue.push(...answers);
    },
    setDefault: (answer) => {
      fallback = answer;
    },
    reset: () => {
      queue.length = 0;
    },
    body: (index = -1) => {
      const request = server.requests.at(index);
      if (request === undefined) throw new Error(`no request at ${index}`);
      return JSON.parse(request.body) as Record<string, unknown>;
    },
    openSockets: () => server.openSockets(),
    close: () => server.close(),
  };
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "request-id": "req_mock_01",
};

function serve(response: ServerResponse, answer: MockAnswer): void {
  if ("json" in answer) {
    writeJson(response, answer.status ?? 200, answer.json, answer.headers);
    return;
  }
  if ("sseThenHang" in answer) {
    response.writeHead(200, SSE_HEADERS);
    response.write(answer.sseThenHang);
    return; // never ended: the client must abort
  }
  if ("sseThenReset" in answer) {
    response.writeHead(200, SSE_HEADERS);
    response.write(answer.sseThenReset, () => {
      setTimeout(() => response.socket?.destroy(), 5);
    });
    return;
  }
  response.writeHead(answer.status ?? 200, SSE_HEADERS);
  const size = answer.chunkSize;
  if (size === undefined) {
    response.end(answer.sse);
    return;
  }
  const bytes = Buffer.from(answer.sse, "utf8");
  for (let offset = 0; offset < bytes.length; offset += size)
    response.write(bytes.subarray(offset, offset + size));
  response.end();
}

function writeJson(
  response: ServerResponse,
  status: number,
  body: string | object,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "request-id": "req_mock_01",
    ...headers,
  });
  response.end(text);
}
