/**
 * Type tests: checked by `tsc` (the package's typecheck), not executed.
 */
import { expectTypeOf } from "vitest";
import type { ChatEvent, GenerateEvent } from "./events.ts";
import type { AssistantMessage, Message, ToolMessage } from "./messages.ts";
import type { ModelGateway, ProviderMethods } from "./model-gateway.ts";
import type { CallOptions } from "./options.ts";
import type { ProviderPlugin } from "./provider-plugin.ts";
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

// A plugin implements any subset of the gateway's methods.
expectTypeOf<ProviderPlugin>().toMatchTypeOf<ProviderMethods>();
// @ts-expect-error capabilities() is the gateway's, not a provider method
expectTypeOf<ProviderMethods["capabilities"]>().toBeFunction();
