/**
 * Translates the regular expressions of `tokenizer.json` files (written for
 * Oniguruma, which the Rust `tokenizers` library runs) into JavaScript
 * `RegExp` sources for the `u` flag, for the subset that pre-tokenizer
 * patterns use in practice: literals, escapes, Unicode properties,
 * character classes, groups, lookarounds, quantifiers and ASCII-only
 * case-insensitive groups (`(?i:'s|'t)`). The meanings follow
 * `@huggingface/tokenizers`' translation, which this package's engine is
 * checked against: `\s` is `\p{White_Space}`, `\d` is `\p{Nd}`, a property
 * name JavaScript does not know is tried as a script, and `(?i:…)` folds
 * ASCII letters only.
 *
 * Anything outside that subset (`\w`, `\b`, anchors, `.`, possessive
 * quantifiers, nested classes, …) is refused with the reason, so the
 * tokenizer runs on `@huggingface/tokenizers` itself instead of on a
 * translation that could differ.
 *
 * @see https://github.com/kkos/oniguruma/blob/master/doc/RE
 * @see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Regular_expressions
 */

/** A translated pattern, or why it cannot be translated exactly. */
export type PatternTranslation = { ok: true; source: string } | { ok: false; reason: string };

/** Escapes kept as they are, inside and outside classes. */
const CONTROL_ESCAPES = new Set(["r", "n", "t", "f", "v"]);
/** Characters that keep their backslash in a JavaScript `u`-mode pattern. */
const SYNTAX_CHARACTERS = new Set([..."^$\\.*+?()[]{}|/"]);
/** Shorthand classes, as `@huggingface/tokenizers` translates them. */
const SHORTHANDS: Record<string, string> = {
  s: "\\p{White_Space}",
  S: "\\P{White_Space}",
  d: "\\p{Nd}",
  D: "\\P{Nd}",
};

class Untranslatable extends Error {}

function refuse(what: string, index: number): never {
  throw new Untranslatable(`${what} at index ${index}`);
}

/** Translate an Oniguruma pattern; see the module documentation for the subset. */
export function translateOnigurumaPattern(pattern: string): PatternTranslation {
  let source: string;
  try {
    source = new Translator(pattern).run();
  } catch (error) {
    if (error instanceof Untranslatable) return { ok: false, reason: error.message };
    throw error;
  }
  try {
    new RegExp(source, "gu");
  } catch (error) {
    return { ok: false, reason: `not a valid JavaScript pattern (${(error as Error).message})` };
  }
  return { ok: true, source };
}

class Translator {
  readonly #pattern: string;
  #index = 0;
  /** Depth of `(?i:…)` groups around the current position. */
  #ignoreCase = 0;
  /** Which open groups are case-insensitive, innermost last. */
  readonly #groups: boolean[] = [];

  constructor(pattern: string) {
    this.#pattern = pattern;
  }

