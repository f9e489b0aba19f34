/**
 * Anthropic server tool blocks ↔ Ratatoskr {@link ServerToolCall} /
 * {@link ServerToolResult}: `server_tool_use` (web search, web fetch, code
 * execution and its bash / text editor sub-tools, tool search), the MCP
 * connector's `mcp_tool_use`, and every `*_tool_result` block answering them.
 *
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/server-tools
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-fetch-tool
 * @see https://platform.claude.com/docs/en/agents-and-tools/tool-use/code-execution-tool
 * @see https://platform.claude.com/docs/en/agents-and-tools/mcp-connector
 */
import type Anthropic from "@anthropic-ai/sdk";
import { invalidInput, type ServerToolCall, type ServerToolResult } from "@ratatoskr/core";
import { isJsonObject } from "./anthropic-json.ts";

/** The provider id written on the records of server tool blocks. */
const PROVIDER = "anthropic";

/** Whether a content block type is a tool call the API runs itself. */
export function isServerToolUseType(type: string): boolean {
  return type === "server_tool_use" || type === "mcp_tool_use";
}

/**
 * Whether a content block type is the result of a server tool call
 * (`web_search_tool_result`, `bash_code_execution_tool_result`,
 * `mcp_tool_result`, …). The client's own `tool_result` is not one.
 */
export function isServerToolResultType(type: string): boolean {
  return type.endsWith("_tool_result");
}

/** The fields of a server tool use block that were checked to be strings. */
export interface ServerToolUseBlock {
  type: string;
  id: string;
  name: string;
  server_name?: string;
  [field: string]: unknown;
}

/** A result block whose `tool_use_id` was checked to be a string. */
export interface ServerToolResultBlock {
  type: string;
  tool_use_id: string;
  content?: unknown;
  is_error?: unknown;
  [field: string]: unknown;
}

/**
 * A `server_tool_use` / `mcp_tool_use` block with its complete input → a
 * {@link ServerToolCall}. The record keeps the block (with the parsed input)
 * to send it back verbatim.
 */
export function toServerToolCall(block: ServerToolUseBlock, input: unknown): ServerToolCall {
  const call: ServerToolCall = {
    id: block.id,
    name: block.name,
    input,
    record: { provider: PROVIDER, value: { ...block, input } },
  };
  if (typeof block.server_name === "string") call.server = block.server_name;
  return call;
}

/**
 * A result block → a {@link ServerToolResult}. `name` is the name of the call
 * it answers when known, else the block type without `_tool_result` (a result
 * may answer a call of an earlier turn). `isError` is `is_error` (MCP) or a
 * content whose `type` ends in `_error` (`web_search_tool_result_error`, …).
 */
export function toServerToolResult(
  block: ServerToolResultBlock,
  callName: string | undefined,
): ServerToolResult {
  const result: ServerToolResult = {
    toolCallId: block.tool_use_id,
    name: callName ?? block.type.slice(0, -"_tool_result".length),
    content: block.content,
    record: { provider: PROVIDER, value: { ...block } },
  };
  const isError = resultIsError(block);
  if (isError !== undefined) result.isError = isError;
  return result;
}

function resultIsError(block: ServerToolResultBlock): boolean | undefined {
  if (typeof block.is_error === "boolean") return block.is_error;
  const content = block.content;
  if (content !== null && typeof content === "object" && !Array.isArray(content)) {
    const type = (content as { type?: unknown }).type;
    if (typeof type === "string" && type.endsWith("_error")) return true;
  }
  return undefined;
}

/**
 * What is wrong with a `tool_use`, `server_tool_use` or `mcp_tool_use`
 * block's fields, or undefined when nothing is.
 */
export function describeToolUseProblem(block: Record<string, unknown>): string | undefined {
  if (typeof block.id !== "string") return "has no string id";
  if (typeof block.name !== "string") return "has no string name";
  if (block.type === "mcp_tool_use" && typeof block.server_name !== "string") {
    return "has no string server_name";
  }
  return undefined;
}

/**
 * A server tool call as the block to send back: its Anthropic record as it
 * came; rebuilt from its fields when it has no record (a `server` makes it
 * an `mcp_tool_use`); undefined for another provider's call, which Anthropic
 * cannot take. `where` names the call in `invalid_input` errors.
 */
export function serverToolCallToBlock(
  call: ServerToolCall,
  where: string,
): Anthropic.ContentBlockParam | undefined {
  if (!isJsonObject(call) || typeof call.id !== "string" || typeof call.name !== "string") {
    throw invalidInput(`${where} must be a server tool call with a string id and name`);
  }
  const record = recordValue(call.record, where);
  if (record === null) return undefined;
  if (record !== undefined) {
    if (typeof record.type !== "string" || !isServerToolUseType(record.type)) {
      throw invalidInput(`${where}.record is not an Anthropic server tool use block`);
    }
    return record as unknown as Anthropic.ContentBlockParam;
  }
  if (!isJsonObject(call.input)) throw invalidInput(`${where}.input must be a JSON object`);
  const block =
    call.server === undefined
      ? { type: "server_tool_use", id: call.id, name: call.name, input: call.input }
      : {
          type: "mcp_tool_use",
          id: call.id,
          name: call.name,
          server_name: call.server,
          input: call.input,
        };
  return block as Anthropic.ContentBlockParam;
}

/**
 * A server tool result as the block to send back: its Anthropic record as it
 * came; rebuilt when it has none (`<name>_tool_result`, or `mcp_tool_result`
 * when `mcp` says the call it answers ran on an MCP server); undefined for
 * another provider's result.
 */
export function serverToolResultToBlock(
  result: ServerToolResult,
  mcp: boolean,
  where: string,
): Anthropic.ContentBlockParam | undefined {
  if (!isJsonObject(result) || typeof result.toolCallId !== "string") {
    throw invalidInput(`${where} must be a server tool result with a string toolCallId`);
  }
  const record = recordValue(result.record, where);
  if (record === null) return undefined;
  if (record !== undefined) {
    if (typeof record.type !== "string" || !isServerToolResultType(record.type)) {
      throw invalidInput(`${where}.record is not an Anthropic server tool result block`);
    }
    return record as unknown as Anthropic.ContentBlockParam;
  }
  if (typeof result.name !== "string") throw invalidInput(`${where}.name must be a string`);
  const block = mcp
    ? {
        type: "mcp_tool_result",
        tool_use_id: result.toolCallId,
        content: result.content,
        is_error: result.isError === true,
      }
    : { type: resultType(result.name), tool_use_id: result.toolCallId, content: result.content };
  return block as Anthropic.ContentBlockParam;
}

/** The result block type of a server tool, by the tool's name. */
function resultType(name: string): string {
  return name.startsWith("tool_search_tool_") ? "tool_search_tool_result" : `${name}_tool_result`;
}

/**
 * The Anthropic block a record holds; undefined when there is no record,
 * null when the record is another provider's.
 */
function recordValue(record: unknown, where: string): Record<string, unknown> | undefined | null {
  if (record === undefined) return undefined;
  if (!isJsonObject(record) || typeof record.provider !== "string") {
    throw invalidInput(`${where}.record must be {provider, value}`);
  }
  if (record.provider !== PROVIDER) return null;
  if (!isJsonObject(record.value)) throw invalidInput(`${where}.record.value must be an object`);
  return record.value;
}
