/**
 * The one loopback upstream every `ratd` instance talks to: the OpenAI wire
 * (`POST <base>/v1/chat/completions`, streamed as SSE chunks) for chat and
 * Ollama's `POST <base>/api/embed` for embeddings. Each instance's provider
 * `base_url` carries its name as the first path segment
 * (`http://127.0.0.1:<port>/<instance>/v1`), so the upstream knows which
 * instance sent each request. Answers are deterministic functions of the
 * request ({@link expectedText}, {@link expectedVector}; a prompt starting
 * with `fail:` is refused with 503): a test checks that
 * every client got the answer to its own prompt, not another's.
 */
import type { ServerResponse } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";

/** The text the upstream streams for `prompt`: distinct per prompt, several pieces long. */
export function expectedText(prompt: string): string {
  return `answer to «${prompt}»: ${[...prompt].reverse().join("")} / ${prompt.length} chars.`;
}

/** The pieces {@link expectedText} is streamed in (one SSE chunk each). */
export function textPieces(text: string, pieces = 6): string[] {
  const size = Math.ceil(text.length / pieces);
  const out: string[] = [];
  for (let offset = 0; offset < text.length; offset += size)
    out.push(text.slice(offset, offset + size));
  return out;
}

/** The embedding the upstream returns for `input`: 8 values derived from its characters. */
export function expectedVector(input: string): number[] {
  const values = Array.from({ length: 8 }, () => 0);
  for (let index = 0; index < input.length; index += 1) {
    const slot = index % 8;
    values[slot] = ((values[slot] ?? 0) * 31 + input.charCodeAt(index)) % 10_007;
  }
  return values.map((value) => value / 10_007);
}

/** One chat stream the upstream served, as it saw it. */
export interface UpstreamStream {
  readonly instance: string;
  readonly prompt: string;
  /** Every chunk and `[DONE]` written, and the response ended. */
  completed: boolean;
}

/** A running mock upstream. */
export interface MockUpstream {
  /** `http://127.0.0.1:<port>` (no path). */
  readonly url: string;
  /** Every chat stream begun, in arrival order. */
  readonly streams: readonly UpstreamStream[];
  /** Embedding requests answered, per instance. */
  readonly embeddings: ReadonlyMap<string, number>;
  /** Chat requests refused with 503 (prompts starting with `fail:`), per instance. */
  readonly refused: ReadonlyMap<string, number>;
  /** Requests to paths this mock does not serve (method and path): should stay empty. */
  readonly unexpected: readonly string[];
  /**
   * Hold `instance`'s chat streams after their first chunk until
   * {@link MockUpstream.release}: streams are then certainly in flight
   * when that instance is killed.
   */
  hold(instance: string): void;
  /** Let held streams go on, and hold no more. */
  release(): void;
  /** Prompts of streams held right now (first chunk written, waiting). */
  held(): readonly string[];
  /** Called whenever a stream becomes held (for event-driven waits). */
  onHeld(listener: () => void): void;
  close(): Promise<void>;
}

function chunk(id: string, delta: Record<string, unknown>, finish: string | null): string {
  const body = {
    id,
    object: "chat.completion.chunk",
    created: 1_767_225_600,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function lastUserText(body: unknown): string {
  const messages = (body as { messages?: { role?: string; content?: unknown }[] }).messages ?? [];
  const last = messages.at(-1)?.content;
  if (typeof last === "string") return last;
  if (Array.isArray(last)) {
    return last.map((part) => (part as { text?: string }).text ?? "").join("");
  }
  return "";
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Start the mock upstream on 127.0.0.1 (an ephemeral port). */
export async function startMockUpstream(): Promise<MockUpstream> {
  const streams: UpstreamStream[] = [];
  const embeddings = new Map<string, number>();
  const refused = new Map<string, number>();
  const unexpected: string[] = [];
  const heldPrompts = new Set<string>();
  const heldListeners: (() => void)[] = [];
  let holding: string | undefined;
  let releaseHeld: () => void = () => {};
  let released = Promise.resolve();

  async function streamChat(instance: string, body: unknown, response: ServerResponse) {
    const prompt = lastUserText(body);
    const record: UpstreamStream = { instance, prompt, completed: false };
    streams.push(record);
    const id = `chatcmpl-${streams.length}`;
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    response.write(chunk(id, { role: "assistant", content: "" }, null));
    const pieces = textPieces(expectedText(prompt));
    for (const [index, piece] of pieces.entries()) {
      if (response.destroyed) return;
      response.write(chunk(id, { content: piece }, null));
      if (index === 0 && holding === instance) {
        heldPrompts.add(prompt);
        for (const listener of heldListeners) listener();
        await released;
        heldPrompts.delete(prompt);
      } else {
        // Let other requests interleave: streams overlap as real ones do.
        await tick();
      }
    }
    if (response.destroyed) return;
    response.write(chunk(id, {}, "stop"));
    response.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1_767_225_600, model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 5, completion_tokens: pieces.length, total_tokens: 5 + pieces.length } })}\n\n`,
    );
    response.end("data: [DONE]\n\n", () => {
      record.completed = true;
    });
  }

  const server: LoopbackServer = await startLoopbackServer(
    async (request, response, text) => {
      const [, instance = "", ...rest] = (request.url ?? "/").split("?")[0]!.split("/");
      const path = `/${rest.join("/")}`;
      let body: unknown;
      try {
        body = text === "" ? {} : JSON.parse(text);
      } catch {
        body = {};
      }
      if (request.method === "POST" && path === "/v1/chat/completions") {
        if (lastUserText(body).startsWith("fail:")) {
          // An overloaded upstream: a provider failure that counts towards a cool-down.
          refused.set(instance, (refused.get(instance) ?? 0) + 1);
          response.writeHead(503, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: { message: "overloaded", type: "server_error" } }));
          return;
        }
        await streamChat(instance, body, response);
        return;
      }
      if (request.method === "POST" && path === "/api/embed") {
        const { input, model } = body as { input?: string | string[]; model?: string };
        const inputs = typeof input === "string" ? [input] : (input ?? []);
        embeddings.set(instance, (embeddings.get(instance) ?? 0) + 1);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            model,
            embeddings: inputs.map(expectedVector),
            total_duration: 1_000_000,
            load_duration: 0,
            prompt_eval_count: inputs.length,
          }),
        );
        return;
      }
      unexpected.push(`${request.method} ${request.url}`);
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: `no route ${path}` }));
    },
    { record: false },
  );

  return {
    url: server.url,
    streams,
    embeddings,
    refused,
    unexpected,
    hold(instance) {
      holding = instance;
      released = new Promise<void>((resolve) => {
        releaseHeld = resolve;
      });
    },
    release() {
      holding = undefined;
      releaseHeld();
    },
    held: () => [...heldPrompts],
    onHeld: (listener) => {
      heldListeners.push(listener);
    },
    close: () => server.close(),
  };
}
