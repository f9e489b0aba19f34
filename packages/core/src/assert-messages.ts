/**
 * Validation of a conversation: every message's role and content, an
 * assistant's tool calls (id, name, JSON arguments) and reasoning details,
 * a tool result's call id. A malformed message is `invalid_input` naming
 * its path (`messages[2].toolCalls[0].arguments`), raised before any
 * provider is called, so it is never retried, never falls back and never
 * counts against a provider.
 */
import { describeValue, invalidField, isRecord } from "./invalid-field.ts";
import type { Message } from "./messages.ts";
import { parseToolArguments } from "./tools.ts";

const ROLES: ReadonlySet<unknown> = new Set(["system", "user", "assistant", "tool"]);
const REASONING_DETAIL_TYPES: ReadonlySet<unknown> = new Set(["text", "redacted", "opaque"]);

/**
 * Tool calls whose arguments were checked, with the text that was checked:
 * a conversation sent again with one more turn parses each earlier call's
 * arguments once, not once per request.
 */
const checkedArguments = new WeakMap<object, string>();

/**
 * Require a non-empty array of well-formed messages.
 *
 * - `role`: `system`, `user`, `assistant` or `tool`; `content`: a string.
 * - `user`/`tool` `name`: a string when present; `tool`: a non-empty `toolCallId`.
 * - `assistant` `toolCalls`: an array of `{id, name, arguments}` with a
 *   non-empty id and name and `arguments` a JSON text (empty means `{}`);
 *   `reasoning`: a string; `reasoningDetails`: an array of `text`
 *   (`text`, optional `signature`), `redacted` (`data`) or `opaque`
 *   (`provider`) records.
 */
export function assertMessages(messages: unknown): asserts messages is Message[] {
  if (!Array.isArray(messages)) {
    throw invalidField("messages", `must be an array, got ${describeValue(messages)}`);
  }
  if (messages.length === 0) throw invalidField("messages", "must not be empty");
  for (let index = 0; index < messages.length; index++) assertMessage(messages[index], index);
}

function assertMessage(message: unknown, index: number): void {
  if (!isRecord(message)) {
    throw invalidField(`messages[${index}]`, `must be an object, got ${describeValue(message)}`);
  }
  const role = message.role;
  if (!ROLES.has(role)) {
    throw invalidField(
      `messages[${index}].role`,
      `must be one of system, user, assistant, tool; got ${describeValue(role)}`,
    );
  }
  if (typeof message.content !== "string") {
    throw invalidField(
      `messages[${index}].content`,
      `must be a string, got ${describeValue(message.content)}`,
    );
  }
  if (role === "assistant") {
    if (message.toolCalls !== undefined) assertToolCalls(message.toolCalls, index);
    optionalString(message.reasoning, index, "reasoning");
    if (message.reasoningDetails !== undefined) {
      assertReasoningDetails(message.reasoningDetails, index);
    }
    if (message.serverToolCalls !== undefined) {
      assertServerToolItems(message.serverToolCalls, index, "serverToolCalls", message.content);
    }
    if (message.serverToolResults !== undefined) {
      assertServerToolItems(message.serverToolResults, index, "serverToolResults", message.content);
    }
  } else if (role === "tool") {
    const id = message.toolCallId;
    if (typeof id !== "string" || id === "") {
      throw invalidField(
        `messages[${index}].toolCallId`,
        `must be a non-empty string (the id of the tool call it answers), got ${describeValue(id)}`,
      );
    }
    optionalString(message.name, index, "name");
  } else if (role === "user") {
    optionalString(message.name, index, "name");
  }
}

function optionalString(value: unknown, index: number, name: string): void {
  if (value !== undefined && typeof value !== "string") {
    throw invalidField(
      `messages[${index}].${name}`,
      `must be a string when present, got ${describeValue(value)}`,
    );
  }
}

function assertToolCalls(toolCalls: unknown, index: number): void {
  if (!Array.isArray(toolCalls)) {
    throw invalidField(
      `messages[${index}].toolCalls`,
      `must be an array, got ${describeValue(toolCalls)}`,
    );
  }
  for (let callIndex = 0; callIndex < toolCalls.length; callIndex++) {
    const call: unknown = toolCalls[callIndex];
    if (!isRecord(call)) {
      throw invalidField(
        toolCallPath(index, callIndex, ""),
        `must be an object {id, name, arguments}, got ${describeValue(call)}`,
      );
    }
    nonEmptyString(call.id, index, callIndex, ".id");
    nonEmptyString(call.name, index, callIndex, ".name");
    const text = call.arguments;
    if (typeof text !== "string") {
      throw invalidField(
        toolCallPath(index, callIndex, ".arguments"),
        `must be the arguments as a JSON text (a string), got ${describeValue(text)}`,
      );
    }
    if (checkedArguments.get(call) === text) continue;
    if (parseToolArguments(text) === undefined) {
      throw invalidField(
        toolCallPath(index, callIndex, ".arguments"),
        `must be valid JSON (the arguments object as the model produced it); got ${describeValue(text)}`,
      );
    }
    checkedArguments.set(call, text);
  }
}

