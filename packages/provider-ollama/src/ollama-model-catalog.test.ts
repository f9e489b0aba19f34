import { RatatoskrError } from "@ratatoskr/core";
import { expectNoSecret, jsonReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { fixture } from "./ollama-fixtures.test-helpers.ts";
import { ollamaModelKey } from "./ollama-model-catalog.ts";
import { createOllama } from "./ollama-provider.ts";

const server = useOpenAIWireMockServer();
const KEY = "ollama-proxy-key-canary-987654";
const ollama = () => createOllama({ baseURL: server.url, apiKey: KEY });
const signal = () => new AbortController().signal;
const call = (model: string) => ({ model, signal: signal(), providerOptions: {} });

async function rejection(promise: Promise<unknown>): Promise<RatatoskrError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(RatatoskrError.isInstance(caught), `a RatatoskrError, got ${String(caught)}`).toBe(true);
  return caught as RatatoskrError;
}

describe("the Ollama model catalog", () => {
  it("lists the pulled models of GET /api/tags, embedding models by name and family", async () => {
    server.reply(jsonReply(200, fixture("ollama-tags.json")));
    const result = await ollama().models.listModels({ signal: signal() });
    const [request] = server.requests;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/api/tags");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(result).toEqual({
      models: [
        {
          id: "llama3.2:latest",
          provider: "ollama",
          capabilities: ["Chat", "ChatStreaming"],
          source: "provider",
        },
        {
          id: "nomic-embed-text:latest",
          provider: "ollama",
          capabilities: ["Embed"],
          source: "provider",
        },
      ],
    });
  });

  it("fetchModelMetadata sends POST /api/show and reads capabilities, context window and Modelfile defaults", async () => {
    server.reply(jsonReply(200, fixture("ollama-show-llama.json")));
    const record = await ollama().models.fetchModelMetadata!(call("llama3.2"));
    expect(server.requests[0]?.method).toBe("POST");
    expect(server.requests[0]?.path).toBe("/api/show");
    expect(server.requests[0]?.body).toMatchObject({ model: "llama3.2" });
    expect(record).toMatchObject({
      info: {
        id: "llama3.2",
        provider: "ollama",
        capabilities: ["Chat", "ChatStreaming", "ToolUse"],
        context_window: 131_072,
        dimensions: null,
      },
      parameters: {
        temperature: { availability: "mutable", range: { min: 0, max: 2, default: 0.6 } },
        top_p: { availability: "mutable", range: { min: 0, max: 1, default: 0.9 } },
        tools: { availability: "opaque" },
      },
    });
  });

  it("fetchModelMetadata gives an embedding model its dimensions, and undefined for a model not pulled", async () => {
    server.reply(jsonReply(200, fixture("ollama-show-nomic-embed.json")));
    expect(await ollama().models.fetchModelMetadata!(call("nomic-embed-text"))).toEqual({
      info: {
        id: "nomic-embed-text",
        provider: "ollama",
        capabilities: ["Embed"],
        context_window: 2048,
        dimensions: 768,
      },
      parameters: {},
    });
    server.reply(jsonReply(404, { error: "model 'mistral' not found" }));
    expect(await ollama().models.fetchModelMetadata!(call("mistral"))).toBeUndefined();
  });

  it("modelStatus: loaded (GET /api/ps) is ready with size_vram, pulled is available, else unavailable", async () => {
    server.reply(
      jsonReply(200, fixture("ollama-tags.json")),
      jsonReply(200, fixture("ollama-ps.json")),
    );
    expect(await ollama().models.modelStatus!(call("llama3.2"))).toEqual({
      state: "ready",
      device: "gpu",
      memoryBytes: 3_801_894_912,
    });
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/tags",
      "GET /api/ps",
    ]);
    server.reply(
      jsonReply(200, fixture("ollama-tags.json")),
      jsonReply(200, fixture("ollama-ps.json")),
    );
    expect(await ollama().models.modelStatus!(call("nomic-embed-text"))).toEqual({
      state: "available",
    });
    server.reply(jsonReply(200, fixture("ollama-tags.json")));
    expect(await ollama().models.modelStatus!(call("qwen3:8b"))).toEqual({
      state: "unavailable",
      reason: "not pulled (ollama pull qwen3:8b)",
    });
  });

  it("maps 401 to `authentication` without the key, bad JSON to `json`, a wrong shape to `data`", async () => {
    server.reply(jsonReply(401, { error: `unauthorized: bad key ${KEY}` }));
    const unauthorised = await rejection(ollama().models.listModels({ signal: signal() }));
    expect(unauthorised.code).toBe("authentication");
    expectNoSecret(unauthorised, KEY);
    server.reply(jsonReply(200, '{"models": [{"name": '));
    const json = await rejection(ollama().models.listModels({ signal: signal() }));
    expect(json.code).toBe("json");
    expect(json.message).toMatch(/^ollama returned invalid JSON/);
    server.reply(jsonReply(200, { data: [] }));
    const data = await rejection(ollama().models.listModels({ signal: signal() }));
    expect(data.code).toBe("data");
    expect(data.message).toBe(
      'ollama answered GET /api/tags with an unexpected body: expected {"models": [...]}',
    );
  });

  it("rejects an aborted signal without sending, aborts in flight, and says how to start Ollama", async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect((await rejection(ollama().models.listModels({ signal: aborted.signal }))).code).toBe(
      "aborted",
    );
    expect(server.requests).toHaveLength(0);
    server.reply({ ...jsonReply(200, '{"models": ['), hang: true });
    const inFlight = new AbortController();
    const pending = ollama().models.modelStatus!({
      model: "llama3.2",
      signal: inFlight.signal,
      providerOptions: {},
    });
    await expect.poll(() => server.requests.length).toBe(1);
    inFlight.abort();
    expect((await rejection(pending)).code).toBe("aborted");
    const down = createOllama({
      baseURL: "http://127.0.0.1:9",
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const network = await rejection(down.models.listModels({ signal: signal() }));
    expect(network.code).toBe("network");
    expect(network.message).toMatch(/ollama serve/);
  });

  it("names models with Ollama's default tag", () => {
    expect(ollamaModelKey("llama3.2")).toBe("llama3.2:latest");
    expect(ollamaModelKey("qwen3:8b")).toBe("qwen3:8b");
    expect(ollamaModelKey("registry.example:5000/team/model")).toBe(
      "registry.example:5000/team/model:latest",
    );
  });
});
