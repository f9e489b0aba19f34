/**
 * Leak probe: run many aborted streaming calls through a gateway against a
 * loopback server and measure what they leave behind — listeners on a
 * long-lived caller signal, active timers and sockets
 * (`process.getActiveResourcesInfo()`), open upstream responses, and heap
 * after a forced GC. Half the calls leave the loop early (consumer abort),
 * half abort their own signal mid-stream.
 */
import { getEventListeners } from "node:events";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Message, RatatoskrError } from "@ratatoskr/core";
import type { Gateway } from "@ratatoskr/gateway";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Force a full GC (twice, with a turn in between) and return the used heap in bytes. */
export async function settledHeap(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Active handles by type (`Timeout`, `TCPSocketWrap`, …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Options of {@link abortMany}. */
export interface AbortManyOptions {
  gateway: Gateway;
  model: string;
  /** Calls to make (default 10,000). */
  calls?: number;
  /** Calls in flight at once (default 16). */
  concurrency?: number;
  /** The long-lived caller signal half the calls share. */
  longLived: AbortSignal;
}

/** Run `calls` aborted streams; resolves with how many ended as `aborted`. */
export async function abortMany(options: AbortManyOptions): Promise<number> {
  const total = options.calls ?? 10_000;
  const messages = [Message.user("hello")];
  let next = 0;
  let aborted = 0;
  async function one(index: number): Promise<void> {
    if (index % 2 === 0) {
      // Consumer abort: leave the loop at the first content event.
      for await (const event of options.gateway.chatStream(messages, {
        model: options.model,
        signal: options.longLived,
      })) {
        if (event.type === "content") break;
      }
      aborted++;
      return;
    }
    const controller = new AbortController();
    try {
      for await (const event of options.gateway.chatStream(messages, {
        model: options.model,
        signal: controller.signal,
      })) {
        if (event.type === "content") controller.abort();
      }
      throw new Error("an aborted stream completed");
    } catch (error) {
      if (!RatatoskrError.isInstance(error, "aborted")) throw error;
      aborted++;
    }
  }
  async function worker(): Promise<void> {
    while (next < total) await one(next++);
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return aborted;
}

/** Listeners on `signal` for `abort`. */
export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, "abort").length;
}
