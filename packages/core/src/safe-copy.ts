/**
 * Copies of foreign values that are safe to print: what a
 * {@link RatatoskrError} keeps instead of the raw `cause`, `details` and
 * `partial` it was given. Node prints an error's own properties and its whole
 * cause chain (`util.inspect`, `console.error`), so an SDK error held as a
 * cause would print its request, headers and response body, key included.
 */

/** Options of {@link safeCopy}. */
export interface SafeCopyOptions {
  /** Applied to every string (message, stack, property value). */
  redact: (text: string) => string;
  /** Strings longer than this are cut, after `redact` (default: no limit). */
  maxStringLength?: number;
  /** Objects that are already safe and are kept as they are (e.g. RatatoskrErrors). */
  keep?: (value: object) => boolean;
}

/** Deeper nesting is replaced by a placeholder; cause chains are rarely longer than a few links. */
const MAX_DEPTH = 8;
/** Own properties copied per object, and items per array. */
const MAX_ENTRIES = 100;
/** Error properties that are written explicitly, never by the own-property loop. */
const ERROR_FIELDS = new Set(["name", "message", "stack", "cause", "errors"]);

type BuiltinErrorConstructor = new (message?: string) => Error;

/** Error classes whose copies keep their class (so `instanceof TypeError` still holds). */
const BUILTIN_ERRORS: readonly BuiltinErrorConstructor[] = [
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
];

/**
 * A copy of `value` that holds no secret and nothing Node would print at
 * length:
 *
 * - strings pass through `redact` (then are cut to `maxStringLength`);
 * - errors become new errors with the same `name`, `message`, `stack`, `code`,
 *   `status` and other primitive own properties (redacted), their `cause`
 *   and AggregateError `errors` copied the same way; built-in error classes
 *   are kept, any other class becomes an `Error` with the original `name`;
 * - plain objects and arrays are copied entry by entry;
 * - any other object (a `Headers`, a `Request`, a `Response`, a socket) is
 *   replaced by its class name, e.g. `"[Headers]"`; functions are dropped;
 * - cycles are kept as cycles, and nesting deeper than 8 levels is cut.
 */
export function safeCopy(value: unknown, options: SafeCopyOptions): unknown {
  try {
    return new SafeCopier(options).copy(value, 0);
  } catch {
    // A hostile object (a proxy whose every trap throws): nothing of it is kept.
    return "[could not be copied]";
  }
}

class SafeCopier {
  readonly #options: SafeCopyOptions;
  /** Originals already copied → their copies (keeps cycles finite). */
  readonly #seen = new Map<object, unknown>();

  constructor(options: SafeCopyOptions) {
    this.#options = options;
  }

  copy(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.#string(value);
    if (typeof value === "function") return undefined;
    if (typeof value === "symbol") return this.#string(value.toString());
    if (value === null || typeof value !== "object") return value;
    if (this.#options.keep?.(value)) return value;
    if (this.#seen.has(value)) return this.#seen.get(value);
    if (depth >= MAX_DEPTH) return "[nested too deeply]";
    if (value instanceof Error) return this.#error(value, depth);
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      this.#seen.set(value, copy);
      for (const item of value.slice(0, MAX_ENTRIES)) copy.push(this.copy(item, depth + 1));
      return copy;
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype !== Object.prototype && prototype !== null) return `[${className(value)}]`;
    const copy: Record<string, unknown> = {};
    this.#seen.set(value, copy);
    for (const key of Object.keys(value).slice(0, MAX_ENTRIES)) {
      const inner = this.copy(read(value, key), depth + 1);
      if (inner !== undefined) copy[key] = inner;
    }
    return copy;
  }

  #string(text: string): string {
    const redacted = this.#options.redact(text);
    const max = this.#options.maxStringLength;
    return max === undefined || redacted.length <= max ? redacted : redacted.slice(0, max);
  }

  #error(error: Error, depth: number): Error {
    const name = String(read(error, "name") ?? "Error");
    const message = this.#string(String(read(error, "message") ?? ""));
    const errors = read(error, "errors");
    const copy =
      error instanceof AggregateError && Array.isArray(errors)
        ? new AggregateError([], message)
        : new (builtinClassOf(error) ?? Error)(message);
    this.#seen.set(error, copy);
    if (copy.name !== name) hidden(copy, "name", this.#string(name));
    const stack = read(error, "stack");
    hidden(copy, "stack", typeof stack === "string" ? this.#string(stack) : `${name}: ${message}`);
    for (const key of [...Object.keys(error).slice(0, MAX_ENTRIES), "code", "status"]) {
      if (ERROR_FIELDS.has(key) || Object.hasOwn(copy, key)) continue;
      const inner = read(error, key);
      // Objects on an error are requests, responses, headers, bodies: left out.
      if (inner === undefined || inner === null || typeof inner === "object") continue;
      const safe = this.copy(inner, depth + 1);
      if (safe !== undefined) (copy as unknown as Record<string, unknown>)[key] = safe;
    }
    if (copy instanceof AggregateError && Array.isArray(errors)) {
      copy.errors = errors.slice(0, MAX_ENTRIES).map((inner) => this.copy(inner, depth + 1));
    }
    if ("cause" in error) hidden(copy, "cause", this.copy(read(error, "cause"), depth + 1));
    return copy;
  }
}

/** The built-in error class `error` is a direct instance of, if any. */
function builtinClassOf(error: Error): BuiltinErrorConstructor | undefined {
  const prototype = Object.getPrototypeOf(error) as unknown;
  return BUILTIN_ERRORS.find((builtin) => builtin.prototype === prototype);
}

/** A property of a foreign object; a throwing getter or proxy reads as undefined. */
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function className(value: object): string {
  const owner = read(value, "constructor") as { name?: unknown } | undefined;
  return typeof owner?.name === "string" && owner.name !== "" ? owner.name : "object";
}

/** Define a non-enumerable own property, as errors hold `stack`, `message` and `cause`. */
function hidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}
