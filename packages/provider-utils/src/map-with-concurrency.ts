/**
 * Batches in chunks: splitting a list into consecutive chunks, and running
 * work over items with bounded concurrency, results in input order.
 */
import { linkSignals } from "./signals.ts";

/** `items` in consecutive chunks of at most `size` (a positive integer). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Run `worker` over `items` with at most `concurrency` in flight; results in
 * input order. Each worker gets a signal linked to `signal`; the first
 * failure aborts it (with that failure as the reason), so the other
 * in-flight workers stop, no new item starts, and that failure is the one
 * rethrown.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  worker: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const linked = linkSignals(signal);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let failure: unknown;
  const runner = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await worker(items[index]!, index, linked.signal);
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
          linked.abort(error);
        }
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
  } finally {
    linked.dispose();
  }
  if (failed) throw failure;
  return results;
}
