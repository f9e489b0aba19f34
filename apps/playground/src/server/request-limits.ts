/**
 * What one request may ask of the playground: the server spends its
 * owner's keys, so every input is bounded.
 */

/** Limits on what one request may ask for. */
export const LIMITS = {
  /** Largest request body, in bytes. */
  bodyBytes: 1024 * 1024,
  /** Longest text (a premise, a text to count, one text to embed), in characters. */
  textChars: 100_000,
  /** Most texts to embed at once. */
  texts: 32,
  /** Most zero-shot labels. */
  labels: 20,
  /** Most models to count tokens for at once. */
  tokenModels: 12,
  /** Most messages in a conversation. */
  messages: 200,
  /** Longest model name, in characters. */
  modelChars: 300,
  /** Longest zero-shot hypothesis template, in characters. */
  templateChars: 500,
  /** Most chat streams open at once. */
  concurrentChats: 8,
  /** Most generation streams open at once. */
  concurrentGenerations: 8,
  /** Most tokens one generation may ask for. */
  maxTokens: 32_768,
  /** Longest stance target, in characters. */
  targetChars: 500,
} as const;
