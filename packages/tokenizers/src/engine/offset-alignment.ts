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

/**
 * Where each UTF-16 unit of a rewritten text comes from: `[starts[i],
 * ends[i])` in the original text; without arrays, the text is not
 * rewritten and unit `i` is unit `offset + i` of the original.
 */
export interface Alignment {
  readonly offset: number;
  readonly starts: Int32Array | undefined;
  readonly ends: Int32Array | undefined;
}

/** The alignment of a text not rewritten, starting at `offset` of the original (no arrays). */
export function identityAlignment(offset: number): Alignment {
  return { offset, starts: undefined, ends: undefined };
}

/** Where unit `index` of an aligned text starts in the original. */
export function alignedStart(alignment: Alignment, index: number): number {
  return alignment.starts === undefined ? alignment.offset + index : alignment.starts[index]!;
}

/** Where unit `index` of an aligned text ends in the original. */
export function alignedEnd(alignment: Alignment, index: number): number {
  return alignment.ends === undefined ? alignment.offset + index + 1 : alignment.ends[index]!;
}

/**
 * Units `[base, base + length)` of `alignment` with `count` inserted units
 * before them, mapped to an empty span where they start.
 */
export function prependedAlignment(
  alignment: Alignment,
  base: number,
  length: number,
  count: number,
): Alignment {
  const starts = new Int32Array(length + count);
  const ends = new Int32Array(length + count);
  const at = length > 0 ? alignedStart(alignment, base) : alignment.offset;
  starts.fill(at, 0, count);
  ends.fill(at, 0, count);
  for (let index = 0; index < length; index++) {
    starts[count + index] = alignedStart(alignment, base + index);
    ends[count + index] = alignedEnd(alignment, base + index);
  }
  return { offset: 0, starts, ends };
}

/**
 * `length` units all mapped to the whole span of the first `size` units of
 * `alignment` (the fallback when a step cannot be aligned finer).
 */
export function coarseAlignment(alignment: Alignment, size: number, length: number): Alignment {
  const start = size > 0 ? alignedStart(alignment, 0) : alignment.offset;
  const end = size > 0 ? alignedEnd(alignment, size - 1) : start;
  return {
    offset: 0,
    starts: new Int32Array(length).fill(start),
    ends: new Int32Array(length).fill(end),
  };
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
    const start = alignedStart(source, from);
    const end = alignedEnd(source, to - 1);
    this.starts.fill(start, this.length, this.length + count);
    this.ends.fill(end, this.length, this.length + count);
    this.length += count;
  }

  /** Units `[from, to)` of `source`, one for one. */
  copy(source: Alignment, from: number, to: number): void {
    const count = to - from;
    if (count <= 0) return;
    this.push(source, from, from + 1, count);
    const base = this.length - count - from;
    for (let index = from + 1; index < to; index++) {
      this.starts[base + index] = alignedStart(source, index);
      this.ends[base + index] = alignedEnd(source, index);
    }
    this.ends[base + from] = alignedEnd(source, from);
  }

  build(): Alignment {
    return {
      offset: 0,
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

/** Units of text looked at together before falling back to group by group. */
const CHUNK = 256;

/**
 * Rewrite `text` group by group with `rewrite` (groups: single code points,
 * or with `marks`, a code point and the marks after it) and align each
 * group's output to the group. Chunks of groups that the rewrite leaves
 * unchanged map one for one (the common case, checked a chunk at a time).
 * Falls back to the coarse alignment when the groups' outputs do not have
 * the whole text's rewritten length.
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
  const groupEnd = (start: number) => {
    let end = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
    if (marks) {
      while (end < text.length) {
        const code = text.codePointAt(end)!;
        if (!continuesGroup(code)) break;
        end += code > 0xffff ? 2 : 1;
      }
    }
    return end;
  };
  let chunkStart = 0;
  while (chunkStart < text.length) {
    // A chunk ends where a group ends.
    let chunkEnd = Math.min(text.length, chunkStart + CHUNK);
    if (chunkEnd < text.length) chunkEnd = groupEnd(Math.max(chunkStart, chunkEnd - 1));
    const chunk = text.slice(chunkStart, chunkEnd);
    if (rewrite(chunk) === chunk) {
      builder.copy(alignment, chunkStart, chunkEnd);
      joined += chunk.length;
    } else {
      for (let start = chunkStart; start < chunkEnd; ) {
        const end = groupEnd(start);
        const output = rewrite(text.slice(start, end)).length;
        builder.push(alignment, start, end, output);
        joined += output;
        start = end;
      }
    }
    chunkStart = chunkEnd;
  }
  if (joined !== whole.length) return coarseAlignment(alignment, text.length, whole.length);
  return builder.build();
}

/**
 * Run normalisers on an aligned text: the normalised text (the same steps,
 * in the same order, as the engine's own normalisation) and its
 * alignment. `prepended`, for pieces of one section normalised apart,
 * records which Prepend steps already saw text (as the engine does).
 */
export function normalizeAligned(
  steps: readonly NormalizerStep[],
  text: string,
  alignment: Alignment,
  prepended?: boolean[],
): { text: string; alignment: Alignment } {
  let current = text;
  let aligned = alignment;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index]!;
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
        if (pattern.length === 0) aligned = coarseAlignment(aligned, current.length, whole.length);
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
          if (prepended?.[index] !== true) {
            aligned = prependedAlignment(aligned, 0, current.length, step.prepend.length);
            current = step.prepend + current;
          }
          if (prepended) prepended[index] = true;
        }
        break;
    }
  }
  return { text: current, alignment: aligned };
}

/**
 * The alignment of texts joined end to end, from each one's alignment and
 * length (identity when every part is, and they follow one another).
 */
export function joinAlignments(parts: ReadonlyArray<readonly [Alignment, number]>): Alignment {
  let identity = true;
  let next = parts.length > 0 ? parts[0]![0].offset : 0;
  for (const [alignment, length] of parts) {
    if (alignment.starts !== undefined || alignment.offset !== next) identity = false;
    next += length;
  }
  if (identity) return identityAlignment(parts.length > 0 ? parts[0]![0].offset : 0);
  const builder = new AlignmentBuilder(next);
  for (const [alignment, length] of parts) builder.copy(alignment, 0, length);
  return builder.build();
}
