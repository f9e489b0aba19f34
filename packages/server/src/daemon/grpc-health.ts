/**
 * The standard gRPC health service (`grpc.health.v1.Health`), for
 * `grpc_health_probe`, Kubernetes gRPC probes and load balancers: `Check`,
 * and `Watch`, which sends the status at once and again on each change
 * (the daemon starting to shut down: `NOT_SERVING`, after which the stream
 * ends so it does not hold the shutdown up).
 */
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { Ratatoskr } from "@ratatoskr/protocol";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.ts";

/** Tells `Watch` streams that the status may have changed, and when to end. */
export class HealthChanges {
  readonly #listeners = new Set<() => void>();
  #ended = false;

  /** Whether the daemon is shutting down (watch streams end). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The status may have changed: every watcher looks again. */
  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** The last change: watchers send the final status and end. */
  end(): void {
    this.#ended = true;
    this.notify();
  }

  /** Resolves at the next change, or when `signal` aborts. */
  next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ended || signal.aborted) return resolve();
      const done = () => {
        this.#listeners.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#listeners.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * A router setup serving `grpc.health.v1.Health`: the server as a whole
 * (service `""`) and `ratatoskr.v1.Ratatoskr` are `SERVING` while
 * `serving()` says so, else `NOT_SERVING`. Another service is `NOT_FOUND`
 * for `Check` and `SERVICE_UNKNOWN` for `Watch`, as the protocol asks.
 */
export function createGrpcHealthService(
  serving: () => boolean,
  changes: HealthChanges = new HealthChanges(),
): (router: ConnectRouter) => void {
  const known = (service: string) => service === "" || service === Ratatoskr.typeName;
  const status = (): HealthCheckResponse_ServingStatus =>
    serving() && !changes.ended
      ? HealthCheckResponse_ServingStatus.SERVING
      : HealthCheckResponse_ServingStatus.NOT_SERVING;
  return (router) => {
    router.service(Health, {
      check: (request) => {
        if (!known(request.service)) {
          throw new ConnectError(`unknown service ${request.service}`, Code.NotFound);
        }
        return { status: status() };
      },
      async *watch(request, context) {
        if (!known(request.service)) {
          // The service may be registered later (the protocol): the stream stays open.
          yield { status: HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN };
          while (!changes.ended && !context.signal.aborted) await changes.next(context.signal);
          return;
        }
        let last = status();
        yield { status: last };
        while (!changes.ended && !context.signal.aborted) {
          await changes.next(context.signal);
          const now = status();
          if (now !== last && !context.signal.aborted) {
            last = now;
            yield { status: now };
          }
        }
      },
    });
  };
}

/** The name of the health service, which answers without a token. */
export const GRPC_HEALTH_SERVICE = Health.typeName;
