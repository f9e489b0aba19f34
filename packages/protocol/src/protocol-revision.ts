/**
 * The protocol revision a client announces in `ChatRequest.protocol_revision`
 * and `GenerateRequest.protocol_revision`.
 */

/**
 * This package's protocol revision. `0` (the field unset) is the original
 * ratatoskr.v1 protocol: a server sends such a client no event it does not
 * know (the original client reads an unknown event as the end of the
 * stream). From `1` on, a server also sends the extension-only events:
 * `reasoning_detail`, `server_tool_call`, `server_tool_result`, and the
 * generate stream's `usage`.
 */
export const PROTOCOL_REVISION = 1;
