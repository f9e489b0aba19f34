/**
 * NLI and zero-shot classification: a premise/hypothesis pair scored as
 * entailment / neutral / contradiction, and a text ranked against labels.
 */
import { useState } from "preact/hooks";
import {
  type ApiError,
  api,
  apiErrorOf,
  type ClassifyAnswer,
  type NliAnswer,
  resultOf,
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

/** One API call's answer, error and busy state; `call` runs the request. */
function useCall<T>() {
  const [result, setResult] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const call = async (request: () => Promise<T>) => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await request());
    } catch (caught) {
      setResult(undefined);
      setError(apiErrorOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return { answer: result, error, busy, call };
}

function NliSection(props: { status: Status }) {
  const [model, setModel] = useState(defaultModel(props.status, "nli"));
  const [premise, setPremise] = useState(
    "Ratatoskr carries messages between the eagle and the dragon.",
  );
  const [hypothesis, setHypothesis] = useState("Ratatoskr is not a messenger.");
  const nli = useCall<NliAnswer>();
  return (
    <div class="panel">
      <h3>Natural-language inference</h3>
      <Unavailable status={props.status} capability="nli" what="NLI" />
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          nli.call(() =>
            resultOf(api.nli.$post({ json: { premise, hypothesis, model: model.trim() } })),
          );
        }}
      >
        <ModelPicker
          status={props.status}
          capability="nli"
          value={model}
          onChange={setModel}
          testId="nli-model"
        />
        <label>
          Premise
          <textarea
            data-testid="nli-premise"
            rows={2}
            value={premise}
            onInput={(event) => setPremise((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        <label>
          Hypothesis
          <input
            data-testid="nli-hypothesis"
            value={hypothesis}
            onInput={(event) => setHypothesis((event.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" data-testid="nli-run" disabled={nli.busy || model.trim() === ""}>
          {nli.busy ? "Scoring…" : "Score"}
        </button>
      </form>
      <ErrorBox error={nli.error} />
      {nli.answer && (
        <div class="result" data-testid="nli-result">
          <Provenance route={nli.answer.route} latencyMs={nli.answer.latencyMs} />
          <ScoreBar
            label="entailment"
            score={nli.answer.result.entailment}
            testId="nli-bar-entailment"
            tone="good"
          />
          <ScoreBar
            label="neutral"
            score={nli.answer.result.neutral}
            testId="nli-bar-neutral"
            tone="neutral"
          />
          <ScoreBar
            label="contradiction"
            score={nli.answer.result.contradiction}
            testId="nli-bar-contradiction"
            tone="bad"
          />
          <p>
            label: <strong data-testid="nli-label">{nli.answer.result.label}</strong>
          </p>
        </div>
      )}
    </div>
  );
}

function ZeroShotSection(props: { status: Status }) {
  const [model, setModel] = useState(defaultModel(props.status, "classify"));
  const [text, setText] = useState("The squirrel dashed up the tree with a message for the eagle.");
  const [labels, setLabels] = useState("animals, finance, mythology, sports");
  const [multiLabel, setMultiLabel] = useState(false);
  const [template, setTemplate] = useState("This example is about {}.");
  const classify = useCall<ClassifyAnswer>();
  return (
    <div class="panel">
      <h3>Zero-shot classification</h3>
      <Unavailable status={props.status} capability="classify" what="Zero-shot classification" />
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          classify.call(() =>
            resultOf(
              api.classify.$post({
                json: {
                  text,
                  labels: labels
                    .split(",")
                    .map((label) => label.trim())
                    .filter((label) => label !== ""),
                  model: model.trim(),
                  multiLabel,
                  hypothesisTemplate: template,
                },
              }),
            ),
          );
        }}
      >
        <ModelPicker
          status={props.status}
          capability="classify"
          value={model}
          onChange={setModel}
          testId="classify-model"
        />
        <label>
          Text
          <textarea
            data-testid="classify-text"
            rows={2}
            value={text}
            onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        <label>
          Labels, comma-separated
          <input
            data-testid="classify-labels"
            value={labels}
            onInput={(event) => setLabels((event.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Hypothesis template
          <input
            value={template}
            onInput={(event) => setTemplate((event.target as HTMLInputElement).value)}
          />
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={multiLabel}
            onChange={(event) => setMultiLabel((event.target as HTMLInputElement).checked)}
          />{" "}
          multi-label (score each label independently)
        </label>
        <button
          type="submit"
          data-testid="classify-run"
          disabled={classify.busy || model.trim() === ""}
        >
          {classify.busy ? "Classifying…" : "Classify"}
        </button>
      </form>
      <ErrorBox error={classify.error} />
      {classify.answer && (
        <div class="result" data-testid="classify-result">
          <Provenance route={classify.answer.route} latencyMs={classify.answer.latencyMs} />
          {classify.answer.ranked.map((entry, index) => (
            <ScoreBar
              key={entry.label}
              label={`${index + 1}. ${entry.label}`}
              score={entry.score}
              testId="classify-bar"
              tone={index === 0 ? "good" : ""}
            />
          ))}
        </div>
      )}
    </div>
  );
}

/** The NLI and zero-shot page. */
export function NliPage(props: { status: Status }) {
  return (
    <section class="page">
      <h2>NLI and zero-shot</h2>
      <div class="columns">
        <NliSection status={props.status} />
        <ZeroShotSection status={props.status} />
      </div>
    </section>
  );
}
