/**
 * Secret redaction. Providers register the keys they hold with
 * {@link registerSecret}; {@link redactSecrets} replaces those values and
 * anything shaped like a well-known API key or bearer token.
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

/** Placeholder written where a secret was. */
export const REDACTED = "[REDACTED]";

/**
 * Remember a secret so that every later {@link redactSecrets} call removes it.
 * Values shorter than 8 characters are ignored (too likely to hit ordinary text).
 */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret === "string" && secret.length >= 8) registered.add(secret);
}

/** Replace registered secrets and known key shapes in `text` with `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
