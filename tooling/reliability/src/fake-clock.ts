/**
 * The fake clock of the fault suites: timers on vitest's fake clock while
 * sockets stay real, so the tests advance time only on events and a slow
 * machine cannot make a deadline fire (docs/reliability.md, "Tests that do
 * not depend on the machine's speed").
 */
import { expect, vi } from "vitest";

/**
 * Put timers (`setTimeout`, `setInterval`), `performance.now()` (which the
 * gateway's deadlines read) and `Date` (which HTTP-date retry-afters are
 * measured against) on vitest's fake clock while
 * sockets stay real: the gateway's deadlines, backoff sleeps and the fault
 * server's pacing then move only when the test advances the clock, so a
 * slow machine cannot make a deadline fire. Undo with `vi.useRealTimers()`.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance", "Date"],
  });
}

/**
 * How late past its configured value the gateway's idle timeout may fire on
 * the fake clock: one watchdog tick (the documented eighth of the timeout,
 * between 1 ms and 1 s) plus 2 ms of timer granularity.
 */
export function idleSlackMs(idle: number): number {
  return Math.min(1_000, Math.max(1, Math.ceil(idle / 8))) + 2;
}

/**
 * On the fake clock: `pending` (an event the test waits for) has not
 * happened `milliseconds - 1` ms from now, and happens once
 * `milliseconds + slack` ms have passed. Asserts both bounds of a wait or a
 * deadline without reading a wall clock; what `pending` needs besides the
 * timer (sockets) stays real.
 */
export async function expectWaitOf(
  milliseconds: number,
  pending: Promise<unknown>,
  slack = 0,
): Promise<void> {
  if (milliseconds > 0) {
    await vi.advanceTimersByTimeAsync(milliseconds - 1);
    expect(await settled(pending), `still waiting after ${milliseconds - 1} ms`).toBe(false);
  }
  await vi.advanceTimersByTimeAsync(1 + slack);
  await pending.then(
    () => undefined,
    () => undefined,
  );
}

/** Whether `promise` has settled by now (after one turn of the event loop). */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}
