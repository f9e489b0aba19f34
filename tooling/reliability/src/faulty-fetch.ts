/**
 * An injected `fetch` for connection-level faults that a server cannot
 * stage reliably: refused connections and resets at an exact byte of the
 * body. Each call takes the next planned fault; `ok` passes through.
 */

/** What one fetch call does. */
export type FetchFault =
  | { kind: "ok" }
  /** Fails like undici does when nothing listens: `TypeError: fetch failed` (ECONNREFUSED). */
  | { kind: "refused" }
  /** Fails like a reset before the response: `TypeError: fetch failed` (ECONNRESET). */
  | { kind: "reset" }
  /** Delivers the real response, but its body errors (ECONNRESET) after `afterBytes` bytes. */
  | { kind: "reset-body"; afterBytes: number };

function connectionError(code: string): TypeError {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1`), { code });
  return new TypeError("fetch failed", { cause });
}

/** A fetch that plays `plan` in order, then `ok`. `calls` counts every call. */
export function createFaultyFetch(plan: FetchFault[] = []): typeof fetch & {
  calls: number;
  plan: FetchFault[];
} {
  const faulty = (async (input: RequestInfo | URL, init?: RequestInit) => {
    faulty.calls++;
    const fault = faulty.plan.shift() ?? { kind: "ok" };
    if (init?.signal?.aborted) throw init.signal.reason;
    if (fault.kind === "refused") throw connectionError("ECONNREFUSED");
    if (fault.kind === "reset") throw connectionError("ECONNRESET");
    const response = await fetch(input, init);
    if (fault.kind === "ok" || response.body === null) return response;
    const reader = response.body.getReader();
    let left = fault.afterBytes;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (left <= 0) {
          await reader.cancel().catch(() => {});
          controller.error(connectionError("ECONNRESET"));
          return;
        }
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        const part = value.subarray(0, left);
        left -= part.length;
        controller.enqueue(part);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }) as typeof fetch & { calls: number; plan: FetchFault[] };
  faulty.calls = 0;
  faulty.plan = plan;
  return faulty;
}
