/**
 * A v1 chat request → the body of `POST /v1/messages` (and of
 * `/v1/messages/count_tokens`, which takes the same prompt fields), with the
 * warnings for what could not be sent.
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  type ChatRequestV1,
  type ChatSettingsV1,
  invalidInput,
  RatatoskrError,
  type ToolChoice,
  type ToolDefinition,
  type WarningV1,
} from "@ratatoskr/core";
import { defaultMaxTokens } from "./anthropic-max-tokens.ts";
import {
  type AnthropicProviderOptions,
  readAnthropicProviderOptions,
} from "./anthropic-provider-options.ts";
import {
  anthropicStructuredOutputMode,
  toAnthropicOutputTool,
} from "./anthropic-structured-output.ts";
import { toAnthropicThinking } from "./anthropic-thinking.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";

/** What a request is built from: a v1 chat request without its signal and headers. */
export type AnthropicChatInput = Pick<
  ChatRequestV1,
  "model" | "messages" | "settings" | "providerOptions"
>;

/** The body of a Messages API request, without `stream`. */
export type AnthropicRequestBody = Omit<Anthropic.MessageCreateParamsNonStreaming, "stream">;

/** The request body, what could not be sent, and the beta features to ask for. */
export interface AnthropicRequest {
  body: AnthropicRequestBody;
  warnings: WarningV1[];
  /** `providerOptions.anthropic.betas`, for the `anthropic-beta` header. */
  betas: readonly string[] | undefined;
  /**
   * The forced tool that carries a JSON schema answer (tool-based structured
   * output): its call is the message text, not a tool call. Undefined otherwise.
   */
  outputTool: string | undefined;
}

/** The checked provider options and every warning a request produces before it is sent. */
export interface AnthropicRequestWarnings {
  options: AnthropicProviderOptions;
  warnings: WarningV1[];
}

const CACHE_BREAKPOINT: Anthropic.CacheControlEphemeral = { type: "ephemeral" };

/**
 * Standard settings the Messages API does not take: sampling parameters,
 * which API version 2026-10-21 (sent by @anthropic-ai/sdk 1.x) rejects with
 * HTTP 400, and settings it never had. Each one set is left out with an
 * `unsupported_setting` warning.
 */
const UNSUPPORTED: ReadonlyArray<readonly [keyof ChatSettingsV1, string]> = [
  ["temperature", "the Messages API (version 2026-10-21) rejects sampling parameters"],
  ["topP", "the Messages API (version 2026-10-21) rejects sampling parameters"],
  ["topK", "the Messages API (version 2026-10-21) rejects sampling parameters"],
  ["seed", "the Messages API has no seed"],
  ["frequencyPenalty", "the Messages API has no frequency penalty"],
  ["presencePenalty", "the Messages API has no presence penalty"],
];

/**
 * The warnings a chat request produces, without building it: each
 * unsupported standard setting, `responseFormat: json_object` (Anthropic
 * needs a schema), `toolChoice` with a tool-mode JSON schema answer (for
 * `model`), `cacheControl` without `cachePrompt`, and each unknown
 * provider option. Throws `invalid_input` for a provider option of the
 * wrong type. {@link buildAnthropicRequest} starts with it, so
 * `warningsFor()` and the call always agree.
 */
export function anthropicRequestWarnings(
  settings: ChatSettingsV1,
  providerOptions: Readonly<Record<string, unknown>>,
  model = "",
): AnthropicRequestWarnings {
  const { options, warnings: optionWarnings } = readAnthropicProviderOptions(providerOptions);
  const warnings: WarningV1[] = [];
  for (const [setting, details] of UNSUPPORTED) {
    if (settings[setting] !== undefined) {
      warnings.push({ type: "unsupported_setting", setting, details });
    }
  }
  if (settings.responseFormat?.type === "json_object") {
    warnings.push({
      type: "unsupported_setting",
      setting: "responseFormat",
      details: 'Anthropic needs a schema for JSON output; use {type: "json_schema", schema}',
    });
  }
  if (
    settings.responseFormat?.type === "json_schema" &&
    settings.toolChoice !== undefined &&
    anthropicStructuredOutputMode(model, options.structuredOutput) === "tool"
  ) {
    warnings.push({
      type: "unsupported_setting",
      setting: "toolChoice",
      details: `not sent: the JSON schema answer is a forced call of the tool "${settings.responseFormat.name}"`,
    });
  }
  if (options.cacheControl !== undefined && settings.cachePrompt !== true) {
    warnings.push({
      type: "other",
      message: "providerOptions.anthropic.cacheControl has no effect without cachePrompt: true",
    });
  }
  if (optionWarnings.length > 0) warnings.push(...optionWarnings);
  return { options, warnings };
}

