/**
 * A v1 chat request built the way a test reads best: the user API's option
 * shape (model, settings, signal, provider options in one object), split
 * into the request a provider receives from the gateway.
 */
import type { ChatRequestV1, ChatSettingsV1, Message } from "@ratatoskr/core";

/** What a test passes to {@link chatRequestFor}: the model, standard settings, and the request's own fields. */
export type ChatRequestOptions = ChatSettingsV1 & {
  /** The model without a `provider:` prefix. */
  model: string;
  /** Default: a fresh signal that never aborts. */
  signal?: AbortSignal;
  /** This provider's own options entry (default `{}`). */
  providerOptions?: Readonly<Record<string, unknown>>;
  /** Extra HTTP headers for the call (default none). */
  headers?: Readonly<Record<string, string>>;
};

/**
 * The {@link ChatRequestV1} a provider would receive for `messages` and
 * `options`: the settings apart from the request's own fields.
 *
 * @example
 * ```ts
 * await provider.chat!.complete!(chatRequestFor([Message.user("Hi")], { model: "m", topK: 40 }));
 * ```
 */
export function chatRequestFor(
  messages: readonly Message[],
  options: ChatRequestOptions,
): ChatRequestV1 {
  const { model, signal, providerOptions, headers, ...settings } = options;
  return {
    model,
    messages,
    settings,
    providerOptions: providerOptions ?? {},
    signal: signal ?? new AbortController().signal,
    ...(headers === undefined ? {} : { headers }),
  };
}
