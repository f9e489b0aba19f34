/**
 * Benchmark: the Ratatoskr gateway with the Anthropic provider against the
 * Anthropic SDK called directly, on the same loopback Anthropic-format mock.
 * Interleaved A/B rounds (tooling/bench `compare()`); prints added
 * microseconds per call (p50/p99) and the streaming throughput ratio.
 *
 * Run: `npx -y pnpm@12.4.2 --filter @ratatoskr/provider-gateway-tests bench:anthropic`
 * Targets: ≤ 100 µs added per call at p99; ≥ 0.9× stream throughput.
 */
import Anthropic from "@anthropic-ai/sdk";
import { compare, peakRssMiB, printComparison, type Variant } from "@ratatoskr/bench";
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import { startAnthropicMock } from "@ratatoskr/provider-anthropic/internal/test-support";

const KEY = "bench-key-not-secret-0001";
const MODEL = "claude-sonnet-4-6";
const STREAM_DELTAS = Number(process.env.BENCH_STREAM_DELTAS ?? 2000);
const quick = process.env.BENCH_QUICK === "1";

const mock = await startAnthropicMock({ record: false });
const sdk = new Anthropic({ apiKey: KEY, baseURL: mock.url, maxRetries: 0 });
const gateway = await Ratatoskr.builder()
  .use(createAnthropic({ apiKey: KEY, baseURL: mock.url }))
  .build();
const messages = [Message.user("Say hello.")];

const messageJson = JSON.stringify({
  id: "msg_bench",
  type: "message",
  role: "assistant",
  model: MODEL,
  content: [{ type: "text", text: "Hello! How can I help you today?", citations: null }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: {
    input_tokens: 12,
    output_tokens: 9,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  },
});

function streamBody(deltas: number): string {
  const event = (value: object) =>
    `event: ${(value as { type: string }).type}\ndata: ${JSON.stringify(value)}\n\n`;
  const parts = [
    event({
      type: "message_start",
      message: {
        id: "msg_bench",
        type: "message",
        role: "assistant",
        model: MODEL,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 1 },
      },
    }),
    event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  ];
  for (let i = 0; i < deltas; i++) {
    parts.push(
      event({
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: `token${i} ` },
      }),
    );
  }
  parts.push(
    event({ type: "content_block_stop", index: 0 }),
    event({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: deltas },
    }),
    event({ type: "message_stop" }),
  );
  return parts.join("");
}

const lines: string[] = [];

/** The SDK streaming one message, consumed to the end. */
function sdkStreamVariant(name: string, client: Anthropic): Variant {
  return {
    name,
    run: async () => {
      const stream = await client.messages.create({
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: "user", content: "Say hello." }],
        stream: true,
      });
      for await (const _event of stream) {
        // consume
      }
    },
  };
}

/** The gateway streaming the same request, consumed to the end. */
function gatewayStreamVariant(
  name: string,
  through: { chatStream: typeof gateway.chatStream },
): Variant {
  return {
    name,
    run: async () => {
      for await (const _event of through.chatStream(messages, { model: MODEL, maxTokens: 1024 })) {
        // consume
      }
    },
  };
}

// 1. One non-streaming chat call: added latency per call.
mock.setDefault({ json: messageJson });
const chat = await compare(
  {
    name: "sdk messages.create",
    run: () =>
      sdk.messages.create({
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: "user", content: "Say hello." }],
      }),
  },
  { name: "gateway.chat", run: () => gateway.chat(messages, { model: MODEL, maxTokens: 1024 }) },
  { rounds: quick ? 4 : 10, iterations: quick ? 100 : 300 },
);
lines.push(printComparison("chat, one call (JSON answer)", chat, "≤ 100 µs added at p99"));

// 1b. The same call through the provider alone (no gateway): the provider's own share.
const provider = createAnthropic({ apiKey: KEY, baseURL: mock.url });
const signal = new AbortController().signal;
const pluginChat = await compare(
  {
    name: "sdk messages.create",
    run: () =>
      sdk.messages.create({
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: "user", content: "Say hello." }],
      }),
  },
  {
    name: "provider chat.complete",
    run: () =>
      provider.chat.complete({
        model: MODEL,
        messages,
        settings: { maxTokens: 1024 },
        providerOptions: {},
        signal,
      }),
  },
  { rounds: quick ? 4 : 10, iterations: quick ? 100 : 300 },
);
lines.push(
  printComparison("chat through the provider alone", pluginChat, "provider share of the overhead"),
);

