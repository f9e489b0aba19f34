/**
 * What `HfTokenizer` runs on: the package's own engine (`CompiledTokenizer`)
 * or `@huggingface/tokenizers` as it comes (`ReferenceEngine`). Both take
 * the same options with the same meaning.
 */
import type {
  EngineDecodeOptions,
  EngineEncodeOptions,
  EngineToken,
  SlicedWork,
} from "./engine/index.ts";

/** One tokenizer implementation behind `HfTokenizer`. */
export interface TokenizerEngine {
  clearCache(): void;
  encode(text: string, options: EngineEncodeOptions): number[];
  count(text: string, options: EngineEncodeOptions): number;
  countInSlices(
    text: string,
    options: EngineEncodeOptions,
    sliceSize: number | undefined,
  ): SlicedWork<number>;
  decode(ids: readonly number[], options: EngineDecodeOptions): string;
  tokenize(text: string, options: EngineEncodeOptions): string[];
  /** Tokens with offsets, in slices; absent where the engine cannot tell offsets (`@huggingface/tokenizers`). */
  encodeWithOffsetsInSlices?(
    text: string,
    options: EngineEncodeOptions,
    sliceSize: number | undefined,
  ): SlicedWork<EngineToken[]>;
}
