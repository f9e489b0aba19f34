/**
 * Test providers for the Generate page: one whose generation says a few
 * words and then waits for as long as its request lives (only an abort ends
 * it), to test Stop; and one that fails (after some words, or at once).
 */
import { type ProviderV1, RatatoskrError } from "@ratatoskr/core";

/** Resolves when `signal` aborts (at once if it has). */
export function abortOf(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * A generation provider (`id`, default `hanging`) that streams `words` and
 * then waits until its request aborts. `waiting` resolves when the first
 * call has said its words; `signals` are the signals it was given.
 */
export function hangingGenerator(id = "hanging", words: readonly string[] = ["Once ", "upon "]) {
  const signals: AbortSignal[] = [];
  let reportWaiting: () => void = () => {};
  const waiting = new Promise<void>((resolve) => {
    reportWaiting = resolve;
  });
  const provider: ProviderV1 = {
    specificationVersion: "v1",
    id,
    generation: {
      async *stream({ signal }) {
        signals.push(signal);
        for (const text of words) yield { type: "text", text };
        reportWaiting();
        await abortOf(signal);
        throw signal.reason;
      },
    },
  };
  return { provider, signals, waiting };
}

/**
 * A generation provider (`failing`) that streams `words`, then fails with
 * `error` (a provider error by default).
 */
export function failingGenerator(
  words: readonly string[] = ["Half "],
  error: RatatoskrError = new RatatoskrError({
    code: "provider",
    message: "The upstream server broke mid-stream",
    provider: "failing",
  }),
): ProviderV1 {
  return {
    specificationVersion: "v1",
    id: "failing",
    generation: {
      async *stream() {
        for (const text of words) yield { type: "text", text };
        throw error;
      },
    },
  };
}
