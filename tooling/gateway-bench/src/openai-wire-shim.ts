/**
 * A minimal v1 provider for the OpenAI wire format on the official `openai`
 * SDK: text chat only (complete and stream), `maxRetries: 0`. It stands in
 * for `@ratatoskr/provider-openai-compat` until that package implements the
 * provider specification v1; the benchmark uses the real package as soon as
 * it exports `openaiDescriptor`.
 *
 * The gateway's signal reaches the request through the SDK's `fetch`, linked
 * with a listener, rather than as the SDK's `signal` option: given a
 * `signal`, the SDK composes it with its own with `AbortSignal.any()`, which
 * costs tens of µs per call on Node 24 (measured in this package's README) —
 * more than the whole gateway.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type {
  ChatRequestV1,
  ChatResultV1,
  ChatStreamPartV1,
  FinishReason,
  ProviderV1,
  Usage,
} from "@ratatoskr/core";
import OpenAI from "openai";

const FINISH: Readonly<Record<string, FinishReason>> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
};

function usageOf(usage: OpenAI.CompletionUsage | null | undefined): Usage | undefined {
  return usage
    ? {
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        totalTokens: usage.total_tokens,
      }
    : undefined;
}

function wireMessages(request: ChatRequestV1): OpenAI.ChatCompletionMessageParam[] {
  return request.messages.map((message) =>
    message.role === "tool"
      ? { role: "tool", content: message.content, tool_call_id: message.toolCallId }
      : { role: message.role, content: message.content },
  );
}

/** The signal of the request being sent (read by the SDK's `fetch`). */
const requestSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * `fetch` with the current request's signal linked to the SDK's own: one
 * controller, one listener on each (both signals live no longer than the
 * request, so nothing accumulates).
 */
const linkedFetch: typeof globalThis.fetch = (input, init) => {
  const outer = requestSignal.getStore();
  if (outer === undefined) return globalThis.fetch(input, init);
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (outer.aborted) controller.abort();
  else outer.addEventListener("abort", abort, { once: true });
  init?.signal?.addEventListener("abort", abort, { once: true });
  return globalThis.fetch(input, { ...init, signal: controller.signal });
};

/** The shim provider, id `openai-wire`, talking to `baseURL`. */
export function createOpenAIWireShim(settings: { baseURL: string; apiKey: string }): ProviderV1 {
  const client = new OpenAI({
    baseURL: settings.baseURL,
    apiKey: settings.apiKey,
    maxRetries: 0,
    fetch: linkedFetch,
  });
  return {
    specificationVersion: "v1",
    id: "openai-wire",
    chat: {
      async complete(request): Promise<ChatResultV1> {
        const completion = await requestSignal.run(request.signal, () =>
          client.chat.completions.create({ model: request.model, messages: wireMessages(request) }),
        );
        const choice = completion.choices[0];
        const usage = usageOf(completion.usage);
        return {
          content: choice?.message.content ?? "",
          toolCalls: [],
          finishReason: FINISH[choice?.finish_reason ?? ""] ?? "other",
          ...(usage === undefined ? {} : { usage }),
          response: { model: completion.model, requestId: completion.id },
        };
      },
      async *stream(request): AsyncGenerator<ChatStreamPartV1> {
        const stream = await requestSignal.run(request.signal, () =>
          client.chat.completions.create({
            model: request.model,
            messages: wireMessages(request),
            stream: true,
            stream_options: { include_usage: true },
          }),
        );
        let finishReason: FinishReason | undefined;
        let usage: Usage | undefined;
        let first = true;
        for await (const chunk of stream) {
          if (first) {
            first = false;
            yield { type: "response_metadata", model: chunk.model, requestId: chunk.id };
          }
          const choice = chunk.choices[0];
          const text = choice?.delta?.content;
          if (text) yield { type: "content", text };
          if (choice?.finish_reason) finishReason = FINISH[choice.finish_reason] ?? "other";
          usage = usageOf(chunk.usage) ?? usage;
        }
        if (finishReason === undefined) throw new Error("the stream ended without a finish reason");
        yield { type: "done", finishReason, ...(usage === undefined ? {} : { usage }) };
      },
    },
  };
}
