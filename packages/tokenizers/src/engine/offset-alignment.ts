/**
 * Offsets through the steps that rewrite text before the model sees it:
 * an {@link Alignment} says, for every UTF-16 unit of a rewritten text,
 * which span of the original text it came from. Normalisers (Replace,
 * Prepend, Lowercase, Unicode forms) and Metaspace's replacement each map
 * an alignment to the alignment of their output, so a token's span in the
 * original text is `[starts[first unit], ends[last unit])`.
 *
 * A character a step inserts (Prepend's `▁`, Metaspace's prefix) maps to an
 * empty span where the text starts, so it never shifts offsets. Lowercase
 * and Unicode normalisation are aligned character by character (a
 * character and the combining marks after it, for Unicode forms); when
 * that does not reproduce the whole text's normalisation (a composition
 * across such groups, such as conjoining Hangul jamo under NFC), every
 * unit of the section maps to the whole section: spans stay inside the
 * section but tokens of it may overlap.
 */
import type { NormalizerStep } from "./compile-tokenizer.ts";

/** Where each UTF-16 unit of a rewritten text comes from: `[starts[i], ends[i])` in the original text. */
export interface Alignment {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** The alignment of a text not rewritten, starting at `offset` of the original. */
export function identityAlignment(offset: number, length: number): Alignment {
  const starts = new Int32Array(length);
  const ends = new Int32Array(length);
  for (let index = 0; index < length; index++) {
    starts[index] = offset + index;
    ends[index] = offset + index + 1;
  }
  return { starts, ends };
}

/** The alignment of units `[start, end)` of an aligned text (views, no copy). */
export function subAlignment(alignment: Alignment, start: number, end: number): Alignment {
  return {
    starts: alignment.starts.subarray(start, end),
    ends: alignment.ends.subarray(start, end),
  };
}

/** `alignment` with `count` inserted units at the front, mapped to an empty span where it starts. */
export function prependedAlignment(alignment: Alignment, count: number): Alignment {
  const length = alignment.starts.length;
  const starts = new Int32Array(length + count);
  const ends = new Int32Array(length + count);
  const at = length > 0 ? alignment.starts[0]! : 0;
  starts.fill(at, 0, count);
  ends.fill(at, 0, count);
  starts.set(alignment.starts, count);
  ends.set(alignment.ends, count);
  return { starts, ends };
}

/** Every unit mapped to the whole span of `alignment` (the fallback when a step cannot be aligned finer). */
export function coarseAlignment(alignment: Alignment, length: number): Alignment {
  const size = alignment.starts.length;
  const start = size > 0 ? alignment.starts[0]! : 0;
  const end = size > 0 ? alignment.ends[size - 1]! : start;
  return { starts: new Int32Array(length).fill(start), ends: new Int32Array(length).fill(end) };
}

/** Builds an alignment unit group by unit group. */
class AlignmentBuilder {
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.starts = new Int32Array(Math.max(4, capacity));
    this.ends = new Int32Array(Math.max(4, capacity));
  }

  /** `count` output units that all come from input units `[from, to)` of `source`. */
  push(source: Alignment, from: number, to: number, count: number): void {
    if (count === 0) return;
    if (this.length + count > this.starts.length) {
      const size = Math.max(this.starts.length * 2, this.length + count);
      const starts = new Int32Array(size);
      const ends = new Int32Array(size);
      starts.set(this.starts.subarray(0, this.length));
      ends.set(this.ends.subarray(0, this.length));
      this.starts = starts;
      this.ends = ends;
    }
    const start = from < to ? source.starts[from]! : to > 0 ? source.ends[to - 1]! : 0;
    const end = from < to ? source.ends[to - 1]! : start;
    this.starts.fill(start, this.length, this.length + count);
    this.ends.fill(end, this.length, this.length + count);
    this.length += count;
  }

  /** Units `[from, to)` of `source`, one for one. */
  copy(source: Alignment, from: number, to: number): void {
    for (let index = from; index < to; index++) this.push(source, index, index + 1, 1);
  }

  build(): Alignment {
    return {
      starts: this.starts.subarray(0, this.length),
      ends: this.ends.subarray(0, this.length),
    };
  }
}

/** Whether the code point continues the group before it under Unicode normalisation (a mark, a conjoining jamo). */
function continuesGroup(code: number): boolean {
  if (code >= 0x1100 && code <= 0x11ff) return code >= 0x1160;
  if ((code >= 0xa960 && code <= 0xa97f) || (code >= 0xd7b0 && code <= 0xd7ff)) return true;
  return code >= 0x300 && MARK.test(String.fromCodePoint(code));
}

const MARK = /^\p{M}$/u;

/**
 * Rewrite `text` group by group with `rewrite` (groups: single code points,
 * or with `marks`, a code point and the marks after it) and align each
 * group's output to the group. Falls back to the coarse alignment when the
 * groups' outputs do not have the whole text's rewritten length.
 */
function alignByGroups(
  text: string,
  alignment: Alignment,
  whole: string,
  rewrite: (group: string) => string,
  marks: boolean,
): Alignment {
  const builder = new AlignmentBuilder(whole.length);
  let joined = 0;
  let start = 0;
  while (start < text.length) {
    let end = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
    if (marks) {
      while (end < text.length) {
        const code = text.codePointAt(end)!;
        if (!continuesGroup(code)) break;
        end += code > 0xffff ? 2 : 1;
      }
    }
    const output = rewrite(text.slice(start, end)).length;
    builder.push(alignment, start, end, output);
    joined += output;
    start = end;
  }
  if (joined !== whole.length) return coarseAlignment(alignment, whole.length);
  return builder.build();
}

/**
 * Run normalisers on an aligned text: the normalised text (the same as the
 * engine's own normalisation) and its alignment.
 */
export function normalizeAligned(
  steps: readonly NormalizerStep[],
  text: string,
  alignment: Alignment,
): { text: string; alignment: Alignment } {
  let current = text;
  let aligned = alignment;
  for (const step of steps) {
    switch (step.type) {
      case "unicode": {
        const whole = current.normalize(step.form);
        if (whole !== current)
          aligned = alignByGroups(
            current,
            aligned,
            whole,
            (group) => group.normalize(step.form),
            true,
          );
        current = whole;
        break;
      }
      case "lowercase": {
        const whole = current.toLowerCase();
        if (whole.length !== current.length)
          aligned = alignByGroups(current, aligned, whole, (group) => group.toLowerCase(), false);
        current = whole;
        break;
      }
      case "replace": {
        const { pattern, content } = step;
        const whole = current.replaceAll(pattern, content);
        if (pattern.length === 0) aligned = coarseAlignment(aligned, whole.length);
        else if (whole !== current) {
          const builder = new AlignmentBuilder(whole.length);
          let last = 0;
          for (
            let index = current.indexOf(pattern);
            index !== -1;
            index = current.indexOf(pattern, index + pattern.length)
          ) {
            builder.copy(aligned, last, index);
            builder.push(aligned, index, index + pattern.length, content.length);
            last = index + pattern.length;
          }
          builder.copy(aligned, last, current.length);
          aligned = builder.build();
        }
        current = whole;
        break;
      }
      case "prepend":
        if (current.length > 0) {
          aligned = prependedAlignment(aligned, step.prepend.length);
          current = step.prepend + current;
        }
        break;
    }
  }
  return { text: current, alignment: aligned };
}
