/**
 * Cool-down of failing providers: after `failureThreshold` consecutive
 * failed attempts (provider-side failures only: network, timeouts, 429,
 * 5xx, broken streams — not bad input or aborts), a provider is cooled down
 * for `cooldownMs`. While it cools, the gateway tries its other targets
 * (fallbacks, other accepting providers) first and the cooled one last.
 * A success (for a stream: reaching `done`) resets the count; after the cool-down the next failure cools
 * it again at once (half-open).
 */
import { type ErrorCode, errorTraits, RatatoskrError, type SharedCooldown } from "@ratatoskr/core";

/** Cool-down settings (builder `.cooldown()`). */
export interface CooldownOptions {
  /** Consecutive failed attempts that trigger a cool-down. Default 3. */
  failureThreshold?: number;
  /** How long a provider cools down, in ms. Default 30,000. */
  cooldownMs?: number;
}

/** A provider currently cooling down, as `gateway.route()` reports it. */
export interface ProviderCooldown {
  provider: string;
  /** `Date.now()` value when the cool-down ends. */
  until: number;
  /** Consecutive failed attempts so far. */
  failures: number;
  /** Code of the last failure. */
  lastError: ErrorCode;
}

/** The defaults (documented in docs/reliability.md). */
export const DEFAULT_COOLDOWN: Readonly<Required<CooldownOptions>> = Object.freeze({
  failureThreshold: 3,
  cooldownMs: 30_000,
});

/**
 * Whether `error` counts as a failure of the provider (for cool-downs): the
 * error-trait table's `cooldown`; anything that is not a RatatoskrError
 * counts.
 */
export function isProviderFailure(error: unknown): boolean {
  if (!RatatoskrError.isInstance(error)) return true;
  return errorTraits(error).cooldown;
}

/**
 * Who hears of this gateway's cool-downs and recoveries (the shared
 * provider state, see `shared-health.ts`). Called synchronously on the hot
 * path: it must return at once and never throw.
 */
export interface HealthPublisher {
  /** `cooldown.provider` has just started cooling down (again, after a cool-down ended). */
  cooled(cooldown: ProviderCooldown): void;
  /** `provider` succeeded after having been cooled down. */
  recovered(provider: string): void;
}

interface Health {
  failures: number;
  until: number;
  lastError: ErrorCode;
}

/** Per-provider failure counts and cool-downs of one gateway. */
export class ProviderHealth {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #health = new Map<string, Health>();
  #publisher: HealthPublisher | undefined;

  constructor(options: CooldownOptions | false = {}, now: () => number = Date.now) {
    const settings = options === false ? { failureThreshold: 0, cooldownMs: 0 } : options;
    this.#threshold = settings.failureThreshold ?? DEFAULT_COOLDOWN.failureThreshold;
    this.#cooldownMs = settings.cooldownMs ?? DEFAULT_COOLDOWN.cooldownMs;
    for (const [name, value] of [
      ["failureThreshold", this.#threshold],
      ["cooldownMs", this.#cooldownMs],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RatatoskrError({
          code: "configuration",
          message: `cooldown.${name} must be a non-negative number, got ${value}`,
        });
      }
    }
    this.#now = now;
  }

  /** Whether cool-downs are on (threshold and duration both > 0). */
  get enabled(): boolean {
    return this.#threshold > 0 && this.#cooldownMs > 0;
  }

  /** Whether any provider has a failure on record (cheap hot-path check). */
  get tracking(): boolean {
    return this.#health.size > 0;
  }

  /** Record a failed attempt of `provider`. */
  failure(provider: string, error: unknown): void {
    if (!this.enabled || !isProviderFailure(error)) return;
    const health = this.#health.get(provider) ?? { failures: 0, until: 0, lastError: "provider" };
    health.failures++;
    health.lastError = RatatoskrError.isInstance(error) ? error.code : "provider";
    this.#health.set(provider, health);
    if (health.failures >= this.#threshold) {
      const now = this.#now();
      const wasCooling = health.until > now;
      health.until = now + this.#cooldownMs;
      // Published when the provider starts cooling, not on every failure while it cools.
      if (wasCooling) return;
      this.#publisher?.cooled({
        provider,
        until: health.until,
        failures: health.failures,
        lastError: health.lastError,
      });
    }
  }

  /** Record a successful attempt of `provider`. */
  success(provider: string): void {
    if (this.#health.size === 0) return;
    const health = this.#health.get(provider);
    if (health === undefined) return;
    this.#health.delete(provider);
    if (health.until > 0) this.#publisher?.recovered(provider);
  }

  /** Send every later cool-down and recovery to `publisher` (`undefined`: stop). */
  publishTo(publisher: HealthPublisher | undefined): void {
    this.#publisher = publisher;
  }

  /**
   * Apply a cool-down another instance published: the provider cools until
   * the later of its own and the published end. Nothing is published back.
   */
  applyShared(cooldown: SharedCooldown): void {
    if (!this.enabled || !Number.isFinite(cooldown.until) || cooldown.until <= this.#now()) return;
    const health = this.#health.get(cooldown.provider) ?? {
      failures: 0,
      until: 0,
      lastError: cooldown.lastError,
    };
    health.until = Math.max(health.until, cooldown.until);
    health.failures = Math.max(health.failures, cooldown.failures);
    health.lastError = cooldown.lastError;
    this.#health.set(cooldown.provider, health);
  }

  /** Apply a recovery another instance published: forget the provider's failures. */
  applySharedRecovery(provider: string): void {
    this.#health.delete(provider);
  }

  /** The cool-down of `provider`, when it is cooling now. */
  cooldown(provider: string): ProviderCooldown | undefined {
    const health = this.#health.get(provider);
    if (health === undefined || health.until <= this.#now()) return undefined;
    return {
      provider,
      until: health.until,
      failures: health.failures,
      lastError: health.lastError,
    };
  }

  /** Forget every failure (e.g. after a configuration change or in tests). */
  reset(): void {
    this.#health.clear();
  }
}
