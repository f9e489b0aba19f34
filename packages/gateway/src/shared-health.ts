/**
 * The link between a gateway's {@link ProviderHealth} and a
 * {@link SharedProviderState} (builder `.sharedState()`): this gateway's
 * cool-downs and recoveries are published without being awaited (a failure
 * to publish never fails a call), the other instances' are applied to the
 * local health, and the cool-downs already in force are loaded when the
 * gateway is built. The hot path stays local and synchronous.
 */
import { RatatoskrError, type SharedProviderState } from "@ratatoskr/core";
import type { ProviderHealth } from "./provider-health.ts";

/** A live link; `ready` settles once the snapshot is applied (or failed). */
export interface SharedHealthLink {
  readonly ready: Promise<void>;
  /** Stop publishing and listening. Idempotent. */
  disconnect(): void;
}

const METHODS = ["publish", "publishRecovery", "subscribe", "snapshot"] as const;

/** Throws `configuration` unless `state` has the {@link SharedProviderState} methods. */
export function assertSharedState(state: unknown): asserts state is SharedProviderState {
  const missing =
    typeof state !== "object" || state === null
      ? [...METHODS]
      : METHODS.filter((name) => typeof (state as Record<string, unknown>)[name] !== "function");
  if (missing.length > 0) {
    throw new RatatoskrError({
      code: "configuration",
      message: `sharedState(state) takes a SharedProviderState (such as @ratatoskr/redis's createRedisSharedState()); missing ${missing.join(", ")}`,
    });
  }
}

function ignore(): void {}

/** Call `action`, swallowing a synchronous throw and a rejection alike. */
function quietly(action: () => Promise<unknown> | undefined): void {
  try {
    action()?.catch(ignore);
  } catch {
    // A state that throws synchronously is ignored like one that rejects.
  }
}

/** Link `health` to `state`; see the module comment. */
export function linkSharedState(
  health: ProviderHealth,
  state: SharedProviderState,
): SharedHealthLink {
  let linked = true;
  health.publishTo({
    cooled: (cooldown) => quietly(() => state.publish(cooldown)),
    recovered: (provider) => quietly(() => state.publishRecovery(provider)),
  });
  let unsubscribe: () => void = ignore;
  try {
    unsubscribe = state.subscribe((event) => {
      if (!linked) return;
      if (event.type === "cooldown") health.applyShared(event.cooldown);
      else if (event.type === "recovery") health.applySharedRecovery(event.provider);
    });
  } catch {
    // Without a subscription the gateway still publishes and loads the snapshot.
  }
  let ready: Promise<void>;
  try {
    ready = Promise.resolve(state.snapshot()).then((cooldowns) => {
      if (!linked || !Array.isArray(cooldowns)) return;
      for (const cooldown of cooldowns) health.applyShared(cooldown);
    }, ignore);
  } catch {
    ready = Promise.resolve();
  }
  return {
    ready,
    disconnect() {
      if (!linked) return;
      linked = false;
      health.publishTo(undefined);
      try {
        unsubscribe();
      } catch {
        // Nothing left to release on our side.
      }
    },
  };
}
