/**
 * A scripted loopback server that plays the faults of RELIABILITY.md's
 * table: each request takes the next {@link Fault} from the queue (or the
 * default), so a test says "429, then 503, then a good stream" and counts
 * the attempts the server saw. 127.0.0.1 only; `close()` destroys every
 * socket and clears every timer it started.
 */
import type { ServerResponse } from "node:http";
import { type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";

/** What the server does with one request. */
export type Fault =
  /** A JSON (or text) response. */
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  /**
   * An SSE response written chunk by chunk (`delayMs` between chunks), then
   * ended (`close`), the socket destroyed (`reset`: a connection reset
   * mid-stream) or left open (`hang`).
   */
  | {
      kind: "sse";
      chunks: ReadonlyArray<string | Uint8Array>;
      delayMs?: number;
      end?: "close" | "reset" | "hang";
      /** Keep-alive comment written every `keepAliveEveryMs` while hanging. */
      keepAliveEveryMs?: number;
      keepAliveComment?: string;
      status?: number;
      headers?: Record<string, string>;
    }
  /** Destroy the socket before any response header (a reset before headers). */
  | { kind: "reset-before-headers" }
  /** Wait before answering with `then` (slow headers). */
  | { kind: "delay"; ms: number; fault: Fault };

/** A fault, or a function choosing one from the parsed request body (e.g. stream or not). */
export type FaultPlan = Fault | ((body: unknown) => Fault);

/** A running fault server. */
export interface FaultServer {
  readonly url: string;
  readonly loopback: LoopbackServer;
  /** Requests received (one per upstream attempt). */
  readonly hits: number;
  /** Request bodies received, parsed as JSON where possible. */
  readonly bodies: unknown[];
  /**
   * Resolves once `count` responses (since the last reset) went silent on
   * purpose (`end: "hang"`, after writing their chunks).
   */
  hung(count: number): Promise<void>;
  /** Resolves once the server has received `count` requests since the last reset. */
  received(count: number): Promise<void>;
  /** Queue faults for the next requests, in order. */
  enqueue(...faults: FaultPlan[]): FaultServer;
  /** Responses still open (streams in flight). */
  openResponses(): number;
  /**
   * Resolves once no response is open (every stream ended or its socket
   * closed): wait for this event instead of polling with a time limit.
   */
  allClosed(): Promise<void>;
  /** Forget the queue and the counters, and end the streams still open. */
  reset(): void;
  close(): Promise<void>;
}

/** Start a fault server; requests beyond the queue get `fallback`. */
export async function startFaultServer(
  fallback: FaultPlan,
  { record = true }: { record?: boolean } = {},
): Promise<FaultServer> {
  let queue: FaultPlan[] = [];
  let hits = 0;
  const bodies: unknown[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const open = new Set<ServerResponse>();
  const idleWaiters: Array<() => void> = [];
  const hitWaiters: Array<{ count: number; resolve: () => void }> = [];
  let hangs = 0;
  const hangWaiters: Array<{ count: number; resolve: () => void }> = [];
  const settle = (waiters: Array<{ count: number; resolve: () => void }>, reached: number) => {
    for (const waiter of waiters.filter((each) => each.count <= reached)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  function play(fault: Fault, response: ServerResponse): void {
    switch (fault.kind) {
      case "json": {
        const text = typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body);
        response.writeHead(fault.status, {
          "content-type": "application/json",
          ...fault.headers,
        });
        response.end(text);
        return;
      }
      case "reset-before-headers":
        response.socket?.destroy();
        return;
      case "delay":
        later(fault.ms, () => {
          if (!response.destroyed) play(fault.fault, response);
        });
        return;
      case "sse": {
        response.writeHead(fault.status ?? 200, {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          ...fault.headers,
        });
        response.flushHeaders();
        open.add(response);
        let keepAlive: ReturnType<typeof setInterval> | undefined;
        response.on("close", () => {
          open.delete(response);
          if (keepAlive !== undefined) clearInterval(keepAlive);
          if (open.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
        });
        const finish = () => {
          if (response.destroyed) return;
          const end = fault.end ?? "close";
          if (end === "close") response.end();
          else if (end === "reset") response.socket?.destroy();
          else {
            settle(hangWaiters, ++hangs);
            if (fault.keepAliveEveryMs === undefined) return;
            keepAlive = setInterval(() => {
              if (!response.destroyed)
                response.write(`${fault.keepAliveComment ?? ": keep-alive"}\n\n`);
            }, fault.keepAliveEveryMs);
          }
        };
        const delay = fault.delayMs ?? 0;
        if (delay === 0) {
          if ((fault.end ?? "close") !== "reset" || fault.chunks.length === 0) {
            for (const chunk of fault.chunks) response.write(chunk);
            finish();
            return;
          }
          // A reset destroys the socket only once the chunks reached it (the write callback).
          for (const [index, chunk] of fault.chunks.entries()) {
            if (index < fault.chunks.length - 1) response.write(chunk);
            else response.write(chunk, finish);
          }
          return;
        }
        let position = 0;
        const step = () => {
          if (response.destroyed) return;
          if (position < fault.chunks.length) {
            response.write(fault.chunks[position++]!, () => later(delay, step));
          } else finish();
        };
        step();
        return;
      }
    }
  }

  const loopback = await startLoopbackServer(
    (_request, response, body) => {
      hits++;
      settle(hitWaiters, hits);
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // not JSON: keep the text
      }
      if (record) bodies.push(parsed);
      const plan = queue.shift() ?? fallback;
      play(typeof plan === "function" ? plan(parsed) : plan, response);
    },
    { record },
  );

  const server: FaultServer = {
    url: loopback.url,
    loopback,
    get hits() {
      return hits;
    },
    bodies,
    hung: (count) =>
      hangs >= count
        ? Promise.resolve()
        : new Promise((resolve) => hangWaiters.push({ count, resolve })),
    received: (count) =>
      hits >= count
        ? Promise.resolve()
        : new Promise((resolve) => hitWaiters.push({ count, resolve })),
    enqueue(...faults) {
      queue.push(...faults);
      return server;
    },
    openResponses: () => open.size,
    allClosed: () =>
      open.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
    reset() {
      // A test that failed midway must not leave a stream open for the next one.
      for (const response of open) response.socket?.destroy();
      queue = [];
      hits = 0;
      hangs = 0;
      bodies.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await loopback.close();
    },
  };
  return server;
}
