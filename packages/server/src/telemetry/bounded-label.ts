/**
 * A label whose distinct values are capped: Prometheus keeps one series per
 * label combination forever, and a model name comes from the caller, so an
 * unbounded label would let clients grow the daemon's memory and the
 * scraper's storage without limit.
 */

/** The value a label takes once its cap is reached. */
export const OVERFLOW_LABEL = "other";

/** The longest value kept; longer ones count as {@link OVERFLOW_LABEL}. */
export const MAX_LABEL_LENGTH = 200;

/** Keeps the first `max` distinct values of a label; later ones become `"other"`. */
export class BoundedLabel {
  readonly #max: number;
  readonly #seen = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** `value` when it was seen before or there is room for it, else `"other"`. */
  value(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max || value.length > MAX_LABEL_LENGTH) return OVERFLOW_LABEL;
    this.#seen.add(value);
    return value;
  }

  /** How many distinct values are kept. */
  get size(): number {
    return this.#seen.size;
  }
}
