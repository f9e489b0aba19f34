/**
 * `responseFormat: {type: "json_schema"}` on Anthropic: native JSON outputs
 * (`output_config.format`) where the model has them, else a forced tool
 * whose input is the answer.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 * @see https://platform.claude.com/docs/en/build-with-claude/tool-use/implement-tool-use#json-mode
 */
import type Anthropic from "@anthropic-ai/sdk";
import { invalidInput, type ResponseFormat } from "@ratatoskr/core";

/**
 * How a JSON schema response format is sent:
 * - `native`: `output_config.format: {type: "json_schema", schema}` (Claude
 *   Sonnet 4.5, Opus 4.1 and later models);
 * - `tool`: one tool named after the schema (`input_schema` = the schema)
 *   forced with `tool_choice: {type: "tool", name}`; the tool call's input
 *   comes back as the message text (JSON), not as a tool call.
 */
export type AnthropicStructuredOutputMode = "native" | "tool";

/**
 * Models without native JSON outputs: Claude 2, Instant and 3.x, and the
 * first Claude 4 models (Sonnet 4, Opus 4). Any other model name (newer
 * models, unknown ids) uses the native format.
 */
const TOOL_MODE_MODELS = /^claude-(?:2|instant|3|sonnet-4-(?:0|2025)|opus-4-(?:0|2025))/;

/**
 * The mode for `model`: the `structuredOutput` provider option when set,
 * else `tool` for the models that lack native JSON outputs and `native` for
 * every other.
 */
export function anthropicStructuredOutputMode(
  model: string,
  option: AnthropicStructuredOutputMode | undefined,
): AnthropicStructuredOutputMode {
  return option ?? (TOOL_MODE_MODELS.test(model) ? "tool" : "native");
}

/**
 * The forced tool of `tool` mode: named after the format, its description
 * (or a default one asking for the answer), the schema as `input_schema`.
 * Throws `invalid_input` for a schema whose root is not an object (a tool's
 * input always is).
 */
export function toAnthropicOutputTool(
  format: Extract<ResponseFormat, { type: "json_schema" }>,
): Anthropic.Tool {
  const schema = format.schema;
  if (schema.type !== undefined && schema.type !== "object") {
    throw invalidInput(
      `responseFormat.schema must describe an object for Anthropic's tool-based structured output, got type ${JSON.stringify(schema.type)}`,
    );
  }
  return {
    name: format.name,
    description: format.description ?? "Give the answer as this tool's input.",
    input_schema: { ...schema, type: "object" } as Anthropic.Tool.InputSchema,
  };
}
