/**
 * Benchmark: the gateway over this package against the `openai` SDK called
 * directly, on the same loopback OpenAI-compatible mock server (Node http,
 * TCP_NODELAY), in the same process, interleaved A/B rounds.
 *
 *   1. unary: `gateway.chat()` (and the provider's `chat.complete()` alone) vs
 *      `client.chat.completions.create()`: added µs per call at p50/p99.
 *   2. streaming a 1,000-chunk response: `gateway.chatStream()` vs the SDK's
 *      stream: time to consume (throughput ratio) and time to first event.
 *
 * Run: `npx -y pnpm@12.4.2 --filter @ratatoskr/provider-gateway-tests bench:openai-compat`
 * (`node --conditions=@ratatoskr/source bench/openai-compat.ts`). Nothing is asserted.
 */
import { addedTime, compare, peakRssMiB, printComparison, summarize } from "@ratatoskr/bench";
import { type ChatRequestV1, Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import { startLoopbackServer } from "@ratatoskr/testing";
import OpenAI from "openai";

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 1000);
const quick = process.env.BENCH_QUICK === "1";
const KEY = "bench-key-not-a-secret-0001";
const MODEL = "gpt-4o-mini";

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1764000000,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_bench",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })}\n\n`;
}

let sse = chunk({ role: "assistant", content: "tok0 " });
for (let index = 1; index < CHUNKS; index++) sse += chunk({ content: `tok${index} ` });
sse += chunk({}, "stop");
sse += `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1764000000, model: "gpt-4o-mini-2024-07-18", choices: [], usage: { prompt_tokens: 12, completion_tokens: CHUNKS, total_tokens: 12 + CHUNKS } })}\n\n`;
sse += "data: [DONE]\n\n";
const sseBuffer = Buffer.from(sse);
const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1764000000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello! How can I help you today?", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
  }),
);

const server = await startLoopbackServer(
  (_request, response, body) => {
    if (body.includes('"stream":true')) {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      response.end(sseBuffer);
    } else {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(completion.length),
      });
      response.end(completion);
    }
  },
  { record: false },
);

const baseURL = `${server.url}/v1`;
const sdk = new OpenAI({
  apiKey: KEY,
  baseURL,
  maxRetries: 0,
  organization: null,
  project: null,
  logLevel: "off",
});
const provider = createOpenAI({ apiKey: KEY, baseURL });
const gateway = await Ratatoskr.builder().use(provider).build();
const messages = [Message.system("Be brief."), Message.user("Hi")];
/** The v1 request the gateway would hand the provider (one long-lived signal, never aborted). */
const request: ChatRequestV1 = {
  model: MODEL,
  messages,
  settings: {},
  providerOptions: {},
  signal: new AbortController().signal,
};
const wireMessages = [
  { role: "system" as const, content: "Be brief." },
  { role: "user" as const, content: "Hi" },
];

// --- 1. unary ---------------------------------------------------------------
const unaryRounds = quick ? 4 : 10;
const unaryIterations = quick ? 200 : 1000;
const sdkUnary = {
  name: "openai SDK chat.completions.create",
  run: async () => {
    const result = await sdk.chat.completions.create({ model: MODEL, messages: wireMessages });
    if (result.choices[0]?.message.content === undefined) throw new Error("no content");
  },
};
const providerUnary = {
  name: "provider chat.complete()",
  run: async () => {
    const result = await provider.chat.complete(request);
    if (result.content === "") throw new Error("no content");
  },
};
const gatewayUnary = {
  name: "gateway.chat()",
  run: async () => {
    const result = await gateway.chat(messages, { model: MODEL });
    if (result.content === "") throw new Error("no content");
  },
};
const unaryOptions = { rounds: unaryRounds, iterations: unaryIterations, warmup: unaryIterations };
printComparison(
  "unary: provider chat.complete() vs openai SDK",
  await compare(sdkUnary, providerUnary, unaryOptions),
);
printComparison(
  "unary: gateway.chat() vs openai SDK",
  await compare(sdkUnary, gatewayUnary, unaryOptions),
  "≤ 100 µs added at p99",
);

// --- 2. streaming -------------------------------------------------------------
const firstEvent: Record<string, number[]> = { sdk: [], gateway: [] };
let record = false;
const sdkStream = {
  name: `openai SDK stream (${CHUNKS} chunks)`,
  run: async () => {
    const start = process.hrtime.bigint();
    let first = true;
    let length = 0;
    const stream = await sdk.chat.completions.create({
      model: MODEL,
      messages: wireMessages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const part of stream) {
      if (first) {
        first = false;
        if (record) firstEvent.sdk!.push(Number(process.hrtime.bigint() - start));
      }
      length += part.choices[0]?.delta.content?.length ?? 0;
    }
    if (length === 0) throw new Error("no content");
  },
};
const gatewayStream = {
  name: `gateway.chatStream (${CHUNKS} chunks)`,
  run: async () => {
    const start = process.hrtime.bigint();
    let first = true;
    let length = 0;
    for await (const event of gateway.chatStream(messages, { model: MODEL })) {
      if (first) {
        first = false;
        if (record) firstEvent.gateway!.push(Number(process.hrtime.bigint() - start));
      }
      if (event.type === "content") length += event.text.length;
    }
    if (length === 0) throw new Error("no content");
  },
};
const providerStream = {
  name: `provider chat.stream (${CHUNKS} chunks)`,
  run: async () => {
    let length = 0;
    for await (const event of provider.chat.stream(request)) {
      if (event.type === "content") length += event.text.length;
    }
    if (length === 0) throw new Error("no content");
  },
};
const streamIterations = quick ? 10 : 30;
// Warm up outside compare() so first-event samples come from measured rounds only.
for (let index = 0; index < streamIterations; index++) {
  await sdkStream.run();
  await gatewayStream.run();
}
record = true;
const streaming = await compare(sdkStream, gatewayStream, {
  rounds: quick ? 4 : 10,
  iterations: streamIterations,
  warmup: 0,
});
printComparison(
  `streaming ${CHUNKS} chunks: gateway.chatStream vs openai SDK stream`,
  streaming,
  "≥ 0.9x throughput",
);
const sdkFirst = summarize("openai SDK stream: first chunk", firstEvent.sdk!);
const gatewayFirst = summarize("gateway.chatStream: first event", firstEvent.gateway!);
// Both sides record one sample per stream, at the same positions of the same rounds.
const addedFirst = addedTime(firstEvent.sdk!, firstEvent.gateway!);
console.log(
  `\n## time to first event (${sdkFirst.operations} streams each)\n` +
    `${sdkFirst.name}: p50 ${(sdkFirst.p50Ns / 1000).toFixed(1)} µs, p99 ${(sdkFirst.p99Ns / 1000).toFixed(1)} µs\n` +
    `${gatewayFirst.name}: p50 ${(gatewayFirst.p50Ns / 1000).toFixed(1)} µs, p99 ${(gatewayFirst.p99Ns / 1000).toFixed(1)} µs\n` +
    `added: p50 ${(addedFirst.p50Ns / 1000).toFixed(1)} µs, p99 ${(addedFirst.p99Ns / 1000).toFixed(1)} µs  [target: ≤ 1 ms added]`,
);
record = false;
printComparison(
  `streaming ${CHUNKS} chunks: provider chat.stream alone vs openai SDK stream`,
  await compare(sdkStream, providerStream, {
    rounds: quick ? 4 : 10,
    iterations: streamIterations,
  }),
);
console.log(`\npeak RSS: ${peakRssMiB().toFixed(0)} MiB; node ${process.version}`);
await gateway.dispose?.();
await server.close();
