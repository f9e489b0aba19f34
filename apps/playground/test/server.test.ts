/**
 * The playground's HTTP API, through Hono's in-memory `app.request()`:
 * status and hints, routing, each endpoint, the chat stream (SSE), the
 * typed client, and the request guards (loopback Host, csrf(), JSON only,
 * token, size limits, schema validation) and security headers.
 */

import { type ChatEvent, createUsage, type ProviderV1 } from "@ratatoskr/core";
import { shippedRegistry } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import { hc } from "hono/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlaygroundGateway, type ExtraProvider } from "../src/build-playground-gateway.ts";
import { ApiCallError, type ChatStreamEvent, readChatStream, resultOf } from "../src/client/api.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp, type PlaygroundApp } from "../src/playground-server.ts";
import { LIMITS } from "../src/server/request-limits.ts";

const CANARY = "test-key-canary-123456";

function config(
  overrides: Partial<PlaygroundConfig> = {},
  env: Record<string, string> = {},
): PlaygroundConfig {
  return {
    ...loadPlaygroundConfig({ env: { PORT: "0", ...env }, cwd: "/nonexistent" }),
    providers: { ollama: { probe: false }, local: { detectCached: false, defaultModels: false } },
    ...overrides,
  };
}

async function app(providers: ExtraProvider[], playgroundConfig: PlaygroundConfig) {
  const built = await buildPlaygroundGateway(playgroundConfig, { providers });
  return createPlaygroundApp({
    ...built,
    config: playgroundConfig,
    assets: { script: "/* app */", style: "/* css */" },
  });
}