/**
 * Build the Messages API request for one chat turn:
 *
 * - `maxTokens` → `max_tokens`, defaulting per model ({@link defaultMaxTokens});
 * - `reasoning` → `thinking: {type: "enabled", budget_tokens}`, unless the
 *   `thinking` provider option gives the parameter as sent;
 * - `tools` → `tools` (`parameters` → `input_schema`), followed by the
 *   `tools` provider option (server tools, in Anthropic's format);
 *   `toolChoice` → `tool_choice` (`required` → `any`, `{name}` → `tool`),
 *   `parallelToolCalls: false` → `disable_parallel_tool_use`; a forced tool
 *   choice with thinking is an `unsupported_parameter` error (the API does
 *   not allow it);
 * - `cachePrompt` → a `cache_control` breakpoint on the last system block
 *   and the last tool (with the `cacheControl` option's `ttl`);
 * - `stop` → `stop_sequences`; `responseFormat: json_schema` →
 *   `output_config.format`, or, in tool mode (models without native JSON
 *   outputs, or the `structuredOutput: "tool"` option), one more tool named
 *   after the schema forced with `tool_choice: {type: "tool", name}` (its
 *   name is `outputTool`; `toolChoice` is then not sent, a warning); the
 *   `effort` option → `output_config.effort`;
 * - the `mcpServers`, `metadata`, `serviceTier` and `container` options →
 *   `mcp_servers`, `metadata`, `service_tier`, `container`; `extraBody`
 *   merged last, as given;
 * - everything else set is left out with a warning ({@link anthropicRequestWarnings}).
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/overview
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
export function buildAnthropicRequest(
  request: AnthropicChatInput,
  maxTokensFor: (model: string) => number = defaultMaxTokens,
): AnthropicRequest {
  const { model, settings } = request;
  const { options, warnings } = anthropicRequestWarnings(settings, request.providerOptions, model);
  const prompt = convertToAnthropicMessages(request.messages);
  const maxTokens = settings.maxTokens ?? maxTokensFor(model);
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw invalidInput(`maxTokens must be a positive integer, got ${maxTokens}`);
  }
  const body: AnthropicRequestBody = {
    model,
    max_tokens: maxTokens,
    messages: prompt.messages,
  };
  const cache: Anthropic.CacheControlEphemeral | undefined =
    settings.cachePrompt === true
      ? options.cacheControl?.ttl === undefined
        ? CACHE_BREAKPOINT
        : { type: "ephemeral", ttl: options.cacheControl.ttl }
      : undefined;

  if (prompt.system !== undefined) {
    if (cache !== undefined) {
      const last = prompt.system[prompt.system.length - 1]!;
      prompt.system[prompt.system.length - 1] = { ...last, cache_control: cache };
    }
    body.system = prompt.system;
  }

  const thinking = options.thinking ?? toAnthropicThinking(settings.reasoning, maxTokens);
  if (thinking !== undefined) body.thinking = thinking;

  const format = settings.responseFormat;
  const outputTool =
    format?.type === "json_schema" &&
    anthropicStructuredOutputMode(model, options.structuredOutput) === "tool"
      ? toAnthropicOutputTool(format)
      : undefined;
  const tools: Array<Record<string, unknown>> = [];
  for (const tool of settings.tools ?? []) tools.push(toAnthropicTool(tool) as never);
  for (const tool of options.tools ?? []) tools.push(tool as Record<string, unknown>);
  if (outputTool !== undefined) {
    if (tools.some((tool) => tool.name === outputTool.name)) {
      throw invalidInput(
        `responseFormat.name "${outputTool.name}" is also the name of a tool; Anthropic's tool-based structured output needs a name of its own`,
      );
    }
    tools.push(outputTool as never);
  }
  if (tools.length > 0) {
    if (cache !== undefined) tools[tools.length - 1] = { ...tools.at(-1), cache_control: cache };
    body.tools = tools as unknown as Anthropic.ToolUnion[];
    const toolChoice: Anthropic.ToolChoice | undefined =
      outputTool === undefined
        ? toAnthropicToolChoice(settings.toolChoice, settings.parallelToolCalls)
        : { type: "tool", name: outputTool.name };
    const thinks = thinking !== undefined && thinking.type !== "disabled";
    if (thinks && (toolChoice?.type === "any" || toolChoice?.type === "tool")) {
      throw new RatatoskrError({
        code: "unsupported_parameter",
        message:
          outputTool === undefined
            ? 'Anthropic extended thinking cannot be combined with a forced tool choice ("required" or {name}); use "auto" or "none", or drop reasoning'
            : `Anthropic extended thinking cannot be combined with tool-based structured output (model ${model}); drop reasoning, or use a model with native JSON outputs`,
        provider: "anthropic",
        model,
      });
    }
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }

  if (settings.stop !== undefined && settings.stop.length > 0) {
    body.stop_sequences = [...settings.stop];
  }

  const native = format?.type === "json_schema" && outputTool === undefined;
  if (native || options.effort !== undefined) {
    const output: Anthropic.OutputConfig = {};
    if (native && format?.type === "json_schema") {
      output.format = { type: "json_schema", schema: format.schema };
    }
    if (options.effort !== undefined) output.effort = options.effort;
    body.output_config = output;
  }

  const extra = body as Record<string, unknown>;
  if (options.mcpServers !== undefined) extra.mcp_servers = options.mcpServers;
  if (options.metadata !== undefined) body.metadata = options.metadata as Anthropic.Metadata;
  if (options.serviceTier !== undefined) body.service_tier = options.serviceTier;
  if (options.container !== undefined) extra.container = options.container;
  if (options.extraBody !== undefined) Object.assign(body, options.extraBody);
  return { body, warnings, betas: options.betas, outputTool: outputTool?.name };
}

/**
 * A tool definition in the Anthropic format.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/implement-tool-use#specifying-client-tools
 */
