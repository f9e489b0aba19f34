/**
 * `openTelemetryHooks()`: gateway hooks that trace each call as one GenAI
 * CLIENT span (a child of the caller's active context) with an event for
 * each retry, fallback, cache lookup and warning, and record the GenAI
 * client metrics. Uses `@opentelemetry/api` only: without an SDK
 * installed, everything is a no-op.
 */

import {
  type Attributes,
  context,
  type Histogram,
  type Meter,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type {
  CacheLookupEvent,
  CompleteEvent,
  ErrorEvent,
  ErrorSummary,
  FallbackEvent,
  GatewayHooks,
  HookEventBase,
  RetryEvent,
  WarningEvent,
} from "@ratatoskr/gateway";
import { RatatoskrError } from "@ratatoskr/gateway";
import {
  ATTR,
  CAPABILITIES_WITH_OUTPUT,
  GEN_AI_OPERATION_NAMES,
  METRICS,
  OPERATION_DURATION_BUCKETS,
  SPAN_EVENTS,
  TOKEN_USAGE_BUCKETS,
} from "./genai-names.ts";

/** The instrumentation scope name of the tracer and meter taken from the global API. */
export const INSTRUMENTATION_SCOPE = "@ratatoskr/telemetry";

/** Options of {@link openTelemetryHooks}. */
export interface OpenTelemetryHooksOptions {
  /** The tracer (default: the global tracer provider's, scope {@link INSTRUMENTATION_SCOPE}). */
  readonly tracer?: Tracer;
  /** The meter (default: the global meter provider's, scope {@link INSTRUMENTATION_SCOPE}). */
  readonly meter?: Meter;
}

/** Throw a `configuration` error unless `options` holds a usable tracer and meter (when given). */
function assertOptions(options: unknown): asserts options is OpenTelemetryHooksOptions {
  const fail = (message: string) => {
    throw new RatatoskrError({ code: "configuration", message: `openTelemetryHooks: ${message}` });
  };
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail(`options must be an object, got ${options === null ? "null" : typeof options}`);
  }
  const { tracer, meter } = options as { tracer?: unknown; meter?: unknown };
  const has = (value: unknown, method: string) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>)[method] === "function";
  if (tracer !== undefined && !has(tracer, "startSpan")) {
    fail("tracer must be an OpenTelemetry Tracer (with startSpan), e.g. trace.getTracer(name)");
  }
  if (meter !== undefined && !has(meter, "createHistogram")) {
    fail(
      "meter must be an OpenTelemetry Meter (with createHistogram), e.g. metrics.getMeter(name)",
    );
  }
}

/** What is kept of a call between its start and its end. */
interface OpenCall {
  readonly span: Span;
  readonly operation: string;
}

/** `gen_ai.operation.name` of an event's capability. */
function operationOf(event: HookEventBase): string {
  return GEN_AI_OPERATION_NAMES[event.capability] ?? event.capability;
}

/** The attributes an error adds: `error.type` is the error's code (`rate_limit`, `timeout`, …). */
function errorAttributes(error: ErrorSummary): Attributes {
  return {
    [ATTR.ERROR_TYPE]: error.code,
    ...(error.status === undefined ? {} : { [ATTR.HTTP_STATUS]: error.status }),
  };
}

/** What a warning is about: the setting, tool or option it names, or its message. */
function warningSubject(event: WarningEvent): string {
  const warning = event.warning;
  switch (warning.type) {
    case "unsupported_setting":
      return warning.setting;
    case "unsupported_tool":
      return warning.tool;
    case "unknown_provider_option":
      return warning.option;
    case "cache_unavailable":
      return warning.store;
    default:
      return warning.message;
  }
}

