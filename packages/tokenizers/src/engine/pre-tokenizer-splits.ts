/**
 * The `tokenizers` pre-tokenizer splits the compiled engine runs on one
 * piece at a time: Split with its delimiter behaviours, and Metaspace.
 *
 * @see https://huggingface.co/docs/tokenizers/api/pre-tokenizers
 */
import type { PreTokenizerStep } from "./compile-tokenizer.ts";

/**
 * Receives a piece, whether it is the first of its section, and where it
 * starts in the text the step split (for Metaspace: in the replaced text,
 * after any prepended replacement).
 */
export type PieceWithFirst = (piece: string, isFirst: boolean, start: number) => void;

/** The `tokenizers` Split pre-tokenizer, with its delimiter behaviours. */
export function splitPieces(
  text: string,
  step: Extract<PreTokenizerStep, { type: "split" }>,
  regex: RegExp | undefined,
  firstSection: boolean,
  emit: PieceWithFirst,
): void {
  // Matches as [start, end) pairs; with `invert`, the gaps are the delimiters.
  const matches: number[] = [];
  if (regex !== undefined) {
    regex.lastIndex = 0;
    for (;;) {
      const match = regex.exec(text);
      if (match === null) break;
      if (match[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      matches.push(match.index, match.index + match[0].length);
    }
  } else if (step.string) {
    for (
      let index = text.indexOf(step.string);
      index !== -1;
      index = text.indexOf(step.string, index + step.string.length)
    ) {
      matches.push(index, index + step.string.length);
    }
  }
  // Segments: [start, end, isDelimiter].
  const segments: Array<[number, number, boolean]> = [];
  let last = 0;
  for (let index = 0; index < matches.length; index += 2) {
    const start = matches[index]!;
    const end = matches[index + 1]!;
    if (start > last) segments.push([last, start, step.invert]);
    segments.push([start, end, !step.invert]);
    last = end;
  }
  if (last < text.length) segments.push([last, text.length, step.invert]);
  const pieces: string[] = [];
  const starts: number[] = [];
  let pending = "";
  let pendingStart = 0;
  for (let index = 0; index < segments.length; index++) {
    const [start, end, isDelimiter] = segments[index]!;
    const value = text.slice(start, end);
    if (!isDelimiter) {
      if (pending) {
        pieces.push(pending + value);
        starts.push(pendingStart);
        pending = "";
      } else {
        pieces.push(value);
        starts.push(start);
      }
      continue;
    }
    switch (step.behavior) {
      case "removed":
        break;
      case "isolated":
        pieces.push(value);
        starts.push(start);
        break;
      case "contiguous": {
        const previous = segments[index - 1];
        if (previous?.[2] && pieces.length > 0 && previous[1] === start)
          pieces[pieces.length - 1] += value;
        else {
          pieces.push(value);
          starts.push(start);
        }
        break;
      }
      case "mergedwithprevious": {
        const previous = segments[index - 1];
        if (previous && !previous[2] && pieces.length > 0) pieces[pieces.length - 1] += value;
        else {
          pieces.push(value);
          starts.push(start);
        }
        break;
      }
      case "mergedwithnext":
        if (!pending) pendingStart = start;
        pending += value;
        break;
    }
  }
  if (pending) {
    pieces.push(pending);
    starts.push(pendingStart);
  }
  for (let index = 0; index < pieces.length; index++) {
    if (pieces[index]!.length > 0)
      emit(pieces[index]!, firstSection && index === 0, starts[index]!);
  }
}

/**
 * The text the Metaspace step splits: spaces replaced, and the replacement
 * prepended when the scheme asks and the text does not start with it
 * (`prepended`: whether it was, so offsets can skip it).
 */
export function metaspaceText(
  step: Extract<PreTokenizerStep, { type: "metaspace" }>,
  text: string,
  firstSection: boolean,
): { replaced: string; prepended: boolean } {
  const replaced = text.replaceAll(" ", step.replacement);
  const prepend =
    step.prependScheme === "always" || (step.prependScheme === "first" && firstSection);
  if (prepend && !replaced.startsWith(step.replacement))
    return { replaced: step.replacement + replaced, prepended: true };
  return { replaced, prepended: false };
}

/** The `tokenizers` Metaspace pre-tokenizer (piece starts are in the replaced text of {@link metaspaceText}). */
export function metaspace(
  step: Extract<PreTokenizerStep, { type: "metaspace" }>,
  text: string,
  firstSection: boolean,
  emit: PieceWithFirst,
): void {
  const { replaced } = metaspaceText(step, text, firstSection);
  if (!step.split) {
    emit(replaced, firstSection, 0);
    return;
  }
  let start = 0;
  for (let index = 1; index < replaced.length; index++) {
    if (replaced[index] === step.replacement) {
      emit(replaced.slice(start, index), firstSection && start === 0, start);
      start = index;
    }
  }
  emit(replaced.slice(start), firstSection && start === 0, start);
}
