/**
 * RELIABILITY.md's "nothing lost" rules as one property over random fault
 * sequences: fast-check picks up to four faults from the table (for the
 * OpenAI-wire server, then a good stream), an optional caller abort after k
 * events, and checks, for every call:
 *
 * 1. exactly one terminal outcome (done last, or one typed error; one
 *    terminal hook), reached with time moving only on the fake clock;
 * 2. delivered text is a prefix of the upstream text, never a repeat;
 * 3. completed only after a finish marker (then the whole text);
 * 5. usage is the successful attempt's or absent, never zeros;
 * 6. attempts counted at the server stay within the budget.
 */
import { Message, type ProviderV1, RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useFakeClock } from "./fake-clock.ts";
import { type Fault, type FaultServer, startFaultServer } from "./fault-server.ts";
import { CANARY_KEY, consume, type HookRecorder, recordingHooks } from "./suite-helpers.ts";
import {
  anthropicErrorBody,
  anthropicErrorEvent,
  anthropicStream,
  openaiErrorBody,
  openaiMidStreamError,
  openaiStream,
} from "./wire-formats.ts";

const PIECES = ["one ", "two ", "three ", "four ", "five"];
const TEXT = PIECES.join("");
const MAX_ATTEMPTS = 3;
/** The total deadline, on the fake clock. */
const TOTAL_MS = 1_500;
/** The attempt and idle timeouts, on the fake clock. */
const STALL_MS = 80;

function commonFaults(
  good: (options?: { usage?: boolean; finish?: boolean }) => string[],
  errorBody: (message: string) => unknown,
  errorEvent: string,
  firstEvents: number,
): Record<string, Fault> {
  return {
    "429 retry-after-ms": {
      kind: "json",
      status: 429,
      headers: { "retry-after-ms": "5" },
      body: errorBody("Rate limit reached"),
    },
    "429 retry-after 3600": {
      kind: "json",
      status: 429,
      headers: { "retry-after": "3600" },
      body: errorBody("Rate limit reached"),
    },
    "503": { kind: "json", status: 503, body: errorBody("Overloaded") },
    "401": { kind: "json", status: 401, body: errorBody("Bad key") },
    "reset before headers": { kind: "reset-before-headers" },
    "reset after events": { kind: "sse", chunks: good().slice(0, firstEvents + 2), end: "reset" },
    "cut before finish": { kind: "sse", chunks: good({ finish: false }) },
    "error event first": { kind: "sse", chunks: [...good().slice(0, firstEvents), errorEvent] },
    "error event after text": {
      kind: "sse",
      chunks: [...good().slice(0, firstEvents + 1), errorEvent],
    },
    "silence after headers": { kind: "sse", chunks: [], end: "hang", keepAliveEveryMs: 10 },
    "silence after events": {
      kind: "sse",
      chunks: good().slice(0, firstEvents + 1),
      end: "hang",
      keepAliveEveryMs: 10,
    },
    "invalid JSON event": {
      kind: "sse",
      chunks: [...good().slice(0, firstEvents + 1), "data: {oops\n\n"],
    },
    "no usage": { kind: "sse", chunks: good({ usage: false }) },
  };
}

interface Wire {
  name: string;
  model: string;
  good: () => string[];
  faults: Record<string, Fault>;
  plugin: (url: string) => ProviderV1;
}

const WIRES: Wire[] = [
  {
    name: "OpenAI wire",
    model: "gpt-4o-mini",
    good: () => openaiStream(PIECES),
    faults: commonFaults(
      (options) =>
        openaiStream(PIECES, {
          usage: options?.usage ?? true,
          finishReason: options?.finish === false ? null : "stop",
        }),
      (message) => openaiErrorBody(message, "server_error"),
      openaiMidStreamError(502, "Upstream error"),
      1,
    ),
    plugin: (url) => createOpenAI({ apiKey: CANARY_KEY, baseURL: `${url}/v1` }),
  },
  {
    name: "Anthropic",
    model: "claude-sonnet-4-6",
    good: () => anthropicStream(PIECES),
    faults: commonFaults(
      (options) => {
        const events = anthropicStream(PIECES, { stop: options?.finish !== false });
        // Anthropic always reports usage; "no usage" here is the same good stream.
        return events;
      },
      (message) => anthropicErrorBody("api_error", message),
      anthropicErrorEvent("overloaded_error", "Overloaded"),
      3,
    ),
    plugin: (url) => createAnthropic({ apiKey: CANARY_KEY, baseURL: url }),
  },
];

/**
 * Drive the fake clock for one call until `done` settles. Time moves only on
 * events: when the gateway announces a retry wait, the clock jumps by that
 * wait; when the server goes silent on purpose, the clock moves 1 ms per turn
 * of the event loop until the call reacts (it ends, retries, or sends a new
 * request), so the deadline fires in fake time whatever the machine's speed,
 * and events already on the wire are read first or after, both valid. A
 * timer nobody announced would leave the call hanging, and the test's
 * timeout would report it.
 */
