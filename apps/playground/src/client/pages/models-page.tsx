/**
 * Models: what the gateway knows about models. A table of the models the
 * providers list and the presets name, with the registry's capabilities,
 * context window, output limit and prices; one model's full record
 * (parameters, prices, context, status) on a click or for any model
 * string; and the presets, tier by tier.
 */
import { useEffect, useState } from "preact/hooks";
import {
  type ApiError,
  api,
  apiErrorOf,
  type ModelDetail,
  type ModelsAnswer,
  resultOf,
} from "../api.ts";
import { ErrorBox } from "../components.tsx";

const integer = new Intl.NumberFormat("en-US");
const perMillion = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 4,
});

/** A count, or a dash when unknown. */
function count(value: number | null): string {
  return value === null ? "—" : integer.format(value);
}

/** A price per million tokens, or a dash when unknown. */
function price(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : perMillion.format(value);
}

/** One model's record: context, prices, status and every request parameter. */
function ModelDetailView(props: { detail: ModelDetail }) {
  const { detail } = props;
  return (
    <div class="panel" data-testid="model-detail" data-model={detail.id}>
      <h3>
        <code>{detail.id}</code> <small>({detail.provider})</small>
      </h3>
      <table class="facts">
        <tbody>
          <tr>
            <th>capabilities</th>
            <td>{detail.capabilities.join(", ") || "—"}</td>
          </tr>
          <tr>
            <th>context window</th>
            <td data-testid="detail-context">{count(detail.contextWindow)} tokens</td>
          </tr>
          <tr>
            <th>max output</th>
            <td>{count(detail.maxOutputTokens)} tokens</td>
          </tr>
          {detail.dimensions !== null && (
            <tr>
              <th>dimensions</th>
              <td>{detail.dimensions}</td>
            </tr>
          )}
          <tr>
            <th>price per M tokens</th>
            <td data-testid="detail-pricing">
              {detail.pricing === null
                ? "price unknown"
                : `${price(detail.pricing.prompt)} in / ${price(detail.pricing.completion)} out`}
            </td>
          </tr>
          <tr>
            <th>status</th>
            <td data-testid="detail-status">
              {detail.status === null ? (
                "unknown"
              ) : (
                <>
                  <span class={`badge ${detail.status.state === "unavailable" ? "warn" : "ok"}`}>
                    {detail.status.state}
                  </span>
                  {detail.status.provider ? ` via ${detail.status.provider}` : ""}
                  {detail.status.reason ? ` — ${detail.status.reason}` : ""}
                </>
              )}
            </td>
          </tr>
        </tbody>
      </table>
      <h4>Request parameters</h4>
      {detail.parameters.length === 0 ? (
        <p class="hint">The registry lists no parameters for this model.</p>
      ) : (
        <table data-testid="detail-parameters">
          <thead>
            <tr>
              <th>parameter</th>
              <th>availability</th>
              <th>range / value</th>
            </tr>
          </thead>
          <tbody>
            {detail.parameters.map((parameter) => (
              <tr
                key={parameter.name}
                class={parameter.availability === "unsupported" ? "missing" : ""}
              >
                <td>
                  <code>{parameter.name}</code>
                </td>
                <td>{parameter.availability}</td>
                <td>
                  {parameter.range
                    ? `${parameter.range.min ?? "…"} to ${parameter.range.max ?? "…"}${parameter.range.default === null ? "" : `, default ${parameter.range.default}`}`
                    : (parameter.value ?? "")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The models page. */
export function ModelsPage() {
  const [answer, setAnswer] = useState<ModelsAnswer>();
  const [error, setError] = useState<ApiError>();
  const [filter, setFilter] = useState("");
  const [lookup, setLookup] = useState("");
  const [detail, setDetail] = useState<ModelDetail>();
  const [detailError, setDetailError] = useState<ApiError>();

  useEffect(() => {
    resultOf(api.models.$get({ query: {} }))
      .then(setAnswer)
      .catch((caught) => setError(apiErrorOf(caught)));
  }, []);

  const open = async (model: string) => {
    setDetailError(undefined);
    try {
      setDetail(await resultOf(api.model.$get({ query: { model } })));
    } catch (caught) {
      setDetail(undefined);
      setDetailError(apiErrorOf(caught));
    }
  };

  const needle = filter.trim().toLowerCase();
  const rows = (answer?.models ?? []).filter(
    (row) =>
      needle === "" ||
      row.id.toLowerCase().includes(needle) ||
      row.provider.toLowerCase().includes(needle),
  );

  return (
    <section class="page">
      <h2>Models</h2>
      <div class="panel">
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            void open(lookup.trim());
          }}
        >
          <input
            data-testid="model-lookup"
            value={lookup}
            placeholder="any model: vendor/model, provider:model, ratatoskr:tier/capability"
            onInput={(event) => setLookup((event.target as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="model-lookup-run">
            metadata
          </button>
        </form>
        <ErrorBox error={detailError} />
      </div>
      {detail && <ModelDetailView detail={detail} />}
      <ErrorBox error={error} />
      {!answer && !error && <p class="loading">Loading the models…</p>}
      {answer && (
        <div class="panel">
          <h3>Models the gateway knows</h3>
          <p class="hint">
            Listed by the providers, and named by the presets; capabilities, context window, output
            limit and prices are the model registry's where it knows them. Click a model for its
            full record.
          </p>
          <input
            data-testid="models-filter"
            value={filter}
            placeholder="filter by model or provider"
            onInput={(event) => setFilter((event.target as HTMLInputElement).value)}
          />
          {answer.failures.length > 0 && (
            <div class="error" data-testid="models-failures">
              Listings that failed:{" "}
              {answer.failures
                .map((failure) => `${failure.provider}: ${failure.code} (${failure.message})`)
                .join("; ")}
            </div>
          )}
          <table data-testid="models-table">
            <thead>
              <tr>
                <th>provider</th>
                <th>model</th>
                <th>capabilities</th>
                <th>context</th>
                <th>max output</th>
                <th>$ / M in</th>
                <th>$ / M out</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={`${row.provider}/${row.id}`}
                  data-testid="model-row"
                  data-model={row.id}
                  data-provider={row.provider}
                >
                  <td>
                    {row.provider}
                    {row.source === "preset" && <small> · preset</small>}
                  </td>
                  <td>
                    <button type="button" class="link" onClick={() => void open(row.id)}>
                      {row.id}
                    </button>
                  </td>
                  <td>{row.capabilities.join(", ")}</td>
                  <td data-testid="model-context">{count(row.contextWindow)}</td>
                  <td>{count(row.maxOutputTokens)}</td>
                  <td data-testid="model-price-in">{price(row.pricing?.prompt)}</td>
                  <td data-testid="model-price-out">{price(row.pricing?.completion)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {answer.truncated && <p class="hint">The list is cut at its first rows.</p>}
        </div>
      )}
      {answer && (
        <div class="panel">
          <h3>Presets</h3>
          <p class="hint">
            <code>ratatoskr:&lt;tier&gt;/&lt;capability&gt;</code> names a model by what it is for;
            your presets (config) win over the registry's.
          </p>
          <table data-testid="preset-table">
            <thead>
              <tr>
                <th>tier</th>
                <th>capability</th>
                <th>model</th>
                <th>from</th>
              </tr>
            </thead>
            <tbody>
              {answer.presets.map((preset) => (
                <tr key={preset.uri} data-testid="preset-row" data-uri={preset.uri}>
                  <td>{preset.tier}</td>
                  <td>{preset.capability}</td>
                  <td>
                    <button type="button" class="link" onClick={() => void open(preset.model)}>
                      {preset.model}
                    </button>
                  </td>
                  <td>{preset.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
