/**
 * AbortSignal helpers that never leak listeners.
 */

import { abortedError } from "@ratatoskr/core";

/**
 * A controller aborted when any of `signals` aborts. Call `dispose()` when
 * done so the listeners on long-lived parent signals are removed.
 */
export function linkSignals(...signals: Array<AbortSignal | undefined>): {
  /** Aborts when any of `signals` does (with its reason), or on `abort()`. */
  signal: AbortSignal;
  /** Abort `signal` directly, with `reason`. */
  abort: (reason?: unknown) => void;
  /** Remove the listeners on the parent signals (idempotent). */
  dispose: () => void;
} {
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];
  for (const parent of signals) {
    if (parent === undefined) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener("abort", onAbort));
  }
  return {
    signal: controller.signal,
    abort: (reason?: unknown) => controller.abort(reason),
    dispose: () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}

/**
 * `promise`, or an `aborted` rejection (with the signal's reason, see core's
 * `abortedError`) as soon as `signal` fires — for work that cannot be
 * cancelled itself (a shared load, a provider that ignores its signal). The
 * promise goes on; its later outcome is ignored. The listener is removed
 * when the promise settles, so a long-lived signal keeps none.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortedError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortedError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
