/**
 * Small shared pieces of the UI: the model picker with its live route and
 * the model's registry facts,
 * the "what to configure" notice, error boxes and score bars.
 */
import type { Capability } from "@ratatoskr/core";
import { useEffect, useState } from "preact/hooks";
import {
  type ApiError,
  api,
  capabilityStatus,
  type ModelFacts,
  type RouteSummary,
  resultOf,
  type Status,
} from "./api.ts";

/** A model input with the routed suggestions and the live routing decision. */
export function ModelPicker(props: {
  status: Status;
  capability: Capability;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  const { status, capability, value } = props;
  const suggestions = status.models[capability] ?? [];
  const [route, setRoute] = useState<RouteSummary | undefined>();
  useEffect(() => {
    if (value.trim() === "") {
      setRoute(undefined);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      resultOf(
        api.route.$get(
          { query: { capability, model: value.trim() } },
          { init: { signal: controller.signal } },
        ),
      )
        .then(setRoute)
        .catch(() => undefined);
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [capability, value]);
  const listId = `${props.testId}-models`;
  return (
    <div class="model-picker">
      <label>
        Model
        <input
          data-testid={props.testId}
          list={listId}
          value={value}
          placeholder="provider:model, vendor/model, …"
          onInput={(event) => props.onChange((event.target as HTMLInputElement).value)}
        />
      </label>
      <datalist id={listId}>
        {suggestions.map((suggestion) => (
          <option key={suggestion.model} value={suggestion.model}>
            {suggestion.provider}
          </option>
        ))}
      </datalist>
      {route && (
        <p
          class={route.provider ? "route ok" : "route miss"}
          data-testid={`${props.testId}-route`}
          title={route.explanation}
        >
          {route.provider ? (
            <>
              → <strong>{route.provider}</strong> ({route.rule}) as{" "}
              <code>{route.providerModel}</code>
            </>
          ) : (
            <>no provider: {route.explanation}</>
          )}
        </p>
      )}
      {route?.facts && <ModelFactsLine facts={route.facts} testId={`${props.testId}-facts`} />}
    </div>
  );
}

const integer = new Intl.NumberFormat("en-US");
const dollars = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 4,
});

/** What the model registry knows of the picked model: context, output limit, price, parameters. */
export function ModelFactsLine(props: { facts: ModelFacts; testId: string }) {
  const { facts } = props;
  const parts: string[] = [];
  if (facts.contextWindow !== null)
    parts.push(`context ${integer.format(facts.contextWindow)} tokens`);
  if (facts.maxOutputTokens !== null) {
    parts.push(`output up to ${integer.format(facts.maxOutputTokens)}`);
  }
  if (facts.pricing !== null) {
    const price = (value: number | null) => (value === null ? "?" : dollars.format(value));
    parts.push(
      `${price(facts.pricing.prompt)} in / ${price(facts.pricing.completion)} out per M tokens`,
    );
  }
  return (
    <p class="model-facts" data-testid={props.testId}>
      <span>{parts.length === 0 ? `registry: ${facts.id}` : parts.join(" · ")}</span>
      {facts.parameters.length > 0 && (
        <span class="model-parameters" title="request parameters the model takes">
          {" "}
          · parameters: {facts.parameters.join(", ")}
        </span>
      )}
    </p>
  );
}

/** The first routed suggestion for a capability, or "". */
export function defaultModel(status: Status, capability: Capability): string {
  return status.models[capability]?.[0]?.model ?? "";
}

/** Shown instead of a page (or above it) when no provider offers the capability. */
export function Unavailable(props: { status: Status; capability: Capability; what: string }) {
  const entry = capabilityStatus(props.status, props.capability);
  if (entry.available) return null;
  return (
    <div class="unavailable" data-testid={`unavailable-${props.capability}`}>
      <h3>{props.what} needs a provider</h3>
      <p>
        No registered provider offers <code>{props.capability}</code>. Configure one of these and
        restart the playground:
      </p>
      <ul>
        {entry.hints.map((hint) => (
          <li key={hint.setting}>
            <code>{hint.setting}</code> — <code>{hint.packageName}</code>: {hint.note}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An error from the API, with its hints when a provider is missing. */
export function ErrorBox(props: { error: ApiError | undefined }) {
  if (!props.error) return null;
  return (
    <div class="error" role="alert" data-testid="error">
      <strong>{props.error.code}</strong>: {props.error.message}
      {props.error.hints && (
        <ul>
          {props.error.hints.map((hint) => (
            <li key={hint.setting}>
              <code>{hint.setting}</code> ({hint.packageName}): {hint.note}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A labelled horizontal bar for a score in [0, 1]. */
export function ScoreBar(props: { label: string; score: number; testId: string; tone?: string }) {
  const percent = Math.max(0, Math.min(1, props.score)) * 100;
  return (
    <div class="score" data-testid={props.testId} data-score={props.score.toFixed(4)}>
      <span class="score-label">{props.label}</span>
      <span class="score-track">
        <span
          class={`score-fill ${props.tone ?? ""}`}
          style={{ width: `${percent.toFixed(1)}%` }}
        />
      </span>
      <span class="score-value">{props.score.toFixed(3)}</span>
    </div>
  );
}

/** Where an answer came from, and how long it took. */
export function Provenance(props: {
  route: RouteSummary | undefined;
  latencyMs?: number | undefined;
}) {
  if (!props.route) return null;
  return (
    <p class="provenance" data-testid="provenance">
      answered by <strong>{props.route.provider ?? "?"}</strong>
      {props.route.rule ? ` (${props.route.rule})` : ""}
      {props.latencyMs !== undefined ? ` in ${props.latencyMs} ms` : ""}
    </p>
  );
}
