/**
 * Input validation shared by the gateway and providers: bad input is
 * rejected with an `invalid_input` error naming the problem, before any
 * provider is called.
 */
import { invalidInput } from "./errors.ts";
import type { Message } from "./messages.ts";
import type { NliPair } from "./responses.ts";

const ROLES = new Set(["system", "user", "assistant", "tool"]);

/** Require a non-empty model name. */
export function assertModel(model: unknown): asserts model is string {
  if (typeof model !== "string" || model.trim() === "") {
    throw invalidInput(`model must be a non-empty string, got ${describe(model)}`);
  }
}

/** Require a string (non-empty unless `allowEmpty`). */
export function assertText(
  value: unknown,
  name: string,
  { allowEmpty = false }: { allowEmpty?: boolean } = {},
): asserts value is string {
  if (typeof value !== "string") {
    throw invalidInput(`${name} must be a string, got ${describe(value)}`);
  }
  if (!allowEmpty && value.length === 0) throw invalidInput(`${name} must not be empty`);
}

/** Require a non-empty array of non-empty strings. */
export function assertTexts(values: unknown, name: string): asserts values is string[] {
  if (!Array.isArray(values))
    throw invalidInput(`${name} must be an array, got ${describe(values)}`);
  if (values.length === 0) throw invalidInput(`${name} must not be empty`);
  values.forEach((value, index) => {
    assertText(value, `${name}[${index}]`);
  });
}

/** Require a non-empty array of {premise, hypothesis} string pairs. */
export function assertNliPairs(pairs: unknown): asserts pairs is NliPair[] {
  if (!Array.isArray(pairs)) throw invalidInput(`pairs must be an array, got ${describe(pairs)}`);
  if (pairs.length === 0) throw invalidInput("pairs must not be empty");
  pairs.forEach((pair, index) => {
    if (typeof pair !== "object" || pair === null) {
      throw invalidInput(
        `pairs[${index}] must be an object {premise, hypothesis}, got ${describe(pair)}`,
      );
    }
    assertText((pair as NliPair).premise, `pairs[${index}].premise`);
    assertText((pair as NliPair).hypothesis, `pairs[${index}].hypothesis`);
  });
}

/** Require at least one distinct, non-empty candidate label. */
export function assertLabels(labels: unknown): asserts labels is string[] {
  assertTexts(labels, "labels");
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw invalidInput(`labels must be distinct; "${label}" appears twice`);
    seen.add(label);
  }
}

/** Require a non-empty array of well-formed messages. */
export function assertMessages(messages: unknown): asserts messages is Message[] {
  if (!Array.isArray(messages)) {
    throw invalidInput(`messages must be an array, got ${describe(messages)}`);
  }
  if (messages.length === 0) throw invalidInput("messages must not be empty");
  messages.forEach((message, index) => {
    if (typeof message !== "object" || message === null) {
      throw invalidInput(`messages[${index}] must be an object, got ${describe(message)}`);
    }
    const { role, content } = message as Message;
    if (!ROLES.has(role)) {
      throw invalidInput(
        `messages[${index}].role must be one of system, user, assistant, tool; got ${describe(role)}`,
      );
    }
    assertText(content, `messages[${index}].content`, { allowEmpty: true });
    if (role === "tool")
      assertText((message as { toolCallId?: unknown }).toolCallId, `messages[${index}].toolCallId`);
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return value === "" ? "an empty string" : `"${value.slice(0, 40)}"`;
  return typeof value;
}
