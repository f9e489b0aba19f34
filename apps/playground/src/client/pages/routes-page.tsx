/**
 * Routes: the registered providers and their capabilities, what each
 * missing one needs, and `gateway.route()` explained for any model string.
 */
import type { Capability } from "@ratatoskr/core";
import { useState } from "preact/hooks";
import {
  type ApiError,
  api,
  apiErrorOf,
  capabilityStatus,
  type RouteAnswer,
  resultOf,
  type Status,
} from "../api.ts";
import { ErrorBox } from "../components.tsx";

const ALL: Capability[] = ["chat", "generate", "embed", "nli", "classify", "countTokens"];

/** The routes page. */
export function RoutesPage(props: { status: Status }) {
  const { status } = props;
  const [capability, setCapability] = useState<Capability>("chat");
  const [model, setModel] = useState("anthropic/claude-sonnet-4");
  const [decision, setDecision] = useState<RouteAnswer>();
  const [error, setError] = useState<ApiError>();

  const explain = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      setDecision(await resultOf(api.route.$get({ query: { capability, model: model.trim() } })));
    } catch (caught) {
      setError(apiErrorOf(caught));
    }
  };

  return (
    <section class="page">
      <h2>Routes</h2>
      <div class="panel">
        <h3>Explain a route</h3>
        <form class="row" onSubmit={explain}>
          <select
            data-testid="route-capability"
            aria-label="Capability"
            value={capability}
            onChange={(event) =>
              setCapability((event.target as HTMLSelectElement).value as Capability)
            }
          >
            {ALL.map((name) => (
              <option value={name} key={name}>
                {name}
              </option>
            ))}
          </select>
          <input
            data-testid="route-model"
            aria-label="Model"
            value={model}
            onInput={(event) => setModel((event.target as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="route-run">
            route()
          </button>
        </form>
        <ErrorBox error={error} />
        {decision && (
          <div class="result" data-testid="route-decision">
            <p>
              {decision.provider ? (
                <>
                  → <strong data-testid="route-provider">{decision.provider}</strong> by rule{" "}
                  <code>{decision.rule}</code>, model sent as <code>{decision.providerModel}</code>
                  {decision.providers.length > 1 && (
                    <> (then {decision.providers.slice(1).join(", ")} if it declines)</>
                  )}
                </>
              ) : (
                <strong class="error-text" data-testid="route-provider">
                  no provider
                </strong>
              )}
            </p>
            <p class="explanation" data-testid="route-explanation">
              {decision.explanation}
            </p>
            <table>
              <thead>
                <tr>
                  <th>provider asked</th>
                  <th>answer</th>
                  <th>reason</th>
                </tr>
              </thead>
              <tbody>
                {decision.candidates.map((candidate) => (
                  <tr key={candidate.provider}>
                    <td>{candidate.provider}</td>
                    <td>{candidate.accepted ? "accepts" : "declines"}</td>
                    <td>{candidate.reason ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {decision.hints.length > 0 && (
              <ul>
                {decision.hints.map((hint) => (
                  <li key={hint.setting}>
                    <code>{hint.setting}</code> ({hint.packageName}): {hint.note}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      <div class="panel">
        <h3>Capabilities</h3>
        <table data-testid="capability-table">
          <thead>
            <tr>
              <th>capability</th>
              <th>served by (priority order)</th>
            </tr>
          </thead>
          <tbody>
            {ALL.map((name) => {
              const entry = capabilityStatus(status, name);
              return (
                <tr
                  key={name}
                  data-testid={`capability-${name}`}
                  class={entry.available ? "" : "missing"}
                >
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>
                    {entry.available
                      ? entry.providers.join(" → ")
                      : `not configured — ${entry.hints
                          .slice(0, 3)
                          .map((hint) => `${hint.setting} (${hint.packageName})`)
                          .join("; or ")}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div class="panel">
        <h3>Providers</h3>
        <table data-testid="provider-table">
          <thead>
            <tr>
              <th>provider</th>
              <th>state</th>
              <th>capabilities</th>
              <th>details</th>
            </tr>
          </thead>
          <tbody>
            {status.providers.map((provider) => (
              <tr
                key={provider.id}
                data-testid={`provider-${provider.id}`}
                class={provider.state === "ready" ? "" : "missing"}
              >
                <td>
                  <strong>{provider.id}</strong>
                  <br />
                  <small>{provider.packageName}</small>
                </td>
                <td>
                  <span class={`badge ${provider.state === "ready" ? "ok" : "warn"}`}>
                    {provider.state}
                  </span>
                </td>
                <td>{provider.capabilities.join(", ")}</td>
                <td>
                  {provider.detail}
                  {provider.state !== "ready" && provider.configure && (
                    <>
                      <br />
                      <small>{provider.configure}</small>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
