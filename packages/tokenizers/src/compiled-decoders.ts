/**
 * The decoder steps of the compiled engine (`tokenizers`' ByteLevel,
 * Replace, ByteFallback, Fuse, Strip and Metaspace decoders), and
 * `transformers`' `clean_up_tokenization_spaces`.
 *
 * @see https://huggingface.co/docs/tokenizers/api/decoders
 */
import { byteLevelToBytes } from "./byte-level.ts";
import type { DecoderStep } from "./compile-tokenizer.ts";

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Run one decoder step over the token strings of a run of ids (`first`: the run starts the text). */
export function applyDecoder(step: DecoderStep, tokens: string[], first: boolean): string[] {
  switch (step.type) {
    case "byteLevel": {
      const parts: Uint8Array[] = [];
      let total = 0;
      for (const token of tokens) {
        const bytes = byteLevelToBytes(token) ?? encoder.encode(token);
        parts.push(bytes);
        total += bytes.length;
      }
      const joined = new Uint8Array(total);
      let offset = 0;
      for (const part of parts) {
        joined.set(part, offset);
        offset += part.length;
      }
      return [utf8.decode(joined)];
    }
    case "replace":
      return tokens.map((token) => token.replaceAll(step.pattern, step.content));
    case "fuse":
      return [tokens.join("")];
    case "strip":
      return tokens.map((token) => {
        let start = 0;
        while (start < step.start && token.startsWith(step.content, start))
          start += step.content.length;
        let end = token.length;
        let stripped = 0;
        while (
          stripped < step.stop &&
          end - step.content.length >= start &&
          token.endsWith(step.content, end)
        ) {
          end -= step.content.length;
          stripped++;
        }
        return token.slice(start, end);
      });
    case "byteFallback": {
      const out: string[] = [];
      let pending: number[] = [];
      const flush = () => {
        if (pending.length === 0) return;
        try {
          out.push(strictUtf8.decode(Uint8Array.from(pending)));
        } catch {
          // `tokenizers` emits one U+FFFD per byte when the bytes are not valid UTF-8.
          for (let index = 0; index < pending.length; index++) out.push("\uFFFD");
        }
        pending = [];
      };
      for (const token of tokens) {
        if (token.length === 6 && token.startsWith("<0x") && token.endsWith(">")) {
          const byte = Number.parseInt(token.slice(3, 5), 16);
          if (!Number.isNaN(byte)) {
            pending.push(byte);
            continue;
          }
        }
        flush();
        out.push(token);
      }
      flush();
      return out;
    }
    case "metaspace":
      return tokens.map((token, index) => {
        let value = token.replaceAll(step.replacement, " ");
        if (index === 0 && first && step.prependScheme !== "never" && value.startsWith(" "))
          value = value.slice(1);
        return value;
      });
  }
}

/** The `clean_up_tokenization` of `transformers`. */
export function cleanUpTokenizationSpaces(text: string): string {
  return text
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
