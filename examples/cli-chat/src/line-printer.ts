/**
 * Writes streamed text and remembers whether the cursor is mid-line, so an
 * interruption or a status line never lands glued to half an answer.
 */

/** Where the chat writes: `process.stdout` or a test's collector. */
export interface TextSink {
  write(text: string): unknown;
}

/** A {@link TextSink} that tracks the current line. */
export class LinePrinter {
  readonly #sink: TextSink;
  #atLineStart = true;

  /** @param sink where the text goes. */
  constructor(sink: TextSink) {
    this.#sink = sink;
  }

  /** Write `text` as is (a streamed piece). */
  write(text: string): void {
    if (text === "") return;
    this.#sink.write(text);
    this.#atLineStart = text.endsWith("\n");
  }

  /** End the current line if text is pending on it. */
  endLine(): void {
    if (!this.#atLineStart) this.write("\n");
  }

  /** Write `text` as a line of its own. */
  line(text: string): void {
    this.endLine();
    this.write(`${text}\n`);
  }
}
