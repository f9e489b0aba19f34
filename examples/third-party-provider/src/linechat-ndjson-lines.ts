/**
 * Newline-delimited JSON, read line by line from a response body. Network
 * chunks may end anywhere — inside a line, inside a multi-byte UTF-8
 * character — so bytes are decoded as a stream and only whole lines are
 * handed on.
 */
import { linechatProtocolError } from "./linechat-error.ts";

/** Longest line accepted (a LineChat line is a few hundred bytes; this bounds a runaway one). */
export const MAX_LINE_LENGTH = 1024 * 1024;

/**
 * The lines of an NDJSON body, without their line ends (`\n` or `\r\n`);
 * blank lines are skipped. Text after the last line end is a `stream` error
 * (the body was cut mid-line), and so is a line longer than
 * {@link MAX_LINE_LENGTH}. Leaving the loop early cancels the body.
 */
export async function* readNdjsonLines(
  body: ReadableStream<Uint8Array>,
  model: string,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let pending = "";
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        pending += decoder.decode();
        break;
      }
      pending += decoder.decode(value, { stream: true });
      let end = pending.indexOf("\n");
      while (end !== -1) {
        const line = pending.slice(0, end).replace(/\r$/, "");
        pending = pending.slice(end + 1);
        if (line.trim() !== "") yield line;
        end = pending.indexOf("\n");
      }
      if (pending.length > MAX_LINE_LENGTH) {
        throw linechatProtocolError(model, `sent a line longer than ${MAX_LINE_LENGTH} characters`);
      }
    }
    if (pending.trim() !== "") {
      throw linechatProtocolError(model, "ended the stream in the middle of a line", pending);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