export function toAnthropicTool(tool: ToolDefinition): Anthropic.Tool {
  const schema = tool.parameters ?? {};
  const result: Anthropic.Tool = {
    name: tool.name,
    input_schema: { ...schema, type: "object" } as Anthropic.Tool.InputSchema,
  };
  if (tool.description !== undefined) result.description = tool.description;
  return result;
}

/**
 * `toolChoice` → `tool_choice`: `auto` → `auto`, `none` → `none`,
 * `required` → `any`, `{name}` → `{type: "tool", name}`;
 * `parallelToolCalls: false` → `disable_parallel_tool_use: true`.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/implement-tool-use#forcing-tool-use
 */
export function toAnthropicToolChoice(
  toolChoice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): Anthropic.ToolChoice | undefined {
  const disableParallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (toolChoice === undefined) {
    return parallelToolCalls === false ? { type: "auto", ...disableParallel } : undefined;
  }
  if (toolChoice === "none") return { type: "none" };
  if (toolChoice === "auto") return { type: "auto", ...disableParallel };
  if (toolChoice === "required") return { type: "any", ...disableParallel };
  if (typeof toolChoice === "object" && typeof toolChoice.name === "string") {
    return { type: "tool", name: toolChoice.name, ...disableParallel };
  }
  throw invalidInput(
    `toolChoice must be auto, none, required or {name}; got ${JSON.stringify(toolChoice)}`,
  );
}
