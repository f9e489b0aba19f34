/**
 * `@huggingface/tokenizers` as it comes, behind the same interface and with
 * the same option meanings as the package's own engine: the fallback for
 * configurations the engine does not reproduce exactly, and the reference
 * the engine is checked against. Loaded on first use, so importing this
 * package stays cheap.
 *
 * `allowSpecial: false` (the default) counts special-token text as text, as
 * the engine does and as `tokenizers` does with `encode_special_tokens`:
 * the text is encoded by a second instance whose added tokens are only the
 * non-special ones, and the post-processor's ids (BOS, …) are added around
 * it when asked.
 *
 * @see https://github.com/huggingface/tokenizers.js
 */
import {
  cleanUpTokenizationSpaces,
  compilePostProcessor,
  type EngineDecodeOptions,
  type EngineEncodeOptions,
} from "./engine/index.ts";
import { packageRequire } from "./package-require.ts";
import type { TokenizerEngine } from "./tokenizer-engine.ts";

type Json = Record<string, unknown>;

/** The public surface of `@huggingface/tokenizers`' `Tokenizer` used here. */
interface ReferenceTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  decode(
    ids: number[],
    options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean },
  ): string;
  tokenize(text: string, options?: { add_special_tokens?: boolean }): string[];
  id_to_token(id: number): string | undefined;
}

type ReferenceTokenizerClass = new (tokenizer: Json, config: Json) => ReferenceTokenizer;

let referenceClass: ReferenceTokenizerClass | undefined;

/** `@huggingface/tokenizers`' `Tokenizer` class, required on first use. */
function loadReferenceClass(): ReferenceTokenizerClass {
  referenceClass ??= (
    packageRequire()("@huggingface/tokenizers") as {
      Tokenizer: ReferenceTokenizerClass;
    }
  ).Tokenizer;
  return referenceClass;
}

/** A tokenizer run by `@huggingface/tokenizers`. */
export class ReferenceEngine implements TokenizerEngine {
  readonly #json: Json;
  readonly #config: Json;
  #full: ReferenceTokenizer | undefined;
  #textOnly: ReferenceTokenizer | undefined;
  readonly #hasSpecial: boolean;
  readonly #prefixIds: number[];
  readonly #suffixIds: number[];

  constructor(json: Json, config: Json) {
    this.#json = json;
    this.#config = config;
    this.#hasSpecial = addedTokens(json).some((token) => token.special === true);
    const { prefixIds, suffixIds } = compilePostProcessor(json.post_processor as Json | null);
    this.#prefixIds = prefixIds;
    this.#suffixIds = suffixIds;
    // Built now, so a configuration it cannot read fails at load time, not at the first count.
    this.#fullTokenizer();
  }

  /** The tokenizer with every added token recognised in text. */
  #fullTokenizer(): ReferenceTokenizer {
    this.#full ??= new (loadReferenceClass())(this.#json, this.#config);
    return this.#full;
  }

  /** The tokenizer that reads special-token text as text (non-special added tokens still match). */
  #textTokenizer(): ReferenceTokenizer {
    if (!this.#hasSpecial) return this.#fullTokenizer();
    this.#textOnly ??= new (loadReferenceClass())(
      {
        ...this.#json,
        added_tokens: addedTokens(this.#json).filter((token) => token.special !== true),
      },
      this.#config,
    );
    return this.#textOnly;
  }

  clearCache(): void {}

  encode(text: string, options: EngineEncodeOptions): number[] {
    const addSpecialTokens = options.addSpecialTokens ?? false;
    if (options.allowSpecial === true)
      return this.#fullTokenizer().encode(text, { add_special_tokens: addSpecialTokens }).ids;
    const ids = this.#textTokenizer().encode(text, { add_special_tokens: false }).ids;
    return addSpecialTokens ? [...this.#prefixIds, ...ids, ...this.#suffixIds] : ids;
  }

  count(text: string, options: EngineEncodeOptions): number {
    return this.encode(text, options).length;
  }

  // `@huggingface/tokenizers` has no way to pause: the count runs as one slice.
  // biome-ignore lint/correctness/useYield: a generator without pauses, for the shared interface.
  *countInSlices(text: string, options: EngineEncodeOptions): Generator<void, number, void> {
    return this.count(text, options);
  }

  decode(ids: readonly number[], options: EngineDecodeOptions): string {
    if (ids.length === 0) return "";
    const decoded = this.#fullTokenizer().decode([...ids], {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: false,
    });
    return options.cleanUpTokenizationSpaces ? cleanUpTokenizationSpaces(decoded) : decoded;
  }

  tokenize(text: string, options: EngineEncodeOptions): string[] {
    const full = this.#fullTokenizer();
    return this.encode(text, options).map((id) => full.id_to_token(id) ?? "");
  }
}

function addedTokens(json: Json): Json[] {
  return Array.isArray(json.added_tokens) ? (json.added_tokens as Json[]) : [];
}
