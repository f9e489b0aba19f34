/**
 * Added tokens (special or not) as a trie of UTF-16 code units, for the
 * leftmost-longest match `tokenizers` does, with a bitset of the code units
 * a token can start with (most characters fail that test at once).
 */
import type { CompiledAddedToken } from "./compile-tokenizer.ts";

/** A node of the added-token trie. */
export interface TrieNode {
  children: Map<number, TrieNode>;
  token?: CompiledAddedToken;
}

/** The trie of `tokens` (the first of equal contents wins). */
export function buildTrie(tokens: readonly CompiledAddedToken[]): TrieNode {
  const root: TrieNode = { children: new Map() };
  for (const token of tokens) {
    if (token.content.length === 0) continue;
    let node = root;
    for (let index = 0; index < token.content.length; index++) {
      const code = token.content.charCodeAt(index);
      let child = node.children.get(code);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(code, child);
      }
      node = child;
    }
    node.token ??= token;
  }
  return root;
}

/** A bitset of the code units the `tokens` start with. */
export function firstCharacters(tokens: readonly CompiledAddedToken[]): Uint8Array {
  const bits = new Uint8Array(65536 / 8);
  for (const token of tokens) {
    if (token.content.length === 0) continue;
    const code = token.content.charCodeAt(0);
    bits[code >> 3]! |= 1 << (code & 7);
  }
  return bits;
}
