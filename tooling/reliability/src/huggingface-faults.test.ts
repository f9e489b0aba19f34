/**
 * The unary faults against the Hugging Face Inference wire
 * (@ratatoskr/provider-huggingface on @huggingface/inference), through the
 * gateway, with a fallback to Ollama's `/api/embed` on a second loopback
 * server.
 */
import { Ratatoskr } from "@ratatoskr/gateway";
import { createHuggingFace } from "@ratatoskr/provider-huggingface";
import { createOllama } from "@ratatoskr/provider-ollama";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expectWaitOf, useFakeClock } from "./fake-clock.ts";
import { type Fault, type FaultServer, startFaultServer } from "./fault-server.ts";
import { createFaultyFetch } from "./faulty-fetch.ts";
import {
  CANARY_KEY,
  errorOf,
  everythingSaid,
  FAST_RETRY,
  recordingHooks,
} from "./suite-helpers.ts";
import { HF_EMBEDDING } from "./wire-formats.ts";

const MODEL = "huggingface:sentence-transformers/all-MiniLM-L6-v2";
const OLLAMA_VECTOR = [0.1, 0.2, 0.3, 0.4];

let server: FaultServer;
let ollama: FaultServer;

beforeAll(async () => {
  server = await startFaultServer({ kind: "json", status: 200, body: HF_EMBEDDING });
  ollama = await startFaultServer({
    kind: "json",
    status: 200,
    body: { model: "all-minilm", embeddings: [OLLAMA_VECTOR] },
  });
});
afterAll(async () => {
  await server.close();
  await ollama.close();
});
beforeEach(() => {
  server.reset();
  ollama.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

async function gatewayFor(fetch?: typeof globalThis.fetch) {
  const recorder = recordingHooks();
  const gateway = await Ratatoskr.builder()
    .use(
      createHuggingFace({
        apiKey: CANARY_KEY,
        baseURL: server.url,
        chat: false,
        ...(fetch === undefined ? {} : { fetch }),
      }),
    )
    .use(createOllama({ baseURL: ollama.url }))
    .fallbacks("embed", ["ollama:all-minilm"])
    .retry(FAST_RETRY)
    .hooks(recorder.hooks)
    .build();
  return { gateway, hooks: recorder.events, recorder };
}

describe("Hugging Face: retried faults", () => {
  it("503 model loading (estimated_time) once, then 200: waits as told, one retry", async () => {
    server.enqueue({
      kind: "json",
      status: 503,
      body: {
        error: "Model sentence-transformers/all-MiniLM-L6-v2 is currently loading",
        estimated_time: 0.05,
      },
    });
    const { gateway, hooks } = await gatewayFor();
    const embedding = await gateway.embed("hello", MODEL);
    expect(embedding.values).toEqual(HF_EMBEDDING);
    expect(server.hits).toBe(2);
    expect(hooks.find(([name]) => name === "retry")?.[1]).toMatchObject({
      waitMs: 50,
      waitSource: "retry-after",
    });
  });

  it("429 with retry-after: 1 waits a second and succeeds", async () => {
    server.enqueue({
      kind: "json",
      status: 429,
      headers: { "retry-after": "1" },
      body: { error: "Rate limit reached. You reached free usage limit (reset hourly)." },
    });
    const { gateway, recorder } = await gatewayFor();
    useFakeClock();
    const call = gateway.embed("hello", MODEL);
    await recorder.nth("retry");
    await expectWaitOf(1_000, server.received(2));
    await call;
    expect(server.hits).toBe(2);
  });

  it("connection refused, then reset before headers (injected fetch): retried, success", async () => {
    const faulty = createFaultyFetch([{ kind: "refused" }, { kind: "reset" }]);
    const { gateway } = await gatewayFor(faulty);
    expect((await gateway.embed("hello", MODEL)).values).toEqual(HF_EMBEDDING);
    expect(faulty.calls).toBe(3);
  });

  it("500 on every attempt: the fallback (Ollama) serves and is reported", async () => {
    server.enqueue(
      ...Array.from({ length: 3 }, () => ({
        kind: "json" as const,
        status: 500,
        body: { error: "Internal Server Error" },
      })),
    );
    const { gateway, hooks } = await gatewayFor();
    const embedding = await gateway.embed("hello", MODEL);
    expect(embedding.values).toEqual(OLLAMA_VECTOR);
    expect(server.hits).toBe(3);
    expect(ollama.hits).toBe(1);
    expect(hooks.find(([name]) => name === "complete")?.[1]).toMatchObject({
      provider: "ollama",
      providerModel: "all-minilm",
      attempts: 4,
    });
  });
});

describe("Hugging Face: batches are retried chunk by chunk", () => {
  /** A fixed 100 ms backoff, so the test advances the fake clock by a known wait. */
  const CHUNK_RETRY = { ...FAST_RETRY, initialDelayMs: 100, maxDelayMs: 100, jitter: 0 };

  /** Answers each chunk with `[n, 1]` per text `"n"`, except the chunk starting at `failAt`: 503 once. */
  function failOnceAt(failAt: string) {
    let failed = false;
    return (body: unknown): Fault => {
      const { inputs } = body as { inputs: string[] };
      if (inputs[0] === failAt && !failed) {
        failed = true;
        return { kind: "json", status: 503, body: { error: "Service Unavailable" } };
      }
      return { kind: "json", status: 200, body: inputs.map((text) => [Number(text), 1]) };
    };
  }

  it("embedBatch: a chunk failing once (503) costs exactly one extra request", async () => {
    const chunks = await startFaultServer(failOnceAt("30"));
    try {
      const recorder = recordingHooks();
      const gateway = await Ratatoskr.builder()
        .use(
          createHuggingFace({
            apiKey: CANARY_KEY,
            baseURL: chunks.url,
            chat: false,
            batchSize: 10,
            maxConcurrency: 4,
          }),
        )
        .retry(CHUNK_RETRY)
        .hooks(recorder.hooks)
        .build();
      const texts = Array.from({ length: 100 }, (_, index) => String(index));
      useFakeClock();
      const call = gateway.embedBatch(texts, MODEL);
      const retry = await recorder.nth("retry");
      expect(retry).toMatchObject({ attempt: 1, chunk: 3, waitMs: 100 });
      // The 11th request is the failed chunk's retry: not before its wait is over.
      await expectWaitOf(100, chunks.received(11));
      const embeddings = await call;
      expect(embeddings.map((embedding) => embedding.values[0])).toEqual(texts.map(Number));
      // 10 chunks of 10, one of them twice.
      expect(chunks.hits).toBe(11);
      expect(
        (chunks.bodies as Array<{ inputs: string[] }>).map((body) => body.inputs.length),
      ).toEqual(Array.from({ length: 11 }, () => 10));
      expect(recorder.events.filter(([name]) => name === "retry")).toHaveLength(1);
      expect(recorder.events.find(([name]) => name === "complete")?.[1]).toMatchObject({
        attempts: 11,
      });
    } finally {
      await chunks.close();
    }
  });

  it("inferNliBatch: a chunk failing once (503) costs exactly one extra request", async () => {
    let failed = false;
    const chunks = await startFaultServer((body: unknown): Fault => {
      const { inputs } = body as { inputs: Array<{ text: string; text_pair: string }> };
      if (inputs[0]!.text === "16" && !failed) {
        failed = true;
        return { kind: "json", status: 503, body: { error: "Service Unavailable" } };
      }
      return {
        kind: "json",
        status: 200,
        body: inputs.map(() => [
          { label: "entailment", score: 0.8 },
          { label: "neutral", score: 0.15 },
          { label: "contradiction", score: 0.05 },
        ]),
      };
    });
    try {
      const recorder = recordingHooks();
      const gateway = await Ratatoskr.builder()
        .use(
          createHuggingFace({
            apiKey: CANARY_KEY,
            baseURL: chunks.url,
            chat: false,
            nliBatchSize: 8,
          }),
        )
        .retry(CHUNK_RETRY)
        .hooks(recorder.hooks)
        .build();
      const pairs = Array.from({ length: 40 }, (_, index) => ({
        premise: String(index),
        hypothesis: "h",
      }));
      useFakeClock();
      const call = gateway.inferNliBatch(pairs, "huggingface:org/nli-model");
      expect(await recorder.nth("retry")).toMatchObject({ attempt: 1, chunk: 2, waitMs: 100 });
      // 5 chunks of 8 and the failed chunk's retry: the 6th request not before its wait is over.
      await expectWaitOf(100, chunks.received(6));
      const results = await call;
      expect(results).toHaveLength(40);
      expect(chunks.hits).toBe(6); // 5 chunks of 8, one of them twice
    } finally {
      await chunks.close();
    }
  });
});

describe("Hugging Face: not retried; the key appears nowhere", () => {
  it("401 bad token: authentication error, one attempt", async () => {
    server.enqueue({
      kind: "json",
      status: 401,
      body: { error: `Invalid credentials in Authorization header: ${CANARY_KEY}` },
    });
    const { gateway, hooks } = await gatewayFor();
    const error = await errorOf(gateway.embed("hello", MODEL, { fallbacks: false }));
    expect(error.code).toBe("authentication");
    expect(server.hits).toBe(1);
    expect(everythingSaid(error, hooks)).not.toContain(CANARY_KEY);
    expect(server.loopback.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY_KEY}`);
  });

  it("an absurd retry-after fails fast with the rate-limit error carrying it", async () => {
    server.enqueue({
      kind: "json",
      status: 429,
      headers: { "retry-after": "3600" },
      body: { error: "Rate limit reached." },
    });
    const { gateway } = await gatewayFor();
    const error = await errorOf(gateway.embed("hello", MODEL, { fallbacks: false }));
    expect(error).toMatchObject({ code: "rate_limited", retryAfterMs: 3_600_000 });
    expect(server.hits).toBe(1);
  });
});
