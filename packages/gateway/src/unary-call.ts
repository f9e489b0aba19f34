/**
 * How a unary call runs: open it, try its targets (strict-mode check before
 * the first attempt on each, retries, fallbacks, cool-downs), each attempt
 * under its own {@link AttemptScope} (the attempt and total deadlines, the
 * caller's signal) and raced against it, then finish the answer and report
 * the call to the hooks.
 */
import type { CallOptions, CallRequestV1, Capability, Usage, WarningV1 } from "@ratatoskr/core";
import { AttemptScope } from "./attempt-scope.ts";
import { openUnaryCache, type UnaryCacheSlot, type UnaryCacheSpec } from "./cached-unary.ts";
import {
  type CallContext,
  type CallTarget,
  normalizeError,
  retryTarget,
  runTargets,
} from "./call-runner.ts";
import { assertNoWarnings } from "./call-warnings.ts";
import { type GatewayCore, isStrict, openCall } from "./gateway-core.ts";
import { emitHook, hookBase, summarizeError } from "./gateway-hooks.ts";
import { exchangeInspector, withInspector } from "./provider-exchanges.ts";

/** A signal that never aborts, for requests built only to ask `warningsFor`. */
const PREVIEW_SIGNAL = new AbortController().signal;

/** One kind of unary call: how to build the provider's request, send it and finish the answer. */
export interface UnaryCall<Request extends CallRequestV1, Raw, Result> {
  /** The v1 request for `target`, with the attempt's `signal`. */
  request(target: CallTarget, signal: AbortSignal): Request;
  /** Send it; check the answer's shape here (a bad one may be retried or fall back). */
  send(target: CallTarget, request: Request): Promise<Raw>;
  /** Strict mode: the warnings the target's provider would give, before anything is sent. */
  warningsFor?(target: CallTarget, request: Request): readonly WarningV1[] | undefined;
  /** The caller's answer from the provider's (stamps, warnings to the hooks). */
  finish(raw: Raw, target: CallTarget, context: CallContext): Result;
  /** The answer's usage, for `onComplete`. */
  usageOf?(result: Result): Usage | undefined;
  /** How the call uses the response cache (when the gateway has one). */
  cache?: UnaryCacheSpec<Result>;
}

/** One attempt on `target`: its own scope, raced, errors made typed. */
async function attemptOnce<Request extends CallRequestV1, Raw>(
  context: CallContext,
  target: CallTarget,
  call: UnaryCall<Request, Raw, unknown>,
  parent: AbortSignal | undefined,
): Promise<Raw> {
  const scope = new AttemptScope(
    context.scope,
    parent,
    context.policy.attemptTimeout,
    target.provider.id,
  );
  try {
    const request = call.request(target, scope.signal);
    const inspect = exchangeInspector(context, target);
    return await scope.race(call.send(target, withInspector(request, inspect)));
  } catch (error) {
    throw normalizeError(error, target.provider.id, scope.signal);
  } finally {
    scope.dispose();
  }
}

/** The strict-mode check of `call` on a target, or undefined when the call is not strict. */
export function strictCheck<Request extends CallRequestV1>(
  strict: boolean,
  call: Pick<UnaryCall<Request, unknown, unknown>, "request" | "warningsFor">,
): ((target: CallTarget) => void) | undefined {
  const warningsFor = call.warningsFor;
  if (!strict || warningsFor === undefined) return undefined;
  return (target) =>
    assertNoWarnings(target, warningsFor(target, call.request(target, PREVIEW_SIGNAL)));
}

/** Report a finished unary call to `onComplete`. */
export function reportComplete(
  context: CallContext,
  target: CallTarget,
  usage: Usage | undefined,
): void {
  if (!context.hooks?.onComplete) return;
  emitHook(context.hooks, "onComplete", {
    ...hookBase(context),
    provider: target.provider.id,
    providerModel: target.providerModel,
    attempts: context.attempts,
    latencyMs: performance.now() - context.startedAt,
    ...(usage === undefined ? {} : { usage }),
  });
}

/** Report a failed unary call to `onError`. */
export function reportError(context: CallContext, error: unknown): void {
  if (!context.hooks?.onError) return;
  emitHook(context.hooks, "onError", {
    ...hookBase(context),
    attempts: context.attempts,
    latencyMs: performance.now() - context.startedAt,
    error: summarizeError(error),
    ...(context.lastProvider === undefined ? {} : { provider: context.lastProvider }),
  });
}

/** Run a unary call of `capability` for `model` (input already validated). */
export async function runUnary<Request extends CallRequestV1, Raw, Result>(
  core: GatewayCore,
  capability: Capability,
  model: string,
  options: CallOptions | undefined,
  call: UnaryCall<Request, Raw, Result>,
): Promise<Result> {
  const { context, targets } = openCall(core, capability, model, options, false);
  const parent = context.scope.caller;
  const check = strictCheck(isStrict(core, options), call);
  const cache = core.cache;
  const spec = call.cache;
  try {
    let slot: UnaryCacheSlot<Result> | undefined;
    if (
      cache !== undefined &&
      spec !== undefined &&
      cache.applies(spec.kind, options, spec.deterministic)
    ) {
      const first = targets[0]!;
      slot = await openUnaryCache(cache, context, first, spec);
      if (slot.hit !== undefined) {
        check?.(first); // strict mode holds for an answer from the cache too
        reportComplete(context, first, undefined);
        return slot.hit;
      }
    }
    const { value, target } = await runTargets(context, targets, {
      run: (candidate) =>
        retryTarget(
          context,
          candidate,
          // The attempt's budget slot (if any) is released by retryTarget when it settles.
          () => attemptOnce(context, candidate, call, parent),
          parent,
        ),
      ...(check === undefined ? {} : { check }),
    });
    let result = call.finish(value, target, context);
    if (slot !== undefined) result = await slot.save(result, target);
    reportComplete(context, target, call.usageOf?.(result));
    return result;
  } catch (error) {
    reportError(context, error);
    throw error;
  }
}
