/**
 * A small reader of the Prometheus text exposition format (version 0.0.4,
 * what `ratd`'s `GET /metrics` answers): every sample line as its metric
 * name, labels and value. Comments (`# HELP`, `# TYPE`) and blank lines are
 * skipped; histogram series come out as their `_bucket`, `_sum` and
 * `_count` samples. A line that is not a sample is skipped rather than
 * failing the whole scrape.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** One sample: `name{labels} value`. */
export interface PrometheusSample {
  /** The metric name (`ratatoskr_requests_total`). */
  name: string;
  /** The labels, unescaped. */
  labels: Record<string, string>;
  /** The value (`NaN`, `+Inf` and `-Inf` included). */
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** A label value's escapes (`\\`, `\"`, `\n`) undone. */
function unescapeLabel(raw: string): string {
  return raw.replace(/\\(.)/g, (_, next: string) => (next === "n" ? "\n" : next));
}

/** The labels at the start of `rest` (just after `{`), and what follows the `}`; undefined when malformed. */
function readLabels(rest: string): { labels: Record<string, string>; after: string } | undefined {
  const labels: Record<string, string> = {};
  let text = rest.trimStart();
  for (;;) {
    if (text.startsWith("}")) return { labels, after: text.slice(1) };
    const name = LABEL_NAME.exec(text)?.[0];
    if (name === undefined) return undefined;
    text = text.slice(name.length).trimStart();
    const value = /^=\s*"((?:[^"\\]|\\.)*)"/.exec(text);
    if (value === null) return undefined;
    labels[name] = unescapeLabel(value[1] ?? "");
    text = text.slice(value[0].length).trimStart();
    if (text.startsWith(",")) text = text.slice(1).trimStart();
    else if (!text.startsWith("}")) return undefined;
  }
}

/** A sample value: a float, `NaN`, `+Inf` or `-Inf`. */
function readValue(text: string): number | undefined {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const value = Number(text);
  return text === "" || Number.isNaN(value) ? undefined : value;
}

/** One line as a sample, or undefined for a comment, a blank or a malformed line. */
function readSample(line: string): PrometheusSample | undefined {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return undefined;
  const name = NAME.exec(trimmed)?.[0];
  if (name === undefined) return undefined;
  let rest = trimmed.slice(name.length).trimStart();
  let labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    const read = readLabels(rest.slice(1));
    if (read === undefined) return undefined;
    labels = read.labels;
    rest = read.after;
  }
  // The value, then an optional timestamp.
  const [valueText] = rest.trim().split(/\s+/, 1);
  const value = readValue(valueText ?? "");
  return value === undefined ? undefined : { name, labels, value };
}

/** Every sample of a Prometheus text exposition, in order. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split("\n")) {
    const sample = readSample(line);
    if (sample !== undefined) samples.push(sample);
  }
  return samples;
}
