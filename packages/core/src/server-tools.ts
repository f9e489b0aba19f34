/**
 * Tools a provider runs itself during a turn (web search, web fetch, code
 * execution, a remote MCP server's tools): the caller sees the call and its
 * result, but never executes them.
 */

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
