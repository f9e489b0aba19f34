/**
 * Stance: where a text stands toward a target (favor, against, neutral), on
 * the zero-shot classification the model routes to
 * (`gateway.classifyStance`); the winning label is highlighted.
 */
import { useState } from "preact/hooks";
import {
  type ApiError,
  api,
  apiErrorOf,
  resultOf,
  type StanceAnswer,
  type Status,
} from "../api.ts";
import {
  defaultModel,
  ErrorBox,
  ModelPicker,
  Provenance,
  ScoreBar,
  Unavailable,
} from "../components.tsx";

/** The three labels, in the order the bars show them, with their bar colour. */
const STANCE_BARS = [
  { label: "favor", tone: "good" },
  { label: "against", tone: "bad" },
  { label: "neutral", tone: "neutral" },
] as const;

/** The stance page. */
export function StancePage(props: { status: Status }) {
  const { status } = props;
  const [model, setModel] = useState(defaultModel(status, "classify"));
  const [text, setText] = useState(
    "Wind farms are the best thing we have built: I support renewable energy wholeheartedly.",
  );
  const [target, setTarget] = useState("renewable energy");
  const [answer, setAnswer] = useState<StanceAnswer>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const run = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await resultOf(api.stance.$post({ json: { text, target, model: model.trim() } })));
    } catch (caught) {
      setAnswer(undefined);
      setError(apiErrorOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page stance-page">
      <h2>Stance</h2>
      <div class="panel">
        <Unavailable
          status={status}
          capability="classify"
          what="Stance (zero-shot classification)"
        />
        <p class="hint">
          Stance is one zero-shot classification with the hypotheses “This text supports / opposes /
          is neutral about ‹target›.”, so any model that serves zero-shot classification serves it.
        </p>
        <form class="stack" onSubmit={run}>
          <ModelPicker
            status={status}
            capability="classify"
            value={model}
            onChange={setModel}
            testId="stance-model"
          />
          <label>
            Text
            <textarea
              data-testid="stance-text"
              rows={3}
              value={text}
              onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
            />
          </label>
          <label>
            Target
            <input
              data-testid="stance-target-input"
              value={target}
              onInput={(event) => setTarget((event.target as HTMLInputElement).value)}
            />
          </label>
          <button
            type="submit"
            data-testid="stance-run"
            disabled={busy || model.trim() === "" || text === "" || target.trim() === ""}
          >
            {busy ? "Classifying…" : "Classify stance"}
          </button>
        </form>
        <ErrorBox error={error} />
        {answer && (
          <div class="result" data-testid="stance-result">
            <Provenance route={answer.route} latencyMs={answer.latencyMs} />
            <p>
              stance toward <strong data-testid="stance-target">{answer.result.target}</strong>:{" "}
              <strong data-testid="stance-label">{answer.result.label}</strong>
            </p>
            {STANCE_BARS.map(({ label, tone }) => (
              <div
                key={label}
                class={`stance-bar ${answer.result.label === label ? "winner" : ""}`}
                data-testid={`stance-row-${label}`}
                data-winner={answer.result.label === label ? "true" : "false"}
              >
                <ScoreBar
                  label={answer.result.label === label ? `${label} ✓` : label}
                  score={answer.result[label]}
                  testId={`stance-bar-${label}`}
                  tone={tone}
                />
              </div>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}
