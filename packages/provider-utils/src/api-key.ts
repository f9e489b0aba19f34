/**
 * API key loading: an explicit setting wins, else the conventional
 * environment variable. The key is registered for redaction.
 */
import { RatatoskrError, registerSecret } from "@ratatoskr/core";

/** Options of {@link loadApiKey}. */
export interface LoadApiKeyOptions {
  /** The key given in the settings; when undefined, the environment variable is read. */
  apiKey: string | undefined;
  /** Environment variable to fall back to (e.g. `OPENROUTER_API_KEY`). */
  environmentVariable: string;
  /** Provider name for the error message. */
  provider: string;
  /** When false, a missing key returns undefined instead of throwing. */
  required?: boolean;
}

/** The API key to use; throws an `authentication` error naming the variable when required and missing. */
export function loadApiKey(options: LoadApiKeyOptions): string | undefined {
  const key = options.apiKey ?? process.env[options.environmentVariable];
  if (key === undefined || key.trim() === "") {
    if (options.required === false) return undefined;
    throw new RatatoskrError({
      code: "authentication",
      message: `No API key for ${options.provider}: pass apiKey or set ${options.environmentVariable}`,
      provider: options.provider,
    });
  }
  registerSecret(key);
  return key;
}

/** Header names whose values are credentials (compared lowercase). */
const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api-key",
]);

/**
 * Register for redaction the credentials in configured `headers`
 * (`Authorization`, `Proxy-Authorization`, `x-api-key`, `api-key`): the whole
 * value and, for `Scheme credentials` values such as `Bearer …`, the
 * credentials alone — so a key passed as a header instead of `apiKey` is
 * redacted the same way.
 */
export function registerHeaderSecrets(headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!CREDENTIAL_HEADERS.has(name.toLowerCase()) || typeof value !== "string") continue;
    registerSecret(value);
    registerSecret(value.replace(/^[A-Za-z][\w-]*\s+/, ""));
  }
}
