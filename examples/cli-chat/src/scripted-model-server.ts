/**
 * A loopback OpenAI-compatible server (`POST /v1/chat/completions`, SSE)
 * with a scripted "model", so the chat runs with no API key and no network.
 * It speaks the real wire: tool-call arguments arrive split across chunks
 * (as in the recorded OpenAI fixtures), parallel calls interleave, reasoning
 * comes as OpenRouter-style `reasoning_details` with a signature, and usage
 * comes in a last chunk.
 *
 * The script: a user turn with arithmetic in it gets a `calculator` call; a
 * turn naming a `.txt`/`.md` file gets a `read_file` call (both: two
 * parallel calls); after tool results it answers from them. Like providers
 * that sign their reasoning, it rejects (400) a follow-up turn whose
 * assistant message lost the signed `reasoning_details` it sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Options of {@link startScriptedModelServer}. */
export interface ScriptedModelServerOptions {
  /** Milliseconds to wait before each SSE chunk (default 0): makes streaming visible. */
  chunkDelayMs?: number;
  /**
   * Keep the response open forever after the first content chunk (a stalled
   * upstream): lets a test interrupt the chat mid-answer deterministically.
   */
  stallAfterFirstContent?: boolean;
}

/** A running scripted model server. */
export interface ScriptedModelServer {
  /** The OpenAI-compatible base URL, `http://127.0.0.1:<port>/v1`. */
  readonly url: string;
  /** The JSON bodies of the requests received, in order. */
  readonly requests: WireRequest[];
  /** Stop listening and drop every connection. */
  close(): Promise<void>;
}

/** The part of an OpenAI chat request body the script reads. */
export interface WireRequest {
  model: string;
  stream?: boolean;
  messages: WireMessage[];
}

interface WireMessage {
  role: string;
  content?: string | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  reasoning_details?: Array<{ type: string; signature?: string }>;
}

interface PlannedCall {
  id: string;
  name: string;
  arguments: string;
}

/** The signature the server puts on its reasoning and expects back. */
export const REASONING_SIGNATURE = "sig-scripted-7f3a";

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Start the server on 127.0.0.1 (an ephemeral port). */
export async function startScriptedModelServer(
  options: ScriptedModelServerOptions = {},
): Promise<ScriptedModelServer> {
  const requests: WireRequest[] = [];
  const sockets = new Set<Socket>();
  let callCounter = 0;

  async function handle(request: IncomingMessage, response: ServerResponse, text: string) {
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      return sendError(response, 404, `no route ${request.method} ${request.url}`);
    }
    const body = JSON.parse(text) as WireRequest;
    requests.push(body);
    if (body.stream !== true) return sendError(response, 400, "this scripted model only streams");
    const lastAssistant = body.messages.findLast((message) => message.role === "assistant");
    if (
      lastAssistant !== undefined &&
      !lastAssistant.reasoning_details?.some((d) => d.signature === REASONING_SIGNATURE)
    ) {
      return sendError(
        response,
        400,
        "the assistant message must carry back its signed reasoning_details",
      );
    }
    const chunks = planChunks(body, () => `call_${++callCounter}`);
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    response.flushHeaders();
    for (const chunk of chunks) {
      if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
      if (response.destroyed) return;
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (options.stallAfterFirstContent && chunk.choices[0]?.delta.content) return;
    }
    response.end("data: [DONE]\n\n");
  }

  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      handle(request, response, Buffer.concat(parts).toString("utf8")).catch((error: unknown) =>
        sendError(response, 500, String(error)),
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

function sendError(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify({ error: { message, type: "invalid_request_error" } }));
}

interface Chunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    delta: Record<string, unknown> & { content?: string };
    finish_reason: string | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** The SSE chunks answering `body`: reasoning, then tool calls or text, then usage. */
