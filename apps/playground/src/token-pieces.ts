/**
 * Token boundaries for highlighting: the text of each token, from a
 * tokenizer's `encode` and `decode`. Byte-level tokenizers split multi-byte
 * characters across tokens; such tokens are merged until they decode to
 * whole characters, so the pieces always concatenate to readable text.
 */

/** A tokenizer that can encode and decode (the tokenizers provider is one). */
export interface PieceTokenizer {
  encode(text: string, model: string, options?: { addSpecialTokens?: boolean }): Promise<number[]>;
  decode(
    ids: readonly number[],
    model: string,
    options?: { skipSpecialTokens?: boolean },
  ): Promise<string>;
}

/** One highlighted piece: its text and how many tokens it covers (more than 1 for a split character). */
export interface TokenPiece {
  text: string;
  tokens: number;
}

/** Whether `value` has the `encode`/`decode` pair of {@link PieceTokenizer}. */
export function isPieceTokenizer(value: unknown): value is PieceTokenizer {
  const candidate = value as Partial<PieceTokenizer> | undefined;
  return typeof candidate?.encode === "function" && typeof candidate?.decode === "function";
}

/** Most tokens highlighted; longer texts are counted in full but highlighted up to here. */
export const MAX_HIGHLIGHTED_TOKENS = 4000;

/**
 * Split `text` into token pieces for `model`. Returns the pieces and
 * whether the list was cut at {@link MAX_HIGHLIGHTED_TOKENS}.
 */
export async function tokenPieces(
  tokenizer: PieceTokenizer,
  text: string,
  model: string,
  limit = MAX_HIGHLIGHTED_TOKENS,
): Promise<{ pieces: TokenPiece[]; truncated: boolean }> {
  const ids = await tokenizer.encode(text, model, { addSpecialTokens: false });
  const shown = ids.slice(0, limit);
  const pieces: TokenPiece[] = [];
  const decode = (part: readonly number[]) =>
    tokenizer.decode(part, model, { skipSpecialTokens: false });
  // Decode each piece after a few tokens of context and keep the difference: decoders that
  // drop the first token's leading space (SentencePiece's "▁") then keep it inside the text.
  const pieceText = async (start: number, end: number): Promise<string> => {
    const context = shown.slice(Math.max(0, start - 3), start);
    if (context.length === 0) return decode(shown.slice(start, end));
    const before = await decode(context);
    const after = await decode(shown.slice(Math.max(0, start - 3), end));
    return after.startsWith(before) && !before.endsWith("\uFFFD")
      ? after.slice(before.length)
      : decode(shown.slice(start, end));
  };
  let start = 0;
  for (let end = 1; end <= shown.length; end++) {
    const text = await pieceText(start, end);
    // An incomplete UTF-8 sequence decodes to U+FFFD: wait for the rest of the character (at most 4 bytes).
    if (text.endsWith("\uFFFD") && end - start < 4 && end < shown.length) continue;
    pieces.push({ text, tokens: end - start });
    start = end;
  }
  return { pieces, truncated: ids.length > shown.length };
}
