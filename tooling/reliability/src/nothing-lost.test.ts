/**
 * RELIABILITY.md's "nothing lost" rules as one property over random fault
 * sequences: fast-check picks up to four faults from the table (for the
 * OpenAI-wire server, then a good stream), an optional caller abort after k
 * events, and checks, for every call:
 *
 * 1. exactly one terminal outcome (done last, or one typed error; one
 *    terminal hook) within the bound;
 * 2. delivered text is a prefix of the upstream text, never a repeat;
 * 3. completed only after a finish marker (then the whole text);
 * 5. usage is the successful attempt's or absent, never zeros;
 * 6. attempts counted at the server stay within the budget.
 */
import { Message, RatatoskrError } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Fault, type FaultServer, startFaultServer } from "./fault-server.ts";
import { CANARY_KEY, recordingHooks, waitFor } from "./suite-helpers.ts";
import { openaiErrorBody, openaiMidStreamError, openaiStream } from "./wire-formats.ts";

const PIECES = ["one ", "two ", "three ", "four ", "five"];
const TEXT = PIECES.join("");
const MAX_ATTEMPTS = 3;
const TOTAL_MS = 1_500;

const FAULTS: Record<string, Fault> = {
  "429 retry-after-ms": {
    kind: "json",
    status: 429,
    headers: { "retry-after-ms": "5" },
    body: openaiErrorBody("Rate limit reached", "requests"),
  },
  "429 retry-after 3600": {
    kind: "json",
    status: 429,
    headers: { "retry-after": "3600" },
    body: openaiErrorBody("Rate limit reached", "requests"),
  },
  "503": { kind: "json", status: 503, body: openaiErrorBody("Overloaded", "server_error") },
  "401": { kind: "json", status: 401, body: openaiErrorBody("Bad key", "invalid_request_error") },
  "reset before headers": { kind: "reset-before-headers" },
  "reset after events": { kind: "sse", chunks: openaiStream(PIECES).slice(0, 3), end: "reset" },
  "cut before finish": { kind: "sse", chunks: openaiStream(PIECES, { finishReason: null }) },
  "error event first": { kind: "sse", chunks: [openaiMidStreamError(502, "Upstream error")] },
  "error event after text": {
    kind: "sse",
    chunks: [...openaiStream(PIECES).slice(0, 2), openaiMidStreamError(502, "Upstream error")],
  },
  "silence after headers": { kind: "sse", chunks: [], end: "hang", keepAliveEveryMs: 10 },
  "silence after events": {
    kind: "sse",
    chunks: openaiStream(PIECES).slice(0, 2),
    end: "hang",
    keepAliveEveryMs: 10,
  },
  "invalid JSON event": {
    kind: "sse",
    chunks: [...openaiStream(PIECES).slice(0, 2), "data: {oops\n\n"],
  },
  "no usage": { kind: "sse", chunks: openaiStream(PIECES, { usage: false }) },
};

let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer({ kind: "sse", chunks: openaiStream(PIECES), delayMs: 1 });
});
afterAll(() => server.close());

it("every call ends once, in time, with nothing repeated, lost or invented", async () => {
  const recorder = recordingHooks();
  const gateway = await Ratatoskr.builder()
    .use(createOpenAI({ apiKey: CANARY_KEY, baseURL: `${server.url}/v1` }))
    .retry({ initialDelayMs: 1, maxDelayMs: 3, maxAttempts: MAX_ATTEMPTS })
    .timeouts({ total: TOTAL_MS, attempt: 80, idle: 80 })
    .cooldown(false)
    .hooks(recorder.hooks)
    .build();
  const messages = [Message.user("count")];

  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...Object.keys(FAULTS)), { maxLength: 4 }),
      fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      async (faults, abortAfter) => {
        server.reset();
        recorder.events.length = 0;
        server.enqueue(...faults.map((name) => FAULTS[name]!));
        const controller = new AbortController();
        const started = performance.now();
        let text = "";
        let count = 0;
        const events: string[] = [];
        let usage: unknown;
        let error: unknown;
        try {
          for await (const event of gateway.chatStream(messages, {
            model: "gpt-4o-mini",
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
        const elapsed = performance.now() - started;

        // 1. One terminal outcome, within the bound.
        expect(elapsed).toBeLessThan(TOTAL_MS + 500);
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
        if (usage !== undefined) {
          expect(usage).toMatchObject({ promptTokens: 9, completionTokens: PIECES.length });
        }
        if (faults.length > 0 && faults.at(-1) === "no usage" && server.hits === faults.length) {
          expect(usage).toBeUndefined();
        }
        // 6. Attempts within the budget, counted at the server.
        expect(server.hits).toBeLessThanOrEqual(MAX_ATTEMPTS);
        // No stream left open upstream.
        expect(await waitFor(() => server.openResponses() === 0, 1_000)).toBe(true);
      },
    ),
    { numRuns: 100 },
  );
});
