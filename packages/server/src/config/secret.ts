/**
 * A secret read from `secrets.toml` or the environment: it prints as
 * `[REDACTED]` everywhere (`String()`, `JSON.stringify`, `util.inspect`,
 * template literals), and only {@link Secret.reveal} gives the value.
 */
import { inspect } from "node:util";
import { REDACTED, registerSecret } from "@ratatoskr/core";

/** A value that never prints: an API key or the daemon's bearer token. */
export class Secret {
  readonly #value: string;
  /** Where it came from (`secrets.toml [openrouter].api_key`, `OPENROUTER_API_KEY`): safe to print. */
  readonly origin: string;

  /** Wrap `value`; it is also registered with core's redaction, so errors that echo it are redacted. */
  constructor(value: string, origin: string) {
    this.#value = value;
    this.origin = origin;
    registerSecret(value);
  }

  /** The value itself: pass it to what needs it, never to a log. */
  reveal(): string {
    return this.#value;
  }

  /** `[REDACTED]`. */
  toString(): string {
    return REDACTED;
  }

  /** `[REDACTED]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[REDACTED]` in `util.inspect` and `console.log`. */
  [inspect.custom](): string {
    return `Secret(${REDACTED}, from ${this.origin})`;
  }
}
