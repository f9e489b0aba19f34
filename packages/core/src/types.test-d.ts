/**
 * Type tests: checked by `tsc` (the package's typecheck), not executed.
 */
import { expectTypeOf } from "vitest";
import type { ChatEvent, GenerateEvent } from "./events.ts";
import type { AssistantMessage, Message, ToolMessage } from "./messages.ts";
import type { ModelGateway } from "./model-gateway.ts";
import type { CallOptions } from "./options.ts";
import type { ChatResponse, TokenCount } from "./responses.ts";

declare const event: ChatEvent;
if (event.type === "tool_call_start") {
  expectTypeOf(event.index).toEqualTypeOf<number>();
  expectTypeOf(event.id).toEqualTypeOf<string>();
  expectTypeOf(event.name).toEqualTypeOf<string>();
}
if (event.type === "tool_call_delta") expectTypeOf(event.arguments).toEqualTypeOf<string>();
if (event.type === "tool_call_end")
  expectTypeOf(event).toEqualTypeOf<{
    type: "tool_call_end";
    index: number;
    id: string;
    name: string;
    arguments: string;
    parsedArguments: unknown;
  }>();
if (event.type === "server_tool_call") {
  expectTypeOf(event.call.id).toEqualTypeOf<string>();
  expectTypeOf(event.call.input).toEqualTypeOf<unknown>();
  expectTypeOf(event.call.server).toEqualTypeOf<string | undefined>();
}
if (event.type === "server_tool_result") {
  expectTypeOf(event.result.toolCallId).toEqualTypeOf<string>();
  expectTypeOf(event.result.isError).toEqualTypeOf<boolean | undefined>();
}
if (event.type === "done")
  expectTypeOf(event.finishReason).toEqualTypeOf<ChatResponse["finishReason"]>();

declare const generateEvent: GenerateEvent;
if (generateEvent.type === "text") expectTypeOf(generateEvent.text).toEqualTypeOf<string>();

declare const message: Message;
if (message.role === "tool") expectTypeOf(message).toEqualTypeOf<ToolMessage>();
if (message.role === "assistant")
  expectTypeOf(message.toolCalls).toEqualTypeOf<AssistantMessage["toolCalls"]>();

// Every async gateway method returns a promise or an async iterable and takes an options object last.
expectTypeOf<ReturnType<ModelGateway["countTokens"]>>().toEqualTypeOf<Promise<TokenCount>>();
expectTypeOf<ReturnType<ModelGateway["chatStream"]>>().toEqualTypeOf<AsyncIterable<ChatEvent>>();
expectTypeOf<Parameters<ModelGateway["embed"]>[2]>().toEqualTypeOf<CallOptions | undefined>();
expectTypeOf<CallOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();

// The previous provider contract is gone: options carry providerOptions, keyed by provider id.
declare const chatOptions: import("./options.ts").ChatOptions;
declare const generateOptions: import("./options.ts").GenerateOptions;
// @ts-expect-error rawProviderOptions was replaced by providerOptions
chatOptions.rawProviderOptions;
// @ts-expect-error rawProviderOptions was replaced by providerOptions
generateOptions.rawProviderOptions;
// @ts-expect-error ProviderPlugin was replaced by ProviderV1
type _Plugin = import("./index.ts").ProviderPlugin;
// @ts-expect-error ProviderMethods went with ProviderPlugin
type _Methods = import("./index.ts").ProviderMethods;
// @ts-expect-error tools are provider-neutral: each provider package converts them
import("./index.ts").then((core) => core.ToolDefinition.toOpenAI);

// toAssistantMessage takes a provider's v1 chat result as it is (readonly warnings and all).
declare const chatResult: import("./spec/index.ts").ChatResultV1;
expectTypeOf(
  import("./responses.ts").then((responses) => responses.toAssistantMessage(chatResult)),
).resolves.toEqualTypeOf<AssistantMessage>();
