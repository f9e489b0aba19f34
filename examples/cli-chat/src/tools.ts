/**
 * The chat's client tools: their definitions (sent to the model) and the
 * code that runs them. Both are deterministic: `calculator` evaluates
 * arithmetic, `read_file` reads a text file inside one sandbox directory.
 */
import { readFile, realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import type { ToolCall, ToolDefinition } from "@ratatoskr/gateway";
import { evaluateArithmetic } from "./calculator.ts";

/** The tools the model may call. */
export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    name: "calculator",
    description: "Evaluate an arithmetic expression (+ - * / % ^ and parentheses).",
    parameters: {
      type: "object",
      properties: { expression: { type: "string", description: "e.g. (15 + 3) * 23" } },
      required: ["expression"],
      additionalProperties: false,
    },
  },
  {
    name: "read_file",
    description: "Read a text file from the chat's sandbox directory.",
    parameters: {
      type: "object",
      properties: { path: { type: "string", description: "a path relative to the sandbox" } },
      required: ["path"],
      additionalProperties: false,
    },
  },
];

/** The most bytes `read_file` returns (a model's context is not a pager). */
const MAX_FILE_CHARS = 4_000;

/**
 * Run one tool call. Never throws: a bad call (unknown tool, malformed
 * arguments, a path outside the sandbox) becomes an `error: …` result the
 * model can read and correct, as tool loops usually do.
 */
export async function runTool(call: ToolCall, sandboxDir: string): Promise<string> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(call.arguments === "" ? "{}" : call.arguments);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return "error: the arguments must be a JSON object";
    }
    args = parsed as Record<string, unknown>;
  } catch {
    return `error: the arguments are not valid JSON: ${call.arguments}`;
  }
  try {
    switch (call.name) {
      case "calculator": {
        if (typeof args.expression !== "string") return "error: expression must be a string";
        return String(evaluateArithmetic(args.expression));
      }
      case "read_file": {
        if (typeof args.path !== "string") return "error: path must be a string";
        return await readSandboxed(sandboxDir, args.path);
      }
      default:
        return `error: no tool named "${call.name}"`;
    }
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Read `path` under `sandboxDir`; refuses anything that resolves outside it (`..`, symlinks). */
async function readSandboxed(sandboxDir: string, path: string): Promise<string> {
  const root = await realpath(sandboxDir);
  const target = await realpath(resolve(root, path)).catch(() => undefined);
  if (target === undefined) return `error: no file "${path}" in the sandbox`;
  const inside = relative(root, target);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    return `error: "${path}" is outside the sandbox`;
  }
  const text = await readFile(target, "utf8");
  return text.length > MAX_FILE_CHARS ? `${text.slice(0, MAX_FILE_CHARS)}…` : text;
}
