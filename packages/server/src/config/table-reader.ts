/**
 * Typed reads of one parsed TOML table, each failure a `configuration`
 * error naming the file and the key (`[limits].max_concurrent_requests`).
 * {@link TableReader.finish} refuses the keys nobody read, so a misspelt
 * key is an error instead of a silently ignored setting.
 */
import type { RatatoskrError } from "@ratatoskr/core";
import { configError, describeType } from "./config-error.ts";

/** Bounds of {@link TableReader.integer}. */
export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
}

/** Longest piece of a wrong value quoted in an error. */
const MAX_QUOTED = 60;

/** Reads the keys of one table of one file. */
export class TableReader {
  readonly #file: string;
  readonly #section: string;
  readonly #table: Readonly<Record<string, unknown>>;
  readonly #secret: boolean;
  readonly #read = new Set<string>();

  /**
   * `section` is the table's TOML name (`limits`, `providers.ollama`, or
   * "" for the top level); with `secret`, wrong values are described by
   * type only, never quoted.
   */
  constructor(
    file: string,
    section: string,
    table: Readonly<Record<string, unknown>>,
    options: { secret?: boolean } = {},
  ) {
    this.#file = file;
    this.#section = section;
    this.#table = table;
    this.#secret = options.secret === true;
  }

  /** The file this table comes from. */
  get file(): string {
    return this.#file;
  }

  /** The TOML name of the table (`providers.ollama`). */
  get section(): string {
    return this.#section;
  }

  /**
   * How `key` is named in errors: `[limits].max_concurrent_requests`,
   * `[limits]` for none, and `[limits]` for a top-level key (a section).
   */
  keyPath(key?: string): string {
    if (this.#section === "") return key === undefined ? "(top level)" : `[${key}]`;
    return key === undefined ? `[${this.#section}]` : `[${this.#section}].${key}`;
  }

  /** A `configuration` error about `key` of this table. */
  error(key: string | undefined, problem: string): RatatoskrError {
    return configError(this.#file, this.keyPath(key), problem);
  }

  /** The keys present, in file order. */
  keys(): string[] {
    return Object.keys(this.#table);
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return Object.hasOwn(this.#table, key);
  }

  #take(key: string): unknown {
    this.#read.add(key);
    return Object.hasOwn(this.#table, key) ? this.#table[key] : undefined;
  }

  #wrong(key: string, expected: string, value: unknown): RatatoskrError {
    const quoted =
      !this.#secret && (typeof value === "string" || typeof value === "number")
        ? ` ${JSON.stringify(typeof value === "string" ? value.slice(0, MAX_QUOTED) : value)}`
        : "";
    return this.error(key, `must be ${expected}, got ${describeType(value)}${quoted}`);
  }

  /** A string (non-empty unless `allowEmpty`), or undefined when absent. */
  string(key: string, options: { allowEmpty?: boolean } = {}): string | undefined {
    const value = this.#take(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw this.#wrong(key, "a string", value);
    if (value === "" && options.allowEmpty !== true) {
      throw this.error(key, "must not be empty");
    }
    return value;
  }

  /** One of `choices`, or undefined when absent. */
  choice<const T extends string>(key: string, choices: readonly T[]): T | undefined {
    const value = this.#take(key);
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      throw this.#wrong(key, `one of ${choices.map((c) => `"${c}"`).join(", ")}`, value);
    }
    return value as T;
  }

  /** An integer within `bounds`, or undefined when absent. */
  integer(key: string, bounds: IntegerBounds): number | undefined {
    const value = this.#take(key);
    if (value === undefined) return undefined;
    const expected = `an integer from ${bounds.min} to ${bounds.max}`;
    const number = typeof value === "bigint" ? Number(value) : value;
    if (typeof number !== "number" || !Number.isInteger(number)) {
      throw this.#wrong(key, expected, value);
    }
    if (number < bounds.min || number > bounds.max) {
      throw this.error(key, `must be ${expected}, got ${number}`);
    }
    return number;
  }

  /** A boolean, or undefined when absent. */
  boolean(key: string): boolean | undefined {
    const value = this.#take(key);
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") throw this.#wrong(key, "true or false", value);
    return value;
  }

  /** An array of non-empty strings, or undefined when absent. */
  stringArray(key: string): string[] | undefined {
    const value = this.#take(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw this.#wrong(key, "an array of strings", value);
    return value.map((item, index) => {
      if (typeof item !== "string" || item === "") {
        throw this.#wrong(`${key}[${index}]`, "a non-empty string", item);
      }
      return item;
    });
  }

  /** The sub-table `key` as a reader (`[limits]` of the top level), or undefined when absent. */
  table(key: string): TableReader | undefined {
    const value = this.#take(key);
    if (value === undefined) return undefined;
    if (
      typeof value !== "object" ||
      value === null ||
      Array.isArray(value) ||
      value instanceof Date
    ) {
      throw this.#wrong(key, "a table", value);
    }
    const section = this.#section === "" ? key : `${this.#section}.${key}`;
    return new TableReader(this.#file, section, value as Record<string, unknown>, {
      secret: this.#secret,
    });
  }

  /** The raw value of `key` (marked read), for values checked elsewhere. */
  raw(key: string): unknown {
    return this.#take(key);
  }

  /** Refuse any key nobody read: `unknown key "max_concurent"; known keys: …`. */
  finish(known: readonly string[] = [...this.#read]): void {
    for (const key of Object.keys(this.#table)) {
      if (this.#read.has(key)) continue;
      throw this.error(
        key,
        `unknown key${known.length === 0 ? "" : `; known keys here: ${known.join(", ")}`}`,
      );
    }
  }
}