function planChunks(body: WireRequest, nextCallId: () => string): Chunk[] {
  const chunk = (delta: Chunk["choices"][0]["delta"], finish: string | null = null): Chunk => ({
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: body.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const last = body.messages.at(-1);
  const chunks: Chunk[] = [];
  let output = "";

  const reasoningPieces = ["Decide ", "whether ", "a tool ", "helps."];
  if (last?.role === "tool") reasoningPieces.splice(0, 4, "Answer ", "from the ", "tool results.");
  for (const piece of reasoningPieces) {
    chunks.push(
      chunk({
        role: "assistant",
        reasoning_details: [{ type: "reasoning.text", text: piece, index: 0, format: "unknown" }],
      }),
    );
    output += piece;
  }
  chunks.push(
    chunk({
      reasoning_details: [
        { type: "reasoning.text", signature: REASONING_SIGNATURE, index: 0, format: "unknown" },
      ],
    }),
  );

  const calls = last?.role === "user" ? planToolCalls(last.content ?? "", nextCallId) : [];
  if (calls.length > 0) {
    for (const [index, call] of calls.entries()) {
      chunks.push(
        chunk({
          tool_calls: [
            { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
          ],
        }),
      );
    }
    // Arguments in 5-character pieces, the calls' pieces interleaved.
    const pieces = calls.map((call) => call.arguments.match(/[\s\S]{1,5}/g) ?? []);
    for (let step = 0; step < Math.max(...pieces.map((list) => list.length)); step++) {
      for (const [index, list] of pieces.entries()) {
        const piece = list[step];
        if (piece !== undefined)
          chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    }
    chunks.push(chunk({}, "tool_calls"));
    output += calls.map((call) => call.arguments).join("");
  } else {
    const answer =
      last?.role === "tool"
        ? answerFromToolResults(body.messages)
        : plainAnswer(last?.content ?? "");
    for (const piece of answer.match(/\S+\s*|\s+/g) ?? []) chunks.push(chunk({ content: piece }));
    chunks.push(chunk({}, "stop"));
    output += answer;
  }
  const prompt = body.messages.reduce((sum, message) => sum + wordCount(message.content ?? ""), 0);
  const completion = wordCount(output);
  chunks.push({
    ...chunk({}),
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  });
  return chunks;
}

/** The tool calls a user turn asks for. */
function planToolCalls(text: string, nextCallId: () => string): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const expression = text.match(/[\d(][\d\s.()+\-*/%^]*[+\-*/%^][\d\s.()+\-*/%^]*[\d)]/)?.[0];
  if (expression !== undefined) {
    calls.push({
      id: nextCallId(),
      name: "calculator",
      arguments: JSON.stringify({ expression: expression.trim() }),
    });
  }
  const file = text.match(/[\w./-]+\.(?:txt|md)\b/)?.[0];
  if (file !== undefined) {
    calls.push({ id: nextCallId(), name: "read_file", arguments: JSON.stringify({ path: file }) });
  }
  return calls;
}

/** The final answer after a round of tool calls: what each tool returned. */
function answerFromToolResults(messages: readonly WireMessage[]): string {
  const start = messages.findLastIndex((message) => message.role === "assistant");
  const calls = messages[start]?.tool_calls ?? [];
  const parts = messages.slice(start + 1).map((message) => {
    const call = calls.find((candidate) => candidate.id === message.tool_call_id);
    const name = call?.function.name ?? "a tool";
    const result = (message.content ?? "").trim();
    return name === "calculator"
      ? `${JSON.parse(call?.function.arguments ?? "{}").expression} = ${result}`
      : `${name} says: ${(result.split("\n")[0] ?? "").replace(/[.!?]$/, "")}`;
  });
  return `From the tools: ${parts.join("; ")}.`;
}

function plainAnswer(text: string): string {
  return `You said "${text.trim()}". I am a scripted model: ask me to compute something like (17 + 25) * 3, or to read recipe.txt, and I will call a tool.`;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}