function toolCallPath(index: number, callIndex: number, key: string): string {
  return `messages[${index}].toolCalls[${callIndex}]${key}`;
}

function nonEmptyString(value: unknown, index: number, callIndex: number, key: string): void {
  if (typeof value !== "string" || value === "") {
    throw invalidField(
      toolCallPath(index, callIndex, key),
      `must be a non-empty string, got ${describeValue(value)}`,
    );
  }
}

function detailPath(index: number, detailIndex: number, key: string): string {
  return `messages[${index}].reasoningDetails[${detailIndex}]${key}`;
}

function assertReasoningDetails(details: unknown, index: number): void {
  if (!Array.isArray(details)) {
    throw invalidField(
      `messages[${index}].reasoningDetails`,
      `must be an array, got ${describeValue(details)}`,
    );
  }
  for (let detailIndex = 0; detailIndex < details.length; detailIndex++) {
    const detail: unknown = details[detailIndex];
    if (!isRecord(detail)) {
      throw invalidField(
        detailPath(index, detailIndex, ""),
        `must be an object, got ${describeValue(detail)}`,
      );
    }
    const type = detail.type;
    if (!REASONING_DETAIL_TYPES.has(type)) {
      throw invalidField(
        detailPath(index, detailIndex, ".type"),
        `must be one of text, redacted, opaque; got ${describeValue(type)}`,
      );
    }
    const required = type === "text" ? "text" : type === "redacted" ? "data" : "provider";
    const value = detail[required];
    if (typeof value !== "string" || (required === "provider" && value === "")) {
      throw invalidField(
        detailPath(index, detailIndex, `.${required}`),
        `must be a ${required === "provider" ? "non-empty " : ""}string for a "${String(type)}" detail, got ${describeValue(value)}`,
      );
    }
    optionalDetailString(detail.signature, index, detailIndex, ".signature");
    optionalDetailString(detail.provider, index, detailIndex, ".provider");
  }
}

function optionalDetailString(
  value: unknown,
  index: number,
  detailIndex: number,
  key: string,
): void {
  if (value !== undefined && typeof value !== "string") {
    throw invalidField(
      detailPath(index, detailIndex, key),
      `must be a string when present, got ${describeValue(value)}`,
    );
  }
}

/**
 * An assistant's `serverToolCalls` (`id`, `name`) or `serverToolResults`
 * (`toolCallId`, `name`, optional boolean `isError`): non-empty string ids and
 * names, `server` a string, `contentOffset` an integer within the content,
 * `record` a `{provider, value}` object.
 */
function assertServerToolItems(
  items: unknown,
  index: number,
  key: "serverToolCalls" | "serverToolResults",
  content: string,
): void {
  const path = (itemIndex: number, field: string) =>
    `messages[${index}].${key}[${itemIndex}]${field}`;
  if (!Array.isArray(items)) {
    throw invalidField(
      `messages[${index}].${key}`,
      `must be an array, got ${describeValue(items)}`,
    );
  }
  const idKey = key === "serverToolCalls" ? "id" : "toolCallId";
  for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
    const item: unknown = items[itemIndex];
    if (!isRecord(item)) {
      throw invalidField(path(itemIndex, ""), `must be an object, got ${describeValue(item)}`);
    }
    for (const field of [idKey, "name"]) {
      const value = item[field];
      if (typeof value !== "string" || value === "") {
        throw invalidField(
          path(itemIndex, `.${field}`),
          `must be a non-empty string, got ${describeValue(value)}`,
        );
      }
    }
    if (item.server !== undefined && typeof item.server !== "string") {
      throw invalidField(
        path(itemIndex, ".server"),
        `must be a string when present, got ${describeValue(item.server)}`,
      );
    }
    if (item.isError !== undefined && typeof item.isError !== "boolean") {
      throw invalidField(
        path(itemIndex, ".isError"),
        `must be a boolean when present, got ${describeValue(item.isError)}`,
      );
    }
    const offset = item.contentOffset;
    if (
      offset !== undefined &&
      !(Number.isInteger(offset) && (offset as number) >= 0 && (offset as number) <= content.length)
    ) {
      throw invalidField(
        path(itemIndex, ".contentOffset"),
        `must be an integer from 0 to the content's length (${content.length}), got ${describeValue(offset)}`,
      );
    }
    const record = item.record;
    if (
      record !== undefined &&
      !(isRecord(record) && typeof record.provider === "string" && record.provider !== "")
    ) {
      throw invalidField(
        path(itemIndex, ".record"),
        `must be a {provider, value} record when present, got ${describeValue(record)}`,
      );
    }
  }
}