// 2. A short stream (one delta): added latency per streamed call.
mock.setDefault({ sse: streamBody(1) });
const shortStream = await compare(
  sdkStreamVariant("sdk stream (1 delta)", sdk),
  gatewayStreamVariant("gateway.chatStream (1 delta)", gateway),
  { rounds: quick ? 4 : 10, iterations: quick ? 100 : 300 },
);
lines.push(printComparison("chatStream, short stream", shortStream, "≤ 100 µs added at p99"));

// 3. A long stream: throughput of event delivery.
mock.setDefault({ sse: streamBody(STREAM_DELTAS) });
const longStream = await compare(
  sdkStreamVariant(`sdk stream (${STREAM_DELTAS} deltas)`, sdk),
  gatewayStreamVariant(`gateway.chatStream (${STREAM_DELTAS} deltas)`, gateway),
  { rounds: quick ? 4 : 8, iterations: quick ? 5 : 20 },
);
lines.push(printComparison("chatStream, long stream throughput", longStream, "≥ 0.9× throughput"));

// 4. Without sockets: both sides get an in-memory fetch that answers at once,
//    so the added time is the gateway's and the mapping's CPU cost alone
//    (loopback p99 on a busy machine is mostly scheduler noise).
const memoryFetch =
  (body: string, type: string): typeof fetch =>
  async () =>
    new Response(body, {
      status: 200,
      headers: { "content-type": type, "request-id": "req_bench" },
    });
const memorySdk = (body: string, type: string) =>
  new Anthropic({
    apiKey: KEY,
    baseURL: "http://memory.invalid",
    maxRetries: 0,
    fetch: memoryFetch(body, type),
  });
const memoryGateway = async (body: string, type: string) =>
  Ratatoskr.builder()
    .use(
      createAnthropic({
        apiKey: KEY,
        baseURL: "http://memory.invalid",
        fetch: memoryFetch(body, type),
      }),
    )
    .build();
const memoryChatSdk = memorySdk(messageJson, "application/json");
const memoryChatGateway = await memoryGateway(messageJson, "application/json");
const memoryChat = await compare(
  {
    name: "sdk messages.create (in-memory)",
    run: () =>
      memoryChatSdk.messages.create({
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: "user", content: "Say hello." }],
      }),
  },
  {
    name: "gateway.chat (in-memory)",
    run: () => memoryChatGateway.chat(messages, { model: MODEL, maxTokens: 1024 }),
  },
  { rounds: quick ? 4 : 10, iterations: quick ? 300 : 1000 },
);
lines.push(printComparison("chat, in-memory fetch", memoryChat, "≤ 100 µs added at p99"));
const shortBody = streamBody(1);
const memoryStreamSdk = memorySdk(shortBody, "text/event-stream");
const memoryStreamGateway = await memoryGateway(shortBody, "text/event-stream");
const memoryStream = await compare(
  sdkStreamVariant("sdk stream (in-memory)", memoryStreamSdk),
  gatewayStreamVariant("gateway.chatStream (in-memory)", memoryStreamGateway),
  { rounds: quick ? 4 : 10, iterations: quick ? 300 : 1000 },
);
lines.push(
  printComparison("chatStream (1 delta), in-memory fetch", memoryStream, "≤ 100 µs added at p99"),
);

const verdict = [
  `chat: added p99 ${chat.addedP99Us.toFixed(1)} µs ${chat.addedP99Us <= 100 ? "(meets ≤ 100 µs)" : "(MISSES ≤ 100 µs)"}`,
  `short stream: added p99 ${shortStream.addedP99Us.toFixed(1)} µs ${shortStream.addedP99Us <= 100 ? "(meets ≤ 100 µs)" : "(MISSES ≤ 100 µs)"}`,
  `chat (in-memory): added p50 ${memoryChat.addedP50Us.toFixed(1)} µs, p99 ${memoryChat.addedP99Us.toFixed(1)} µs ${memoryChat.addedP99Us <= 100 ? "(meets ≤ 100 µs)" : "(MISSES ≤ 100 µs)"}`,
  `short stream (in-memory): added p50 ${memoryStream.addedP50Us.toFixed(1)} µs, p99 ${memoryStream.addedP99Us.toFixed(1)} µs ${memoryStream.addedP99Us <= 100 ? "(meets ≤ 100 µs)" : "(MISSES ≤ 100 µs)"}`,
  `long stream: throughput ${longStream.throughputRatio.toFixed(3)}× ${longStream.throughputRatio >= 0.9 ? "(meets ≥ 0.9×)" : "(MISSES ≥ 0.9×)"}`,
  `peak RSS ${peakRssMiB().toFixed(0)} MiB; node ${process.version}`,
];
console.log(`\n${verdict.join("\n")}`);

await mock.close();
