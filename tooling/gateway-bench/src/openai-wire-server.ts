/**
 * A loopback OpenAI-wire server for the benchmark: every
 * `POST /v1/chat/completions` gets the same answer at once — a JSON
 * completion, or (with `"stream": true`) an SSE stream of `chunks` content
 * chunks, a finish chunk with usage and `[DONE]`. Bodies are built once, so
 * the server's cost is the same for both sides of a comparison.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running server. */
export interface OpenAIWireServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Options of {@link startOpenAIWireServer}. */
export interface OpenAIWireServerOptions {
  /** Content chunks per streamed answer (default 50). */
  chunks?: number;
}

/** The JSON completion every non-streaming request gets. */
export const COMPLETION = {
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "bench-model-2025-01-01",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Hello from the loopback server." },
      finish_reason: "stop",
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 },
};

function streamBody(chunks: number): string {
  const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "bench-model-2025-01-01",
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(usage === undefined ? {} : { usage }),
    })}\n\n`;
  let body = chunk({ role: "assistant", content: "" }, null);
  for (let index = 0; index < chunks; index++) body += chunk({ content: `tok${index} ` }, null);
  body += chunk({}, "stop", {
    prompt_tokens: 9,
    completion_tokens: chunks,
    total_tokens: 9 + chunks,
  });
  return `${body}data: [DONE]\n\n`;
}

/** Start the server on 127.0.0.1 (an ephemeral port). */
export async function startOpenAIWireServer(
  options: OpenAIWireServerOptions = {},
): Promise<OpenAIWireServer> {
  const json = Buffer.from(JSON.stringify(COMPLETION));
  const sse = Buffer.from(streamBody(options.chunks ?? 50));
  let requests = 0;
  const server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (piece: string) => {
      body += piece;
    });
    request.on("end", () => {
      requests++;
      const streaming = body.includes('"stream":true');
      response.writeHead(200, {
        "content-type": streaming ? "text/event-stream" : "application/json",
        "content-length": String((streaming ? sse : json).length),
        "x-request-id": "req-bench",
      });
      response.end(streaming ? sse : json);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
