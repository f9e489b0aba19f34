import { RatatoskrError } from "@ratatoskr/core";
import { expectNoSecret, jsonReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";
import { guessOpenAIModelCapabilities, mapOpenAIModelList } from "./openai-model-catalog.ts";
import { createOpenAI } from "./openai-provider.ts";

const server = useOpenAIWireMockServer();
const signal = () => new AbortController().signal;
const compat = (settings: Partial<Parameters<typeof createOpenAICompatible>[0]> = {}) =>
  createOpenAICompatible({ id: "vllm", baseURL: `${server.url}/v1`, apiKey: KEY, ...settings });

async function rejection(promise: Promise<unknown>): Promise<RatatoskrError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(RatatoskrError.isInstance(caught), `a RatatoskrError, got ${String(caught)}`).toBe(true);
  return caught as RatatoskrError;
}

describe("the OpenAI-compatible model catalog", () => {
  it("sends GET {baseURL}/models with the key and the call's headers, and lists the models", async () => {
    server.reply(jsonReply(200, fixture("openai-models-list.json")));
    const result = await compat({ headers: { "x-team": "a" } }).models.listModels({
      signal: signal(),
      headers: { "x-call": "b" },
    });
    const [request] = server.requests;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/v1/models");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers["x-team"]).toBe("a");
    expect(request?.headers["x-call"]).toBe("b");
    expect(result).toEqual({
      models: [
        {
          id: "gpt-4o-mini",
          provider: "vllm",
          capabilities: ["Chat", "ChatStreaming", "ToolUse"],
          source: "provider",
        },
        {
          id: "text-embedding-3-small",
          provider: "vllm",
          capabilities: ["Embed"],
          source: "provider",
        },
        { id: "whisper-1", provider: "vllm", capabilities: [], source: "provider" },
        {
          id: "o3-mini",
          provider: "vllm",
          capabilities: ["Chat", "ChatStreaming", "ToolUse"],
          source: "provider",
        },
        {
          id: "ft:gpt-4o-mini-2024-07-18:my-org::A1b2C3d4",
          provider: "vllm",
          capabilities: ["Chat", "ChatStreaming", "ToolUse"],
          source: "provider",
        },
      ],
    });
  });

  it("sends no bearer token to a server without a key, and createOpenAI lists as `openai`", async () => {
    server.reply(
      jsonReply(200, { object: "list", data: [{ id: "llama-3.1-8b", object: "model" }] }),
    );
    const keyless = createOpenAICompatible({ id: "local-llm", baseURL: `${server.url}/v1` });
    const { models } = await keyless.models.listModels({ signal: signal() });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(models.map((model) => [model.id, model.provider])).toEqual([
      ["llama-3.1-8b", "local-llm"],
    ]);
    server.reply(jsonReply(200, fixture("openai-models-list.json")));
    const openai = createOpenAI({ apiKey: KEY, baseURL: `${server.url}/v1` });
    const listed = await openai.models!.listModels({ signal: signal() });
    expect(listed.models.every((model) => model.provider === "openai")).toBe(true);
  });

  it("maps 401 to an `authentication` error without the key", async () => {
    server.reply(jsonReply(401, fixture("openai-error-401.json")));
    const error = await rejection(compat().models.listModels({ signal: signal() }));
    expect(error.code).toBe("authentication");
    expect(error.provider).toBe("vllm");
    expectNoSecret(error, KEY);
  });

  it("a body that is not JSON is a `json` error, one without a data array a `data` error, naming the provider", async () => {
    server.reply(jsonReply(200, '{"object": "list", "data": [')); // cut off
    const json = await rejection(compat().models.listModels({ signal: signal() }));
    expect(json.code).toBe("json");
    expect(json.message).toMatch(/^vllm answered GET \/models with invalid JSON/);
    server.reply(jsonReply(200, { object: "list", models: [] }));
    const data = await rejection(compat().models.listModels({ signal: signal() }));
    expect(data.code).toBe("data");
    expect(data.message).toMatch(/^vllm answered GET \/models with no model list/);
    expectNoSecret(data, KEY);
  });

  it("rejects an aborted signal without sending, and aborts a request in flight", async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(compat().models.listModels({ signal: controller.signal }))).code).toBe(
      "aborted",
    );
    expect(server.requests).toHaveLength(0);
    server.reply({ ...jsonReply(200, '{"object": "list", '), hang: true });
    const inFlight = new AbortController();
    const pending = compat().models.listModels({ signal: inFlight.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    inFlight.abort();
    expect((await rejection(pending)).code).toBe("aborted");
  });

  it("leaves out entries without an id, with a warning, and keeps the first of a repeated id", () => {
    expect(
      mapOpenAIModelList({ data: [{ id: "a" }, { object: "model" }, { id: "a" }, null] }, "p"),
    ).toEqual({
      models: [
        {
          id: "a",
          provider: "p",
          capabilities: ["Chat", "ChatStreaming", "ToolUse"],
          source: "provider",
        },
      ],
      warnings: [
        { type: "other", message: "p: 2 model list entries have no id and were left out" },
      ],
    });
  });

  it("guesses capabilities conservatively from the id", () => {
    expect(guessOpenAIModelCapabilities("text-embedding-ada-002")).toEqual(["Embed"]);
    expect(guessOpenAIModelCapabilities("nomic-ai/nomic-embed-text-v1.5")).toEqual(["Embed"]);
    for (const id of [
      "tts-1-hd",
      "dall-e-3",
      "gpt-image-1",
      "omni-moderation-latest",
      "gpt-4o-transcribe",
      "gpt-4o-realtime-preview",
      "davinci-002",
    ]) {
      expect(guessOpenAIModelCapabilities(id), id).toEqual([]);
    }
    expect(guessOpenAIModelCapabilities("meta-llama/Llama-3.3-70B-Instruct")).toEqual([
      "Chat",
      "ChatStreaming",
      "ToolUse",
    ]);
  });
});
