/**
 * The mixed load sent through the balancer, and how each call ended: chat
 * streams (each prompt distinct, its expected text known) and embeddings,
 * every outcome classified as completed (with exactly the right content),
 * a typed `RatatoskrError` before the first event, one after events, or a
 * defect (wrong content, an untyped error, a duplicated or missing `done`).
 */
import type { ServiceClient } from "@ratatoskr/client";
import { RatatoskrError } from "@ratatoskr/core";
import { expectedText, expectedVector } from "./mock-upstream.ts";

/** The chat model (the `openai` provider, pointed at the mock upstream). */
export const CHAT_MODEL = "openai:gpt-4o-mini";
/** The embedding model (the `ollama` provider, pointed at the mock upstream). */
export const EMBED_MODEL = "ollama:nomic-embed-text";

/** How one call ended. */
export type OutcomeKind =
  | "completed"
  | "error_before_events"
  | "error_after_events"
  /** A defect: wrong or partial content reported complete, an untyped error, a duplicated `done`. */
  | "defect";

/** One call's outcome. */
export interface Outcome {
  readonly index: number;
  readonly call: "chat" | "embed";
  readonly input: string;
  readonly kind: OutcomeKind;
  /** The typed error's code, for the two error kinds. */
  readonly code?: string;
  /** The typed error's message (its first 200 characters), for the two error kinds. */
  readonly message?: string;
  /** What went wrong, for a defect. */
  readonly defect?: string;
  /** From the call's start to its end, ms. */
  readonly latencyMs: number;
}

/** The distinct prompt (or embedding input) of call `index` in round `round`. */
export function inputFor(round: string, index: number): string {
  return `${round}-${index}: ${["alpha", "bravo", "charlie", "delta", "echo"][index % 5]} ${index * 7919}`;
}

/** Hooks the test uses to act at a moment of the run (e.g. kill an instance). */
export interface LoadHooks {
  /** Called when a chat stream's first content event arrived, with its prompt. */
  onFirstContent?(prompt: string): void;
}

async function runChat(
  client: ServiceClient,
  index: number,
  prompt: string,
  hooks: LoadHooks,
): Promise<Outcome> {
  const started = performance.now();
  const end = (rest: Omit<Outcome, "index" | "call" | "input" | "latencyMs">): Outcome => ({
    index,
    call: "chat",
    input: prompt,
    latencyMs: performance.now() - started,
    ...rest,
  });
  let text = "";
  let events = 0;
  let done = 0;
  try {
    for await (const event of client.chatStream([{ role: "user", content: prompt }], {
      model: CHAT_MODEL,
    })) {
      if (done > 0) return end({ kind: "defect", defect: `an event after done: ${event.type}` });
      events += 1;
      if (event.type === "content") {
        if (text === "") hooks.onFirstContent?.(prompt);
        text += event.text;
      }
      if (event.type === "done") done += 1;
    }
  } catch (error) {
    if (!RatatoskrError.isInstance(error)) {
      return end({ kind: "defect", defect: `untyped error: ${String(error).slice(0, 200)}` });
    }
    return end({
      kind: events === 0 ? "error_before_events" : "error_after_events",
      code: error.code,
      message: error.message.slice(0, 200),
    });
  }
  if (done !== 1) return end({ kind: "defect", defect: `${done} done events` });
  const expected = expectedText(prompt);
  if (text !== expected) {
    return end({
      kind: "defect",
      defect: `wrong text for ${JSON.stringify(prompt)}: ${JSON.stringify(text.slice(0, 120))}`,
    });
  }
  return end({ kind: "completed" });
}

async function runEmbed(client: ServiceClient, index: number, input: string): Promise<Outcome> {
  const started = performance.now();
  const end = (rest: Omit<Outcome, "index" | "call" | "input" | "latencyMs">): Outcome => ({
    index,
    call: "embed",
    input,
    latencyMs: performance.now() - started,
    ...rest,
  });
  try {
    const embedding = await client.embed(input, EMBED_MODEL);
    const expected = expectedVector(input);
    const same =
      embedding.values.length === expected.length &&
      embedding.values.every(
        (value, slot) => Math.abs(value - (expected[slot] ?? Number.NaN)) < 1e-6,
      );
    return same
      ? end({ kind: "completed" })
      : end({ kind: "defect", defect: `wrong vector for ${JSON.stringify(input)}` });
  } catch (error) {
    if (!RatatoskrError.isInstance(error)) {
      return end({ kind: "defect", defect: `untyped error: ${String(error).slice(0, 200)}` });
    }
    // A unary call has no events: any typed failure ended it before one.
    return end({
      kind: "error_before_events",
      code: error.code,
      message: error.message.slice(0, 200),
    });
  }
}

/**
 * Send `count` calls at once through `client`: every fourth an embedding,
 * the rest chat streams. Resolves with every outcome, in call order.
 */
export function sendMixedLoad(
  client: ServiceClient,
  round: string,
  count: number,
  hooks: LoadHooks = {},
): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) => {
      const input = inputFor(round, index);
      return index % 4 === 3
        ? runEmbed(client, index, input)
        : runChat(client, index, input, hooks);
    }),
  );
}

/** Outcome counts by kind, and by error code. */
export interface OutcomeSummary {
  readonly total: number;
  readonly completed: number;
  readonly errorBeforeEvents: number;
  readonly errorAfterEvents: number;
  readonly defects: number;
  readonly codes: Readonly<Record<string, number>>;
  /** Completed calls per second over `wallMs`. */
  readonly throughput: number;
  /** The 99th percentile latency of completed calls, ms. */
  readonly p99Ms: number;
  readonly wallMs: number;
}

/** Count `outcomes` of a run that took `wallMs`. */
export function summarize(outcomes: readonly Outcome[], wallMs: number): OutcomeSummary {
  const count = (kind: OutcomeKind) => outcomes.filter((outcome) => outcome.kind === kind).length;
  const codes: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.code !== undefined) codes[outcome.code] = (codes[outcome.code] ?? 0) + 1;
  }
  const latencies = outcomes
    .filter((outcome) => outcome.kind === "completed")
    .map((outcome) => outcome.latencyMs)
    .sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
  const completed = count("completed");
  return {
    total: outcomes.length,
    completed,
    errorBeforeEvents: count("error_before_events"),
    errorAfterEvents: count("error_after_events"),
    defects: count("defect"),
    codes,
    throughput: wallMs > 0 ? (completed * 1000) / wallMs : 0,
    p99Ms: p99 ?? 0,
    wallMs,
  };
}

/** The one-line summary the test prints. */
export function summaryLine(label: string, summary: OutcomeSummary): string {
  const codes = Object.entries(summary.codes)
    .map(([code, n]) => `${code}=${n}`)
    .join(" ");
  return `scale-out ${label}: ${summary.total} calls, completed=${summary.completed} error_before_events=${summary.errorBeforeEvents} error_after_events=${summary.errorAfterEvents} defects=${summary.defects}${codes === "" ? "" : ` (codes: ${codes})`}; ${summary.throughput.toFixed(1)} completed/s over ${(summary.wallMs / 1000).toFixed(2)} s; p99 ${summary.p99Ms.toFixed(0)} ms`;
}
