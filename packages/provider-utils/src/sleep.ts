/**
 * The one abortable wait shared by the gateway's retry backoff, the
 * playground's demo provider and provider packages.
 */
import { abortedError } from "@ratatoskr/core";

/**
 * Wait `milliseconds`, or reject with the abort error (core's
 * `abortedError`, which keeps a `RatatoskrError` reason as it is) as soon as
 * `signal` aborts. An already-aborted signal rejects at once, even for a
 * zero wait; no signal is a plain wait. The timer and the listener are both
 * removed whichever comes first, so a long-lived signal keeps no listener.
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  if (milliseconds <= 0) return Promise.resolve();
  if (signal === undefined) {
    return new Promise<void>((resolve) => setTimeout(resolve, milliseconds));
  }
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
