/**
 * Work in slices: long counts run as generators that yield after about
 * {@link SliceMeter.size} units of work (characters scanned, merges
 * applied), so a caller can give the event loop back between slices and
 * stop when its signal fires. A generator pauses its scan in place and
 * resumes on the same string, so a count in slices equals the count in one
 * go by construction.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { abortedError } from "@ratatoskr/core";

/** How much work one slice does before its generator yields. */
export interface SliceMeter {
  /** Units of work per slice (`Infinity`: never yield). */
  readonly size: number;
  /** Units done in the current slice. */
  used: number;
}

/** Work units per slice: about 1–3 ms of counting on one core of the development machine. */
export const DEFAULT_SLICE_SIZE = 8192;

/** Work done by a metered generator: it yields between slices and returns `T`. */
export type SlicedWork<T> = Generator<void, T, void>;

/** A meter for `size` units per slice (`Infinity`: the work runs in one go). */
export function sliceMeter(size: number = DEFAULT_SLICE_SIZE): SliceMeter {
  if (!(size >= 1)) throw new RangeError(`The slice size must be at least 1, got ${size}`);
  return { size, used: 0 };
}

/**
 * Record `units` of work on `meter`; true when the slice is full (and a new
 * one begins), i.e. when the caller should `yield`.
 */
export function spend(meter: SliceMeter, units: number): boolean {
  meter.used += units;
  if (meter.used < meter.size) return false;
  meter.used = 0;
  return true;
}

/** Run sliced work to its end without giving the event loop back (for short inputs and sync APIs). */
export function finishSlices<T>(work: SlicedWork<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Run sliced work, giving the event loop back (`setImmediate`) between
 * slices, so timers (a caller's deadline) and I/O run during a long count.
 * Checks `signal` before every slice: once it fires, the work is stopped
 * (`return()`) and the promise rejects with core's `abortedError` (the
 * signal's reason when that is a `RatatoskrError`, such as the gateway's
 * `timeout`).
 */
export async function runSlices<T>(work: SlicedWork<T>, signal?: AbortSignal): Promise<T> {
  try {
    for (;;) {
      if (signal?.aborted) throw abortedError(signal);
      const step = work.next();
      if (step.done) return step.value;
      await nextTurn();
    }
  } finally {
    work.return(undefined as never);
  }
}
