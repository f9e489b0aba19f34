/**
 * An incremental Server-Sent Events decoder: text in (any split), complete
 * events out, synchronously. Lines end with LF, CRLF or CR (also split across
 * chunks); `data:` lines are joined with "\n" (a bare `data` line adds an
 * empty one); comments (`:`) and unknown fields are skipped; a final event
 * without its blank line is delivered by {@link SseDecoder.flush}. Decode
 * bytes with a streaming `TextDecoder` first: it keeps a character split
 * between reads whole and drops a leading byte-order mark. Shared by the
 * providers that read an SSE body themselves instead of through an SDK's
 * iterator (one layer between the socket and the caller).
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One decoded event: `event` is undefined when the server named none (or an empty name). */
export type SseEventHandler = (event: string | undefined, data: string) => void;

/** See the module comment. */
export class SseDecoder {
  #buffer = "";
  #pendingCarriageReturn = false;
  #event: string | undefined;
  #data: string[] = [];

  /** Decode `text`, calling `onEvent` for every event it completes. */
  push(text: string, onEvent: SseEventHandler): void {
    if (text === "") return;
    let chunk = text;
    if (this.#pendingCarriageReturn) {
      this.#pendingCarriageReturn = false;
      if (chunk.startsWith("\n")) chunk = chunk.slice(1);
    }
    if (chunk.includes("\r")) {
      if (chunk.endsWith("\r")) {
        this.#pendingCarriageReturn = true;
      }
      chunk = chunk.replace(/\r\n?/g, "\n");
    }
    const input = this.#buffer === "" ? chunk : this.#buffer + chunk;
    let start = 0;
    let end = input.indexOf("\n", start);
    while (end !== -1) {
      this.#line(input.slice(start, end), onEvent);
      start = end + 1;
      end = input.indexOf("\n", start);
    }
    this.#buffer = start === 0 ? input : input.slice(start);
  }

  /** End of input: deliver a last event that had no blank line after it. */
  flush(onEvent: SseEventHandler): void {
    if (this.#buffer !== "") {
      this.#line(this.#buffer, onEvent);
      this.#buffer = "";
    }
    this.#line("", onEvent);
  }

  #line(line: string, onEvent: SseEventHandler): void {
    if (line === "") {
      if (this.#data.length > 0) {
        const data = this.#data.length === 1 ? this.#data[0]! : this.#data.join("\n");
        const event = this.#event;
        this.#data = [];
        this.#event = undefined;
        onEvent(event, data);
      } else {
        this.#event = undefined;
      }
      return;
    }
    if (line.startsWith("data:")) {
      this.#data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    } else if (line.startsWith("event:")) {
      // An empty name is the default event type, as if none was named.
      this.#event = (line.charCodeAt(6) === 32 ? line.slice(7) : line.slice(6)) || undefined;
    } else if (line === "data") {
      // A field name without a colon has the empty string as its value.
      this.#data.push("");
    } else if (line === "event") {
      this.#event = undefined;
    }
    // ":" comments, "id:", "retry:" and unknown fields are ignored.
  }
}
