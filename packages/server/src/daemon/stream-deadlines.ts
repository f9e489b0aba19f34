/**
 * How ratd bounds the time of a served call, from `[limits].request_timeout_secs`:
 *
 * - a **unary** call (chat, embed, …) must answer within it, retries and
 *   fallbacks included (the gateway's total deadline);
 * - a **stream** must deliver its first event within it (the attempt
 *   deadline) and never fall silent longer than it between events (the
 *   idle deadline), but has **no total deadline**: a long, healthy stream
 *   (a long answer, a slow local model) is never cut for its length.
 *
 * A client's own deadline (the gRPC deadline; a disconnect) applies either
 * way.
 */
import type { TimeoutOptions } from "@ratatoskr/gateway";
import type { ServedGateway } from "../service/served-gateway.ts";

/** The gateway deadlines for `request_timeout_secs = seconds` (0: none). */
export function requestTimeouts(seconds: number): Required<TimeoutOptions> {
  const milliseconds = seconds * 1000;
  return { total: milliseconds, attempt: milliseconds, idle: milliseconds };
}

const STREAMS = new Set<PropertyKey>(["chatStream", "generateStream"]);

/**
 * `gateway`, whose `chatStream` and `generateStream` run without the
 * gateway's total deadline (a call's own `timeout` still wins); their
 * first-event and idle deadlines stay. Every other method is the gateway's.
 */
export function withoutStreamTotalDeadline<G extends ServedGateway>(gateway: G): G {
  return new Proxy(gateway, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== "function") return value;
      if (!STREAMS.has(property)) return value.bind(target);
      return (input: unknown, options: { timeout?: number } | undefined) =>
        value.call(target, input, { ...options, timeout: options?.timeout ?? 0 });
    },
  });
}
