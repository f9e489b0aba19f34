/**
 * The LineChat wire format: a small, documented HTTP API that this example
 * provider speaks (the loopback server in `linechat-fake-server.ts` is its
 * reference implementation). Every request carries
 * `Authorization: Bearer <key>` and a JSON body; every answer carries an
 * `x-request-id` header.
 *
 * - `POST /chat` → one {@link LineChatChatAnswer} (JSON).
 * - `POST /chat?stream=1` → `application/x-ndjson`: one
 *   {@link LineChatStreamLine} per line, `start` first, `end` (or `error`) last.
 * - `POST /embed` → one {@link LineChatEmbedAnswer}; at most
 *   {@link LINECHAT_MAX_EMBED_INPUTS} inputs per request.
 * - A failure is a non-2xx status with a {@link LineChatErrorBody}; a 429
 *   carries `retry-after` (seconds).
 */

/** Inputs one `POST /embed` accepts. */
export const LINECHAT_MAX_EMBED_INPUTS = 32;

/** A message on the wire. */
export interface LineChatWireMessage {
  role: "system" | "user" | "assistant" | "tool";
  text: string;
  /** Tool calls the assistant made (assistant messages). */
  calls?: LineChatWireCall[];
  /** The call a tool message answers (tool messages). */
  call_id?: string;
}

/** A tool call: `arguments` is JSON text. */
export interface LineChatWireCall {
  id: string;
  name: string;
  arguments: string;
}

/** A tool the model may call; `schema` is the JSON Schema of its arguments. */
export interface LineChatWireTool {
  name: string;
  description?: string;
  schema: Record<string, unknown>;
}

/** The body of `POST /chat`. */
export interface LineChatChatBody {
  model: string;
  messages: LineChatWireMessage[];
  tools?: LineChatWireTool[];
  tool_choice?: "auto" | "none" | "required" | { name: string };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  /** Refuse unsafe content more eagerly (a LineChat-only option). */
  safe_mode?: boolean;
  /** An end-user id for abuse reports (a LineChat-only option). */
  user?: string;
}

/** How the answer ended. */
export type LineChatFinish = "stop" | "length" | "tool_calls" | "filtered";

/** Token counts. */
export interface LineChatUsage {
  in: number;
  out: number;
}

/** The answer of `POST /chat`. */
export interface LineChatChatAnswer {
  id: string;
  model: string;
  text: string;
  calls: LineChatWireCall[];
  finish: LineChatFinish;
  usage?: LineChatUsage;
  /** Things the service changed about the request (a value clamped). */
  notices?: string[];
}

/** One line of `POST /chat?stream=1`. */
export type LineChatStreamLine =
  | { type: "start"; id: string; model: string }
  | { type: "notice"; message: string }
  | { type: "text"; text: string }
  | { type: "call"; index: number; id: string; name: string }
  | { type: "args"; index: number; text: string }
  | { type: "call_end"; index: number }
  | { type: "end"; finish: LineChatFinish; usage?: LineChatUsage }
  | { type: "error"; error: LineChatErrorDetail };

/** The body of `POST /embed`. */
export interface LineChatEmbedBody {
  model: string;
  input: string[];
}

/** The answer of `POST /embed`: one vector per input, in order. */
export interface LineChatEmbedAnswer {
  id: string;
  model: string;
  vectors: number[][];
  usage?: { in: number };
}

/** What went wrong. */
export interface LineChatErrorDetail {
  type:
    | "unauthorized"
    | "rate_limited"
    | "invalid_request"
    | "context_too_long"
    | "not_found"
    | "overloaded";
  message: string;
}

/** The body of a failed answer. */
export interface LineChatErrorBody {
  error: LineChatErrorDetail;
}
