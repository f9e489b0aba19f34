/**
 * The stream `gateway.generateStream()` returns: the shared routed stream
 * over a provider's generation parts (text, usage, one `done`).
 */
import {
  assertGenerateOptions,
  assertText,
  type ExchangeInspectorV1,
  type GenerateDoneEvent,
  type GenerateEvent,
  type GenerateOptions,
  type GenerationSettingsV1,
  type GenerationStreamPartV1,
  type PartialOutput,
  RatatoskrError,
  type Usage,
  type Warning,
  type WarningV1,
} from "@ratatoskr/core";
import { joinWarnings, prepareGenerate, withCost } from "./call-preparation.ts";
import type { CallTarget } from "./call-runner.ts";
import type { GatewayCore } from "./gateway-core.ts";
import { withInspector } from "./provider-exchanges.ts";
import { generationSettings, ownProviderOptions } from "./provider-requests.ts";
import { RoutedStream } from "./routed-stream.ts";

/** The generation stream returned by `gateway.generateStream()`. */
export class RoutedGenerationStream extends RoutedStream<GenerationStreamPartV1, GenerateEvent> {
  readonly #prompt: string;
  readonly #core: GatewayCore;
  #options: GenerateOptions;
  #gatewayWarnings: readonly WarningV1[] = [];
  #settings: GenerationSettingsV1 | undefined;
  #text = "";
  #usage: Usage | undefined;
  #done = false;

  constructor(core: GatewayCore, prompt: string, options: GenerateOptions) {
    super(core, "generate", options);
    this.#core = core;
    this.#prompt = prompt;
    this.#options = options;
  }

  protected validate(): string {
    assertText(this.#prompt, "prompt");
    assertGenerateOptions(this.#options);
    const prepared = prepareGenerate(this.#core, this.#options);
    this.#options = prepared.options;
    this.#gatewayWarnings = prepared.warnings;
    return prepared.options.model;
  }

  protected override gatewayWarnings(): readonly WarningV1[] {
    return this.#gatewayWarnings;
  }

  #request(target: CallTarget, signal: AbortSignal) {
    this.#settings ??= generationSettings(this.#options);
    return {
      model: target.providerModel,
      prompt: this.#prompt,
      settings: this.#settings,
      providerOptions: ownProviderOptions(this.#options.providerOptions, target.provider),
      signal,
    };
  }

  protected open(
    target: CallTarget,
    signal: AbortSignal,
    inspect: ExchangeInspectorV1 | undefined,
  ): AsyncIterable<GenerationStreamPartV1> {
    return target.provider.generation!.stream(
      withInspector(this.#request(target, signal), inspect),
    );
  }

  protected warningsFor(target: CallTarget, signal: AbortSignal): readonly WarningV1[] | undefined {
    return joinWarnings(
      this.#gatewayWarnings,
      target.provider.generation!.warningsFor?.(this.#request(target, signal)),
    );
  }

  protected observe(part: GenerationStreamPartV1): void {
    if (this.#done) {
      throw new RatatoskrError({
        code: "stream",
        message: `Received a "${part.type}" event after "done"`,
      });
    }
    if (part.type === "text") this.#text += part.text;
    else if (part.type === "usage") this.#usage = part.usage;
    else if (part.type === "done") {
      this.#usage = part.usage ?? this.#usage;
      this.#done = true;
    }
  }

  protected partial(): PartialOutput {
    return { content: this.#text };
  }

  protected finish(
    done: GenerationStreamPartV1,
    provider: string,
    model: string,
    requestId: string | undefined,
    warnings: Warning[] | undefined,
  ): GenerateEvent {
    const event: GenerateDoneEvent = { ...(done as GenerateDoneEvent), provider, model };
    const usage = withCost(this.#core, event.usage, model);
    if (usage !== undefined) event.usage = usage;
    if (requestId !== undefined) event.requestId = requestId;
    if (warnings !== undefined) event.warnings = warnings;
    return event;
  }

  protected usage(): Usage | undefined {
    return this.#usage;
  }
}
