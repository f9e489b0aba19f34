/**
 * Load run: batches of concurrent streams against a loopback OpenAI-wire
 * server, through the gateway and through the same provider plugin called
 * directly, in alternating rounds. Every stream's text is checked against
 * what the server sent (nothing corrupted, nothing lost); the report gives
 * throughput, per-stream latency percentiles, the p99 the gateway adds, and
 * peak RSS.
 */
import { peakRssMiB, percentile } from "@ratatoskr/bench";
import { type ChatEvent, type ChatStreamPartV1, Message, type ProviderV1 } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import { chatRequestFor } from "@ratatoskr/testing";
import { type FaultServer, startFaultServer } from "./fault-server.ts";
import { CANARY_KEY } from "./suite-helpers.ts";
import { openaiStream } from "./wire-formats.ts";

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Streams in flight at once (default 200). */
  concurrency?: number;
  /** Content events per stream (default 50). */
  events?: number;
  /** Rounds; each runs one direct batch and one gateway batch (default 3). */
  rounds?: number;
}

/** Percentiles of per-stream latency, in ms. */
export interface LatencyStats {
  p50: number;
  p99: number;
  max: number;
}

/** What a load run measured. */
export interface LoadReport {
  concurrency: number;
  events: number;
  streams: number;
  /** Streams that completed with exactly the server's text. */
  completed: number;
  corrupted: number;
  failed: number;
  /** Gateway streams per second and content events per second (wall time of the gateway batches). */
  streamsPerSecond: number;
  eventsPerSecond: number;
  direct: LatencyStats;
  gateway: LatencyStats;
  /** gateway p99 − direct p99, ms. */
  addedP99Ms: number;
  addedP50Ms: number;
  peakRssMiB: number;
  seconds: number;
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! };
}

/** Run the load; starts and stops its own loopback server. */
export async function runLoad(options: LoadOptions = {}): Promise<LoadReport> {
  const concurrency = options.concurrency ?? 200;
  const eventCount = options.events ?? 50;
  const rounds = options.rounds ?? 3;
  const pieces = Array.from({ length: eventCount }, (_, index) => `w${index} `);
  const expected = pieces.join("");
  const server: FaultServer = await startFaultServer(
    { kind: "sse", chunks: [openaiStream(pieces).join("")] },
    { record: false },
  );
  const started = performance.now();
  try {
    const provider: ProviderV1 = createOpenAI({
      apiKey: CANARY_KEY,
      baseURL: `${server.url}/v1`,
    });
    const gateway = await Ratatoskr.builder().use(provider).build();
    const messages = [Message.user("load")];
    const direct = (): AsyncIterable<ChatEvent | ChatStreamPartV1> =>
      provider.chat!.stream!(chatRequestFor(messages, { model: "gpt-4o-mini" }));
    const routed = (): AsyncIterable<ChatEvent> =>
      gateway.chatStream(messages, { model: "gpt-4o-mini" });

    let completed = 0;
    let corrupted = 0;
    let failed = 0;
    const latencies = { direct: [] as number[], gateway: [] as number[] };
    let gatewayWallMs = 0;
    let gatewayStreams = 0;

    async function one(
      open: () => AsyncIterable<ChatEvent | ChatStreamPartV1>,
      into: number[],
    ): Promise<void> {
      const begin = performance.now();
      let text = "";
      let done = false;
      try {
        for await (const event of open()) {
          if (event.type === "content") text += event.text;
          else if (event.type === "done") done = true;
        }
      } catch {
        failed++;
        return;
      }
      into.push(performance.now() - begin);
      if (done && text === expected) completed++;
      else corrupted++;
    }

    async function batch(
      open: () => AsyncIterable<ChatEvent | ChatStreamPartV1>,
      into: number[],
    ): Promise<number> {
      const begin = performance.now();
      await Promise.all(Array.from({ length: concurrency }, () => one(open, into)));
      return performance.now() - begin;
    }

    await batch(direct, []); // warm-up: connections, JIT
    await batch(routed, []);
    completed = 0;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ["direct", "gateway"] : ["gateway", "direct"];
      for (const side of order) {
        if (side === "direct") {
          await batch(direct, latencies.direct);
        } else {
          gatewayWallMs += await batch(routed, latencies.gateway);
          gatewayStreams += concurrency;
        }
      }
    }
    const directStats = stats(latencies.direct);
    const gatewayStats = stats(latencies.gateway);
    return {
      concurrency,
      events: eventCount,
      streams: 2 * rounds * concurrency,
      completed,
      corrupted,
      failed,
      streamsPerSecond: gatewayStreams / (gatewayWallMs / 1000),
      eventsPerSecond: (gatewayStreams * eventCount) / (gatewayWallMs / 1000),
      direct: directStats,
      gateway: gatewayStats,
      addedP99Ms: gatewayStats.p99 - directStats.p99,
      addedP50Ms: gatewayStats.p50 - directStats.p50,
      peakRssMiB: peakRssMiB(),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await server.close();
  }
}

/** The report as a few printable lines. */
export function formatLoadReport(report: LoadReport): string {
  const ms = (value: number) => value.toFixed(1);
  return [
    `${report.streams} streams (${report.concurrency} concurrent × ${report.events} content events), ${report.seconds.toFixed(1)} s, node ${process.version}`,
    `completed ${report.completed}, corrupted ${report.corrupted}, failed ${report.failed}`,
    `gateway throughput: ${report.streamsPerSecond.toFixed(0)} streams/s, ${Math.round(report.eventsPerSecond).toLocaleString("en-US")} events/s`,
    `per-stream latency  direct p50 ${ms(report.direct.p50)} ms, p99 ${ms(report.direct.p99)} ms | gateway p50 ${ms(report.gateway.p50)} ms, p99 ${ms(report.gateway.p99)} ms`,
    `added by the gateway: p50 ${ms(report.addedP50Ms)} ms, p99 ${ms(report.addedP99Ms)} ms; peak RSS ${report.peakRssMiB.toFixed(0)} MiB`,
  ].join("\n");
}
