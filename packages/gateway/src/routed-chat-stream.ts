/**
 * The stream `gateway.chatStream()` returns: the shared routed stream over
 * a provider's chat parts, with the chat event protocol checked by core's
 * `ChatStreamAccumulator` (which also keeps the partial output).
 */
import {
  assertChatRequest,
  type ChatEvent,
  type ChatOptions,
  type ChatSettingsV1,
  ChatStreamAccumulator,
  type ChatStreamPartV1,
  type DoneEvent,
  type ExchangeInspectorV1,
  type Message,
  type PartialOutput,
  type Usage,
  type Warning,
  type WarningV1,
} from "@ratatoskr/core";
import { joinWarnings, prepareChat, withCost } from "./call-preparation.ts";
import type { CallTarget } from "./call-runner.ts";
import type { GatewayCore } from "./gateway-core.ts";
import { withInspector } from "./provider-exchanges.ts";
import { chatSettings, ownProviderOptions } from "./provider-requests.ts";
import { RoutedStream } from "./routed-stream.ts";

/** The chat stream returned by `gateway.chatStream()`. */
export class RoutedChatStream extends RoutedStream<ChatStreamPartV1, ChatEvent> {
  readonly #messages: readonly Message[];
  readonly #core: GatewayCore;
  #options: ChatOptions;
  #gatewayWarnings: readonly WarningV1[] = [];
  readonly #accumulator = new ChatStreamAccumulator();
  #settings: ChatSettingsV1 | undefined;

  constructor(core: GatewayCore, messages: readonly Message[], options: ChatOptions) {
    // `options` may be anything until validated.
    super(core, "chat", options);
    this.#core = core;
    this.#messages = messages;
    this.#options = options;
  }

  protected validate(): string {
    assertChatRequest(this.#messages, this.#options);
    const prepared = prepareChat(this.#core, this.#options);
    this.#options = prepared.options;
    this.#gatewayWarnings = prepared.warnings;
    return prepared.options.model;
  }

  protected override gatewayWarnings(): readonly WarningV1[] {
    return this.#gatewayWarnings;
  }

  #request(target: CallTarget, signal: AbortSignal) {
    this.#settings ??= chatSettings(this.#options);
    return {
      model: target.providerModel,
      messages: this.#messages,
      settings: this.#settings,
      providerOptions: ownProviderOptions(this.#options.providerOptions, target.provider),
      signal,
    };
  }

  protected open(
    target: CallTarget,
    signal: AbortSignal,
    inspect: ExchangeInspectorV1 | undefined,
  ): AsyncIterable<ChatStreamPartV1> {
    return target.provider.chat!.stream(withInspector(this.#request(target, signal), inspect));
  }

  protected warningsFor(target: CallTarget, signal: AbortSignal): readonly WarningV1[] | undefined {
    return joinWarnings(
      this.#gatewayWarnings,
      target.provider.chat!.warningsFor?.(this.#request(target, signal)),
    );
  }

  protected observe(part: ChatStreamPartV1): void {
    this.#accumulator.push(part as ChatEvent);
  }

  protected partial(): PartialOutput {
    return this.#accumulator.partial();
  }

  protected finish(
    done: ChatStreamPartV1,
    provider: string,
    model: string,
    requestId: string | undefined,
    warnings: Warning[] | undefined,
  ): ChatEvent {
    const event: DoneEvent = { ...(done as DoneEvent), provider, model };
    const usage = withCost(this.#core, event.usage, model);
    if (usage !== undefined) event.usage = usage;
    if (requestId !== undefined) event.requestId = requestId;
    if (warnings !== undefined) event.warnings = warnings;
    return event;
  }

  protected usage(): Usage | undefined {
    return this.#accumulator.isDone ? this.#accumulator.toResponse().usage : undefined;
  }
}
