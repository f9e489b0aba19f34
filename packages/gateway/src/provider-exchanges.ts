/**
 * The inspector a call's provider requests carry while
 * `hooks.onProviderExchange` is set (a debugging aid): each exchange the
 * provider reports becomes an `onProviderExchange` event of the call. Unset,
 * requests carry nothing and providers add nothing to their request path.
 */
import type { CallRequestV1, ExchangeInspectorV1 } from "@ratatoskr/core";
import type { CallContext, CallTarget } from "./call-runner.ts";
import { emitHook, hookBase } from "./gateway-hooks.ts";

/** The inspector for `target`'s requests of this call, or undefined when nobody inspects. */
export function exchangeInspector(
  context: CallContext,
  target: CallTarget,
): ExchangeInspectorV1 | undefined {
  const hooks = context.hooks;
  if (hooks?.onProviderExchange === undefined) return undefined;
  return (exchange) =>
    emitHook(hooks, "onProviderExchange", {
      ...hookBase(context),
      provider: target.provider.id,
      providerModel: target.providerModel,
      ...exchange,
    });
}

/** `request` carrying `inspect`, or `request` itself without one. */
export function withInspector<Request extends CallRequestV1>(
  request: Request,
  inspect: ExchangeInspectorV1 | undefined,
): Request {
  return inspect === undefined ? request : { ...request, inspect };
}