const HOST = { host: "127.0.0.1:4173" };
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { ...HOST, "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** Every event of a chat stream, read with the browser's own SSE reader. */
async function readEvents(response: Response): Promise<Array<Record<string, unknown>>> {
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const events: ChatStreamEvent[] = [];
  await readChatStream(response.body!, (event) => events.push(event));
  return events as unknown as Array<Record<string, unknown>>;
}

const chatBody = (model: string) =>
  post({ messages: [{ role: "user", content: "tell me" }], model });

/** Resolves when `signal` aborts (at once if it has). */
function abortOf(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * A chat provider that says "Once " and then waits for as long as its
 * request lives: only an abort ends it. `waiting` resolves when the first
 * call has said its word and waits; `signals` are the signals it was given.
 */
function hangingProvider() {
  const signals: AbortSignal[] = [];
  let reportWaiting: () => void = () => {};
  const waiting = new Promise<void>((resolve) => {
    reportWaiting = resolve;
  });
  const provider: ProviderV1 = {
    specificationVersion: "v1",
    id: "hanging",
    chat: {
      async *stream({ signal }) {
        signals.push(signal);
        yield { type: "content", text: "Once " };
        reportWaiting();
        await abortOf(signal);
        throw signal.reason;
      },
    },
  };
  return { provider, signals, waiting };
}

describe("with no keys and no providers but the bundled ones", () => {
  let bare: Awaited<ReturnType<typeof app>>;
  beforeAll(async () => {
    bare = await app([], config());
  });

  it("serves the page with a strict content security policy", async () => {
    const response = await bare.request("/", { headers: HOST });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<script type="module" src="/assets/app.js">');
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(
      (await bare.request("/assets/app.js", { headers: HOST })).headers.get("content-type"),
    ).toContain("javascript");
  });

  it("reports every capability, with what to configure for the missing ones", async () => {
    const status = (await (await bare.request("/api/status", { headers: HOST })).json()) as {
      capabilities: Record<
        string,
        {
          available: boolean;
          providers: string[];
          hints: Array<{ setting: string; packageName: string }>;
        }
      >;
      providers: Array<{ id: string; state: string; configure: string }>;
      models: Record<string, Array<{ model: string; provider: string }>>;
    };
    expect(status.capabilities.countTokens).toMatchObject({
      available: true,
      providers: ["tokenizers"],
    });
    expect(status.capabilities.chat!.available).toBe(false);
    expect(status.capabilities.chat!.hints.map((hint) => hint.setting)).toEqual(
      expect.arrayContaining([
        "OPENROUTER_API_KEY",
        "ANTHROPIC_API_KEY",
        "OPENAI_API_KEY",
        "RATATOSKR_PLAYGROUND_DEMO=1",
      ]),
    );
    expect(status.capabilities.embed!.hints[0]).toMatchObject({
      setting: expect.stringContaining("all-MiniLM-L6-v2 is the default"),
      packageName: "@ratatoskr/provider-local-onnx",
    });
    // Every missing capability names a running ratd as one way, and no hint wraps a package in parentheses.
    for (const capability of ["chat", "embed", "nli", "classify"]) {
      const hints = status.capabilities[capability]!.hints;
      expect(hints.map((hint) => hint.setting)).toContain("RATATOSKR_URL=http://127.0.0.1:9741");
      expect(hints.every((hint) => !hint.packageName.startsWith("("))).toBe(true);
    }
    expect(status.capabilities.chat!.hints.map((hint) => hint.setting).join(" ")).toContain(
      "ollama pull",
    );
    expect(
      status.capabilities.nli!.hints.some(
        (hint) => hint.packageName === "@ratatoskr/provider-huggingface",
      ),
    ).toBe(true);
    expect(status.providers.find((provider) => provider.id === "openrouter")).toMatchObject({
      state: "not-configured",
    });
    expect(status.models.countTokens!.map((entry) => entry.model)).toContain("gpt-4o");
    expect(status.models.chat).toEqual([]);
  });

  it("answers a chat for an unserved capability with hints, in the stream", async () => {
    const response = await bare.request(
      "/api/chat",
      post({ messages: [{ role: "user", content: "hi" }], model: "gpt-4o" }),
    );
    expect(response.status).toBe(200);
    const lines = await readEvents(response);
    expect(lines[0]).toMatchObject({ type: "route", provider: null });
    expect(lines[1]).toMatchObject({ type: "hints" });
    expect(lines.find((line) => line.type === "error")).toMatchObject({ code: "not_implemented" });
    expect(lines.at(-1)).toMatchObject({ type: "stats", rounds: 1 });
  });

  it("answers a missing capability with 501 (core's error-trait table) and the hints", async () => {
    const response = await bare.request(
      "/api/embeddings",
      post({ texts: ["a", "b"], model: "all-MiniLM-L6-v2" }),
    );
    expect(response.status).toBe(501);
    const body = (await response.json()) as {
      error: { code: string; hints: Array<{ setting: string }> };
    };
    expect(body.error.code).toBe("not_implemented");
    expect(body.error.hints[0]!.setting).toContain("RATATOSKR_LOCAL_EMBEDDINGS");
  });

  it("explains routes, hits and misses", async () => {
    const hit = (await (
      await bare.request("/api/route?capability=countTokens&model=gpt-4o", { headers: HOST })
    ).json()) as Record<string, unknown>;
    expect(hit).toMatchObject({ provider: "tokenizers", providerModel: "gpt-4o", hints: [] });
    const miss = (await (
      await bare.request("/api/route?capability=chat&model=ollama:llama3.2", { headers: HOST })
    ).json()) as Record<string, unknown>;
    expect(miss.provider).toBeUndefined();
    expect(String(miss.explanation)).toMatch(/ollama/i);
    expect((miss.hints as unknown[]).length).toBeGreaterThan(0);
    expect(
      (await bare.request("/api/route?capability=teleport&model=x", { headers: HOST })).status,
    ).toBe(400);
  });

  it("shows what the model registry knows of the picked model: context, price, parameters", async () => {
    const expected = shippedRegistry().get("anthropic/claude-sonnet-4.6")!;
    const answer = (await (
      await bare.request(
        "/api/route?capability=chat&model=openrouter:anthropic/claude-sonnet-4.6",
        {
          headers: HOST,
        },
      )
    ).json()) as { facts: Record<string, unknown> };
    expect(answer.facts).toEqual({
      id: "anthropic/claude-sonnet-4.6",
      capabilities: [...expected.info.capabilities],
      contextWindow: expected.info.context_window,
      maxOutputTokens: expected.max_output_tokens ?? null,
      pricing: {
        prompt: expected.pricing!.prompt_cost_per_mtok,
        completion: expected.pricing!.completion_cost_per_mtok,
      },
      parameters: Object.keys(expected.parameters).sort(),
    });
    expect(answer.facts.parameters).toContain("temperature");
    const preset = (await (
      await bare.request("/api/route?capability=embed&model=ratatoskr:free/embedding", {
        headers: HOST,
      })
    ).json()) as { facts: { id: string } | null; preset?: { model: string } };
    expect(preset.facts?.id).toBe(preset.preset?.model);
    const unknown = (await (
      await bare.request("/api/route?capability=chat&model=my-own-model", { headers: HOST })
    ).json()) as { facts: unknown };
    expect(unknown.facts).toBeNull();
  });

  it("counts tokens with the tokenizers and reports per-model errors", async () => {
    const response = await bare.request(
      "/api/tokens",
      post({ text: "Hello, Yggdrasil!", models: ["gpt-4o", "no-such-model-xyz"] }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: Array<Record<string, unknown>> };
    expect(body.results[0]).toMatchObject({
      model: "gpt-4o",
      approximate: false,
      source: "o200k_base",
    });
    expect(
      (body.results[0]!.pieces as Array<{ text: string }>).map((piece) => piece.text).join(""),
    ).toBe("Hello, Yggdrasil!");
    expect(body.results[1]).toMatchObject({
      model: "no-such-model-xyz",
      error: { code: "no_provider" },
    });
  });
});

describe("with a mock provider", () => {
  const mock = createMockProvider({
    id: "mock",
    capabilities: ["chat", "embed", "nli", "classify"],
  });
  let mocked: Awaited<ReturnType<typeof app>>;
  beforeAll(async () => {
    mocked = await app(
      [{ provider: mock, models: { chat: ["mock:one"] } }],
      config({ models: { chat: ["gpt-4o", "mock:two"] } }),
    );
  });
  afterAll(() => mock.reset());

  it("suggests only models that route somewhere", async () => {
    const status = (await (await mocked.request("/api/status", { headers: HOST })).json()) as {
      models: Record<string, Array<{ model: string; provider: string }>>;
    };
    // gpt-4o routes to the mock as the first provider offering chat; all three are served.
    expect(status.models.chat!.map((entry) => entry.model)).toEqual([
      "gpt-4o",
      "mock:two",
      "mock:one",
    ]);
    expect(status.models.chat!.every((entry) => entry.provider === "mock")).toBe(true);
  });

  it("streams a tool loop as SSE: route, events, tool result, messages, stats", async () => {
    const usage = createUsage(5, 3);
    const first: ChatEvent[] = [
      { type: "tool_call_start", index: 0, id: "call_1", name: "calculator" },
      { type: "tool_call_delta", index: 0, arguments: '{"expression":"2^10"}' },
      {
        type: "tool_call_end",
        index: 0,
        id: "call_1",
        name: "calculator",
        arguments: '{"expression":"2^10"}',
        parsedArguments: { expression: "2^10" },
      },
      { type: "done", finishReason: "tool_calls", usage },
    ];
    const second: ChatEvent[] = [
      { type: "content", text: "1024" },
      { type: "done", finishReason: "stop", usage },
    ];
    mock.enqueueStream(first).enqueueStream(second);
    const response = await mocked.request(
      "/api/chat",
      post({ messages: [{ role: "user", content: "2^10?" }], model: "mock:one" }),
    );
    const lines = await readEvents(response);
    expect(lines.map((line) => line.type)).toEqual([
      "route",
      "round",
      "tool_call_start",
      "tool_call_delta",
      "tool_call_end",
      "done",
      "tool_result",
      "round",
      "content",
      "done",
      "messages",
      "stats",
    ]);
    expect(lines[0]).toMatchObject({
      provider: "mock",
      rule: "explicit-prefix",
      providerModel: "one",
    });
    expect(lines[6]).toMatchObject({ name: "calculator", content: "1024", isError: false });
    expect(lines.at(-1)).toMatchObject({
      rounds: 2,
      provider: "mock",
      usage: { promptTokens: 10, completionTokens: 6, totalTokens: 16 },
    });
    const added = lines.at(-2)!.messages as Array<{ role: string }>;
    expect(added.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
  });

  it("embeds, scores NLI and classifies", async () => {
    const embeddings = (await (
      await mocked.request("/api/embeddings", post({ texts: ["a", "b", "a"], model: "mock:e" }))
    ).json()) as { matrix: number[][]; dimensions: number; route: { provider: string } };
    expect(embeddings.dimensions).toBe(8);
    expect(embeddings.matrix[0]![0]).toBe(1);
    expect(embeddings.matrix[0]![2]).toBe(1);
    expect(embeddings.matrix[0]![1]).toBe(embeddings.matrix[1]![0]);
    expect(embeddings.route.provider).toBe("mock");

    const nli = (await (
      await mocked.request(
        "/api/nli",
        post({ premise: "the cat sat", hypothesis: "the cat", model: "mock:n" }),
      )
    ).json()) as { result: { label: string } };
    expect(nli.result.label).toBe("entailment");

    const classify = (await (
      await mocked.request(
        "/api/classify",
        post({
          text: "a sports story",
          labels: ["finance", " sports ", ""],
          model: "mock:c",
          multiLabel: true,
        }),
      )
    ).json()) as { ranked: Array<{ label: string; score: number }> };
    expect(classify.ranked.map((entry) => entry.label)).toEqual(["sports", "finance"]);
    const call = mock.callsOf("classify")[0]!;
    expect(call.request.settings.multiLabel).toBe(true);
  });

  it("validates bodies", async () => {
    const cases: Array<[string, unknown]> = [
      ["/api/embeddings", { texts: "not a list", model: "mock:e" }],
      ["/api/embeddings", { texts: [], model: "mock:e" }],
      [
        "/api/embeddings",
        { texts: Array.from({ length: LIMITS.texts + 1 }, () => "x"), model: "mock:e" },
      ],
      ["/api/nli", { premise: "p", model: "mock:n" }],
      ["/api/classify", { text: "t", labels: [" "], model: "mock:c" }],
      ["/api/tokens", { text: "t", models: [] }],
      ["/api/chat", { messages: [], model: "mock:one" }],
      ["/api/chat", { messages: [{ role: "wizard", content: "x" }], model: "mock:one" }],
      ["/api/chat", { messages: [{ role: "user", content: "x" }], model: "  " }],
      [
        "/api/chat",
        { messages: [{ role: "user", content: "x" }], model: "mock:one", temperature: 7 },
      ],
      ["/api/nli", "[1,2]"],
      ["/api/nli", "{not json"],
    ];
    for (const [path, body] of cases) {
      const response = await mocked.request(path, post(body));
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "invalid_input",
      );
    }
  });
});

describe("request guards", () => {
  it("refuses other Host names (DNS rebinding), cross-origin and non-JSON posts, and oversized bodies", async () => {
    const guarded = await app([], config());
    expect(
      (await guarded.request("/api/status", { headers: { host: "evil.example:4173" } })).status,
    ).toBe(403);
    expect(
      (await guarded.request("/api/status", { headers: { host: "localhost:4173" } })).status,
    ).toBe(200);
    expect((await guarded.request("/api/status", { headers: { host: "[::1]:4173" } })).status).toBe(
      200,
    );
    // A cross-origin JSON POST needs a CORS preflight first, which is never granted.
    const preflight = await guarded.request("/api/tokens", {
      method: "OPTIONS",
      headers: {
        ...HOST,
        origin: "http://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-headers")).toBeNull();
    const sameOrigin = await guarded.request(
      "/api/tokens",
      post({ text: "x", models: ["gpt-4o"] }, { origin: "http://127.0.0.1:4173" }),
    );
    expect(sameOrigin.status).toBe(200);
    const form = await guarded.request("/api/tokens", {
      method: "POST",
      headers: { ...HOST, "content-type": "text/plain", "sec-fetch-site": "same-origin" },
      body: "{}",
    });
    expect(form.status).toBe(415);
    const huge = await guarded.request(
      "/api/tokens",
      post({ text: "x".repeat(LIMITS.bodyBytes + 10), models: ["gpt-4o"] }),
    );
    expect(huge.status).toBe(413);
  });

  it("refuses cross-site POSTs with Hono's csrf(), before the body is read", async () => {
    const guarded = await app([], config());
    const refusals: Array<Record<string, string>> = [
      // A form posted from another site.
      {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://evil.example",
        "sec-fetch-site": "cross-site",
      },
      // navigator.sendBeacon or a no-cors fetch: text/plain, with only Sec-Fetch-Site to tell.
      { "content-type": "text/plain;charset=UTF-8", "sec-fetch-site": "cross-site" },
      // A multipart form from a sibling site.
      { "content-type": "multipart/form-data; boundary=x", "sec-fetch-site": "same-site" },
    ];
    for (const headers of refusals) {
      const response = await guarded.request("/api/chat", {
        method: "POST",
        headers: { ...HOST, ...headers },
        body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], model: "gpt-4o" }),
      });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.json()).toEqual({
        error: { code: "forbidden", message: "Cross-site requests are refused" },
      });
    }
    // The same kinds of body from the page's own origin get past csrf() and are refused as not JSON.
    const sameOrigin = await guarded.request("/api/chat", {
      method: "POST",
      headers: { ...HOST, "content-type": "text/plain", "sec-fetch-site": "same-origin" },
      body: "{}",
    });
    expect(sameOrigin.status).toBe(415);
  });

  it("sends the security headers and the strict content security policy on every answer", async () => {
    const guarded = await app([], config());
    const answers = {
      page: await guarded.request("/", { headers: HOST }),
      script: await guarded.request("/assets/app.js", { headers: HOST }),
      api: await guarded.request("/api/status", { headers: HOST }),
      invalid: await guarded.request("/api/tokens", post({ text: 1 })),
      stream: await guarded.request(
        "/api/chat",
        post({ messages: [{ role: "user", content: "hi" }], model: "gpt-4o" }),
      ),
      refused: await guarded.request("/api/status", { headers: { host: "evil.example" } }),
      missing: await guarded.request("/nowhere", { headers: HOST }),
    };
    for (const [name, response] of Object.entries(answers)) {
      const headers = Object.fromEntries(response.headers);
      expect(headers, name).toMatchObject({
        "content-security-policy":
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
      });
      expect(headers["content-security-policy"], name).not.toContain("unsafe");
      expect(headers["strict-transport-security"], name).toBeUndefined();
      expect(headers["x-powered-by"], name).toBeUndefined();
    }
    await answers.stream.body?.cancel();
  });

  it("answers a body that fails its schema with 400 naming the field, without a stack or a key", async () => {
    const withKeys = await app(
      [],
      config({}, { OPENROUTER_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY }),
    );
    const cases: Array<[string, unknown, string]> = [
      ["/api/tokens", { text: CANARY, models: "gpt-4o" }, "models"],
      ["/api/tokens", { text: 42, models: ["gpt-4o"] }, "text"],
      ["/api/embeddings", { texts: ["a", 7], model: "m" }, "texts.1"],
      ["/api/nli", { premise: "p", hypothesis: "h", model: "x".repeat(301) }, "model"],
      ["/api/classify", { text: "t", labels: ["a"], model: "m", multiLabel: "yes" }, "multiLabel"],
      [
        "/api/chat",
        {
          messages: [
            { role: "user", content: CANARY },
            { role: "wizard", content: "x" },
          ],
          model: "m",
        },
        "messages.1.role",
      ],
      [
        "/api/chat",
        { messages: [{ role: "user", content: "x" }], model: "m", reasoning: "maximal" },
        "reasoning",
      ],
    ];
    for (const [path, body, field] of cases) {
      const response = await withKeys.request(path, post(body));
      const text = await response.text();
      expect(response.status, text).toBe(400);
      const { error } = JSON.parse(text) as { error: Record<string, unknown> };
      expect(error, text).toMatchObject({ code: "invalid_input", field });
      expect(error.message, text).toMatch(new RegExp(`^"${field.replaceAll(".", "\\.")}" `));
      expect(Object.keys(error).sort()).toEqual(["code", "field", "message"]);
      expect(text).not.toContain(CANARY);
      expect(text).not.toMatch(/\bat \S+:\d+|node_modules|ZodError|stack/);
    }
    const route = await withKeys.request("/api/route?capability=teleport&model=x", {
      headers: HOST,
    });
    expect(((await route.json()) as { error: { field: string } }).error.field).toBe("capability");
  });

  it("gives the browser typed answers through hono/client, and the field of a refused body", async () => {
    const served = await app([], config());
    const client = hc<PlaygroundApp>("http://127.0.0.1:4173/", {
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        served.request(input instanceof Request ? input : String(input), init),
      headers: HOST,
    });
    const counted = await resultOf(
      client.api.tokens.$post({ json: { text: "Hello", models: ["gpt-4o"] } }),
    );
    const first = counted.results[0]!;
    expect("error" in first ? first.error : first.count).toBe(1);
    const refused = await resultOf(
      client.api.tokens.$post({ json: { text: "Hello", models: [] } }),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiCallError);
    expect((refused as ApiCallError).body).toMatchObject({
      code: "invalid_input",
      field: "models",
    });
  });

  it("aborts the upstream call when the client leaves mid-stream", async () => {
    const hanging = hangingProvider();
    const served = await app([{ provider: hanging.provider }], config());
    const response = await served.request("/api/chat", chatBody("hanging:x"));
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes("event: content")) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toContain('"text":"Once "');
    const signal = hanging.signals[0]!;
    expect(signal.aborted).toBe(false);
    // The server pulls the next event, and the provider has nothing more to say.
    const pending = reader.read();
    await hanging.waiting;
    await reader.cancel();
    expect((await pending).done).toBe(true);
    // Waits for the abort; only the test's own timeout bounds it.
    await abortOf(signal);
    expect(signal.aborted).toBe(true);
  });

  it("streams at most LIMITS.concurrentChats chats at once, and frees a slot when a client leaves", async () => {
    const hanging = hangingProvider();
    const served = await app([{ provider: hanging.provider }], config());
    const chat = () => served.request("/api/chat", chatBody("hanging:x"));
    const open: Response[] = [];
    for (let index = 0; index < LIMITS.concurrentChats; index++) open.push(await chat());
    expect(open.map((response) => response.status)).toEqual(open.map(() => 200));
    const refused = await chat();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    await open.shift()!.body!.cancel();
    // The slot frees once the turn has unwound; wait for that, not for a time.
    let next = await chat();
    while (next.status === 429) {
      await new Promise((resolve) => setImmediate(resolve));
      next = await chat();
    }
    expect(next.status).toBe(200);
    open.push(next);
    for (const response of open) await response.body!.cancel();
  });

  it("requires the token when one is set, and takes it once from ?token= into an HttpOnly cookie", async () => {
    const token = "a-long-enough-playground-token";
    const withToken = await app([], config({}, { RATATOSKR_PLAYGROUND_TOKEN: token }));
    expect((await withToken.request("/api/status", { headers: HOST })).status).toBe(401);
    expect(
      (
        await withToken.request("/api/status", {
          headers: { ...HOST, "x-playground-token": "wrong-token-wrong-token" },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await withToken.request("/api/status", {
          headers: { ...HOST, "x-playground-token": token },
        })
      ).status,
    ).toBe(200);
    const login = await withToken.request(`/?token=${token}`, { headers: HOST });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const withCookie = await withToken.request("/api/status", {
      headers: { ...HOST, cookie: cookie.split(";")[0]! },
    });
    expect(withCookie.status).toBe(200);
    // A cookie that is not valid percent-encoding is no token (401), not a server error.
    expect(
      (
        await withToken.request("/api/status", {
          headers: { ...HOST, cookie: "ratatoskr_playground_token=%E0%A4%A" },
        })
      ).status,
    ).toBe(401);
    // With a token the server may be bound beyond loopback: any Host is then accepted.
    expect(
      (
        await withToken.request("/api/status", {
          headers: { host: "10.0.0.5:4173", "x-playground-token": token },
        })
      ).status,
    ).toBe(200);
  });

  it("never sends a key to the browser", async () => {
    const withKeys = await app(
      [],
      config(
        {},
        {
          OPENROUTER_API_KEY: CANARY,
          ANTHROPIC_API_KEY: CANARY,
          OPENAI_API_KEY: CANARY,
          HF_TOKEN: CANARY,
        },
      ),
    );
    const status = await (await withKeys.request("/api/status", { headers: HOST })).text();
    expect(status).toContain('"openrouter"');
    expect(
      JSON.parse(status).providers.find((provider: { id: string }) => provider.id === "openrouter")
        .state,
    ).toBe("ready");
    expect(status).not.toContain(CANARY);
    const route = await (
      await withKeys.request("/api/route?capability=chat&model=anthropic/claude-sonnet-4", {
        headers: HOST,
      })
    ).text();
    expect(route).not.toContain(CANARY);
    expect(JSON.parse(route).provider).toBe("openrouter");
  });
});
