/**
 * `combineHooks(...hooks)`: several hook objects as one. The builder's
 * `.hooks()` merges by hook name (a later `onComplete` replaces an earlier
 * one), so an application that adds its own hooks beside a library's
 * (OpenTelemetry, a metrics collector) combines them first.
 */
import { assertHooks, type GatewayHooks } from "./gateway-hooks.ts";

type Hook = (event: unknown) => unknown;

/** Run every hook with `event`; one that fails does not stop the rest. */
function fanOut(name: string, hooks: readonly Hook[]): Hook {
  return (event) => {
    const failures: unknown[] = [];
    const pending: PromiseLike<unknown>[] = [];
    for (const hook of hooks) {
      try {
        const result = hook(event);
        if (isPromiseLike(result)) pending.push(result);
      } catch (error) {
        failures.push(error);
      }
    }
    if (pending.length === 0) {
      if (failures.length > 0) throw firstOrAggregate(name, failures);
      return undefined;
    }
    // The hooks' promises are observed together: a rejection reaches the
    // gateway (which reports it) once every hook has settled.
    return Promise.allSettled(pending).then((settled) => {
      for (const outcome of settled) {
        if (outcome.status === "rejected") failures.push(outcome.reason);
      }
      if (failures.length > 0) throw firstOrAggregate(name, failures);
    });
  };
}

function firstOrAggregate(name: string, failures: readonly unknown[]): unknown {
  return failures.length === 1
    ? failures[0]
    : new AggregateError(failures, `${failures.length} combined ${name} hooks failed`);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/**
 * Combine hook objects into one for the builder's `.hooks()`: each hook
 * calls the same hook of every object, in the order given, synchronously
 * (so a hook that reads the caller's context, such as OpenTelemetry's
 * active span, sees the same one alone or combined). A hook that throws or
 * rejects does not stop the others; the failure (an `AggregateError` when
 * several failed) is reported as any hook failure is, to `onHookError` or
 * as a process warning. `onHookError` is combined the same way. Each
 * object is checked as `.hooks()` checks it (an unknown name or a
 * non-function is a `configuration` error).
 *
 * @example
 * ```ts
 * const gateway = await Ratatoskr.builder()
 *   .use(provider)
 *   .hooks(combineHooks(openTelemetryHooks(), { onError: (event) => log.warn(event.error) }))
 *   .build();
 * ```
 */
export function combineHooks(...hooks: readonly GatewayHooks[]): GatewayHooks {
  const byName = new Map<string, Hook[]>();
  for (const set of hooks) {
    assertHooks(set);
    for (const [name, hook] of Object.entries(set)) {
      if (hook === undefined) continue;
      const list = byName.get(name) ?? [];
      list.push(hook as Hook);
      byName.set(name, list);
    }
  }
  const combined: Record<string, Hook> = {};
  for (const [name, list] of byName) {
    combined[name] = list.length === 1 ? list[0]! : fanOut(name, list);
  }
  return combined as GatewayHooks;
}