  run(): string {
    let out = "";
    const pattern = this.#pattern;
    while (this.#index < pattern.length) {
      const character = pattern[this.#index]!;
      switch (character) {
        case "\\":
          out += this.#escape(false);
          break;
        case "[":
          out += this.#characterClass();
          break;
        case "(":
          out += this.#openGroup();
          break;
        case ")":
          if (this.#groups.length === 0) refuse("unbalanced ')'", this.#index);
          if (this.#groups.pop()) this.#ignoreCase--;
          this.#index++;
          out += ")";
          break;
        case "*":
        case "+":
        case "?":
          out += this.#quantifier(character);
          break;
        case "{":
          out += this.#braces();
          break;
        case "|":
          this.#index++;
          out += "|";
          break;
        case ".":
          refuse("'.' (its newline rule differs)", this.#index);
          break;
        case "^":
        case "$":
          refuse(`anchor '${character}'`, this.#index);
          break;
        default:
          out += this.#literal();
      }
    }
    if (this.#groups.length > 0) refuse("unclosed group", pattern.length);
    return out;
  }

  /** One literal code point, case-folded (ASCII letters) inside `(?i:…)`. */
  #literal(): string {
    const code = this.#pattern.codePointAt(this.#index)!;
    const character = String.fromCodePoint(code);
    this.#index += character.length;
    return this.#fold(this.#plain(character));
  }

  /** A literal character as a JavaScript pattern writes it outside a class. */
  #plain(character: string): string {
    return SYNTAX_CHARACTERS.has(character) ? `\\${character}` : controlEscape(character);
  }

  #fold(text: string): string {
    if (this.#ignoreCase === 0 || !/^[A-Za-z]$/.test(text)) return text;
    return `[${text.toLowerCase()}${text.toUpperCase()}]`;
  }

  /** An escape outside or inside a class; the index is at the backslash. */
  #escape(inClass: boolean): string {
    const start = this.#index;
    const pattern = this.#pattern;
    const next = pattern[start + 1];
    if (next === undefined) refuse("trailing backslash", start);
    if (next === "p" || next === "P") {
      const close = pattern.indexOf("}", start);
      if (pattern[start + 2] !== "{" || close === -1) refuse(`\\${next} without {name}`, start);
      this.#index = close + 1;
      if (this.#ignoreCase > 0) refuse("a property inside (?i:…)", start);
      return propertyEscape(next, pattern.slice(start + 3, close), start);
    }
    if (next === "x" && pattern[start + 2] === "{") {
      const close = pattern.indexOf("}", start);
      const hex = pattern.slice(start + 3, close);
      if (close === -1 || !/^[0-9A-Fa-f]{1,6}$/.test(hex)) refuse("bad \\x{…}", start);
      this.#index = close + 1;
      return this.#escaped(String.fromCodePoint(Number.parseInt(hex, 16)), inClass, start);
    }
    if (next === "x" || next === "u") {
      const digits = next === "x" ? 2 : 4;
      const hex = pattern.slice(start + 2, start + 2 + digits);
      if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) refuse(`bad \\${next}`, start);
      this.#index = start + 2 + digits;
      return this.#escaped(String.fromCharCode(Number.parseInt(hex, 16)), inClass, start);
    }
    this.#index = start + 2;
    if (CONTROL_ESCAPES.has(next)) return `\\${next}`;
    const shorthand = SHORTHANDS[next];
    if (shorthand !== undefined) {
      if (this.#ignoreCase > 0) refuse(`\\${next} inside (?i:…)`, start);
      return shorthand;
    }
    if (/[A-Za-z0-9]/.test(next)) refuse(`escape \\${next}`, start);
    // An escaped punctuation or symbol character is that character.
    const character = String.fromCodePoint(pattern.codePointAt(start + 1)!);
    this.#index = start + 1 + character.length;
    return this.#escaped(character, inClass, start);
  }

  /** The character an escape stands for, written for where it stands. */
  #escaped(character: string, inClass: boolean, index: number): string {
    if (!inClass) return this.#fold(this.#plain(character));
    if (this.#ignoreCase > 0 && /[A-Za-z]/.test(character))
      refuse("a letter in a class inside (?i:…)", index);
    return "\\]-[^".includes(character) ? `\\${character}` : controlEscape(character);
  }

  /** A bracketed class `[…]` / `[^…]`, without nesting or set operations. */
  #characterClass(): string {
    const pattern = this.#pattern;
    const start = this.#index;
    let out = "[";
    this.#index++;
    if (pattern[this.#index] === "^") {
      out += "^";
      this.#index++;
    }
    // A `]` right after the opening bracket is a literal in Oniguruma.
    if (pattern[this.#index] === "]") {
      out += "\\]";
      this.#index++;
    }
    for (;;) {
      const character = pattern[this.#index];
      if (character === undefined) refuse("unclosed class", start);
      if (character === "]") {
        this.#index++;
        return `${out}]`;
      }
      if (character === "[") refuse("nested class or POSIX bracket", this.#index);
      if (character === "&" && pattern[this.#index + 1] === "&")
        refuse("class intersection", this.#index);
      if (character === "\\") {
        out += this.#escape(true);
        continue;
      }
      const literal = String.fromCodePoint(pattern.codePointAt(this.#index)!);
      if (this.#ignoreCase > 0 && /[A-Za-z]/.test(literal))
        refuse("a letter in a class inside (?i:…)", start);
      this.#index += literal.length;
      // In a class only `\`, `]` and `[` need a backslash; `-` and `^` keep their class meaning.
      out += literal === "\\" || literal === "]" ? `\\${literal}` : controlEscape(literal);
    }
  }

  /** `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!` or `(?i:`; a capturing group becomes non-capturing. */
  #openGroup(): string {
    const pattern = this.#pattern;
    const start = this.#index;
    if (pattern[start + 1] !== "?") {
      this.#index++;
      this.#groups.push(false);
      return "(?:";
    }
    for (const prefix of ["(?:", "(?=", "(?!", "(?<=", "(?<!"]) {
      if (pattern.startsWith(prefix, start)) {
        this.#index += prefix.length;
        this.#groups.push(false);
        return prefix;
      }
    }
    if (pattern.startsWith("(?i:", start)) {
      this.#index += 4;
      this.#groups.push(true);
      this.#ignoreCase++;
      return "(?:";
    }
    return refuse(`group ${pattern.slice(start, start + 4)}…`, start);
  }

  /** `*`, `+`, `?` with an optional lazy `?`; possessive forms are refused. */
  #quantifier(character: string): string {
    this.#index++;
    const after = this.#pattern[this.#index];
    if (after === "+") refuse("possessive quantifier", this.#index - 1);
    if (after === "?") {
      this.#index++;
      return `${character}?`;
    }
    return character;
  }

  /** `{n}`, `{n,}`, `{n,m}` (and `{,m}`, which Oniguruma reads as `{0,m}`); another `{` is a literal. */
  #braces(): string {
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(this.#pattern.slice(this.#index));
    if (match === null || (match[1] === "" && match[3] === "")) {
      this.#index++;
      return "\\{";
    }
    this.#index += match[0].length;
    const minimum = match[1] === "" ? "0" : match[1];
    let out = `{${minimum}${match[2]}${match[3]}}`;
    const after = this.#pattern[this.#index];
    if (after === "+") refuse("possessive quantifier", this.#index);
    if (after === "?") {
      this.#index++;
      out += "?";
    }
    return out;
  }
}

/** A control character as its escape (`\r`, `\n`, …), any other character as itself. */
function controlEscape(character: string): string {
  switch (character) {
    case "\r":
      return "\\r";
    case "\n":
      return "\\n";
    case "\t":
      return "\\t";
    case "\f":
      return "\\f";
    case "\v":
      return "\\v";
    default:
      return character;
  }
}

/** `\p{name}` as JavaScript knows it: the name itself, else the script of that name. */
function propertyEscape(kind: "p" | "P", name: string, index: number): string {
  const negated = name.startsWith("^");
  const bare = negated ? name.slice(1) : name;
  const letter = negated ? (kind === "p" ? "P" : "p") : kind;
  for (const candidate of [bare, `Script=${bare}`]) {
    try {
      new RegExp(`\\p{${candidate}}`, "u");
      return `\\${letter}{${candidate}}`;
    } catch {
      // not this spelling
    }
  }
  return refuse(`unknown property ${name}`, index);
}
