/**
 * "No socket, timer or abort listener is left behind" (RELIABILITY.md rule
 * 7), measured: 5,000 aborted streaming calls through the gateway and the
 * OpenAI-wire provider against a loopback server. The test is bounded by
 * that amount of work, not by time: it waits for events (every upstream
 * response closed) and asserts on what is left behind, however long a busy
 * machine takes to get there.
 */
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FaultServer, startFaultServer } from "./fault-server.ts";
import { abortListeners, abortMany, activeResources, settledHeap } from "./leak-probe.ts";
import { CANARY_KEY } from "./suite-helpers.ts";
import { openaiStream } from "./wire-formats.ts";

/** Aborted calls measured (after a warm-up of 500). */
const CALLS = 5_000;

let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer(
    // The first content event after 2 ms, the rest slowly: every call is aborted mid-stream.
    { kind: "sse", chunks: openaiStream(["a", "b", "c", "d"]), delayMs: 2 },
    { record: false },
  );
});
afterAll(() => server.close());

it(`${CALLS.toLocaleString("en")} aborted calls leave no listener, timer, socket or heap growth behind`, async () => {
  const gateway = await Ratatoskr.builder()
    .use(createOpenAI({ apiKey: CANARY_KEY, baseURL: `${server.url}/v1` }))
    .timeouts({ idle: 30_000, attempt: 60_000, total: 120_000 })
    .build();
  const longLived = new AbortController();
  const model = "gpt-4o-mini";

  // Warm up (connection pool, JIT, lazy SDK import), then take the baseline.
  expect(await abortMany({ gateway, model, calls: 500, longLived: longLived.signal })).toBe(500);
  await server.allClosed();
  const heapBefore = await settledHeap();
  const before = activeResources();

  const started = performance.now();
  const aborted = await abortMany({ gateway, model, calls: CALLS, longLived: longLived.signal });
  const seconds = (performance.now() - started) / 1000;
  expect(aborted).toBe(CALLS);

  await server.allClosed();
  const heapAfter = await settledHeap();
  const after = activeResources();
  const growthMiB = (heapAfter - heapBefore) / 1024 / 1024;
  console.log(
    `leak probe: ${CALLS} aborted calls in ${seconds.toFixed(1)} s; abort listeners ${abortListeners(longLived.signal)}; ` +
      `heap ${(heapBefore / 1048576).toFixed(1)} → ${(heapAfter / 1048576).toFixed(1)} MiB; ` +
      `resources before ${JSON.stringify(before)} after ${JSON.stringify(after)}`,
  );

  expect(abortListeners(longLived.signal)).toBe(0);
  expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
  // Sockets: bounded by the concurrency (keep-alive pool; both ends live in this
  // process), not by the number of calls.
  expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(2 * 2 * 16);
  expect(server.loopback.openSockets()).toBeLessThanOrEqual(2 * 16);
  // Retaining even 1 KiB per call would be ~5 MiB; half of that fails the test.
  expect(growthMiB).toBeLessThan((CALLS * 0.5) / 1024);
  // A hang guard only: the amount of work bounds the test, however slow the machine.
}, 900_000);