/**
 * Gateway hooks for OpenTelemetry. Each call becomes one span of kind
 * CLIENT named `"{gen_ai.operation.name} {gen_ai.request.model}"`
 * (`chat openai:gpt-4o`), started in the hook `onRequestStart`, which the
 * gateway calls synchronously inside the caller's call (a stream: inside
 * its first `next()`), so the span is a child of the caller's active
 * context. It carries `gen_ai.operation.name`, `gen_ai.request.model` (the
 * model as the caller named it), and on completion `gen_ai.provider.name`
 * (the answering provider's id), `gen_ai.response.model` (the provider's
 * model id), `gen_ai.usage.input_tokens` / `output_tokens` when the
 * provider reported usage, `ratatoskr.attempts`; a failed call gets
 * `error.type` (the `RatatoskrError` code) and status ERROR with the
 * redacted message. Retries, fallbacks, cache lookups and warnings are span
 * events (`ratatoskr.retry`, `ratatoskr.fallback`,
 * `ratatoskr.cache_lookup`, `ratatoskr.warning`).
 *
 * Metrics: `gen_ai.client.operation.duration` (histogram, seconds, every
 * call, `error.type` on failures) and `gen_ai.client.token.usage`
 * (histogram, tokens, `gen_ai.token.type` `input` / `output`, when usage
 * is known), with the conventions' advised buckets.
 *
 * Calls are told apart by their gateway call id, so give each gateway its
 * own hooks object. To keep other hooks too, use `combineHooks` of
 * `@ratatoskr/gateway`. Payloads hold no prompt, answer or secret.
 *
 * @example
 * ```ts
 * import { combineHooks, Ratatoskr } from "@ratatoskr/gateway";
 * import { openTelemetryHooks } from "@ratatoskr/telemetry";
 *
 * const gateway = await Ratatoskr.builder()
 *   .use(provider)
 *   .hooks(combineHooks(openTelemetryHooks(), myHooks))
 *   .build();
 * ```
 */
