/**
 * Response bodies in the providers' real wire formats, built from the facts
 * of the reference recordings (OpenAI Chat Completions chunks, Anthropic
 * Messages events, Hugging Face Inference JSON). Each SSE event is one
 * string ending in a blank line, ready for a {@link Fault}'s `chunks`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * @see https://huggingface.co/docs/inference-providers/tasks/feature-extraction
 */

const OPENAI_ID = "chatcmpl-Rel1abilitySuite0000000000";
const OPENAI_MODEL = "gpt-4o-mini-2024-07-18";

/** One OpenAI `chat.completion.chunk` as an SSE event. */
export function openaiChunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  usage: Record<string, number> | null = null,
): string {
  return `data: ${JSON.stringify({
    id: OPENAI_ID,
    object: "chat.completion.chunk",
    created: 1764000000,
    model: OPENAI_MODEL,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage,
  })}\n\n`;
}

/** Options of {@link openaiStream}. */
export interface OpenAIStreamOptions {
  /** `finish_reason` of the last choice chunk; `null` leaves the stream without a finish marker. */
  finishReason?: string | null;
  /** Send the usage chunk (`stream_options.include_usage`); default true. */
  usage?: boolean;
  /** Send `data: [DONE]` at the end; default true. */
  doneMarker?: boolean;
}

/** A whole OpenAI chat stream delivering `pieces` as content deltas. */
export function openaiStream(
  pieces: readonly string[],
  options: OpenAIStreamOptions = {},
): string[] {
  const events = [openaiChunk({ role: "assistant", content: "" })];
  for (const piece of pieces) events.push(openaiChunk({ content: piece }));
  const finish = options.finishReason === undefined ? "stop" : options.finishReason;
  if (finish !== null) events.push(openaiChunk({}, finish));
  if (finish !== null && (options.usage ?? true)) {
    events.push(
      `data: ${JSON.stringify({
        id: OPENAI_ID,
        object: "chat.completion.chunk",
        created: 1764000000,
        model: OPENAI_MODEL,
        choices: [],
        usage: {
          prompt_tokens: 9,
          completion_tokens: pieces.length,
          total_tokens: 9 + pieces.length,
        },
      })}\n\n`,
    );
  }
  if (finish !== null && (options.doneMarker ?? true)) events.push("data: [DONE]\n\n");
  return events;
}

/** A non-streaming OpenAI chat completion answering `text`. */
export function openaiCompletion(text: string, usage = true): Record<string, unknown> {
  return {
    id: OPENAI_ID,
    object: "chat.completion",
    created: 1764000000,
    model: OPENAI_MODEL,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    ...(usage ? { usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } } : {}),
  };
}

/** Whether a request body asked for a stream. */
export function wantsStream(body: unknown): boolean {
  return (body as { stream?: unknown } | null)?.stream === true;
}

/** A tool call streamed in `argumentPieces`, then `finish_reason: tool_calls` (unless cut). */
export function openaiToolStream(argumentPieces: readonly string[], cut = false): string[] {
  const events = [
    openaiChunk({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          index: 0,
          id: "call_Rel1ability0",
          type: "function",
          function: { name: "get_weather", arguments: "" },
        },
      ],
    }),
  ];
  for (const piece of argumentPieces) {
    events.push(openaiChunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  }
  if (!cut) events.push(openaiChunk({}, "tool_calls"), "data: [DONE]\n\n");
  return events;
}

/** A mid-stream error as OpenRouter and OpenAI-compatible servers send it after a 200. */
export function openaiMidStreamError(code: number | string, message: string): string {
  return `data: ${JSON.stringify({ error: { code, message } })}\n\n`;
}

/** The JSON body of an OpenAI API error. */
export function openaiErrorBody(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

function anthropicEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Options of {@link anthropicStream}. */
export interface AnthropicStreamOptions {
  /** Send `message_delta` + `message_stop` (default true). */
  stop?: boolean;
}

/** A whole Anthropic Messages stream delivering `pieces` as text deltas. */
export function anthropicStream(
  pieces: readonly string[],
  options: AnthropicStreamOptions = {},
): string[] {
  const events = [
    anthropicEvent("message_start", {
      message: {
        id: "msg_01Reliability000000000000",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 25, output_tokens: 1 },
      },
    }),
    anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    anthropicEvent("ping", {}),
  ];
  for (const piece of pieces) {
    events.push(
      anthropicEvent("content_block_delta", {
        index: 0,
        delta: { type: "text_delta", text: piece },
      }),
    );
  }
  if (options.stop ?? true) {
    events.push(
      anthropicEvent("content_block_stop", { index: 0 }),
      anthropicEvent("message_delta", {
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: pieces.length },
      }),
      anthropicEvent("message_stop", {}),
    );
  }
  return events;
}

/** Anthropic's in-stream error event (after a 200). */
export function anthropicErrorEvent(type: string, message: string): string {
  return anthropicEvent("error", { error: { type, message } });
}

/** The JSON body of an Anthropic API error. */
export function anthropicErrorBody(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: "req_011Reliability" };
}

/** An 8-dimensional feature-extraction result (HF Inference, one input). */
export const HF_EMBEDDING = [0.0677, 0.0635, 0.0487, 0.0793, 0.0374, 0.0027, -0.0312, 0.0915];
