/**
 * The demo tools the playground's chat offers the model, executed on the
 * server: a calculator, the current time, and a tiny Norse-myth lookup.
 */
import type { ToolDefinition } from "@ratatoskr/core";
import { CalculatorError, evaluateExpression } from "./calculator.ts";

/** A tool the server can execute. */
export interface PlaygroundTool {
  definition: ToolDefinition;
  /** Run the tool on parsed arguments; the result is sent back to the model as text. */
  execute(argumentsObject: Record<string, unknown>, now: () => Date): string;
}

/** A tool call argument that is missing or of the wrong type. */
export class ToolArgumentError extends Error {
  override name = "ToolArgumentError";
}

function stringArgument(
  argumentsObject: Record<string, unknown>,
  name: string,
  required: boolean,
): string | undefined {
  const value = argumentsObject[name];
  if (value === undefined || value === null) {
    if (required) throw new ToolArgumentError(`Missing argument "${name}"`);
    return undefined;
  }
  if (typeof value !== "string") throw new ToolArgumentError(`Argument "${name}" must be a string`);
  return value;
}

const NORSE_FACTS: Record<string, string> = {
  ratatoskr:
    "Ratatoskr is the squirrel who runs up and down the world tree Yggdrasil, carrying (often insulting) messages between the eagle at the top and the dragon Níðhöggr at the roots.",
  yggdrasil:
    "Yggdrasil is the immense ash tree at the centre of Norse cosmology, connecting the nine worlds.",
  nidhoggr: "Níðhöggr is the dragon gnawing at the roots of Yggdrasil.",
  níðhöggr: "Níðhöggr is the dragon gnawing at the roots of Yggdrasil.",
  odin: "Odin is the chief of the Æsir, god of wisdom, poetry and war, who hung nine nights on Yggdrasil to learn the runes.",
};

/** The demo tools, by name. */
export const DEMO_TOOLS: Readonly<Record<string, PlaygroundTool>> = {
  calculator: {
    definition: {
      name: "calculator",
      description:
        "Evaluate an arithmetic expression exactly. Supports + - * / % ^, parentheses, sqrt, abs, ln, log10, sin, cos, tan, round, floor, ceil, pi and e.",
      parameters: {
        type: "object",
        properties: {
          expression: { type: "string", description: "The expression, e.g. 2 * (3 + 4) ^ 2" },
        },
        required: ["expression"],
        additionalProperties: false,
      },
    },
    execute(argumentsObject) {
      const expression = stringArgument(argumentsObject, "expression", true)!;
      try {
        return String(evaluateExpression(expression));
      } catch (error) {
        if (error instanceof CalculatorError) throw new ToolArgumentError(error.message);
        throw error;
      }
    },
  },
  current_time: {
    definition: {
      name: "current_time",
      description:
        "The current date and time, in ISO 8601 and in words, optionally in an IANA time zone.",
      parameters: {
        type: "object",
        properties: {
          timeZone: {
            type: "string",
            description: "IANA time zone such as Europe/Oslo; default UTC",
          },
        },
        additionalProperties: false,
      },
    },
    execute(argumentsObject, now) {
      const timeZone = stringArgument(argumentsObject, "timeZone", false) ?? "UTC";
      const date = now();
      let formatted: string;
      try {
        formatted = new Intl.DateTimeFormat("en-GB", {
          dateStyle: "full",
          timeStyle: "long",
          timeZone,
        }).format(date);
      } catch {
        throw new ToolArgumentError(`Unknown time zone "${timeZone}"`);
      }
      return JSON.stringify({ iso: date.toISOString(), timeZone, text: formatted });
    },
  },
  norse_lookup: {
    definition: {
      name: "norse_lookup",
      description: "Look up a figure of Norse mythology (Ratatoskr, Yggdrasil, Níðhöggr, Odin).",
      parameters: {
        type: "object",
        properties: { name: { type: "string", description: "The name to look up" } },
        required: ["name"],
        additionalProperties: false,
      },
    },
    execute(argumentsObject) {
      const name = stringArgument(argumentsObject, "name", true)!;
      return NORSE_FACTS[name.trim().toLowerCase()] ?? `Nothing known about "${name}".`;
    },
  },
};

/** The result of executing one tool call. */
export interface ToolExecution {
  content: string;
  isError: boolean;
}

/**
 * Execute one tool call from its raw JSON arguments. Errors (unknown tool,
 * invalid JSON, bad arguments) become an error result the model can read,
 * so the conversation goes on.
 */
export function executeTool(
  name: string,
  rawArguments: string,
  tools: Readonly<Record<string, PlaygroundTool>> = DEMO_TOOLS,
  now: () => Date = () => new Date(),
): ToolExecution {
  const tool = Object.hasOwn(tools, name) ? tools[name] : undefined;
  if (!tool) return { content: `Error: unknown tool "${name}"`, isError: true };
  let parsed: unknown;
  try {
    parsed = rawArguments.trim() === "" ? {} : JSON.parse(rawArguments);
  } catch {
    return { content: "Error: the arguments are not valid JSON", isError: true };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { content: "Error: the arguments must be a JSON object", isError: true };
  }
  try {
    return { content: tool.execute(parsed as Record<string, unknown>, now), isError: false };
  } catch (error) {
    if (error instanceof ToolArgumentError)
      return { content: `Error: ${error.message}`, isError: true };
    throw error;
  }
}
