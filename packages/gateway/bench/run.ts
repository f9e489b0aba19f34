/**
 * Gateway dispatch overhead: gateway.chat / chatStream / embed through the
 * mock provider vs calling the same mock directly, same process,
 * interleaved rounds. Targets (issue "Foundation"): < 5 µs added per call,
 * >= 0.95x the direct stream throughput on a 10,000-event stream.
 *
 * Run: npx -y pnpm@12.4.2 --filter @ratatoskr/gateway bench
 */
import { compare, peakRssMiB, printComparison } from "@ratatoskr/bench";
import {
  type ChatEvent,
  type ChatRequestV1,
  type ChatStreamPartV1,
  Message,
} from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { Ratatoskr } from "../src/index.ts";

const mock = createMockProvider({ id: "mock" });
const gateway = await Ratatoskr.builder().use(mock).build();
const messages = [Message.user("hello world")];
const signal = new AbortController().signal;
const request: ChatRequestV1 = { model: "m", messages, settings: {}, providerOptions: {}, signal };
const embedRequest = { model: "m", values: ["hello"], providerOptions: {}, signal };
const chatResponse = { content: "hi", toolCalls: [], finishReason: "stop" as const };

function trim(): void {
  if (mock.calls.length > 5_000) mock.reset();
}

const STREAM_EVENTS = 10_000;
const streamScript: ChatStreamPartV1[] = [
  ...Array.from(
    { length: STREAM_EVENTS - 1 },
    (_, index): ChatStreamPartV1 => ({ type: "content", text: `t${index} ` }),
  ),
  { type: "done", finishReason: "stop" },
];

/** Consume a stream; the mock's own stream also carries one `response_metadata` part, which the gateway folds into `done`. */
async function consume(
  stream: AsyncIterable<ChatEvent | ChatStreamPartV1>,
  parts = STREAM_EVENTS,
): Promise<number> {
  let count = 0;
  for await (const _ of stream) count++;
  if (count !== parts) throw new Error(`expected ${parts} events, got ${count}`);
  return count;
}

const chat = await compare(
  {
    name: "mock.chat (direct)",
    run: () => {
      trim();
      mock.enqueueChat(chatResponse);
      return mock.chat!.complete!(request);
    },
  },
  {
    name: "gateway.chat",
    run: () => {
      trim();
      mock.enqueueChat(chatResponse);
      return gateway.chat(messages, { model: "m" });
    },
  },
  { rounds: 10, iterations: 2_000, interleave: "round" },
);
printComparison("chat dispatch", chat, "< 5 µs added per call");

const embed = await compare(
  {
    name: "mock.embed (direct)",
    run: () => {
      trim();
      return mock.embedding!.embed(embedRequest);
    },
  },
  {
    name: "gateway.embed",
    run: () => {
      trim();
      return gateway.embed("hello", "m");
    },
  },
  { rounds: 10, iterations: 2_000, interleave: "round" },
);
printComparison("embed dispatch", embed, "< 5 µs added per call");

const stream = await compare(
  {
    name: "mock.chatStream (direct)",
    run: () => {
      trim();
      mock.enqueueStream(streamScript);
      return consume(mock.chat!.stream!(request), STREAM_EVENTS + 1);
    },
  },
  {
    name: "gateway.chatStream",
    run: () => {
      trim();
      mock.enqueueStream(streamScript);
      return consume(gateway.chatStream(messages, { model: "m" }));
    },
  },
  { rounds: 10, iterations: 10, warmup: 5, interleave: "round" },
);
printComparison(
  `chatStream of ${STREAM_EVENTS.toLocaleString("en-US")} events`,
  stream,
  ">= 0.95x direct throughput",
);
/**
 * Context for the stream ratio: the cheapest wrapper that can look at an
 * event before the caller does (one `then` per event, no checks at all).
 * Any per-event observation costs at least this promise reaction.
 */
class ThinWrapper implements AsyncIterableIterator<ChatStreamPartV1> {
  readonly #inner: AsyncIterator<ChatStreamPartV1>;
  seen = 0;
  constructor(inner: AsyncIterable<ChatStreamPartV1>) {
    this.#inner = inner[Symbol.asyncIterator]();
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
  #onResult = (result: IteratorResult<ChatStreamPartV1>) => {
    this.seen++;
    return result;
  };
  next(): Promise<IteratorResult<ChatStreamPartV1>> {
    return this.#inner.next().then(this.#onResult);
  }
}
const floor = await compare(
  {
    name: "mock.chatStream (direct)",
    run: () => {
      trim();
      mock.enqueueStream(streamScript);
      return consume(mock.chat!.stream!(request), STREAM_EVENTS + 1);
    },
  },
  {
    name: "one then per event, no checks",
    run: () => {
      trim();
      mock.enqueueStream(streamScript);
      return consume(new ThinWrapper(mock.chat!.stream!(request)), STREAM_EVENTS + 1);
    },
  },
  { rounds: 10, iterations: 10, warmup: 5, interleave: "round" },
);
printComparison("floor of any observing wrapper (context for the ratio above)", floor);

// The idle watchdog on a stream whose parts arrive on separate event-loop
// turns (as from a socket): the default 30 s idle timeout against none. The
// watchdog reads no clock per part, so the two should match within noise.
const TURN_PARTS: ChatStreamPartV1[] = [
  ...Array.from({ length: 50 }, (): ChatStreamPartV1 => ({ type: "content", text: "tok " })),
  { type: "done", finishReason: "stop" },
];
function turnByTurnProvider() {
  const provider = createMockProvider({ id: "turns" });
  provider.chat!.stream = async function* () {
    for (const part of TURN_PARTS) {
      await new Promise((resolve) => setImmediate(resolve));
      yield part;
    }
  };
  return provider;
}
const idleOn = await Ratatoskr.builder().use(turnByTurnProvider()).build();
const idleOff = await Ratatoskr.builder().use(turnByTurnProvider()).timeouts({ idle: 0 }).build();
const watchdog = await compare(
  {
    name: "chatStream, idle timeout off",
    run: () => consume(idleOff.chatStream(messages, { model: "m" }), TURN_PARTS.length),
  },
  {
    name: "chatStream, default idle timeout",
    run: () => consume(idleOn.chatStream(messages, { model: "m" }), TURN_PARTS.length),
  },
  { rounds: 20, iterations: 300, warmup: 3_000 },
);
printComparison(
  "idle watchdog cost: 50 parts, one event-loop turn each",
  watchdog,
  "1.00× (no per-part cost)",
);

console.log(
  `\nper event: direct ${(stream.reference.meanNs / STREAM_EVENTS).toFixed(1)} ns, gateway ${(stream.candidate.meanNs / STREAM_EVENTS).toFixed(1)} ns; peak RSS ${peakRssMiB().toFixed(0)} MiB; node ${process.version}`,
);