async function driveClock(
  done: Promise<unknown>,
  server: FaultServer,
  recorder: HookRecorder,
): Promise<void> {
  let finished = false;
  const ended = done.then(
    () => {
      finished = true;
      return "done" as const;
    },
    () => {
      finished = true;
      return "done" as const;
    },
  );
  const retries = () => recorder.events.filter(([name]) => name === "retry").length;
  let retried = 0;
  let hangs = 0;
  let stalledAtHit: number | undefined;
  while (!finished) {
    if (retries() > retried) {
      const retry = (await recorder.nth("retry", ++retried)) as { waitMs: number };
      stalledAtHit = undefined;
      await vi.advanceTimersByTimeAsync(retry.waitMs);
      continue;
    }
    if (stalledAtHit !== undefined && server.hits === stalledAtHit) {
      await vi.advanceTimersByTimeAsync(1);
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    stalledAtHit = undefined;
    const step = await Promise.race([
      ended,
      recorder.nth("retry", retried + 1).then(() => "retry" as const),
      server.hung(hangs + 1).then(() => "hang" as const),
    ]);
    if (step === "hang") {
      hangs++;
      stalledAtHit = server.hits;
    }
  }
}

describe.each(WIRES)("$name", (wire) => {
  let server: FaultServer;

  beforeAll(async () => {
    server = await startFaultServer({ kind: "sse", chunks: wire.good() });
  });
  afterAll(() => server.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it("every call ends once, with nothing repeated, lost or invented", async () => {
    const recorder = recordingHooks();
    const gateway = await Ratatoskr.builder()
      .use(wire.plugin(server.url))
      .retry({ initialDelayMs: 1, maxDelayMs: 3, maxAttempts: MAX_ATTEMPTS })
      .timeouts({ total: TOTAL_MS, attempt: STALL_MS, idle: STALL_MS })
      .cooldown(false)
      .hooks(recorder.hooks)
      .build();
    const messages = [Message.user("count")];
    // Every timer runs on the fake clock, which moves only when driveClock says.
    useFakeClock();
    // The usage a good stream reports: any reported usage must equal it.
    const reference = await consume(gateway.chatStream(messages, { model: wire.model }));
    expect(reference.error).toBeUndefined();
    expect(reference.text).toBe(TEXT);
    const referenceUsage = (reference.events.at(-1) as { usage?: unknown }).usage;
    const FAULTS = wire.faults;

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...Object.keys(FAULTS)), { maxLength: 4 }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        async (faults, abortAfter) => {
          server.reset();
          recorder.events.length = 0;
          server.enqueue(...faults.map((name) => FAULTS[name]!));
          const controller = new AbortController();
          let text = "";
          let count = 0;
          const events: string[] = [];
          let usage: unknown;
          let error: unknown;
          const call = (async () => {
            try {
              for await (const event of gateway.chatStream(messages, {
                model: wire.model,
                signal: controller.signal,
              })) {
                events.push(event.type);
                if (event.type === "content") text += event.text;
                if (event.type === "done") usage = event.usage;
                if (++count === abortAfter) controller.abort();
              }
            } catch (caught) {
              error = caught;
            }
          })();
          await driveClock(call, server, recorder);

          // 1. One terminal outcome (it ended: a call that never ends fails the test by its timeout).
          const terminalHooks = recorder.events.filter(
            ([name]) => name === "complete" || name === "error",
          );
          expect(terminalHooks).toHaveLength(1);
          if (error === undefined) {
            expect(events.at(-1)).toBe("done");
            expect(events.filter((type) => type === "done")).toHaveLength(1);
            expect(terminalHooks[0]![0]).toBe("complete");
          } else {
            expect(RatatoskrError.isInstance(error)).toBe(true);
            expect(events).not.toContain("done");
            expect(terminalHooks[0]![0]).toBe("error");
            // 2. The error keeps exactly what was delivered.
            expect((error as RatatoskrError).partial?.content ?? "").toBe(text);
          }
          // 2. Delivered text is a prefix of the upstream text: nothing repeated after a retry.
          expect(TEXT.startsWith(text)).toBe(true);
          // 3. Completed only after a finish marker: then the whole text.
          if (error === undefined) expect(text).toBe(TEXT);
          // 5. Usage: the successful attempt's, or unknown — never zeros.
          if (usage !== undefined) expect(usage).toEqual(referenceUsage);
          if (
            wire.name === "OpenAI wire" &&
            faults.at(-1) === "no usage" &&
            server.hits === faults.length &&
            error === undefined
          ) {
            expect(usage).toBeUndefined();
          }
          // 6. Attempts within the budget, counted at the server.
          expect(server.hits).toBeLessThanOrEqual(MAX_ATTEMPTS);
          // No stream left open upstream.
          await server.allClosed();
        },
      ),
      { numRuns: 80 },
    );
  });
});
