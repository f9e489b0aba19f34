/**
 * A tolerant, incremental JSON parser: fed a JSON text in pieces, it gives
 * after each piece the best value of the prefix read so far, as if the open
 * strings, arrays and objects were closed there.
 *
 * - An open string is its text so far (an escape cut in half is left out).
 * - A number is its longest valid prefix (`-` alone or `1e` add nothing
 *   new); `t`, `f`, `n` are already `true`, `false`, `null`.
 * - An object member appears once its value has begun: a key without a
 *   value yet is left out.
 * - Whatever follows the complete top-level value (a closing code fence,
 *   text) is ignored; a character that cannot continue a JSON text stops the
 *   parser (`failed`), the value staying what it was.
 *
 * Cost: every character is read once, and the value is built in place, so
 * feeding a text of length n costs O(n) whatever the pieces. Each
 * {@link PartialJsonParser.snapshot} hands out a value that the parser never
 * changes afterwards: values completed before are shared with the earlier
 * snapshot, and the containers still open (the path from the root to the
 * innermost open array or object) are copied shallowly the first time they
 * change after it — copy on write. So a snapshot costs the widths of the
 * containers still open, not the length of the text: for the usual model
 * output (objects of a few fields, arrays of objects) a few dozen
 * references.
 */

/** What the parser expects next. */
const Mode = {
  /** Before a value (top level, after `[`, `,` in an array, `:`). */
  Value: 0,
  /** After `{` or `,` in an object: a key (or, after `{`, the end). */
  Key: 1,
  /** After a key: the `:`. */
  Colon: 2,
  /** After a complete value: `,`, the end of the container, or the end of the text. */
  AfterValue: 3,
  /** Inside a string (a key or a value). */
  String: 4,
  /** Inside a number. */
  Number: 5,
  /** Inside `true`, `false` or `null`. */
  Keyword: 6,
  /** The top-level value is complete: the rest is ignored. */
  Done: 7,
  /** The text is not JSON: nothing more is read. */
  Failed: 8,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/** An open array or object. */
interface Frame {
  container: Record<string, unknown> | unknown[];
  isArray: boolean;
  /** The key of the member being read (objects). */
  key: string;
  /** Whether the container has no member yet (`]`/`}` may close it at once). */
  empty: boolean;
  /** Arrays: whether the element being read was pushed already (it is pushed when it gets its first value). */
  memberOpen: boolean;
  /** The snapshot generation this container belongs to: an older one is shared and copied before a change. */
  generation: number;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_CHAR = /[0-9eE+\-.]/;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const KEYWORDS: Readonly<Record<string, readonly [string, boolean | null]>> = {
  t: ["true", true],
  f: ["false", false],
  n: ["null", null],
};

/** The incremental parser (see the module comment). */
export class PartialJsonParser {
  #mode: Mode = Mode.Value as Mode;
  #frames: Frame[] = [];
  #root: unknown;
  #generation = 0;
  #changed = false;
  /** Whether the string being read is an object key. */
  #stringIsKey = false;
  #string = "";
  /** An escape in progress: `\` alone, or `\u` and up to 4 hex digits. */
  #escape = "";
  #number = "";
  #numberValue: number | undefined;
  #keyword = "";
  #keywordIndex = 0;

  /** Whether the value changed since the last {@link snapshot} (or the start). */
  get changed(): boolean {
    return this.#changed;
  }

  /** Whether a complete top-level value has been read. */
  get done(): boolean {
    return this.#mode === Mode.Done;
  }

  /** Whether the text stopped being JSON (nothing after that point is read). */
  get failed(): boolean {
    return this.#mode === Mode.Failed;
  }

  /**
   * The best value of the text read so far (`undefined` before a value has
   * begun). The parser never changes the returned value later.
   */
  snapshot(): unknown {
    this.#changed = false;
    this.#generation++;
    return this.#root;
  }

  /** Read the next piece of the text; returns {@link changed}. */
  push(text: string): boolean {
    let index = 0;
    while (index < text.length) {
      switch (this.#mode) {
        case Mode.String:
          index = this.#readString(text, index);
          break;
        case Mode.Done:
        case Mode.Failed:
          return this.#changed;
        default:
          this.#readChar(text.charAt(index));
          index++;
      }
    }
    return this.#changed;
  }

  /** Read string characters from `index`; returns where it stopped. */
  #readString(text: string, start: number): number {
    let index = start;
    let runStart = start;
    let added = "";
    while (index < text.length) {
      const char = text.charAt(index);
      if (this.#escape !== "") {
        this.#escape += char;
        index++;
        const decoded = this.#decodeEscape();
        if (decoded === null) {
          this.#mode = Mode.Failed;
          return text.length;
        }
        if (decoded !== undefined) {
          added += decoded;
          this.#escape = "";
        }
        runStart = index;
        continue;
      }
      if (char === '"' || char === "\\") {
        added += text.slice(runStart, index);
        index++;
        runStart = index;
        if (char === "\\") {
          this.#escape = "\\";
          continue;
        }
        this.#appendString(added);
        this.#endString();
        return index;
      }
      if (char < " ") {
        this.#mode = Mode.Failed;
        return text.length;
      }
      index++;
    }
    added += text.slice(runStart, index);
    this.#appendString(added);
    return index;
  }

  /** The character an escape stands for; `undefined` while incomplete; `null` when invalid. */
  #decodeEscape(): string | null | undefined {
    const sequence = this.#escape;
    if (sequence.length < 2) return undefined;
    if (sequence[1] !== "u") return ESCAPES[sequence[1]!] ?? null;
    const hex = sequence.slice(2);
    if (!/^[0-9a-fA-F]*$/.test(hex)) return null;
    return hex.length < 4 ? undefined : String.fromCharCode(Number.parseInt(hex, 16));
  }

  #appendString(added: string): void {
    if (added === "") return;
    this.#string += added;
    if (!this.#stringIsKey) this.#attach(this.#string);
  }

  #endString(): void {
    if (this.#stringIsKey) {
      this.#frames[this.#frames.length - 1]!.key = this.#string;
      this.#mode = Mode.Colon;
    } else {
      this.#valueEnded();
    }
    this.#string = "";
  }

  #readChar(char: string): void {
    switch (this.#mode) {
      case Mode.Value:
        if (!isSpace(char)) this.#startValue(char);
        return;
      case Mode.Key:
        if (isSpace(char)) return;
        if (char === '"') {
          this.#stringIsKey = true;
          this.#string = "";
          this.#mode = Mode.String;
        } else if (char === "}" && this.#top()?.empty === true) {
          this.#closeContainer();
        } else {
          this.#mode = Mode.Failed;
        }
        return;
      case Mode.Colon:
        if (isSpace(char)) return;
        this.#mode = char === ":" ? Mode.Value : Mode.Failed;
        return;
      case Mode.AfterValue:
        this.#afterValue(char);
        return;
      case Mode.Number:
        if (NUMBER_CHAR.test(char)) {
          this.#number += char;
          this.#numberProgress();
        } else if (JSON_NUMBER.test(this.#number)) {
          this.#valueEnded();
          this.#readChar(char);
        } else {
          this.#mode = Mode.Failed;
        }
        return;
      case Mode.Keyword:
        if (this.#keyword[this.#keywordIndex] !== char) {
          this.#mode = Mode.Failed;
          return;
        }
        this.#keywordIndex++;
        if (this.#keywordIndex === this.#keyword.length) this.#valueEnded();
        return;
      default:
        return;
    }
  }

  #startValue(char: string): void {
    const top = this.#top();
    if (char === "]" && top?.isArray === true && top.empty) {
      this.#closeContainer();
      return;
    }
    if (top !== undefined) top.empty = false;
    if (char === "{" || char === "[") {
      const isArray = char === "[";
      const container: Frame["container"] = isArray ? [] : {};
      this.#attach(container);
      this.#frames.push({
        container,
        isArray,
        key: "",
        empty: true,
        memberOpen: false,
        generation: this.#generation,
      });
      this.#mode = isArray ? Mode.Value : Mode.Key;
    } else if (char === '"') {
      this.#stringIsKey = false;
      this.#string = "";
      this.#attach("");
      this.#mode = Mode.String;
    } else if (char === "-" || (char >= "0" && char <= "9")) {
      this.#number = char;
      this.#numberValue = undefined;
      this.#mode = Mode.Number;
      this.#numberProgress();
    } else if (KEYWORDS[char] !== undefined) {
      const [word, value] = KEYWORDS[char];
      this.#keyword = word;
      this.#keywordIndex = 1;
      this.#attach(value);
      this.#mode = Mode.Keyword;
    } else {
      this.#mode = Mode.Failed;
    }
  }

  /** Attach the number's longest valid prefix when its value changed. */
  #numberProgress(): void {
    const text = this.#number.replace(/[eE][+-]?$|\.$/, "");
    if (!JSON_NUMBER.test(text)) {
      if (!/^-?(?:0|[1-9]\d*)?(?:\.\d*)?(?:[eE][+-]?\d*)?$/.test(this.#number)) {
        this.#mode = Mode.Failed;
      }
      return;
    }
    const value = Number(text);
    if (value === this.#numberValue) return;
    this.#numberValue = value;
    this.#attach(value);
  }

  #afterValue(char: string): void {
    if (isSpace(char)) return;
    const top = this.#top();
    if (top === undefined) {
      this.#mode = Mode.Done;
    } else if (char === ",") {
      top.memberOpen = false;
      this.#mode = top.isArray ? Mode.Value : Mode.Key;
    } else if (char === (top.isArray ? "]" : "}")) {
      this.#closeContainer();
    } else {
      this.#mode = Mode.Failed;
    }
  }

  #closeContainer(): void {
    this.#frames.pop();
    this.#valueEnded();
  }

  /** A value ended: the next character follows it. */
  #valueEnded(): void {
    this.#mode = this.#frames.length === 0 ? Mode.Done : Mode.AfterValue;
  }

  #top(): Frame | undefined {
    return this.#frames[this.#frames.length - 1];
  }

  /** Set the value being read in its place: the open container's current member, or the root. */
  #attach(value: unknown): void {
    this.#changed = true;
    const depth = this.#frames.length;
    if (depth === 0) {
      this.#root = value;
      return;
    }
    this.#own(depth - 1);
    setMember(this.#frames[depth - 1]!, value);
  }

  /**
   * Make the container at `depth` (and so every container above it) this
   * generation's own, copying those a snapshot handed out.
   */
  #own(depth: number): void {
    const frame = this.#frames[depth]!;
    if (frame.generation === this.#generation) return;
    if (depth > 0) this.#own(depth - 1);
    frame.container = frame.isArray
      ? (frame.container as unknown[]).slice()
      : { ...(frame.container as Record<string, unknown>) };
    frame.generation = this.#generation;
    if (depth === 0) this.#root = frame.container;
    else setMember(this.#frames[depth - 1]!, frame.container);
  }
}

/** Set `frame`'s current member: the last element of an array being read, or the value of its current key. */
function setMember(frame: Frame, value: unknown): void {
  if (frame.isArray) {
    const array = frame.container as unknown[];
    if (frame.memberOpen) {
      array[array.length - 1] = value;
    } else {
      array.push(value);
      frame.memberOpen = true;
    }
    return;
  }
  const object = frame.container as Record<string, unknown>;
  Object.defineProperty(object, frame.key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function isSpace(char: string): boolean {
  return char === " " || char === "\n" || char === "\r" || char === "\t";
}

/** The best value of a (possibly incomplete) JSON text: {@link PartialJsonParser} fed it in one piece. */
export function parsePartialJson(text: string): unknown {
  const parser = new PartialJsonParser();
  parser.push(text);
  return parser.snapshot();
}
