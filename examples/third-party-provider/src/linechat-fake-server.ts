/**
 * A loopback LineChat server: the reference implementation of the wire
 * format in `linechat-wire.ts`, small enough to read. The tests and the
 * demo run against it (127.0.0.1, an ephemeral port). It answers with a
 * deterministic toy model — it echoes the last user message, calls
 * `get_weather` when given tools and asked about the weather, and embeds
 * texts as 8-number hash vectors — and can be told to fail the next
 * requests (`failNext`) to exercise error handling.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import {
  LINECHAT_MAX_EMBED_INPUTS,
  type LineChatChatAnswer,
  type LineChatChatBody,
  type LineChatEmbedAnswer,
  type LineChatErrorDetail,
  type LineChatStreamLine,
} from "./linechat-wire.ts";

/** The answer the server gives instead of the normal one. */
export type LineChatFault =
  /** An error answer with this status and error body (plus headers, e.g. `retry-after`). */
  | { status: number; error: LineChatErrorDetail; headers?: Record<string, string> }
  /** Any status and body as given (a malformed answer, a cut stream). */
  | { status?: number; contentType?: string; raw: string }
  /** A stream that sends its first `lines` lines and then stays silent until the client leaves. */
  | { hangAfterLines: number };

/** One request as the server saw it. */
export interface LineChatRecordedRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A running fake server. */
export interface LineChatFakeServer {
  /** Base URL (`http://127.0.0.1:<port>`), the provider's `baseURL`. */
  readonly url: string;
  /** Requests received, in order. */
  readonly requests: LineChatRecordedRequest[];
  /** Answer the next request(s) with `fault` (queued in order). */
  failNext(fault: LineChatFault): void;
  /** Stop listening and close every connection. */
  close(): Promise<void>;
}

/** Options of {@link startLineChatServer}. */
export interface LineChatFakeServerOptions {
  /** The only key the server accepts. */
  apiKey: string;
  /** Highest temperature served; a higher one is clamped with a notice (default 1.5). */
  maxTemperature?: number;
}

const MODEL_VERSION = "2026-01";
const DIMENSIONS = 8;

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== "");
}

