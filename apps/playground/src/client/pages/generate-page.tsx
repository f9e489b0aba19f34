/**
 * Generate: a raw text completion of a prompt (`gateway.generateStream`),
 * streamed, with the finish reason, usage, first-token and total latency and
 * the answering provider; Stop aborts the request.
 */
import type { Usage } from "@ratatoskr/core";
import { useRef, useState } from "preact/hooks";
import {
  ApiCallError,
  type ApiError,
  type GenerateRequest,
  type GenerateStreamEvent,
  type Status,
  streamGenerate,
} from "../api.ts";
import { defaultModel, ErrorBox, ModelPicker, Unavailable } from "../components.tsx";

/** One generation as the page shows it. */
export interface GenerationRun {
  state: "streaming" | "done" | "aborted" | "error";
  text: string;
  provider?: string | undefined;
  rule?: string | undefined;
  model?: string | undefined;
  finishReason?: string | undefined;
  usage?: Usage | undefined;
  firstTokenMs?: number | undefined;
  latencyMs?: number | undefined;
  error?: ApiError | undefined;
}

/** Apply one stream event to the run (returns a new object for Preact). */
export function applyGenerateEvent(run: GenerationRun, event: GenerateStreamEvent): GenerationRun {
  switch (event.type) {
    case "route":
      return { ...run, provider: event.provider ?? undefined, rule: event.rule ?? undefined };
    case "text":
      return { ...run, text: run.text + event.text };
    case "usage":
      return { ...run, usage: event.usage };
    case "done":
      return {
        ...run,
        finishReason: event.finishReason,
        usage: event.usage ?? run.usage,
        provider: event.provider ?? run.provider,
        model: event.model ?? run.model,
      };
    case "error":
      return {
        ...run,
        state: event.code === "aborted" ? "aborted" : "error",
        error: { code: event.code, message: event.message },
      };
    case "stats":
      return {
        ...run,
        latencyMs: event.latencyMs,
        firstTokenMs: event.firstTokenMs,
        usage: event.usage ?? run.usage,
        finishReason: event.finishReason ?? run.finishReason,
        provider: event.provider ?? run.provider,
        model: event.model ?? run.model,
        state: run.state === "streaming" ? "done" : run.state,
      };
    default:
      return run;
  }
}

/** A number field's value, or undefined when blank. */
function numberOrUndefined(value: string): number | undefined {
  return value.trim() === "" ? undefined : Number(value);
}

function RunView(props: { run: GenerationRun }) {
  const { run } = props;
  return (
    <div class={`result generation ${run.state}`} data-testid="generate-run" data-state={run.state}>
      <pre class="generated" data-testid="generate-output">
        {run.text}
      </pre>
      {run.state === "streaming" && run.text === "" && (
        <div class="pulse">waiting for the first token…</div>
      )}
      {run.state === "aborted" && (
        <div class="stopped" data-testid="generate-stopped">
          Stopped: the request was aborted.
        </div>
      )}
      <ErrorBox error={run.state === "aborted" ? undefined : run.error} />
      <div class="meta" data-testid="generate-meta">
        {run.provider && (
          <span data-testid="generate-answered-by">
            via <strong>{run.provider}</strong>
            {run.rule ? ` (${run.rule})` : ""}
          </span>
        )}
        {run.model && <span>model {run.model}</span>}
        {run.finishReason && <span data-testid="generate-finish">finish {run.finishReason}</span>}
        {run.firstTokenMs !== undefined && <span>first token {run.firstTokenMs} ms</span>}
        {run.latencyMs !== undefined && (
          <span data-testid="generate-latency">total {run.latencyMs} ms</span>
        )}
        {run.state === "done" && (
          <span data-testid="generate-usage">
            {run.usage
              ? `${run.usage.promptTokens} in / ${run.usage.completionTokens} out`
              : "usage not reported"}
          </span>
        )}
      </div>
    </div>
  );
}

/** The generate page. */
export function GeneratePage(props: { status: Status }) {
  const { status } = props;
  const [model, setModel] = useState(defaultModel(status, "generate"));
  const [prompt, setPrompt] = useState("Once upon a time, a squirrel named Ratatoskr");
  const [maxTokens, setMaxTokens] = useState("");
  const [temperature, setTemperature] = useState("");
  const [run, setRun] = useState<GenerationRun>();
  const [busy, setBusy] = useState(false);
  const controller = useRef<AbortController | undefined>(undefined);

  const generate = async (event: Event) => {
    event.preventDefault();
    if (busy || prompt === "" || model.trim() === "") return;
    const abort = new AbortController();
    controller.current = abort;
    setBusy(true);
    let current: GenerationRun = { state: "streaming", text: "" };
    const update = (next: GenerationRun) => {
      current = next;
      setRun(next);
    };
    update(current);
    const body: GenerateRequest = { prompt, model: model.trim() };
    const max = numberOrUndefined(maxTokens);
    const heat = numberOrUndefined(temperature);
    if (max !== undefined) body.maxTokens = max;
    if (heat !== undefined) body.temperature = heat;
    try {
      await streamGenerate(
        body,
        (streamEvent) => update(applyGenerateEvent(current, streamEvent)),
        abort.signal,
      );
      if (current.state === "streaming") update({ ...current, state: "done" });
    } catch (error) {
      if (abort.signal.aborted) update({ ...current, state: "aborted" });
      else if (error instanceof ApiCallError)
        update({ ...current, state: "error", error: error.body });
      else
        update({ ...current, state: "error", error: { code: "network", message: String(error) } });
    } finally {
      controller.current = undefined;
      setBusy(false);
    }
  };

  return (
    <section class="page generate-page">
      <h2>Generate</h2>
      <Unavailable status={status} capability="generate" what="Text generation" />
      <form class="stack" onSubmit={generate}>
        <ModelPicker
          status={status}
          capability="generate"
          value={model}
          onChange={setModel}
          testId="generate-model"
        />
        <label>
          Prompt
          <textarea
            data-testid="generate-prompt"
            rows={4}
            value={prompt}
            onInput={(event) => setPrompt((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        <div class="toolbar">
          <label class="inline">
            max tokens
            <input
              type="number"
              min={1}
              step={1}
              data-testid="generate-max-tokens"
              value={maxTokens}
              placeholder="default"
              onInput={(event) => setMaxTokens((event.target as HTMLInputElement).value)}
            />
          </label>
          <label class="inline">
            temperature
            <input
              type="number"
              min={0}
              max={2}
              step={0.1}
              data-testid="generate-temperature"
              value={temperature}
              placeholder="default"
              onInput={(event) => setTemperature((event.target as HTMLInputElement).value)}
            />
          </label>
          {busy ? (
            <button
              type="button"
              class="stop"
              data-testid="generate-stop"
              onClick={(event) => {
                // The abort re-renders this button as the submit button before the click's
                // default action runs: without this, Stop would start a new generation.
                event.preventDefault();
                controller.current?.abort();
              }}
            >
              Stop
            </button>
          ) : (
            <button
              type="submit"
              data-testid="generate-run-button"
              disabled={model.trim() === "" || prompt === ""}
            >
              Generate
            </button>
          )}
        </div>
      </form>
      {run && <RunView run={run} />}
    </section>
  );
}
