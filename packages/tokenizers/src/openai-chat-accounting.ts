/**
 * How OpenAI counts a chat request's prompt tokens, as OpenAI publishes it
 * in the cookbook "How to count tokens with tiktoken":
 *
 * - every message costs 3 tokens plus its role and content (and 1 plus its
 *   name), and every reply is primed with 3 more;
 * - function (tool) definitions cost, per function, a start constant plus
 *   the tokens of `name:description`; per property a constant plus the
 *   tokens of `name:type:description` (a trailing "." of a description
 *   dropped), an enum adds its items (a constant plus the item each, less
 *   a constant once); the definitions end with a constant. The constants
 *   are OpenAI's, per model family; the cookbook shows the rule giving the
 *   API's own count (101 tokens for gpt-4o and gpt-4o-mini, 105 for gpt-4
 *   and gpt-3.5-turbo on its example).
 *
 * A count is exact where the rule is published: those models, flat
 * parameters whose properties each have a scalar `type` and a
 * `description`, string enums, and no tool calls or tool results in the
 * messages. Anything else is counted by the same rule stretched to cover
 * it (nested schemas added as JSON, so the count is not short) and marked
 * approximate with the reason.
 *
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
import type { Message, ToolDefinition } from "@ratatoskr/core";

/** OpenAI's constants for function definitions, per model family. */
interface FunctionAccounting {
  /** Per function. */
  functionStart: number;
  /** Once per function with properties. */
  propertiesStart: number;
  /** Per property. */
  property: number;
  /** Once per property with an enum (negative: OpenAI's rendering saves it). */
  enumStart: number;
  /** Per enum item, besides the item's own tokens. */
  enumItem: number;
  /** Once after all functions. */
  functionsEnd: number;
}

const GPT_4O: FunctionAccounting = {
  functionStart: 7,
  propertiesStart: 3,
  property: 3,
  enumStart: -3,
  enumItem: 3,
  functionsEnd: 12,
};
const GPT_4: FunctionAccounting = { ...GPT_4O, functionStart: 10 };

/** The models whose constants the cookbook publishes (its examples name dated snapshots of these). */
const PUBLISHED: ReadonlyArray<[RegExp, FunctionAccounting]> = [
  [/^gpt-4o(?:-mini)?(?:-\d{4}-\d{2}-\d{2})?$/, GPT_4O],
  [/^gpt-4(?:-\d{4})?$/, GPT_4],
  [/^gpt-3\.5-turbo(?:-\d{4})?$/, GPT_4],
];

const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

/** The parts of a count, and why it is approximate (undefined: exact). */
export interface OpenAiChatCount {
  count: number;
  approximateReason: string | undefined;
}

/**
 * Count a chat request as OpenAI does. `model` is the model name without
 * provider or vendor prefix; `encoding` the tokenizer's name (`o200k_base`
 * or `cl100k_base`), which picks the constants for models the cookbook
 * does not cover; `count` counts a text.
 */
export async function countOpenAiChat(
  messages: readonly Message[],
  tools: readonly ToolDefinition[],
  model: string | undefined,
  encoding: string,
  count: (text: string) => Promise<number>,
): Promise<OpenAiChatCount> {
  const reasons = new Set<string>();
  let total = 3; // every reply is primed with <|start|>assistant<|message|>
  for (const message of messages) {
    total += 3 + (await count(message.role)) + (await count(message.content));
    if ("name" in message && message.name) total += 1 + (await count(message.name));
    if (message.role === "assistant" && message.toolCalls?.length) {
      reasons.add("tool calls");
      for (const call of message.toolCalls)
        total += 3 + (await count(call.name)) + (await count(call.arguments));
    }
    if (message.role === "tool") reasons.add("tool results");
  }
  if (tools.length > 0) {
    const published = PUBLISHED.find(([pattern]) => pattern.test(model ?? ""))?.[1];
    if (published === undefined) reasons.add(`function definitions for ${model ?? "this model"}`);
    const constants = published ?? (encoding.startsWith("cl100k") ? GPT_4 : GPT_4O);
    total += await countFunctions(tools, constants, count, reasons);
  }
  return {
    count: total,
    approximateReason:
      reasons.size === 0
        ? undefined
        : `OpenAI publishes no token accounting for ${[...reasons].join(", ")}; counted by its published rule for function definitions, stretched to cover them`,
  };
}

async function countFunctions(
  tools: readonly ToolDefinition[],
  constants: FunctionAccounting,
  count: (text: string) => Promise<number>,
  reasons: Set<string>,
): Promise<number> {
  let total = 0;
  for (const tool of tools) {
    total += constants.functionStart;
    if (typeof tool.description !== "string") reasons.add("functions without a description");
    total += await count(`${tool.name}:${withoutFinalPeriod(tool.description ?? "")}`);
    const parameters = tool.parameters as Record<string, unknown>;
    const properties = parameters.properties as Record<string, Record<string, unknown>> | undefined;
    if (properties === undefined || typeof properties !== "object") {
      reasons.add("parameters without properties");
      continue;
    }
    const entries = Object.entries(properties);
    if (entries.length === 0) continue;
    total += constants.propertiesStart;
    for (const [key, schema] of entries) {
      total += constants.property;
      const type = typeof schema.type === "string" ? schema.type : JSON.stringify(schema.type);
      if (!SCALAR_TYPES.has(type)) {
        reasons.add("nested or untyped parameters");
        // What the rule leaves out of a nested schema, added as JSON so the count is not short.
        const { description: _description, type: _type, ...nested } = schema;
        if (Object.keys(nested).length > 0) total += await count(JSON.stringify(nested));
      }
      if (typeof schema.description !== "string") reasons.add("parameters without a description");
      if (Array.isArray(schema.enum)) {
        total += constants.enumStart;
        for (const item of schema.enum) {
          if (typeof item !== "string") reasons.add("enums of other than strings");
          total += constants.enumItem + (await count(String(item)));
        }
      }
      const description = typeof schema.description === "string" ? schema.description : "";
      total += await count(`${key}:${type}:${withoutFinalPeriod(description)}`);
    }
  }
  return total + constants.functionsEnd;
}

function withoutFinalPeriod(text: string): string {
  return text.endsWith(".") ? text.slice(0, -1) : text;
}
