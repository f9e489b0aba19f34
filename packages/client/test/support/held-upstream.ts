/**
 * A loopback OpenAI-compatible upstream whose answers the test writes by
 * hand: each `POST …/chat/completions` waits in a queue with its response
 * open, so a test streams a chunk, holds the rest, and knows exactly what a
 * daemon had received when it died. In `auto` mode every request is answered
 * at once with a whole answer (SSE for `stream: true`, JSON otherwise), in
 * OpenAI's wire shapes.
 */
import type { ServerResponse } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";

/** One held request of the upstream. */
export interface HeldRequest {
  readonly stream: boolean;
  readonly body: Record<string, unknown>;
  /** Send one content chunk of the SSE stream (headers go first, once). */
  chunk(text: string): void;
  /** Send the response headers only. */
  open(): void;
  readonly response: ServerResponse;
}

/** The upstream, its held requests, and auto mode. */
export interface HeldUpstream {
  readonly server: LoopbackServer;
  /** `http://127.0.0.1:<port>/v1`, a provider's base URL. */
  readonly baseURL: string;
  /** Requests received, in order (held or answered). */
  readonly received: HeldRequest[];
  /** Resolves with the next request received (from now on). */
  nextRequest(): Promise<HeldRequest>;
  /** Answer every later request at once with `text`. */
  answerAll(text: string): void;
  close(): Promise<void>;
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

function chunkOf(content: string | undefined, finish: string | null): string {
  return `data: ${JSON.stringify({
    id: "chatcmpl-held",
    object: "chat.completion.chunk",
    created: 1761498924,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  })}\n\n`;
}

function answer(held: HeldRequest, text: string): void {
  const { response } = held;
  if (held.stream) {
    held.chunk(text);
    response.end(`${chunkOf(undefined, "stop")}data: [DONE]\n\n`);
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      id: "chatcmpl-held",
      object: "chat.completion",
      created: 1761498924,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    }),
  );
}

/** Start the upstream. */
export async function startHeldUpstream(): Promise<HeldUpstream> {
  const received: HeldRequest[] = [];
  const waiting: Array<(request: HeldRequest) => void> = [];
  let autoText: string | undefined;
  const server = await startLoopbackServer((_request, response, text) => {
    const body = JSON.parse(text || "{}") as Record<string, unknown>;
    let opened = false;
    const held: HeldRequest = {
      stream: body.stream === true,
      body,
      response,
      open: () => {
        if (opened) return;
        opened = true;
        response.writeHead(200, SSE_HEADERS);
        response.flushHeaders();
      },
      chunk: (content) => {
        held.open();
        response.write(chunkOf(content, null));
      },
    };
    received.push(held);
    if (autoText !== undefined) return answer(held, autoText);
    waiting.shift()?.(held);
  });
  return {
    server,
    baseURL: `${server.url}/v1`,
    received,
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    answerAll: (text) => {
      autoText = text;
    },
    close: () => server.close(),
  };
}
