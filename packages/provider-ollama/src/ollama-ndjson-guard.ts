/**
 * A guard in front of the `ollama` client's NDJSON reader. The client skips a
 * line that is not JSON with a `console.warn` (silently losing it) and turns
 * an `{"error": …}` line into a plain `Error`; this guard passes on only
 * whole, valid lines and ends the body with a typed error instead — after
 * the lines before it have been read, so nothing that arrived is lost.
 * Blank lines are dropped. It reads the upstream body only as fast as the
 * client asks (no read-ahead).
 *
 * @see https://docs.ollama.com/api/streaming
 * @see https://docs.ollama.com/api/errors#errors-that-occur-while-streaming
 */
import { RatatoskrError } from "@ratatoskr/core";
import { DEFAULT_MAX_SSE_EVENT_LENGTH, errorMessageExcerpt } from "@ratatoskr/provider-utils";
import { classifyOllamaMessage } from "./ollama-error.ts";

/** Who is answering, for the errors the guard raises. */
export interface OllamaNdjsonGuardContext {
  provider: string;
  model?: string;
}

const LINE_EXCERPT = 200;

/**
 * The most characters one line may hold (16 Mi, the bound of one SSE event
 * in the other providers): a server sending an endless line gets a `stream`
 * error instead of a buffer that grows without limit.
 */
const MAX_LINE_LENGTH = DEFAULT_MAX_SSE_EVENT_LENGTH;

/**
 * The typed error for one bad line, or undefined when the line is a valid,
 * non-error object. `last` marks an unterminated line at the end of the body.
 */
function checkLine(
  line: string,
  context: OllamaNdjsonGuardContext,
  last: boolean,
): RatatoskrError | undefined {
  const about = {
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    body: line,
  };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return new RatatoskrError({
      code: "stream",
      message: last
        ? `${context.provider} ended the stream in the middle of a line: ${line.slice(0, LINE_EXCERPT)}`
        : `${context.provider} sent a stream line that is not JSON: ${line.slice(0, LINE_EXCERPT)}`,
      ...about,
      cause: error,
      isRetryable: last,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return new RatatoskrError({
      code: "stream",
      message: `${context.provider} sent a stream line that is not a JSON object: ${line.slice(0, LINE_EXCERPT)}`,
      ...about,
    });
  }
  const reported = (value as { error?: unknown }).error;
  if (reported === undefined || reported === null) return undefined;
  const message = typeof reported === "string" ? reported : JSON.stringify(reported);
  return new RatatoskrError({
    code: classifyOllamaMessage(message) ?? "stream",
    // The server's text is bounded in the message (a line can be megabytes); `body` keeps 4 KiB.
    message: `${context.provider} reported an error mid-stream: ${errorMessageExcerpt(message)}`,
    ...about,
  });
}

/**
 * Wrap an NDJSON response body: the result yields whole valid lines (each
 * ending in `\n`) and then errors with a `stream` {@link RatatoskrError} (or
 * the code an `{"error"}` line's message implies) at the first bad line or
 * `{"error"}` line. Cancelling the result cancels the upstream body.
 */
export function guardOllamaNdjson(
  body: ReadableStream<Uint8Array>,
  context: OllamaNdjsonGuardContext,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = "";
  let failure: RatatoskrError | undefined;
  let finished = false;

  /** Queue the valid lines before the first bad one; true when any was queued. */
  const queue = (
    lines: readonly string[],
    last: boolean,
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): boolean => {
    const valid: string[] = [];
    for (const line of lines) {
      if (line.trim() === "") continue;
      failure = checkLine(line, context, last);
      if (failure !== undefined) break;
      valid.push(line);
    }
    if (valid.length === 0) return false;
    controller.enqueue(encoder.encode(`${valid.join("\n")}\n`));
    return true;
  };

  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: RatatoskrError) => {
    controller.error(error);
    reader.cancel().catch(() => {});
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // The lines before a failure were queued by an earlier pull and have been read.
        if (failure !== undefined) return fail(controller, failure);
        if (finished) return controller.close();
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) {
            finished = true;
            const queued = queue([buffer + decoder.decode()], true, controller);
            buffer = "";
            if (failure === undefined) controller.close();
            else if (!queued) fail(controller, failure);
            return;
          }
          buffer += decoder.decode(chunk.value, { stream: true });
          const end = buffer.lastIndexOf("\n");
          if (end === -1) {
            if (buffer.length > MAX_LINE_LENGTH) {
              failure = new RatatoskrError({
                code: "stream",
                message: `${context.provider} sent a stream line longer than ${MAX_LINE_LENGTH} characters`,
                provider: context.provider,
                ...(context.model === undefined ? {} : { model: context.model }),
              });
              buffer = "";
              return fail(controller, failure);
            }
            continue;
          }
          const lines = buffer.slice(0, end).split("\n");
          buffer = buffer.slice(end + 1);
          const queued = queue(lines, false, controller);
          if (queued) return;
          if (failure !== undefined) return fail(controller, failure);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
