/**
 * Embeddings: several texts, one vector each, and their pairwise cosine
 * similarities drawn as a heatmap.
 */
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import {
  type ApiError,
  api,
  apiErrorOf,
  type EmbeddingsAnswer,
  resultOf,
  type Status,
} from "../api.ts";
import { defaultModel, ErrorBox, ModelPicker, Provenance, Unavailable } from "../components.tsx";

const SAMPLE = [
  "Ratatoskr runs up and down the world tree.",
  "A squirrel climbs the ash tree carrying messages.",
  "The stock market closed higher on Friday.",
  "Shares rallied at the end of the week.",
].join("\n");

/** A colour for a similarity in [-1, 1]: blue (low) through white to orange (high). */
export function heatColor(value: number): string {
  const clamped = Math.max(-1, Math.min(1, value));
  const scaled = (clamped + 1) / 2;
  const hue = 220 - 190 * scaled;
  const lightness = 92 - 42 * Math.abs(scaled - 0.5) * 2;
  return `hsl(${hue.toFixed(0)} 80% ${lightness.toFixed(0)}%)`;
}

/** The legend's stops: similarity values, left to right. */
const LEGEND_STOPS = [-1, -0.5, 0, 0.5, 1];

/** The heatmap's colour scale, from -1 (opposite) through 0 (unrelated) to 1 (same meaning). */
function HeatLegend() {
  const gradient = LEGEND_STOPS.map(
    (value, index) => `${heatColor(value)} ${(index / (LEGEND_STOPS.length - 1)) * 100}%`,
  ).join(", ");
  return (
    <figure class="heat-legend" data-testid="heatmap-legend">
      <figcaption>Cosine similarity</figcaption>
      <div class="heat-scale" style={{ background: `linear-gradient(to right, ${gradient})` }} />
      <div class="heat-ticks">
        <span>−1 opposite</span>
        <span>0 unrelated</span>
        <span>1 same meaning</span>
      </div>
    </figure>
  );
}

/** The embeddings page. */
export function EmbeddingsPage(props: { status: Status }) {
  const { status } = props;
  const [model, setModel] = useState(defaultModel(status, "embed"));
  const [input, setInput] = useState(SAMPLE);
  const [answer, setAnswer] = useState<EmbeddingsAnswer & { texts: string[] }>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const run = async (event: Event) => {
    event.preventDefault();
    const texts = input
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    setBusy(true);
    setError(undefined);
    try {
      const result = await resultOf(api.embeddings.$post({ json: { texts, model: model.trim() } }));
      setAnswer({ ...result, texts });
    } catch (caught) {
      setError(apiErrorOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page">
      <h2>Embeddings</h2>
      <Unavailable status={status} capability="embed" what="Embeddings" />
      <form onSubmit={run} class="stack">
        <ModelPicker
          status={status}
          capability="embed"
          value={model}
          onChange={setModel}
          testId="embed-model"
        />
        <label>
          Texts, one per line
          <textarea
            data-testid="embed-texts"
            rows={6}
            value={input}
            onInput={(event) => setInput((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        <button type="submit" data-testid="embed-run" disabled={busy || model.trim() === ""}>
          {busy ? "Embedding…" : "Embed and compare"}
        </button>
      </form>
      <ErrorBox error={error} />
      {answer && (
        <div class="result">
          <Provenance route={answer.route} latencyMs={answer.latencyMs} />
          <p class="hint">
            {answer.texts.length} vectors of {answer.dimensions} dimensions; cosine similarity:
          </p>
          <HeatLegend />
          <div
            class="heatmap"
            data-testid="heatmap"
            style={{
              gridTemplateColumns: `minmax(8rem, 16rem) repeat(${answer.texts.length}, minmax(3.5rem, 1fr))`,
            }}
          >
            <span class="heat-corner" data-testid="heatmap-axes">
              text ↓ · compared with →
            </span>
            {answer.texts.map((_, column) => (
              <span class="heat-head" key={`h${column}`}>
                #{column + 1}
              </span>
            ))}
            {answer.matrix.map((row, rowIndex) => (
              <Fragment key={`row${rowIndex}`}>
                <span class="heat-label" title={answer.texts[rowIndex]}>
                  #{rowIndex + 1} {answer.texts[rowIndex]}
                </span>
                {row.map((value, column) => (
                  <span
                    class="heat-cell"
                    key={`${rowIndex}-${column}`}
                    data-testid="heatmap-cell"
                    data-value={value}
                    title={`${answer.texts[rowIndex]} ↔ ${answer.texts[column]}: ${value.toFixed(3)}`}
                    style={{ background: heatColor(value) }}
                  >
                    {value.toFixed(2)}
                  </span>
                ))}
              </Fragment>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