export function openTelemetryHooks(options: OpenTelemetryHooksOptions = {}): GatewayHooks {
  assertOptions(options);
  const tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE);
  const meter = options.meter ?? metrics.getMeter(INSTRUMENTATION_SCOPE);
  const duration: Histogram = meter.createHistogram(METRICS.OPERATION_DURATION, {
    description: "GenAI operation duration.",
    unit: "s",
    advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] },
  });
  const tokenUsage: Histogram = meter.createHistogram(METRICS.TOKEN_USAGE, {
    description: "Number of input and output tokens used.",
    unit: "{token}",
    advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
  });
  const open = new Map<number, OpenCall>();

  const start = (event: HookEventBase, startTime?: number): OpenCall => {
    const operation = operationOf(event);
    const span = tracer.startSpan(
      `${operation} ${event.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR.OPERATION_NAME]: operation,
          [ATTR.REQUEST_MODEL]: event.model,
          [ATTR.STREAM]: event.stream,
          [ATTR.CALL_ID]: event.callId,
        },
        ...(startTime === undefined ? {} : { startTime }),
      },
      context.active(),
    );
    const call = { span, operation };
    open.set(event.callId, call);
    return call;
  };
  /** The call's span; a call whose start was not heard gets one now. */
  const take = (event: HookEventBase): OpenCall => {
    const call = open.get(event.callId) ?? start(event);
    open.delete(event.callId);
    return call;
  };

  return {
    onRequestStart(event) {
      start(event, event.timestamp);
    },
    onRetry(event: RetryEvent) {
      open.get(event.callId)?.span.addEvent(SPAN_EVENTS.RETRY, {
        [ATTR.PROVIDER_NAME]: event.provider,
        [ATTR.PROVIDER_MODEL]: event.providerModel,
        [ATTR.RETRY_ATTEMPT]: event.attempt,
        [ATTR.RETRY_WAIT_MS]: event.waitMs,
        [ATTR.RETRY_WAIT_SOURCE]: event.waitSource,
        ...(event.chunk === undefined ? {} : { [ATTR.RETRY_CHUNK]: event.chunk }),
        ...errorAttributes(event.reason),
      });
    },
    onFallback(event: FallbackEvent) {
      open.get(event.callId)?.span.addEvent(SPAN_EVENTS.FALLBACK, {
        [ATTR.FALLBACK_FROM_PROVIDER]: event.from.provider,
        [ATTR.FALLBACK_FROM_MODEL]: event.from.model,
        [ATTR.FALLBACK_TO_PROVIDER]: event.to.provider,
        [ATTR.FALLBACK_TO_MODEL]: event.to.model,
        ...errorAttributes(event.reason),
      });
    },
    onCacheLookup(event: CacheLookupEvent) {
      open.get(event.callId)?.span.addEvent(SPAN_EVENTS.CACHE_LOOKUP, {
        [ATTR.PROVIDER_NAME]: event.provider,
        [ATTR.PROVIDER_MODEL]: event.providerModel,
        [ATTR.CACHE_STORE]: event.store,
        [ATTR.CACHE_HITS]: event.hits,
        [ATTR.CACHE_MISSES]: event.misses,
        ...(event.error === undefined ? {} : errorAttributes(event.error)),
      });
    },
    onWarning(event: WarningEvent) {
      open.get(event.callId)?.span.addEvent(SPAN_EVENTS.WARNING, {
        [ATTR.PROVIDER_NAME]: event.provider,
        [ATTR.WARNING_TYPE]: event.warning.type,
        [ATTR.WARNING_SUBJECT]: warningSubject(event),
      });
    },
    onComplete(event: CompleteEvent) {
      const { span, operation } = take(event);
      const common: Attributes = {
        [ATTR.OPERATION_NAME]: operation,
        [ATTR.PROVIDER_NAME]: event.provider,
        [ATTR.REQUEST_MODEL]: event.model,
        [ATTR.RESPONSE_MODEL]: event.providerModel,
      };
      const usage = event.usage;
      const withOutput = CAPABILITIES_WITH_OUTPUT.has(event.capability);
      span.setAttributes({
        ...common,
        [ATTR.ATTEMPTS]: event.attempts,
        ...(event.timeToFirstEventMs === undefined
          ? {}
          : { [ATTR.TIME_TO_FIRST_EVENT_MS]: event.timeToFirstEventMs }),
        ...(usage === undefined
          ? {}
          : {
              [ATTR.INPUT_TOKENS]: usage.promptTokens,
              ...(withOutput ? { [ATTR.OUTPUT_TOKENS]: usage.completionTokens } : {}),
              ...(usage.cacheReadTokens === undefined
                ? {}
                : { [ATTR.CACHE_READ_INPUT_TOKENS]: usage.cacheReadTokens }),
              ...(usage.cacheWriteTokens === undefined
                ? {}
                : { [ATTR.CACHE_CREATION_INPUT_TOKENS]: usage.cacheWriteTokens }),
            }),
      });
      span.end();
      duration.record(event.latencyMs / 1000, common);
      if (usage !== undefined) {
        tokenUsage.record(usage.promptTokens, { ...common, [ATTR.TOKEN_TYPE]: "input" });
        if (withOutput) {
          tokenUsage.record(usage.completionTokens, { ...common, [ATTR.TOKEN_TYPE]: "output" });
        }
      }
    },
    onError(event: ErrorEvent) {
      const { span, operation } = take(event);
      const attributes: Attributes = {
        [ATTR.OPERATION_NAME]: operation,
        [ATTR.REQUEST_MODEL]: event.model,
        ...(event.provider === undefined ? {} : { [ATTR.PROVIDER_NAME]: event.provider }),
        [ATTR.ERROR_TYPE]: event.error.code,
      };
      span.setAttributes({ ...attributes, [ATTR.ATTEMPTS]: event.attempts });
      if (event.error.status !== undefined) span.setAttribute(ATTR.HTTP_STATUS, event.error.status);
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
      span.end();
      duration.record(event.latencyMs / 1000, attributes);
    },
  };
}
