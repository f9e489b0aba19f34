/**
 * Validation of configured server URLs (`baseURL`, `endpointUrl`, a Hub
 * address, `OLLAMA_HOST`, …), once, when a provider is created: a URL a
 * provider cannot use fails there, with an `invalid_input` error that names
 * the setting, instead of on every call.
 */
import { RatatoskrError } from "@ratatoskr/core";

/** Options of {@link validateBaseURL}. */
export interface ValidateBaseURLOptions {
  /** The setting or environment variable the URL came from, named in the error (`baseURL`, `HF_ENDPOINT`). */
  setting: string;
  /** Provider id for the error. */
  provider: string;
}

/**
 * Everything up to the last `@`: where credentials would be. Masked whole,
 * since in a URL that does not parse a password may hold `/`, `?` or `#`.
 */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)?[\s\S]*@/i;
/** Longest URL shown in an error message. */
const MAX_SHOWN = 120;

/**
 * `value` without trailing slashes, when it is an absolute `http:` or `https:`
 * URL without credentials; otherwise throws an `invalid_input` error naming
 * `options.setting`:
 *
 * - credentials (`https://user:password@host/v1`): the SDKs would put them in
 *   messages and logs, and the call would not authenticate with them anyway —
 *   pass the key as `apiKey` (or a header) instead;
 * - not a string, empty, or not parsable as a URL;
 * - a scheme other than `http:`/`https:`.
 *
 * The message never shows a user name or password, even of a URL that does not
 * parse.
 */
export function validateBaseURL(value: unknown, options: ValidateBaseURLOptions): string {
  const refuse = (why: string, shown?: string) =>
    new RatatoskrError({
      code: "invalid_input",
      message: `${options.provider}: ${options.setting} ${why}${shown === undefined ? "" : `, got ${shown}`}`,
      provider: options.provider,
      details: { setting: options.setting },
    });
  if (typeof value !== "string" || value.trim() === "") {
    throw refuse(
      'must be an http(s) URL such as "https://api.example.com/v1"',
      typeof value === "string" ? "an empty string" : typeof value,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse(
      'is not a valid URL (expected one such as "https://api.example.com/v1")',
      describe(value),
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw refuse(
      "must not contain credentials (user:password@); pass the key as apiKey or in a header instead",
      describe(value),
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse(
      `must be an http(s) URL such as "https://api.example.com/v1", not ${url.protocol}`,
      describe(value),
    );
  }
  return value.replace(/\/+$/, "");
}

/** The URL for an error message: anything before an `@` masked, quoted, cut to a readable length. */
function describe(value: string): string {
  const masked = value.replace(
    USER_INFO,
    (_all, scheme: string | undefined) => `${scheme ?? ""}***@`,
  );
  return JSON.stringify(masked.length > MAX_SHOWN ? `${masked.slice(0, MAX_SHOWN)}…` : masked);
}
