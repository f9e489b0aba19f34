/**
 * Tools a provider runs itself during a turn (web search, web fetch, code
 * execution, a remote MCP server's tools): the caller sees the call and its
 * result, but never executes them.
 */
import type { ContentEvent, ServerToolCallEvent, ServerToolResultEvent } from "./events.ts";

/**
 * A provider's own record of an item, kept verbatim so that the same provider
 * can be sent it back unchanged on the next turn. Other providers ignore it.
 */
export interface ProviderRecord {
  /** The provider plugin id that wrote the record (e.g. `"anthropic"`). */
  provider: string;
  /** The item exactly as the provider sent it; opaque to everyone else. */
  value: unknown;
}

/**
 * A tool call the provider executed on its side. It is not a client tool
 * call: it never appears in `toolCalls`, and the caller must not run it.
 */
export interface ServerToolCall {
  /** The call's id; its {@link ServerToolResult} names it as `toolCallId`. */
  id: string;
  /** The tool's name (e.g. `web_search`, `bash_code_execution`, or an MCP tool's name). */
  name: string;
  /** The tool's input, parsed from the model's JSON. */
  input: unknown;
  /** The remote server that ran the tool (an MCP server's name), when it was not the provider itself. */
  server?: string;
  /**
   * How much of the turn's `content` (UTF-16 code units) came before this
   * call. Set by `ChatStreamAccumulator` and by non-streaming responses, so
   * that a provider can send the turn back in its original order.
   */
  contentOffset?: number;
  /** The provider's verbatim record of the call, to send it back unchanged. */
  record?: ProviderRecord;
}

/** The result of a {@link ServerToolCall}, as the provider reported it. */
export interface ServerToolResult {
  /** The `id` of the call it answers (possibly a call of an earlier turn). */
  toolCallId: string;
  /** The tool's name, as on its call. */
  name: string;
  /** The result as the provider sent it: search results, a fetched document, stdout and stderr, MCP content, … */
  content: unknown;
  /** True when the provider reported that the tool failed. */
  isError?: boolean;
  /** How much of the turn's `content` came before this result (see {@link ServerToolCall.contentOffset}). */
  contentOffset?: number;
  /** The provider's verbatim record of the result, to send it back unchanged. */
  record?: ProviderRecord;
}

/** A piece of a turn in its original order: text, a server tool call, or its result. */
export type ServerToolTimelineEntry = ContentEvent | ServerToolCallEvent | ServerToolResultEvent;

/**
 * A turn's text with its server tool calls and results put back in their
 * original order, as events: the text is cut at each item's `contentOffset`
 * (0 when absent, clamped to the text's length); each call is followed by its
 * results; at one place, results of calls from earlier turns come first.
 * Items keep every field but `contentOffset`. Used to replay a response as a
 * stream, and by providers that must send a turn back in order.
 */
export function serverToolTimeline(turn: {
  content: string;
  serverToolCalls?: readonly ServerToolCall[] | undefined;
  serverToolResults?: readonly ServerToolResult[] | undefined;
}): ServerToolTimelineEntry[] {
  const text = turn.content;
  const calls = turn.serverToolCalls ?? [];
  const groups = calls.map((call, sequence) => ({
    offset: offsetIn(text, call.contentOffset),
    rank: 1,
    sequence,
    entries: [{ type: "server_tool_call", call: withoutOffset(call) }] as ServerToolTimelineEntry[],
  }));
  (turn.serverToolResults ?? []).forEach((result, sequence) => {
    const entry: ServerToolTimelineEntry = {
      type: "server_tool_result",
      result: withoutOffset(result),
    };
    const callIndex = calls.findIndex((call) => call.id === result.toolCallId);
    if (callIndex !== -1) groups[callIndex]!.entries.push(entry);
    else
      groups.push({
        offset: offsetIn(text, result.contentOffset),
        rank: 0,
        sequence,
        entries: [entry],
      });
  });
  groups.sort((a, b) => a.offset - b.offset || a.rank - b.rank || a.sequence - b.sequence);
  const timeline: ServerToolTimelineEntry[] = [];
  let position = 0;
  for (const group of groups) {
    if (group.offset > position) {
      timeline.push({ type: "content", text: text.slice(position, group.offset) });
      position = group.offset;
    }
    timeline.push(...group.entries);
  }
  if (position < text.length) timeline.push({ type: "content", text: text.slice(position) });
  return timeline;
}

function offsetIn(text: string, offset: number | undefined): number {
  return offset !== undefined && Number.isInteger(offset) && offset > 0
    ? Math.min(offset, text.length)
    : 0;
}

function withoutOffset<T extends { contentOffset?: number }>(item: T): Omit<T, "contentOffset"> {
  const { contentOffset: _offset, ...rest } = item;
  return rest;
}
