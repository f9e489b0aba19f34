/**
 * An incremental Server-Sent Events decoder that hands out one event at a
 * time: {@link SseDecoder.push} text as it arrives (any split), then call
 * {@link SseDecoder.next} until it returns undefined (no complete event is
 * buffered), and again after the next push. Events are decoded only when
 * asked for, so the first event of a large network read reaches the caller
 * without the rest of the read being split first.
 *
 * Lines end with LF, CRLF or CR (a CRLF may be split between pushes);
 * `data:` lines are joined with "\n" (a bare `data` line adds an empty one);
 * comments (`:`) and unknown fields are skipped; an empty event name counts
 * as none. After {@link SseDecoder.end}, a last event without its blank line
 * is delivered too. An event longer than a bound (16 Mi characters by
 * default) is a `stream` error, so a server sending an endless line cannot
 * make it buffer without limit. Decode bytes with a streaming `TextDecoder` first: it
 * keeps a character split between reads whole and drops a leading
 * byte-order mark.
 *
 * Shared by the providers that read an SSE body themselves instead of
 * through an SDK's iterator (one layer between the socket and the caller).
 *
 * @example
 * ```ts
 * const sse = new SseDecoder();
 * const text = new TextDecoder();
 * for (;;) {
 *   const event = sse.next();
 *   if (event !== undefined) { handle(event.event, event.data); continue; }
 *   if (sse.ended) break;
 *   const read = await reader.read();
 *   if (read.done) { sse.push(text.decode()); sse.end(); }
 *   else sse.push(text.decode(read.value, { stream: true }));
 * }
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

import { invalidInput, RatatoskrError } from "@ratatoskr/core";

/** The most characters one event may hold by default (16 Mi), its lines and their ends included. */
export const DEFAULT_MAX_SSE_EVENT_LENGTH = 16 * 1024 * 1024;

/** Options of {@link SseDecoder}. */
export interface SseDecoderOptions {
  /** Named in the error about an oversized event (the provider whose stream it is). */
  provider?: string;
  /**
   * The most characters one event may hold, its lines and their ends
   * included (default {@link DEFAULT_MAX_SSE_EVENT_LENGTH}). A stream that
   * sends more (an endless line, endless `data:` lines) fails with a
   * `stream` error instead of buffering without bound.
   */
  maxEventLength?: number;
}

/** One decoded event. */
export interface SseEvent {
  /** The event's name; undefined when the server named none (or an empty name). */
  readonly event: string | undefined;
  /** Its `data` lines, joined with "\n". */
  readonly data: string;
}

const LINE_FEED = 10;
const SPACE = 32;

/** See the module comment. */
export class SseDecoder {
  readonly #provider: string | undefined;
  readonly #maxEventLength: number;
  /** Characters of the event being read so far (its lines and their ends). */
  #eventLength = 0;
  /** Text not yet decoded starts at {@link #position}. */
  #buffer = "";
  #position = 0;
  #pendingCarriageReturn = false;
  #ended = false;
  #event: string | undefined;
  /** The event's first data line, and any more (rare). */
  #data: string | undefined;
  #moreData: string[] | undefined;

  constructor(options: SseDecoderOptions = {}) {
    this.#provider = options.provider;
    const max = options.maxEventLength;
    if (max !== undefined && !(typeof max === "number" && Number.isInteger(max) && max > 0)) {
      throw invalidInput(
        `maxEventLength must be a positive integer number of characters, got ${typeof max === "number" ? max : typeof max}`,
        { field: "maxEventLength" },
      );
    }
    this.#maxEventLength = max ?? DEFAULT_MAX_SSE_EVENT_LENGTH;
  }

  /** Whether {@link end} was called: no more input will come. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Add decoded text (`invalid_input` for anything else). Throws after {@link end}. */
  push(text: string): void {
    if (this.#ended) throw new Error("SseDecoder: push() after end()");
    if (typeof text !== "string") {
      throw invalidInput(`SseDecoder.push() takes decoded text, got ${typeof text}`, {
        field: "text",
      });
    }
    if (text === "") return;
    let chunk = text;
    if (this.#pendingCarriageReturn) {
      this.#pendingCarriageReturn = false;
      if (chunk.charCodeAt(0) === LINE_FEED) chunk = chunk.slice(1);
    }
    if (chunk.includes("\r")) {
      if (chunk.endsWith("\r")) this.#pendingCarriageReturn = true;
      chunk = chunk.replace(/\r\n?/g, "\n");
    }
    this.#buffer =
      this.#position >= this.#buffer.length ? chunk : this.#buffer.slice(this.#position) + chunk;
    this.#position = 0;
  }

  /** Throw when the event being read would exceed the bound. */
  #checkLength(length: number): void {
    if (length <= this.#maxEventLength) return;
    throw new RatatoskrError({
      code: "stream",
      message: `${this.#provider ?? "The server"} sent a stream event longer than ${this.#maxEventLength} characters`,
      ...(this.#provider === undefined ? {} : { provider: this.#provider }),
    });
  }

  /** The input is complete: {@link next} also delivers a last event that had no blank line after it. */
  end(): void {
    this.#ended = true;
  }

  /** The next complete event, or undefined until more text is pushed (or, after {@link end}, for good). */
  next(): SseEvent | undefined {
    const buffer = this.#buffer;
    for (;;) {
      const start = this.#position;
      const end = buffer.indexOf("\n", start);
      let line: string;
      if (end !== -1) {
        if (end > start) {
          // The blank line that ends an event is not counted in it.
          this.#eventLength += end + 1 - start;
          this.#checkLength(this.#eventLength);
        }
        line = buffer.slice(start, end);
        this.#position = end + 1;
      } else if (!this.#ended) {
        // An unfinished line: more text is needed, unless it is already too long.
        this.#checkLength(this.#eventLength + buffer.length - start);
        return undefined;
      } else if (start < buffer.length) {
        this.#eventLength += buffer.length - start;
        this.#checkLength(this.#eventLength);
        line = buffer.slice(start);
        this.#position = buffer.length;
      } else {
        // End of input: the pending event is dispatched as if a blank line followed.
        return this.#dispatch();
      }
      if (line === "") {
        const event = this.#dispatch();
        if (event !== undefined) return event;
      } else {
        this.#field(line);
      }
    }
  }

  #dispatch(): SseEvent | undefined {
    this.#eventLength = 0;
    const first = this.#data;
    const event = this.#event;
    this.#event = undefined;
    if (first === undefined) return undefined;
    const more = this.#moreData;
    this.#data = undefined;
    this.#moreData = undefined;
    return { event, data: more === undefined ? first : `${first}\n${more.join("\n")}` };
  }

  #addData(value: string): void {
    if (this.#data === undefined) this.#data = value;
    else if (this.#moreData === undefined) this.#moreData = [value];
    else this.#moreData.push(value);
  }

  #field(line: string): void {
    if (line.startsWith("data:")) {
      this.#addData(line.charCodeAt(5) === SPACE ? line.slice(6) : line.slice(5));
    } else if (line.startsWith("event:")) {
      this.#event = (line.charCodeAt(6) === SPACE ? line.slice(7) : line.slice(6)) || undefined;
    } else if (line === "data") {
      // A field name without a colon has the empty string as its value.
      this.#addData("");
    } else if (line === "event") {
      this.#event = undefined;
    }
    // ":" comments, "id:", "retry:" and unknown fields are ignored.
  }
}
