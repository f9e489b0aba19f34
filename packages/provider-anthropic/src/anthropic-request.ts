/**
 * `ChatOptions` → the body of `POST /v1/messages` (and of
 * `/v1/messages/count_tokens`, which takes the same prompt fields).
 *
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type Anthropic from "@anthropic-ai/sdk";
import {
  type ChatOptions,
  invalidInput,
  type Message,
  RatatoskrError,
  type ToolChoice,
  type ToolDefinition,
} from "@ratatoskr/core";
import { defaultMaxTokens } from "./anthropic-max-tokens.ts";
import { toAnthropicThinking } from "./anthropic-thinking.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";

/** A setting the provider could not send, reported instead of failing the call. */
export interface AnthropicWarning {
  type: "unsupported_setting";
  /** The `ChatOptions` field that was dropped. */
  setting: string;
  details: string;
}

/** The body of a Messages API request, without `stream`. */
export type AnthropicRequestBody = Omit<Anthropic.MessageCreateParamsNonStreaming, "stream">;

/** The request body and what was dropped from it. */
export interface AnthropicRequest {
  body: AnthropicRequestBody;
  warnings: AnthropicWarning[];
}

const CACHE_BREAKPOINT: Anthropic.CacheControlEphemeral = { type: "ephemeral" };

/**
 * Sampling settings that API version 2026-10-21 (sent by @anthropic-ai/sdk 1.x)
 * rejects with HTTP 400, and settings the Messages API never had. They are
 * dropped with a warning; pass them in `rawProviderOptions` to force them.
 */
const UNSUPPORTED: ReadonlyArray<readonly [keyof ChatOptions, string]> = [
  ["temperature", "the Messages API (version 2026-10-21) rejects sampling parameters"],
  ["topP", "the Messages API (version 2026-10-21) rejects sampling parameters"],
  ["seed", "the Messages API has no seed"],
  ["frequencyPenalty", "the Messages API has no frequency penalty"],
  ["presencePenalty", "the Messages API has no presence penalty"],
];

/**
 * Build the Messages API request for one chat turn:
 *
 * - `maxTokens` → `max_tokens`, defaulting per model ({@link defaultMaxTokens});
 * - `reasoning` → `thinking: {type: "enabled", budget_tokens}`;
 * - `tools` → `tools` (`parameters` → `input_schema`), `toolChoice` → `tool_choice`
 *   (`required` → `any`, `{name}` → `tool`), `parallelToolCalls: false` →
 *   `disable_parallel_tool_use`; a forced tool choice with thinking is an
 *   `unsupported_parameter` error (the API does not allow it);
 * - `cachePrompt` → a `cache_control` breakpoint on the last system block and the last tool;
 * - `stop` → `stop_sequences`; `responseFormat: json_schema` → `output_config.format`;
 * - `rawProviderOptions` merged last, as-is.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/overview
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
export function buildAnthropicRequest(
  messages: readonly Message[],
  options: ChatOptions,
  model: string,
  maxTokensFor: (model: string) => number = defaultMaxTokens,
): AnthropicRequest {
  const warnings: AnthropicWarning[] = [];
  const prompt = convertToAnthropicMessages(messages);
  const maxTokens = options.maxTokens ?? maxTokensFor(model);
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw invalidInput(`maxTokens must be a positive integer, got ${maxTokens}`);
  }
  const body: AnthropicRequestBody = {
    model,
    max_tokens: maxTokens,
    messages: prompt.messages,
  };

  if (prompt.system !== undefined) {
    if (options.cachePrompt === true) {
      const last = prompt.system[prompt.system.length - 1]!;
      prompt.system[prompt.system.length - 1] = { ...last, cache_control: CACHE_BREAKPOINT };
    }
    body.system = prompt.system;
  }

  const thinking = toAnthropicThinking(options.reasoning, maxTokens);
  if (thinking !== undefined) body.thinking = thinking;

  if (options.tools !== undefined && options.tools.length > 0) {
    body.tools = options.tools.map((tool, index) =>
      toAnthropicTool(tool, options.cachePrompt === true && index === options.tools!.length - 1),
    );
    const toolChoice = toAnthropicToolChoice(options.toolChoice, options.parallelToolCalls);
    if (thinking !== undefined && (toolChoice?.type === "any" || toolChoice?.type === "tool")) {
      throw new RatatoskrError({
        code: "unsupported_parameter",
        message:
          'Anthropic extended thinking cannot be combined with a forced tool choice ("required" or {name}); use "auto" or "none", or drop reasoning',
        provider: "anthropic",
        model,
      });
    }
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }

  if (options.stop !== undefined && options.stop.length > 0)
    body.stop_sequences = [...options.stop];

  const format = options.responseFormat;
  if (format?.type === "json_schema") {
    body.output_config = { format: { type: "json_schema", schema: format.schema } };
  } else if (format?.type === "json_object") {
    warnings.push({
      type: "unsupported_setting",
      setting: "responseFormat",
      details: 'Anthropic needs a schema for JSON output; use {type: "json_schema", schema}',
    });
  }

  for (const [setting, details] of UNSUPPORTED) {
    if (options[setting] !== undefined)
      warnings.push({ type: "unsupported_setting", setting, details });
  }

  if (options.rawProviderOptions !== undefined) Object.assign(body, options.rawProviderOptions);
  return { body, warnings };
}

/**
 * A tool definition in the Anthropic format.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/implement-tool-use#specifying-client-tools
 */
export function toAnthropicTool(tool: ToolDefinition, cacheBreakpoint = false): Anthropic.Tool {
  const schema = tool.parameters ?? {};
  const result: Anthropic.Tool = {
    name: tool.name,
    input_schema: { ...schema, type: "object" } as Anthropic.Tool.InputSchema,
  };
  if (tool.description !== undefined) result.description = tool.description;
  if (cacheBreakpoint) result.cache_control = CACHE_BREAKPOINT;
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
