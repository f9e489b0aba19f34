/**
 * How a call's `signal` reaches the `openai` SDK's `fetch` without the SDK's
 * `signal` request option.
 *
 * Given a `signal` option, the SDK (v7) composes it with its own controller
 * through `AbortSignal.any()`, and on Node 24 that composition costs tens of
 * µs per request: more than the whole gateway adds to a call
 * (`tooling/gateway-bench`). Instead, each call hands the SDK a
 * {@link CallSignalLink} inside its per-request `fetchOptions` (the SDK
 * passes `fetchOptions` through to `fetch` as part of the request init), and
 * the client's `fetch` ({@link linkCallSignals}) links the call's signal and
 * the SDK's own into one controller with one listener on each. The call
 * removes both listeners when it ends ({@link CallSignalLink.release}), so a
 * long-lived caller signal accumulates nothing.
 *
 * A request that reaches the linking `fetch` without a link means the
 * installed SDK stopped forwarding `fetchOptions`: it fails loudly (a
 * `configuration` error naming the cause) rather than sending a request that
 * the call's signal could not abort.
 */
import { invalidInput, isAbortSignal, RatatoskrError } from "@ratatoskr/core";
import { linkSignals } from "@ratatoskr/provider-utils";

/** The key under which a request's init carries its {@link CallSignalLink}. */
const CALL_SIGNAL_LINK = Symbol("ratatoskr.callSignalLink");

type LinkedInit = RequestInit & { [CALL_SIGNAL_LINK]?: CallSignalLink };

/** One call's signal, on its way to the `fetch` of every request the call sends. */
export class CallSignalLink {
  /** Per-request SDK option: `{ fetchOptions: link.fetchOptions }` (only a symbol key). */
  readonly fetchOptions: object;
  /** The call's signal. */
  readonly signal: AbortSignal;
  private readonly releases: Array<() => void> = [];

  /** Throws `invalid_input` naming `signal` when it is not an AbortSignal (a request built by hand). */
  constructor(signal: AbortSignal) {
    if (!isAbortSignal(signal)) {
      throw invalidInput("signal must be an AbortSignal (the request's one signal)", {
        field: "signal",
      });
    }
    this.signal = signal;
    this.fetchOptions = { [CALL_SIGNAL_LINK]: this };
  }

  /**
   * The signal to send a request with: the call's alone, or one that aborts
   * when either the call's or the SDK's (`own`, its timeout) does.
   */
  link(own: AbortSignal | null | undefined): AbortSignal {
    const signal = this.signal;
    if (own === undefined || own === null || own === signal) return signal;
    const linked = linkSignals(signal, own);
    this.releases.push(linked.dispose);
    return linked.signal;
  }

  /** Remove every listener this call added (the call has ended: its body is read or abandoned). */
  release(): void {
    const releases = this.releases;
    for (let index = 0; index < releases.length; index++) releases[index]!();
    releases.length = 0;
  }
}

/**
 * A `fetch` for the SDK client: sends each request with its call's signal
 * linked to the SDK's (see the module comment). `provider` names the
 * provider in the error raised when a request arrives without a link.
 */
export function linkCallSignals(
  fetchImplementation: typeof globalThis.fetch,
  provider: string,
): typeof globalThis.fetch {
  return (input, init) => {
    const link = (init as LinkedInit | undefined)?.[CALL_SIGNAL_LINK];
    if (link === undefined) {
      return Promise.reject(
        new RatatoskrError({
          code: "configuration",
          message: `${provider}: the openai SDK sent a request without the call's signal (it no longer forwards per-request fetchOptions); refusing to send a request the call could not abort`,
          provider,
        }),
      );
    }
    const { [CALL_SIGNAL_LINK]: _link, ...rest } = init as LinkedInit;
    return fetchImplementation(input, { ...rest, signal: link.link(rest.signal) });
  };
}
