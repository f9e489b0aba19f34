/**
 * Validation of the tools a chat request offers and of its tool choice.
 */
import { describeValue, invalidField, isRecord } from "./invalid-field.ts";
import type { ToolChoice, ToolDefinition } from "./tools.ts";

const TOOL_CHOICES: ReadonlySet<unknown> = new Set(["auto", "none", "required"]);

/**
 * Require an array of tools, each with a non-empty `name` (unique among
 * them), an optional string `description`, and `parameters` a JSON Schema
 * object describing the arguments object (its `type`, when given, is
 * `"object"`: every provider requires that).
 */
export function assertTools(
  tools: unknown,
  field = "options.tools",
): asserts tools is ToolDefinition[] {
  if (!Array.isArray(tools)) {
    throw invalidField(field, `must be an array of tools, got ${describeValue(tools)}`);
  }
  for (let index = 0; index < tools.length; index++) {
    const tool: unknown = tools[index];
    if (!isRecord(tool)) {
      throw invalidField(
        `${field}[${index}]`,
        `must be an object {name, description?, parameters}, got ${describeValue(tool)}`,
      );
    }
    const name = tool.name;
    if (typeof name !== "string" || name === "") {
      throw invalidField(
        `${field}[${index}].name`,
        `must be a non-empty string, got ${describeValue(name)}`,
      );
    }
    for (let earlier = 0; earlier < index; earlier++) {
      if ((tools[earlier] as ToolDefinition).name === name) {
        throw invalidField(
          `${field}[${index}].name`,
          `must be unique; ${describeValue(name)} is also ${field}[${earlier}].name`,
        );
      }
    }
    if (tool.description !== undefined && typeof tool.description !== "string") {
      throw invalidField(
        `${field}[${index}].description`,
        `must be a string when present, got ${describeValue(tool.description)}`,
      );
    }
    const parameters = tool.parameters;
    if (!isRecord(parameters)) {
      throw invalidField(
        `${field}[${index}].parameters`,
        `must be a JSON Schema object describing the arguments (e.g. {type: "object", properties: {…}}), got ${describeValue(parameters)}`,
      );
    }
    if (parameters.type !== undefined && parameters.type !== "object") {
      throw invalidField(
        `${field}[${index}].parameters.type`,
        `must be "object" (tool arguments are an object), got ${describeValue(parameters.type)}`,
      );
    }
  }
}

/**
 * Require a tool choice: `auto`, `none`, `required`, or `{name}` naming one
 * of `tools` (when tools are given).
 */
export function assertToolChoice(
  choice: unknown,
  tools: readonly ToolDefinition[] | undefined,
  field = "options.toolChoice",
): asserts choice is ToolChoice {
  if (TOOL_CHOICES.has(choice)) return;
  if (!isRecord(choice)) {
    throw invalidField(
      field,
      `must be "auto", "none", "required" or {name}, got ${describeValue(choice)}`,
    );
  }
  const name = choice.name;
  if (typeof name !== "string" || name === "") {
    throw invalidField(`${field}.name`, `must be a non-empty string, got ${describeValue(name)}`);
  }
  if (tools === undefined || !tools.some((tool) => tool.name === name)) {
    throw invalidField(
      `${field}.name`,
      `must name one of the request's tools; ${describeValue(name)} is not among them`,
    );
  }
}
