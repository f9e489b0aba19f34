/**
 * The Generate and Stance pages' API, through Hono's in-memory
 * `app.request()`: `POST /api/generate` (the SSE stream, its events and
 * timing, a typed 400 naming the field for each bad input, the hints when no
 * provider serves `generate`, a failure before and after the first words,
 * abort and the stream limit) and `POST /api/stance` (the mock's scores,
 * bad inputs, no provider, and the two keyless back-ends: the demo
 * provider's cue words and the local ONNX NLI model), and generation on a
 * local causal LM named in the config file.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { writeTestModels } from "@ratatoskr/onnx-test-models";
import { createMockProvider } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlaygroundGateway, type ExtraProvider } from "../src/build-playground-gateway.ts";
import { type GenerateStreamEvent, readGenerateStream } from "../src/client/api.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp } from "../src/playground-server.ts";
import { LIMITS } from "../src/server/request-limits.ts";
import { abortOf, failingGenerator, hangingGenerator } from "./generation-fixtures.ts";

function config(overrides: Partial<PlaygroundConfig> = {}): PlaygroundConfig {
  return {
    ...loadPlaygroundConfig({ env: { PORT: "0" }, cwd: "/nonexistent" }),
    providers: { ollama: { probe: false }, local: { detectCached: false, defaultModels: false } },
    ...overrides,
  };
}

async function app(providers: ExtraProvider[], playgroundConfig: PlaygroundConfig = config()) {
  const built = await buildPlaygroundGateway(playgroundConfig, { providers });
  return createPlaygroundApp({
    ...built,
    config: playgroundConfig,
    assets: { script: "/* app */", style: "/* css */" },
  });
}

type App = Awaited<ReturnType<typeof app>>;

