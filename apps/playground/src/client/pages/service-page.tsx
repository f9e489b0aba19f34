/**
 * Service: the `ratd` the playground is connected to (remote mode): its
 * health, and its Prometheus metrics summarised (calls by capability and
 * outcome, the response cache's hit rate, tokens). Not connected, the page
 * says how to connect one.
 */
import { useEffect, useState } from "preact/hooks";
import { type ApiError, api, apiErrorOf, resultOf, type ServiceAnswer } from "../api.ts";
import { ErrorBox } from "../components.tsx";

const integer = new Intl.NumberFormat("en-US");

type Connected = Extract<ServiceAnswer, { connected: true }>;

/** How to connect a daemon, step by step. */
function HowToConnect(props: { answer: Extract<ServiceAnswer, { connected: false }> }) {
  return (
    <div class="unavailable" data-testid="service-connect">
      <h3>Not connected to a ratd</h3>
      <p>
        The playground runs its own gateway here ({props.answer.mode} mode). This page shows a
        running <code>ratd</code>'s health and metrics once the playground uses it:
      </p>
      <ol>
        {props.answer.hints.map((hint) => (
          <li key={hint.setting}>
            <code>{hint.setting}</code> — <code>{hint.packageName}</code>: {hint.note}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The daemon's health and metrics. */
function Daemon(props: { answer: Connected }) {
  const { health, metrics } = props.answer;
  const hitRate = metrics?.cache.hitRate ?? null;
  return (
    <>
      <div class="panel" data-testid="service-health">
        <h3>
          Health of <code>{props.answer.url}</code>
        </h3>
        <ErrorBox error={props.answer.healthError ?? undefined} />
        {health && (
          <p>
            <span class={`badge ${health.healthy ? "ok" : "warn"}`} data-testid="service-healthy">
              {health.healthy ? "healthy" : "not healthy"}
            </span>{" "}
            version <code data-testid="service-version">{health.version}</code>
            {health.gitSha ? ` (${health.gitSha})` : ""} · providers:{" "}
            <span data-testid="service-providers">{health.providers.join(", ") || "none"}</span>
            {health.cooling.length > 0 &&
              ` · cooling down: ${health.cooling
                .map(
                  (entry) =>
                    `${entry.provider} (${entry.lastError}, ${Math.ceil(entry.remainingMs / 1000)} s)`,
                )
                .join(", ")}`}
          </p>
        )}
      </div>
      <div class="panel" data-testid="service-metrics">
        <h3>Metrics</h3>
        <p class="hint">
          Scraped from <code>{props.answer.metricsUrl}</code> (set{" "}
          <code>RATATOSKR_METRICS_URL</code> to scrape elsewhere).
        </p>
        <ErrorBox error={props.answer.metricsError ?? undefined} />
        {metrics && (
          <>
            <p>
              cache hit rate{" "}
              <strong data-testid="cache-hit-rate">
                {hitRate === null ? "no lookups yet" : `${(hitRate * 100).toFixed(1)}%`}
              </strong>{" "}
              ({integer.format(metrics.cache.hits)} hits / {integer.format(metrics.cache.misses)}{" "}
              misses{metrics.cache.errors > 0 ? `, ${metrics.cache.errors} store errors` : ""}) ·
              tokens{" "}
              <span data-testid="service-tokens">
                {integer.format(metrics.tokens.prompt)} in /{" "}
                {integer.format(metrics.tokens.completion)} out
              </span>{" "}
              · calls{" "}
              <span data-testid="service-calls">{integer.format(metrics.requestsTotal)}</span>
            </p>
            <table data-testid="service-requests">
              <thead>
                <tr>
                  <th>capability</th>
                  <th>outcome</th>
                  <th>calls</th>
                </tr>
              </thead>
              <tbody>
                {metrics.requests.map((row) => (
                  <tr
                    key={`${row.capability}/${row.outcome}`}
                    class={row.outcome === "ok" ? "" : "missing"}
                  >
                    <td>
                      <code>{row.capability}</code>
                    </td>
                    <td>{row.outcome}</td>
                    <td>{integer.format(row.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </>
  );
}

/** The service page. */
export function ServicePage() {
  const [answer, setAnswer] = useState<ServiceAnswer>();
  const [error, setError] = useState<ApiError>();
  const load = () => {
    setError(undefined);
    resultOf(api.service.$get())
      .then(setAnswer)
      .catch((caught) => setError(apiErrorOf(caught)));
  };
  useEffect(load, []);
  return (
    <section class="page">
      <h2>Service</h2>
      <p class="row hint">
        The ratd behind the playground: its health and its metrics, as of now.
        <button type="button" data-testid="service-refresh" onClick={load}>
          refresh
        </button>
      </p>
      <ErrorBox error={error} />
      {!answer && !error && <p class="loading">Asking the daemon…</p>}
      {answer && !answer.connected && <HowToConnect answer={answer} />}
      {answer?.connected && <Daemon answer={answer} />}
    </section>
  );
}
