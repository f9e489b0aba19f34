/**
 * The gateway's hot path, measured against the official `openai` SDK on a
 * loopback OpenAI-wire server, side by side in one process, interleaved
 * per operation (the `@ratatoskr/bench` harness): the time the gateway adds
 * per non-streaming call (p50 and p99 of the paired differences) and its
 * throughput on 50-chunk streams relative to the SDK's, after an A/A line
 * (the SDK against itself) that shows the harness's noise floor. A last
 * line compares the gateway's stream with its provider's stream called
 * directly: the routed stream's own cost, apart from how the provider
 * reads the body.
 *
 * Goals: at most 30 µs added at p50 and 100 µs at p99, at least 0.97× on
 * streams. Each side is warmed up (10,000 calls, 2,000 streams, interleaved)
 * so that both run optimised code: the gateway's path has more functions
 * for V8 to optimise, and with 2,000 warm-up calls its added p50 still fell
 * from run to run in one process (39, 28, 21 µs).
 *
 * Run: npx -y pnpm@12.4.2 --filter @ratatoskr/gateway-bench bench
 */
import { compare, peakRssMiB, printComparison } from "@ratatoskr/bench";
import type { ChatRequestV1 } from "@ratatoskr/core";
import { Message, Ratatoskr } from "@ratatoskr/gateway";
import OpenAI from "openai";
import { BENCH_KEY, BENCH_MODEL, benchProvider } from "./bench-provider.ts";
import { startOpenAIWireServer } from "./openai-wire-server.ts";

const CHUNKS = 50;
const MODEL = BENCH_MODEL;
const server = await startOpenAIWireServer({ chunks: CHUNKS });
const client = new OpenAI({ baseURL: server.baseURL, apiKey: BENCH_KEY, maxRetries: 0 });
const routed = await benchProvider(server.baseURL);
const gateway = await Ratatoskr.builder().use(routed).build();
const providerChat = routed.provider.chat;
if (providerChat?.stream === undefined) throw new Error(`${routed.name} has no chat stream`);
const providerChatStream: (request: ChatRequestV1) => AsyncIterable<unknown> =
  providerChat.stream.bind(providerChat);
const messages = [Message.user("Say hello.")];
const wire: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Say hello." }];

console.log(`gateway side through: ${routed.name}; node ${process.version}`);

// The harness's noise floor: the SDK against itself. What the gateway adds
// below is only meaningful beside this line.
const calibration = await compare(
  {
    name: "openai SDK (A)",
    run: () => client.chat.completions.create({ model: MODEL, messages: wire }),
  },
  {
    name: "openai SDK (B)",
    run: () => client.chat.completions.create({ model: MODEL, messages: wire }),
  },
  { rounds: 10, iterations: 500, warmup: 2_000 },
);
printComparison(
  "A/A calibration: the SDK against itself (noise floor)",
  calibration,
  "1.000×, 0 µs",
);

const unary = await compare(
  {
    name: "openai SDK chat.completions.create",
    run: () => client.chat.completions.create({ model: MODEL, messages: wire }),
  },
  { name: "gateway.chat", run: () => gateway.chat(messages, { model: MODEL }) },
  { rounds: 20, iterations: 500, warmup: 10_000 },
);
printComparison(
  "non-streaming chat on loopback: time the gateway adds per call",
  unary,
  "≤ 30 µs p50, ≤ 100 µs p99",
);

async function directStream(): Promise<number> {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: wire,
    stream: true,
    stream_options: { include_usage: true },
  });
  let chunks = 0;
  for await (const _ of stream) chunks++;
  return chunks;
}

/** The same provider's stream called directly, with a fresh signal per call (as the gateway gives it). */
async function providerStream(): Promise<number> {
  let events = 0;
  const request: ChatRequestV1 = {
    model: MODEL,
    messages,
    settings: {},
    providerOptions: {},
    signal: new AbortController().signal,
  };
  for await (const _ of providerChatStream(request)) events++;
  return events;
}

async function gatewayStream(): Promise<number> {
  let events = 0;
  for await (const _ of gateway.chatStream(messages, { model: MODEL })) events++;
  return events;
}

const streamCalibration = await compare(
  { name: `openai SDK stream (A)`, run: directStream },
  { name: `openai SDK stream (B)`, run: directStream },
  { rounds: 10, iterations: 100, warmup: 500 },
);
printComparison(
  "A/A calibration: SDK streams against themselves (noise floor)",
  streamCalibration,
  "1.000×",
);

const streams = await compare(
  { name: `openai SDK stream of ${CHUNKS} chunks`, run: directStream },
  { name: "gateway.chatStream", run: gatewayStream },
  { rounds: 20, iterations: 100, warmup: 2_000 },
);
printComparison(`${CHUNKS}-chunk streams on loopback`, streams, "≥ 0.97× the SDK's throughput");

// What the gateway's routed stream itself costs: the provider's stream
// called directly against the same stream through the gateway. The line
// above also includes the provider's SSE reading, which is not the SDK's.
const routing = await compare(
  { name: `${routed.name} chat.stream`, run: providerStream },
  { name: "gateway.chatStream", run: gatewayStream },
  { rounds: 20, iterations: 100, warmup: 2_000 },
);
printComparison(
  `${CHUNKS}-chunk streams: the gateway against its provider called directly`,
  routing,
  "context: the routed stream's own cost",
);

console.log(
  `\nserver answered ${server.requests.toLocaleString("en-US")} requests; peak RSS ${peakRssMiB().toFixed(0)} MiB`,
);
await gateway.dispose();
await server.close();
