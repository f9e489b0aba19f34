/**
 * Checks that what LineChat sent has the documented shape before anything
 * is read from it: a wrong shape is a typed error naming what was expected,
 * never a `TypeError` deep inside the provider.
 */
import { linechatDataError, linechatProtocolError } from "./linechat-error.ts";
import type {
  LineChatChatAnswer,
  LineChatEmbedAnswer,
  LineChatStreamLine,
  LineChatUsage,
  LineChatWireCall,
} from "./linechat-wire.ts";

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0;

function isUsage(value: unknown): value is LineChatUsage {
  return isObject(value) && isCount(value.in) && isCount(value.out);
}

function isCall(value: unknown): value is LineChatWireCall {
  return isObject(value) && isString(value.id) && isString(value.name) && isString(value.arguments);
}

function parseJson(text: string, model: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw linechatDataError(model, expected, text, error);
  }
}

/** The answer of `POST /chat`, or a `data` error. */
export function parseChatAnswer(text: string, model: string): LineChatChatAnswer {
  const expected = "a LineChat chat answer ({id, model, text, calls, finish})";
  const value = parseJson(text, model, expected);
  if (
    !isObject(value) ||
    !isString(value.id) ||
    !isString(value.model) ||
    !isString(value.text) ||
    !Array.isArray(value.calls) ||
    !value.calls.every(isCall) ||
    !isString(value.finish) ||
    (value.usage !== undefined && !isUsage(value.usage)) ||
    (value.notices !== undefined &&
      !(Array.isArray(value.notices) && value.notices.every(isString)))
  ) {
    throw linechatDataError(model, expected, text);
  }
  return value as unknown as LineChatChatAnswer;
}

/** The answer of `POST /embed` for `count` inputs, or a `data` error. */
export function parseEmbedAnswer(text: string, model: string, count: number): LineChatEmbedAnswer {
  const expected = `a LineChat embedding answer with ${count} vectors of finite numbers`;
  const value = parseJson(text, model, expected);
  if (
    !isObject(value) ||
    !isString(value.id) ||
    !isString(value.model) ||
    !Array.isArray(value.vectors) ||
    value.vectors.length !== count ||
    !value.vectors.every(
      (vector) =>
        Array.isArray(vector) &&
        vector.length > 0 &&
        vector.every((number) => typeof number === "number" && Number.isFinite(number)),
    ) ||
    (value.usage !== undefined && !(isObject(value.usage) && isCount(value.usage.in)))
  ) {
    throw linechatDataError(model, expected, text);
  }
  return value as unknown as LineChatEmbedAnswer;
}

/** One line of a chat stream, or a `stream` error naming the line. */
export function parseStreamLine(line: string, model: string): LineChatStreamLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw linechatProtocolError(model, "sent a stream line that is not JSON", line);
  }
  if (isObject(value) && isLineOfItsType(value)) return value as unknown as LineChatStreamLine;
  throw linechatProtocolError(model, "sent a stream line of unknown shape", line);
}

function isLineOfItsType(line: Fields): boolean {
  switch (line.type) {
    case "start":
      return isString(line.id) && isString(line.model);
    case "notice":
      return isString(line.message);
    case "text":
      return isString(line.text);
    case "call":
      return isCount(line.index) && isString(line.id) && isString(line.name);
    case "args":
      return isCount(line.index) && isString(line.text);
    case "call_end":
      return isCount(line.index);
    case "end":
      return isString(line.finish) && (line.usage === undefined || isUsage(line.usage));
    case "error":
      return isObject(line.error) && isString(line.error.type) && isString(line.error.message);
    default:
      return false;
  }
}
