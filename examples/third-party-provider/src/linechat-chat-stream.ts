/**
 * LineChat stream lines as v1 chat stream parts. The line protocol is
 * checked line by line before anything a line produces is delivered: `start`
 * first, tool-call lines only inside their call, nothing after `end`, and an
 * `end` before the body ends.
 */
import { type ChatStreamPartV1, createUsage, toolCallEndEvent } from "@ratatoskr/core";
import { linechatProtocolError, linechatStreamError } from "./linechat-error.ts";
import { mapLinechatFinishReason } from "./map-linechat-finish-reason.ts";
import { parseStreamLine } from "./parse-linechat-answer.ts";

interface OpenCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Map the lines of a `POST /chat?stream=1` body (see {@link readNdjsonLines})
 * to chat stream parts: `start` → `response_metadata` (the `x-request-id`
 * header wins over the line's id), `notice` → an `other` warning, `text` →
 * `content`, `call` / `args` / `call_end` → `tool_call_start` / `_delta` /
 * `_end`, `end` → `done` with usage, `error` → a typed error.
 */
export async function* mapLinechatStream(
  lines: AsyncIterable<string>,
  model: string,
  requestIdHeader: string | null,
): AsyncGenerator<ChatStreamPartV1> {
  const open = new Map<number, OpenCall>();
  const seen = new Set<number>();
  let started = false;
  let ended = false;
  for await (const text of lines) {
    const line = parseStreamLine(text, model);
    if (ended) throw linechatProtocolError(model, "sent a line after the end line", text);
    if (line.type === "error") throw linechatStreamError(line.error, model);
    if (!started && line.type !== "start") {
      throw linechatProtocolError(model, "sent a line before the start line", text);
    }
    switch (line.type) {
      case "start":
        if (started) throw linechatProtocolError(model, "sent a second start line", text);
        started = true;
        yield {
          type: "response_metadata",
          model: line.model,
          requestId: requestIdHeader ?? line.id,
        };
        break;
      case "notice":
        yield { type: "warning", warning: { type: "other", message: line.message } };
        break;
      case "text":
        if (line.text !== "") yield { type: "content", text: line.text };
        break;
      case "call":
        if (seen.has(line.index)) {
          throw linechatProtocolError(model, `started tool call ${line.index} twice`, text);
        }
        seen.add(line.index);
        open.set(line.index, { id: line.id, name: line.name, arguments: "" });
        yield { type: "tool_call_start", index: line.index, id: line.id, name: line.name };
        break;
      case "args": {
        const call = open.get(line.index);
        if (call === undefined) {
          throw linechatProtocolError(
            model,
            `sent arguments of tool call ${line.index}, which is not open`,
            text,
          );
        }
        call.arguments += line.text;
        yield { type: "tool_call_delta", index: line.index, arguments: line.text };
        break;
      }
      case "call_end": {
        const call = open.get(line.index);
        if (call === undefined) {
          throw linechatProtocolError(
            model,
            `ended tool call ${line.index}, which is not open`,
            text,
          );
        }
        open.delete(line.index);
        yield toolCallEndEvent(line.index, call);
        break;
      }
      case "end":
        if (open.size > 0) {
          throw linechatProtocolError(
            model,
            `ended with tool call(s) ${[...open.keys()].join(", ")} still open`,
            text,
          );
        }
        ended = true;
        yield {
          type: "done",
          finishReason: mapLinechatFinishReason(line.finish),
          rawFinishReason: line.finish,
          ...(line.usage === undefined
            ? {}
            : { usage: createUsage(line.usage.in, line.usage.out) }),
        };
        break;
    }
  }
  if (!ended) throw linechatProtocolError(model, "ended the stream without an end line");
}