/** A deterministic unit vector for a text. */
function hashVector(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (let index = 0; index < text.length; index++) {
    vector[index % DIMENSIONS]! += (text.charCodeAt(index) % 31) - 15;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** What the toy model answers: text, or a weather tool call. */
function answerFor(body: LineChatChatBody, id: string, maxTemperature: number): LineChatChatAnswer {
  const lastUser = body.messages.findLast((message) => message.role === "user")?.text ?? "";
  const notices =
    body.temperature !== undefined && body.temperature > maxTemperature
      ? [`temperature ${body.temperature} clamped to ${maxTemperature}`]
      : [];
  const promptWords = body.messages.reduce((sum, message) => sum + words(message.text).length, 0);
  const weatherTool = body.tools?.find((tool) => tool.name === "get_weather");
  const lastIsTool = body.messages.at(-1)?.role === "tool";
  if (weatherTool && !lastIsTool && body.tool_choice !== "none" && /weather/i.test(lastUser)) {
    const city = /in ([A-Z][a-z]+)/.exec(lastUser)?.[1] ?? "Paris";
    return {
      id,
      model: `${body.model}-${MODEL_VERSION}`,
      text: "",
      calls: [{ id: `call_${id}`, name: "get_weather", arguments: JSON.stringify({ city }) }],
      finish: "tool_calls",
      usage: { in: promptWords, out: 5 },
      notices,
    };
  }
  let text = lastIsTool ? `The tool said: ${body.messages.at(-1)!.text}` : `You said: ${lastUser}`;
  let finish: LineChatChatAnswer["finish"] = "stop";
  if (body.max_tokens !== undefined && words(text).length > body.max_tokens) {
    text = words(text).slice(0, body.max_tokens).join(" ");
    finish = "length";
  }
  return {
    id,
    model: `${body.model}-${MODEL_VERSION}`,
    text,
    calls: [],
    finish,
    usage: { in: promptWords, out: words(text).length },
    notices,
  };
}

/** The answer as stream lines: text word by word, a tool call's arguments in two pieces. */
function streamLines(answer: LineChatChatAnswer): LineChatStreamLine[] {
  const lines: LineChatStreamLine[] = [{ type: "start", id: answer.id, model: answer.model }];
  for (const message of answer.notices ?? []) lines.push({ type: "notice", message });
  for (const piece of answer.text.match(/\S+\s*/g) ?? []) lines.push({ type: "text", text: piece });
  answer.calls.forEach((call, index) => {
    const middle = Math.floor(call.arguments.length / 2);
    lines.push({ type: "call", index, id: call.id, name: call.name });
    lines.push({ type: "args", index, text: call.arguments.slice(0, middle) });
    lines.push({ type: "args", index, text: call.arguments.slice(middle) });
    lines.push({ type: "call_end", index });
  });
  lines.push({
    type: "end",
    finish: answer.finish,
    ...(answer.usage === undefined ? {} : { usage: answer.usage }),
  });
  return lines;
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(value));
}

function sendError(
  response: ServerResponse,
  status: number,
  error: LineChatErrorDetail,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error }, headers);
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Start a LineChat server on 127.0.0.1 (ephemeral port). */
export async function startLineChatServer(
  options: LineChatFakeServerOptions,
): Promise<LineChatFakeServer> {
  const maxTemperature = options.maxTemperature ?? 1.5;
  const requests: LineChatRecordedRequest[] = [];
  const faults: LineChatFault[] = [];
  const sockets = new Set<Socket>();
  let counter = 0;

  function handle(request: IncomingMessage, response: ServerResponse, text: string): void {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push({ path: `${url.pathname}${url.search}`, headers: request.headers, body: text });
    const id = `lc-req-${++counter}`;
    response.setHeader("x-request-id", id);
    const authorization = request.headers.authorization ?? "";
    if (authorization !== `Bearer ${options.apiKey}`) {
      // Like a careless real service: the rejected credential is echoed back,
      // bare (not shaped like a bearer token) and as the whole header.
      const credential = authorization.replace(/^Bearer\s+/i, "");
      sendJson(
        response,
        401,
        {
          error: { type: "unauthorized", message: `Invalid credential ${credential}` },
          received: { authorization },
        },
        { "x-rejected-credential": credential },
      );
      return;
    }
    const fault = faults.shift();
    if (fault !== undefined) {
      serveFault(response, fault, text);
      return;
    }
    const body = parseBody(text);
    if (request.method !== "POST" || body === undefined) {
      sendError(response, 400, { type: "invalid_request", message: "POST a JSON object" });
      return;
    }
    if (url.pathname === "/chat") serveChat(response, body, id, url.searchParams.has("stream"));
    else if (url.pathname === "/embed") serveEmbed(response, body, id);
    else sendError(response, 404, { type: "not_found", message: `No route ${url.pathname}` });
  }

  function serveFault(response: ServerResponse, fault: LineChatFault, text: string): void {
    if ("error" in fault) {
      sendError(response, fault.status, fault.error, fault.headers);
    } else if ("raw" in fault) {
      response.writeHead(fault.status ?? 200, {
        "content-type": fault.contentType ?? "application/json",
      });
      response.end(fault.raw);
    } else {
      const body = (parseBody(text) ?? {}) as unknown as LineChatChatBody;
      const lines = streamLines(answerFor({ ...body, messages: body.messages ?? [] }, "hang", 2));
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      for (const line of lines.slice(0, fault.hangAfterLines)) {
        response.write(`${JSON.stringify(line)}\n`);
      }
      // Silent from here on: the client's abort closes the connection.
    }
  }

  function serveChat(
    response: ServerResponse,
    body: Record<string, unknown>,
    id: string,
    stream: boolean,
  ): void {
    const model = body.model;
    if (typeof model !== "string" || !Array.isArray(body.messages)) {
      sendError(response, 400, { type: "invalid_request", message: "model and messages needed" });
      return;
    }
    if (!model.startsWith("line-") || model.startsWith("line-embed-")) {
      sendError(response, 404, { type: "not_found", message: `No chat model ${model}` });
      return;
    }
    const answer = answerFor(body as unknown as LineChatChatBody, id, maxTemperature);
    if (!stream) {
      sendJson(response, 200, answer);
      return;
    }
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const line of streamLines(answer)) response.write(`${JSON.stringify(line)}\n`);
    response.end();
  }

  function serveEmbed(response: ServerResponse, body: Record<string, unknown>, id: string): void {
    const { model, input } = body;
    if (
      typeof model !== "string" ||
      !Array.isArray(input) ||
      input.length === 0 ||
      !input.every((item) => typeof item === "string")
    ) {
      sendError(response, 400, { type: "invalid_request", message: "model and input[] needed" });
      return;
    }
    if (input.length > LINECHAT_MAX_EMBED_INPUTS) {
      sendError(response, 400, {
        type: "invalid_request",
        message: `At most ${LINECHAT_MAX_EMBED_INPUTS} inputs per request, got ${input.length}`,
      });
      return;
    }
    if (!model.startsWith("line-embed-")) {
      sendError(response, 404, { type: "not_found", message: `No embedding model ${model}` });
      return;
    }
    const answer: LineChatEmbedAnswer = {
      id,
      model: `${model}-${MODEL_VERSION}`,
      vectors: input.map(hashVector),
      usage: { in: input.reduce((sum, item) => sum + words(item).length, 0) },
    };
    sendJson(response, 200, answer);
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, response, Buffer.concat(chunks).toString("utf8")));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    failNext: (fault) => faults.push(fault),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
