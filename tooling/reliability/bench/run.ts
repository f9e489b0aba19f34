/**
 * Reliability benchmarks: the load run (200 concurrent streams through the
 * gateway vs the provider called directly, loopback OpenAI-wire server) and
 * the leak probe (10,000 aborted calls). Prints figures; asserts nothing
 * about wall-clock time.
 *
 * Run: npx -y pnpm@12.4.2 --filter @ratatoskr/reliability-suite bench
 */
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import { startFaultServer } from "../src/fault-server.ts";
import { abortListeners, abortMany, activeResources, settledHeap } from "../src/leak-probe.ts";
import { formatLoadReport, runLoad } from "../src/load-run.ts";
import { CANARY_KEY } from "../src/suite-helpers.ts";
import { openaiStream } from "../src/wire-formats.ts";

const rounds = Number(process.env.LOAD_ROUNDS ?? 6);
console.log(`## Load: 200 concurrent streams, ${rounds} interleaved rounds`);
const report = await runLoad({ concurrency: 200, events: 50, rounds });
console.log(formatLoadReport(report));
if (report.failed + report.corrupted > 0) process.exitCode = 1;

console.log("\n## Leak probe: 10,000 aborted calls");
const server = await startFaultServer(
  { kind: "sse", chunks: openaiStream(["a", "b", "c", "d"]), delayMs: 2 },
  { record: false },
);
const gateway = await Ratatoskr.builder()
  .use(createOpenAI({ apiKey: CANARY_KEY, baseURL: `${server.url}/v1` }))
  .build();
const longLived = new AbortController();
await abortMany({ gateway, model: "gpt-4o-mini", calls: 500, longLived: longLived.signal });
await server.allClosed();
const heapBefore = await settledHeap();
const before = activeResources();
const started = performance.now();
await abortMany({ gateway, model: "gpt-4o-mini", calls: 10_000, longLived: longLived.signal });
const seconds = (performance.now() - started) / 1000;
await server.allClosed();
const heapAfter = await settledHeap();
console.log(
  `${seconds.toFixed(1)} s; abort listeners left on the long-lived signal: ${abortListeners(longLived.signal)}; ` +
    `heap after GC ${(heapBefore / 1048576).toFixed(1)} → ${(heapAfter / 1048576).toFixed(1)} MiB; ` +
    `active resources before ${JSON.stringify(before)}, after ${JSON.stringify(activeResources())}; ` +
    `upstream responses open: ${server.openResponses()}`,
);
await server.close();
