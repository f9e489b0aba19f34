/**
 * Provider state shared by gateways that run side by side (several
 * instances behind a load balancer): when one instance cools a failing
 * provider down, the others learn it and try that provider last too,
 * instead of each discovering the failure on its own. The gateway (builder
 * `.sharedState()`) publishes its cool-downs and recoveries through a
 * {@link SharedProviderState} and applies the ones other instances publish;
 * its hot path stays local and synchronous. `@ratatoskr/redis` ships one in
 * Redis; any other store fits the same shape.
 *
 * Times cross machines as durations, not clock readings: an implementation
 * carries the remaining cool-down, and hands its listeners `until` on the
 * receiving machine's clock.
 */
import type { ErrorCode } from "./errors.ts";

/** A provider cooling down, as an instance publishes it or learns it. */
export interface SharedCooldown {
  /** The provider's id (its registration name). */
  readonly provider: string;
  /** `Date.now()` value, on this machine's clock, when the cool-down ends. */
  readonly until: number;
  /** Consecutive failed attempts that led to it. */
  readonly failures: number;
  /** Code of the last failure. */
  readonly lastError: ErrorCode;
}

/** What another instance published. */
export type SharedProviderEvent =
  /** A provider cools down until `cooldown.until`. */
  | {
      /** A cool-down began. */
      readonly type: "cooldown";
      /** The provider, and until when it cools down. */
      readonly cooldown: SharedCooldown;
    }
  /** A provider answered again: its cool-down (if any) ends now. */
  | {
      /** A provider recovered. */
      readonly type: "recovery";
      /** The provider's id. */
      readonly provider: string;
    };

/** A listener of {@link SharedProviderState.subscribe}. It must not throw. */
export type SharedProviderListener = (event: SharedProviderEvent) => void;

/**
 * Cool-downs shared between gateway instances. Give each gateway its own
 * state object: an object delivers to its listeners the events of *other*
 * objects, not its own publications. Every method may reject (a store that
 * is unreachable) and none throws synchronously for such a failure; the
 * gateway ignores the failures and keeps working on its local state.
 */
export interface SharedProviderState {
  /** A short name for warnings and docs (`"redis"`). */
  readonly name: string;
  /** Tell the other instances that `cooldown.provider` cools down until `cooldown.until`. */
  publish(cooldown: SharedCooldown): Promise<void>;
  /** Tell the other instances that `provider` answered again. */
  publishRecovery(provider: string): Promise<void>;
  /** Receive the other instances' events until the returned function is called. */
  subscribe(listener: SharedProviderListener): () => void;
  /** The cool-downs in force now (published by any instance), for an instance that starts. */
  snapshot(): Promise<SharedCooldown[]>;
  /** Release connections and timers. Optional; the gateway never calls it on its own. */
  close?(): Promise<void>;
}
