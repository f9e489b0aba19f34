/**
 * Warnings on their way to the caller: stamped with the answering
 * provider's id, reported to the `onWarning` hook one by one, and in strict
 * mode turned into an `invalid_input` error before a target is tried.
 */
import { describeWarning, invalidInput, type Warning, type WarningV1 } from "@ratatoskr/core";
import type { CallContext, CallTarget } from "./call-runner.ts";
import { emitHook, hookBase } from "./gateway-hooks.ts";

/**
 * `warnings` stamped with the target's provider id, each reported to the
 * `onWarning` hook. Undefined when there are none (results then carry no
 * `warnings` field).
 */
export function reportWarnings(
  context: CallContext,
  target: CallTarget,
  warnings: readonly WarningV1[] | undefined,
): Warning[] | undefined {
  if (warnings === undefined || warnings.length === 0) return undefined;
  const provider = target.provider.id;
  const stamped = warnings.map((warning): Warning => ({ ...warning, provider }));
  if (context.hooks?.onWarning) {
    for (const warning of stamped) {
      emitHook(context.hooks, "onWarning", {
        ...hookBase(context),
        provider,
        providerModel: target.providerModel,
        warning,
      });
    }
  }
  return stamped;
}

/**
 * Strict mode: throw `invalid_input` naming every warning the target's
 * provider would give (`warningsFor`), before anything is sent to it.
 */
export function assertNoWarnings(
  target: CallTarget,
  warnings: readonly WarningV1[] | undefined,
): void {
  if (warnings === undefined || warnings.length === 0) return;
  const provider = target.provider.id;
  throw invalidInput(
    `Strict mode: provider "${provider}" (model "${target.providerModel}") would not honour this request as asked: ${warnings.map(describeWarning).join("; ")}`,
    { warnings: warnings.map((warning): Warning => ({ ...warning, provider })) },
  );
}