const HOST = { host: "127.0.0.1:4173" };
const post = (body: unknown) => ({
  method: "POST",
  headers: { ...HOST, "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** Every event of a generation stream, read with the browser's own SSE reader. */
async function readEvents(response: Response): Promise<GenerateStreamEvent[]> {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const events: GenerateStreamEvent[] = [];
  await readGenerateStream(response.body!, (event) => events.push(event));
  return events;
}

interface ErrorBody {
  error: { code: string; message: string; field?: string; hints?: Array<{ setting: string }> };
}

/** Each body is refused with 400 `invalid_input`, naming `field` in `field` and the message. */
async function expectRefused(
  served: App,
  path: string,
  cases: Array<[field: string | undefined, body: unknown]>,
): Promise<void> {
  for (const [field, body] of cases) {
    const response = await served.request(path, post(body));
    const label = `${path} ${typeof body === "string" ? body : JSON.stringify(body)}`;
    expect(response.status, label).toBe(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code, label).toBe("invalid_input");
    expect(error.field, label).toBe(field);
    if (field !== undefined) expect(error.message, label).toContain(`"${field}"`);
    expect(JSON.stringify(error), label).not.toMatch(/ZodError|at .*\.ts|stack/);
  }
}

describe("POST /api/generate", () => {
  const mock = createMockProvider({ id: "mock", capabilities: ["generate", "classify"] });
  let served: App;
  beforeAll(async () => {
    served = await app([{ provider: mock, models: { generate: ["mock:writer"] } }]);
  });
  afterAll(() => mock.reset());

  it("streams the route, the text, done and the timing, and passes max tokens and temperature", async () => {
    const events = await readEvents(
      await served.request(
        "/api/generate",
        post({ prompt: "Once upon a time", model: "mock:writer", maxTokens: 64, temperature: 0.4 }),
      ),
    );
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("route");
    expect(types.slice(-2)).toEqual(["done", "stats"]);
    expect(types.filter((type) => type === "text").length).toBeGreaterThan(1);
    expect(events[0]).toMatchObject({
      type: "route",
      provider: "mock",
      rule: "explicit-prefix",
      providerModel: "writer",
    });
    const text = events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");
    expect(text).toBe("mock: Once upon a time");
    expect(events.at(-2)).toMatchObject({ type: "done", finishReason: "stop", provider: "mock" });
    const stats = events.at(-1)!;
    expect(stats).toMatchObject({
      type: "stats",
      finishReason: "stop",
      provider: "mock",
      usage: { completionTokens: expect.any(Number) },
    });
    if (stats.type !== "stats") throw new Error("the last event is not the stats");
    expect(stats.firstTokenMs).toBeGreaterThanOrEqual(0);
    expect(stats.latencyMs).toBeGreaterThanOrEqual(stats.firstTokenMs!);
    const call = mock.callsOf("generateStream").at(-1)!;
    expect(call.request.prompt).toBe("Once upon a time");
    expect(call.request.settings).toMatchObject({ maxTokens: 64, temperature: 0.4 });
  });

  it("answers each bad input with 400 invalid_input naming the field", async () => {
    const model = "mock:writer";
    await expectRefused(served, "/api/generate", [
      ["prompt", { model }],
      ["prompt", { prompt: "", model }],
      ["prompt", { prompt: 42, model }],
      ["prompt", { prompt: "x".repeat(LIMITS.textChars + 1), model }],
      ["model", { prompt: "hi" }],
      ["model", { prompt: "hi", model: "   " }],
      ["maxTokens", { prompt: "hi", model, maxTokens: 0 }],
      ["maxTokens", { prompt: "hi", model, maxTokens: 1.5 }],
      ["maxTokens", { prompt: "hi", model, maxTokens: "64" }],
      ["maxTokens", { prompt: "hi", model, maxTokens: LIMITS.maxTokens + 1 }],
      ["temperature", { prompt: "hi", model, temperature: 7 }],
      ["temperature", { prompt: "hi", model, temperature: "warm" }],
      [undefined, "[1,2]"],
    ]);
    const malformed = await served.request("/api/generate", post("{not json"));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error.code).toBe("invalid_input");
  });

  it("answers a generation that fails before its first word with the error's status, as JSON", async () => {
    const refused = await app([
      {
        provider: failingGenerator(
          [],
          new RatatoskrError({
            code: "authentication",
            message: "The key was refused",
            provider: "failing",
          }),
        ),
      },
    ]);
    const response = await refused.request(
      "/api/generate",
      post({ prompt: "hi", model: "failing:x" }),
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({
      code: "authentication",
      provider: "failing",
    });
  });

  it("ends a generation that fails mid-stream with the error, after the words that came", async () => {
    const failing = await app([{ provider: failingGenerator() }]);
    const events = await readEvents(
      await failing.request("/api/generate", post({ prompt: "hi", model: "failing:x" })),
    );
    expect(events.map((event) => event.type)).toEqual(["route", "text", "error", "stats"]);
    expect(events[1]).toMatchObject({ text: "Half " });
    expect(events[2]).toMatchObject({
      code: "provider",
      message: expect.stringContaining("broke mid-stream"),
    });
    // No done came: the stats carry the timing, and no finish reason.
    expect(events[3]).toMatchObject({ type: "stats", firstTokenMs: expect.any(Number) });
    expect(events[3]).not.toHaveProperty("finishReason");
  });

  it("aborts the upstream generation when the client leaves mid-stream", async () => {
    const hanging = hangingGenerator();
    const served = await app([{ provider: hanging.provider }]);
    const response = await served.request(
      "/api/generate",
      post({ prompt: "tell", model: "hanging:x" }),
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes("event: text")) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toContain('"text":"Once "');
    const signal = hanging.signals[0]!;
    expect(signal.aborted).toBe(false);
    await hanging.waiting;
    await reader.cancel();
    // Waits for the abort; only the test's own timeout bounds it.
    await abortOf(signal);
    expect(signal.aborted).toBe(true);
  });

  it("streams at most LIMITS.concurrentGenerations at once, and frees a slot when a client leaves", async () => {
    const hanging = hangingGenerator();
    const served = await app([{ provider: hanging.provider }]);
    const generate = () =>
      served.request("/api/generate", post({ prompt: "tell", model: "hanging:x" }));
    const open: Response[] = [];
    for (let index = 0; index < LIMITS.concurrentGenerations; index++) open.push(await generate());
    expect(open.map((response) => response.status)).toEqual(open.map(() => 200));
    const refused = await generate();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("rate_limited");
    await open.shift()!.body!.cancel();
    // The slot frees once the generation has unwound; wait for that, not for a time.
    let next = await generate();
    while (next.status === 429) {
      await new Promise((resolve) => setImmediate(resolve));
      next = await generate();
    }
    expect(next.status).toBe(200);
    open.push(next);
    for (const response of open) await response.body!.cancel();
  });
});

describe("the endpoints with no provider for them", () => {
  let bare: App;
  beforeAll(async () => {
    bare = await app([]);
  });

  it("answers generate with the error and what to configure for it", async () => {
    const status = (await (await bare.request("/api/status", { headers: HOST })).json()) as {
      capabilities: Record<string, { available: boolean }>;
    };
    expect(status.capabilities.generate!.available).toBe(false);
    const response = await bare.request("/api/generate", post({ prompt: "hi", model: "gpt2" }));
    expect(response.status).toBe(501);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe("not_implemented");
    expect(error.message).toContain("generate");
    expect(error.hints!.map((hint) => hint.setting)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("generationModels"),
        expect.stringContaining("RATATOSKR_URL"),
      ]),
    );
  });

  it("answers stance with the error and what to configure for zero-shot classification", async () => {
    const response = await bare.request(
      "/api/stance",
      post({ text: "I like it", target: "it", model: "facebook/bart-large-mnli" }),
    );
    expect(response.status).toBe(501);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe("not_implemented");
    expect(error.hints!.map((hint) => hint.setting)).toEqual(
      expect.arrayContaining(["HF_TOKEN", "RATATOSKR_PLAYGROUND_DEMO=1"]),
    );
  });
});

describe("POST /api/stance", () => {
  const mock = createMockProvider({ id: "mock", capabilities: ["classify"] });
  let served: App;
  beforeAll(async () => {
    served = await app([{ provider: mock, models: { classify: ["mock:zero-shot"] } }]);
  });

  it("classifies the stance with the gateway's hypotheses and answers the scores, label and target", async () => {
    const response = await served.request(
      "/api/stance",
      post({
        text: "Everyone here supports solar power.",
        target: "  solar power ",
        model: "mock:zero-shot",
      }),
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      model: string;
      route: { provider: string; rule: string };
      latencyMs: number;
      result: Record<string, unknown>;
    };
    // The mock scores a label found in the text 3, others 1, normalised.
    expect(answer.result).toEqual({
      favor: 0.6,
      against: 0.2,
      neutral: 0.2,
      label: "favor",
      target: "solar power",
    });
    expect(answer.route).toMatchObject({ provider: "mock", rule: "explicit-prefix" });
    expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
    const call = mock.callsOf("classify").at(-1)!;
    expect(call.request.labels).toEqual([
      "supports solar power",
      "opposes solar power",
      "is neutral about solar power",
    ]);
    expect(call.request.settings.multiLabel).toBe(false);
  });

  it("answers each bad input with 400 invalid_input naming the field", async () => {
    const model = "mock:zero-shot";
    await expectRefused(served, "/api/stance", [
      ["text", { target: "t", model }],
      ["text", { text: "", target: "t", model }],
      ["text", { text: ["a"], target: "t", model }],
      ["target", { text: "a", model }],
      ["target", { text: "a", target: "   ", model }],
      ["target", { text: "a", target: "x".repeat(LIMITS.targetChars + 1), model }],
      ["model", { text: "a", target: "t" }],
      ["model", { text: "a", target: "t", model: "" }],
      [undefined, "[1,2]"],
    ]);
  });
});

describe("stance with no keys", () => {
  it("scores the demo provider's cue words: favor, against and neutral win where they should, never tied", async () => {
    const demo = config({ demo: true });
    const served = await app([], demo);
    const stance = async (text: string) => {
      const response = await served.request(
        "/api/stance",
        post({ text, target: "renewable energy", model: "demo:keyword-classifier" }),
      );
      expect(response.status).toBe(200);
      return (
        (await response.json()) as {
          result: { favor: number; against: number; neutral: number; label: string };
        }
      ).result;
    };
    const favor = await stance("I strongly support renewable energy.");
    const against = await stance("Renewable energy is a waste and I oppose it.");
    const negated = await stance("Renewable energy is not good.");
    const unrelated = await stance("The weather was mild on Tuesday.");
    expect([favor.label, against.label, negated.label, unrelated.label]).toEqual([
      "favor",
      "against",
      "against",
      "neutral",
    ]);
    for (const result of [favor, against, negated, unrelated]) {
      expect(result.favor + result.against + result.neutral).toBeCloseTo(1, 6);
      const scores = [result.favor, result.against, result.neutral].map((score) =>
        score.toFixed(3),
      );
      expect(new Set(scores).size).toBeGreaterThan(1);
    }
    expect(favor.favor).toBeGreaterThan(0.5);
    expect(against.against).toBeGreaterThan(0.5);
  });

  describe("on the local ONNX models of the config file", () => {
    let root: string;
    let served: App;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), "playground-local-"));
      const directories = await writeTestModels(root);
      served = await app(
        [],
        config({
          providers: {
            ollama: { probe: false },
            local: {
              detectCached: false,
              defaultModels: false,
              nliModels: [{ name: "tiny-nli", path: directories.nli }],
              generationModels: [{ name: "tiny-gpt", path: directories.decoder }],
            },
          },
        }),
      );
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it("generates with a causal LM from providers.local.generationModels (what the Generate page's hint says)", async () => {
      const status = (await (await served.request("/api/status", { headers: HOST })).json()) as {
        capabilities: Record<string, { available: boolean; providers: string[] }>;
        models: Record<string, Array<{ model: string; provider: string }>>;
      };
      expect(status.capabilities.generate).toMatchObject({ available: true, providers: ["local"] });
      expect(status.models.generate).toEqual([
        { model: "local:tiny-gpt", provider: "local", rule: "explicit-prefix" },
      ]);
      const events = await readEvents(
        await served.request(
          "/api/generate",
          post({ prompt: ">", model: "local:tiny-gpt", maxTokens: 5, temperature: 0 }),
        ),
      );
      expect(events[0]).toMatchObject({ type: "route", provider: "local" });
      const text = events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");
      expect(text).toBe("Hello");
      expect(events.at(-1)).toMatchObject({
        type: "stats",
        finishReason: "length",
        provider: "local",
        usage: { completionTokens: 5 },
      });
    });

    it("classifies stance through zero-shot on the cross-encoder", async () => {
      const response = await served.request(
        "/api/stance",
        post({ text: "hello world", target: "the end", model: "local:tiny-nli" }),
      );
      expect(response.status).toBe(200);
      const answer = (await response.json()) as {
        route: { provider: string };
        result: { favor: number; against: number; neutral: number; label: string; target: string };
      };
      expect(answer.route.provider).toBe("local");
      const { favor, against, neutral, label, target } = answer.result;
      expect(favor + against + neutral).toBeCloseTo(1, 5);
      expect(target).toBe("the end");
      const best = Math.max(favor, against, neutral);
      expect(answer.result[label as "favor" | "against" | "neutral"]).toBe(best);
    });
  });

  it("does not offer generate on the local provider when the config file names no causal LM", async () => {
    const root = await mkdtemp(join(tmpdir(), "playground-local-nli-"));
    try {
      const directories = await writeTestModels(root);
      const served = await app(
        [],
        config({
          providers: {
            ollama: { probe: false },
            local: {
              detectCached: false,
              defaultModels: false,
              nliModels: [{ name: "tiny-nli", path: directories.nli }],
            },
          },
        }),
      );
      const status = (await (await served.request("/api/status", { headers: HOST })).json()) as {
        capabilities: Record<string, { available: boolean; providers: string[]; hints: unknown[] }>;
        providers: Array<{ id: string; capabilities: string[] }>;
      };
      // The local provider serves stance (zero-shot) but not generate, and the Generate page says so.
      expect(status.capabilities.classify).toMatchObject({ available: true, providers: ["local"] });
      expect(status.capabilities.generate).toMatchObject({ available: false, providers: [] });
      expect(status.capabilities.generate!.hints.length).toBeGreaterThan(0);
      const local = status.providers.find((provider) => provider.id === "local")!;
      expect(local.capabilities).toContain("classify");
      expect(local.capabilities).not.toContain("generate");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
