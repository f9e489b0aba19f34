/**
 * Per-call gateway settings on the wire (an extension): attempt and idle
 * timeouts, retry settings, fallback targets and strict mode, plus the
 * provider options of the requests without a field of their own. The total
 * `timeout` is the RPC's own deadline and the `signal` is the RPC's
 * cancellation, so neither is a field.
 */
import { create } from "@bufbuild/protobuf";
import {
  assertProviderOptions,
  type CallOptions,
  type ProviderOptions,
  type RetryOptions,
} from "@ratatoskr/core";
import * as pb from "./gen/ratatoskr/v1/ratatoskr_pb.ts";
import { fromJsonObject, toJsonText, toUint32, wireError } from "./wire-values.ts";

/** The part of {@link CallOptions} that crosses the wire. */
export type WireCallOptions = Pick<
  CallOptions,
  "attemptTimeout" | "idleTimeout" | "retry" | "fallbacks" | "strict"
>;

/**
 * The call settings of `options`, or `undefined` when it sets none. A
 * `retry.shouldRetry` function cannot cross the wire and fails as
 * `invalid_input`.
 */
export function callSettingsToProto(
  options: WireCallOptions | undefined,
): pb.CallSettings | undefined {
  if (options === undefined) return undefined;
  const { attemptTimeout, idleTimeout, retry, fallbacks, strict } = options;
  if (
    attemptTimeout === undefined &&
    idleTimeout === undefined &&
    retry === undefined &&
    fallbacks === undefined &&
    strict === undefined
  ) {
    return undefined;
  }
  const settings = create(pb.CallSettingsSchema);
  if (attemptTimeout !== undefined) {
    settings.attemptTimeoutMs = toUint32(attemptTimeout, "request", "options.attemptTimeout");
  }
  if (idleTimeout !== undefined) {
    settings.idleTimeoutMs = toUint32(idleTimeout, "request", "options.idleTimeout");
  }
  if (retry !== undefined) settings.retry = retryToProto(retry);
  if (fallbacks !== undefined) {
    settings.fallbacks = create(pb.FallbackTargetsSchema, {
      targets: fallbacks === false ? [] : [...fallbacks],
    });
  }
  if (strict !== undefined) settings.strict = strict;
  return settings;
}

function retryToProto(retry: RetryOptions | false): pb.RetrySettings {
  if (retry === false) return create(pb.RetrySettingsSchema, { disabled: true });
  if (retry.shouldRetry !== undefined) {
    throw wireError(
      "request",
      "options.retry.shouldRetry",
      "is a function and cannot be sent to a Ratatoskr server; configure the retry decision on the server",
    );
  }
  const settings = create(pb.RetrySettingsSchema);
  if (retry.maxAttempts !== undefined) {
    settings.maxAttempts = toUint32(retry.maxAttempts, "request", "options.retry.maxAttempts");
  }
  if (retry.initialDelayMs !== undefined) {
    settings.initialDelayMs = toUint32(
      retry.initialDelayMs,
      "request",
      "options.retry.initialDelayMs",
    );
  }
  if (retry.maxDelayMs !== undefined) {
    settings.maxDelayMs = toUint32(retry.maxDelayMs, "request", "options.retry.maxDelayMs");
  }
  if (retry.multiplier !== undefined) settings.multiplier = retry.multiplier;
  if (retry.jitter !== undefined) settings.jitter = retry.jitter;
  if (retry.maxRetryAfterMs !== undefined) {
    settings.maxRetryAfterMs = toUint32(
      retry.maxRetryAfterMs,
      "request",
      "options.retry.maxRetryAfterMs",
    );
  }
  return settings;
}

/**
 * {@link callSettingsToProto} plus `options.providerOptions` in
 * `CallSettings.provider_options` (6): for the requests that have no
 * provider-options field of their own (embed, NLI, classify, token count).
 */
export function callSettingsWithProviderOptionsToProto(
  options: (WireCallOptions & { providerOptions?: ProviderOptions }) | undefined,
): pb.CallSettings | undefined {
  const settings = callSettingsToProto(options);
  const providerOptions = options?.providerOptions;
  if (providerOptions === undefined) return settings;
  const withOptions = settings ?? create(pb.CallSettingsSchema);
  withOptions.providerOptions = toJsonText(providerOptions, "request", "options.providerOptions");
  return withOptions;
}

/**
 * {@link callSettingsFromProto} plus the provider options of
 * `CallSettings.provider_options` (6), checked as core checks them (an
 * object of objects keyed by provider id).
 */
export function callSettingsWithProviderOptionsFromProto(
  settings: pb.CallSettings | undefined,
): WireCallOptions & { providerOptions?: ProviderOptions } {
  const options: WireCallOptions & { providerOptions?: ProviderOptions } =
    callSettingsFromProto(settings);
  if (settings?.providerOptions !== undefined) {
    const providerOptions = fromJsonObject(
      settings.providerOptions,
      "request",
      "call.provider_options",
    );
    assertProviderOptions(providerOptions, "call.provider_options");
    options.providerOptions = providerOptions;
  }
  return options;
}

/**
 * Refuse `CallSettings.provider_options` on a chat or generate request,
 * which carries its provider options in its own options message (`field`).
 */
export function assertNoCallProviderOptions(
  settings: pb.CallSettings | undefined,
  field: string,
): void {
  if (settings?.providerOptions === undefined) return;
  throw wireError(
    "request",
    "call.provider_options",
    `is for requests without a provider-options field of their own; this request carries them in ${field}`,
  );
}

/** The call options that `settings` carries (none when it is absent). */
export function callSettingsFromProto(settings: pb.CallSettings | undefined): WireCallOptions {
  if (settings === undefined) return {};
  const options: WireCallOptions = {};
  if (settings.attemptTimeoutMs !== undefined) options.attemptTimeout = settings.attemptTimeoutMs;
  if (settings.idleTimeoutMs !== undefined) options.idleTimeout = settings.idleTimeoutMs;
  if (settings.strict !== undefined) options.strict = settings.strict;
  if (settings.retry !== undefined) options.retry = retryFromProto(settings.retry);
  if (settings.fallbacks !== undefined) {
    options.fallbacks =
      settings.fallbacks.targets.length === 0 ? false : [...settings.fallbacks.targets];
  }
  return options;
}

function retryFromProto(settings: pb.RetrySettings): RetryOptions | false {
  if (settings.disabled) return false;
  const retry: RetryOptions = {};
  if (settings.maxAttempts !== undefined) retry.maxAttempts = settings.maxAttempts;
  if (settings.initialDelayMs !== undefined) retry.initialDelayMs = settings.initialDelayMs;
  if (settings.maxDelayMs !== undefined) retry.maxDelayMs = settings.maxDelayMs;
  if (settings.multiplier !== undefined) retry.multiplier = settings.multiplier;
  if (settings.jitter !== undefined) retry.jitter = settings.jitter;
  if (settings.maxRetryAfterMs !== undefined) retry.maxRetryAfterMs = settings.maxRetryAfterMs;
  return retry;
}
