/**
 * Secret redaction. Providers register the keys they hold with
 * {@link registerSecret}; {@link redactSecrets} replaces those values and
 * anything shaped like a well-known API key or bearer token. Text that is cut
 * to a length is redacted first ({@link redactAndTruncate}), so a cut never
 * leaves part of a key behind.
 */

const STORE = Symbol.for("ratatoskr.secrets");
/** Shared through a global symbol so every copy of this package redacts the same secrets. */
const globalStore = globalThis as Record<symbol, Set<string> | undefined>;
const registered: Set<string> = globalStore[STORE] ?? new Set<string>();
globalStore[STORE] = registered;

/**
 * Key shapes redacted even when not registered: OpenAI/OpenRouter (`sk-…`),
 * Anthropic (`sk-ant-…`), Hugging Face (`hf_…`), bearer tokens, and
 * `api_key=`/`x-api-key:`-style pairs.
 */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bsk-[A-Za-z0-9_-]{8,}/g, "[REDACTED]"],
  [/\bhf_[A-Za-z0-9]{8,}/g, "[REDACTED]"],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [REDACTED]"],
  [
    /\b((?:x-)?api[-_]?key|access_token|token)(["']?\s*[:=]\s*["']?)[^\s"',&}]{6,}/gi,
    "$1$2[REDACTED]",
  ],
];

/** Shortest registered secret, and shortest cut-off start of one, that is redacted. */
const MIN_SECRET_LENGTH = 8;

/**
 * Characters of key material a cut-off start must hold past the key's
 * leading word (`linechat-` of `linechat-…`) to be redacted: a key that
 * begins with its provider's id must not turn that id into `[REDACTED]`.
 */
const MIN_CUT_OFF_MATERIAL = 4;

/** A key's leading word and its separator (`sk-`, `hf_`, `linechat-`): not secret on its own. */
const LEADING_WORD = /^[A-Za-z]+[-_.]?/;

/** Placeholder written where a secret was. */
export const REDACTED = "[REDACTED]";

/** Options of {@link redactSecrets}. */
export interface RedactSecretsOptions {
  /**
   * Also redact text shaped like a well-known key (`sk-…`, `hf_…`, `Bearer …`,
   * `api_key=…`) that was never registered. Default true; false redacts
   * registered secrets only (for model output, where such shapes are ordinary text).
   */
  keyShapes?: boolean;
}

/**
 * Remember a secret so that every later {@link redactSecrets} call removes it.
 * Values shorter than 8 characters are ignored (too likely to hit ordinary text).
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === "string" && secret.length >= MIN_SECRET_LENGTH) registered.add(secret);
}

/**
 * Replace registered secrets and known key shapes in `text` with `[REDACTED]`.
 * Text that ends with the start of a registered secret (a key cut off by
 * someone else's truncation) has that tail redacted too, when the tail has
 * at least 8 characters and holds key material past the key's leading word
 * (so text ending with a provider id that also starts its keys is left alone).
 */
export function redactSecrets(text: string, options: RedactSecretsOptions = {}): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    out = redactCutOffTail(out, secret);
  }
  if (options.keyShapes === false) return out;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * {@link redactSecrets}, then cut to at most `maxLength` characters: the
 * order matters, a cut before redaction could leave all but the last
 * characters of a key, which no longer match it.
 */
export function redactAndTruncate(text: string, maxLength: number): string {
  const redacted = redactSecrets(text);
  return redacted.length <= maxLength ? redacted : redacted.slice(0, maxLength);
}

/**
 * `text` without a trailing start of `secret`: at least
 * {@link MIN_SECRET_LENGTH} characters, of which at least
 * {@link MIN_CUT_OFF_MATERIAL} come after the key's leading word.
 */
function redactCutOffTail(text: string, secret: string): string {
  const longest = Math.min(secret.length - 1, text.length);
  const shortest = Math.max(
    MIN_SECRET_LENGTH,
    (LEADING_WORD.exec(secret)?.[0].length ?? 0) + MIN_CUT_OFF_MATERIAL,
  );
  for (let length = longest; length >= shortest; length--) {
    if (text.endsWith(secret.slice(0, length))) return text.slice(0, -length) + REDACTED;
  }
  return text;
}

/** Header names whose values are credentials, whatever they hold (compared lower-case). */
const CREDENTIAL_HEADER_NAMES: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
  "cookie",
  "set-cookie",
]);

/** Name parts that make a header or query parameter a credential (`x-hf-token`, `openrouter-key`, `access_token`). */
const CREDENTIAL_NAME = /key|token|secret|passw|auth|cookie|session|signature|credential/i;

/**
 * Whether a header or query parameter named `name` carries a credential:
 * `Authorization`, `Proxy-Authorization`, `x-api-key`, `api-key`,
 * `Cookie`, `Set-Cookie`, and any name that holds `key`, `token`,
 * `secret`, `passw`, `auth`, `cookie`, `session`, `signature` or
 * `credential`.
 */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_HEADER_NAMES.has(name.toLowerCase()) || CREDENTIAL_NAME.test(name);
}

/**
 * A plain copy of `headers` (lower-case names) fit to show: the values of
 * credential headers ({@link isCredentialName}) replaced by `[REDACTED]`,
 * every other value passed through {@link redactSecrets}.
 */
export function redactHeaders(
  headers: Headers | Iterable<readonly [string, string]> | Readonly<Record<string, string>>,
): Record<string, string> {
  const entries: Iterable<readonly [string, string]> =
    Symbol.iterator in headers
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers as Record<string, string>);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    out[lower] = isCredentialName(lower) ? REDACTED : redactSecrets(String(value));
  }
  return out;
}

/**
 * `url` fit to show: its user-info (as `REDACTED`) and the values of
 * credential query parameters ({@link isCredentialName}: `key`, `api_key`,
 * `token`, `sig`…) replaced by `[REDACTED]`, then {@link redactSecrets}.
 * Text that is not a URL is only passed through {@link redactSecrets}.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(url);
  }
  // User-info is a credential whole (a key is often given as the user name).
  if (parsed.username !== "") parsed.username = "REDACTED";
  if (parsed.password !== "") parsed.password = "REDACTED";
  let changed = false;
  const params = new URLSearchParams(parsed.search);
  for (const [name] of params) {
    if (isCredentialName(name) || name.toLowerCase() === "sig") {
      params.set(name, REDACTED);
      changed = true;
    }
  }
  if (changed) parsed.search = params.toString().replaceAll("%5BREDACTED%5D", REDACTED);
  return redactSecrets(parsed.toString());
}
