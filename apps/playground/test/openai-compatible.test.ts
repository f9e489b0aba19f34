/**
 * End to end over real sockets: the playground configured (config file) with
 * an OpenAI-compatible server on loopback. The key goes upstream only; the
 * tool loop runs over the real wire format; closing the browser's request
 * closes the upstream request.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoopbackServer, startLoopbackServer, writeSse } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlaygroundGateway, type PlaygroundGateway } from "../src/build-playground-gateway.ts";
import { type ChatStreamEvent, readChatStream } from "../src/client/api.ts";
import { loadPlaygroundConfig } from "../src/playground-config.ts";
import { type RunningPlayground, startPlaygroundServer } from "../src/playground-server.ts";

const CANARY = "test-key-canary-123456";

function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  usage: Record<string, number> | null = null,
): string {
  return `data: ${JSON.stringify({
    id: "chatcmpl-loopback",
    object: "chat.completion.chunk",
    created: 1764000000,
    model: "loop-model-1",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage,
  })}\n\n`;
}

const toolRound = [
  chunk({
    role: "assistant",
    content: null,
    tool_calls: [
      {
        index: 0,
        id: "call_loop_1",
        type: "function",
        function: { name: "calculator", arguments: "" },
      },
    ],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"expression":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"6 * 7"}' } }] }),
  chunk({}, "tool_calls"),
  `data: ${JSON.stringify({ id: "chatcmpl-loopback", object: "chat.completion.chunk", created: 1764000000, model: "loop-model-1", choices: [], usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } })}\n\n`,
  "data: [DONE]\n\n",
];
const answerRound = [
  chunk({ role: "assistant", content: "It is " }),
  chunk({ content: "42." }),
  chunk({}, "stop"),
  "data: [DONE]\n\n",
];

describe("an OpenAI-compatible server from the config file", () => {
  let upstream: LoopbackServer;
  let directory: string;
  let built: PlaygroundGateway;
  let playground: RunningPlayground;
  const upstreamClosed: Array<Promise<void>> = [];

  beforeAll(async () => {
    upstream = await startLoopbackServer(async (_request, response, body) => {
      upstreamClosed.push(new Promise((resolve) => response.on("close", () => resolve())));
      const parsed = JSON.parse(body) as { messages: Array<{ role: string; content: string }> };
      if (parsed.messages.at(-1)?.content === "slow") {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(chunk({ role: "assistant", content: "Once " }));
        // Never finishes: only the client going away ends this response.
        return;
      }
      writeSse(
        response,
        parsed.messages.some((message) => message.role === "tool") ? answerRound : toolRound,
      );
    });
    directory = await mkdtemp(join(tmpdir(), "playground-compat-"));
    await writeFile(
      join(directory, "ratatoskr.playground.json"),
      JSON.stringify({
        providers: {
          ollama: { probe: false },
          local: { detectCached: false },
          openaiCompatible: [
            {
              id: "loop",
              baseURL: `${upstream.url}/v1`,
              apiKeyEnv: "LOOP_API_KEY",
              models: ["loop-model"],
            },
          ],
        },
      }),
    );
    const config = loadPlaygroundConfig({
      env: { PORT: "0", LOOP_API_KEY: CANARY },
      cwd: directory,
    });
    built = await buildPlaygroundGateway(config);
    playground = await startPlaygroundServer({
      ...built,
      config,
      assets: { script: "", style: "" },
    });
  });

  afterAll(async () => {
    await playground?.close();
    await built?.gateway.dispose();
    await upstream?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("runs the tool loop over the wire; the key goes upstream and nowhere else", async () => {
    const status = await (await fetch(`${playground.url}api/status`)).text();
    expect(JSON.parse(status).models.chat).toEqual([
      { model: "loop:loop-model", provider: "loop", rule: "explicit-prefix" },
    ]);
    expect(status).not.toContain(CANARY);

    const response = await fetch(`${playground.url}api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ role: "user", content: "What is 6 * 7?" }],
        model: "loop:loop-model",
      }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).not.toContain(CANARY);
    const parsed: ChatStreamEvent[] = [];
    await readChatStream(new Response(text).body!, (event) => parsed.push(event));
    const events = parsed as unknown as Array<Record<string, unknown>>;
    expect(events.find((event) => event.type === "tool_result")).toMatchObject({
      name: "calculator",
      content: "42",
      isError: false,
    });
    expect(
      events
        .filter((event) => event.type === "content")
        .map((event) => event.text)
        .join(""),
    ).toBe("It is 42.");
    // Usage known for the first round only: the sum reports what was reported.
    expect(events.at(-1)).toMatchObject({
      type: "stats",
      rounds: 2,
      provider: "loop",
      usage: { promptTokens: 40, completionTokens: 12 },
    });

    expect(upstream.requests).toHaveLength(2);
    for (const request of upstream.requests)
      expect(request.headers.authorization).toBe(`Bearer ${CANARY}`);
    const second = JSON.parse(upstream.requests[1]!.body) as {
      messages: Array<Record<string, unknown>>;
      tools: unknown[];
      model: string;
    };
    expect(second.model).toBe("loop-model");
    expect(second.tools).toHaveLength(3);
    expect(second.messages.at(-1)).toEqual({
      role: "tool",
      tool_call_id: "call_loop_1",
      content: "42",
    });
  });

  it("closes the upstream request when the browser's request goes away", async () => {
    const controller = new AbortController();
    const response = await fetch(`${playground.url}api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ role: "user", content: "slow" }],
        model: "loop:loop-model",
        tools: false,
      }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes("event: content")) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toContain("Once ");
    const closed = upstreamClosed.at(-1)!;
    controller.abort();
    // Waits for the event; only the test's own timeout bounds it.
    await closed;
    await expect.poll(() => upstream.openSockets()).toBeLessThanOrEqual(1);
  });
});
