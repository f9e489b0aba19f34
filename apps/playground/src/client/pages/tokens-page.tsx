/**
 * Tokens: one text counted for several model families side by side, each
 * with its tokens highlighted.
 */
import { useState } from "preact/hooks";
import { type ApiError, api, apiErrorOf, resultOf, type Status, type TokenResult } from "../api.ts";
import { ErrorBox, Unavailable } from "../components.tsx";

const SAMPLE =
  "Ratatoskr (Old Norse: Ratatǫskr) is a squirrel who runs up and down the world tree Yggdrasil 🐿️ to carry messages between the eagle perched atop Yggdrasil and the serpent Níðhöggr, who dwells beneath one of the three roots of the tree.";

/** Make whitespace and line breaks visible inside a highlighted token. */
function visible(text: string): string {
  return text.replace(/\n/g, "↵\n").replace(/\t/g, "→");
}

/** A model's count, where it came from, and its tokens highlighted. */
function CountedTokens(props: { result: Exclude<TokenResult, { error: unknown }> }) {
  const { result } = props;
  return (
    <>
      <p class="hint">
        {result.approximate ? (
          <span class="badge warn" data-testid="approximate">
            approximate
          </span>
        ) : (
          <span class="badge ok">exact</span>
        )}{" "}
        {result.source}
        {" · "}via {result.route.provider}
        {` · ${result.latencyMs} ms`}
      </p>
      {result.pieces ? (
        <div class="tokens" data-testid="token-pieces">
          {result.pieces.map((piece, index) => (
            <span
              class={`tok t${index % 6}`}
              key={index}
              title={piece.tokens > 1 ? `${piece.tokens} tokens (one character)` : "1 token"}
            >
              {visible(piece.text)}
            </span>
          ))}
          {result.truncated && (
            <span class="hint"> … (highlighting stops here; the count covers everything)</span>
          )}
        </div>
      ) : (
        <p class="hint">
          This provider counts tokens but does not expose them, so there is nothing to highlight.
        </p>
      )}
    </>
  );
}

/** One model's column: its count and tokens, or why it could not be counted. */
function TokenColumn(props: { result: TokenResult }) {
  const { result } = props;
  const failed = "error" in result;
  return (
    <div class="token-column" data-testid="token-result" data-model={result.model}>
      <header>
        <code>{result.model}</code>
        {failed ? (
          <span class="count error-text">—</span>
        ) : (
          <span class="count" data-testid="token-count">
            {result.count}
          </span>
        )}
      </header>
      {failed ? <ErrorBox error={result.error} /> : <CountedTokens result={result} />}
    </div>
  );
}

/** The tokens page. */
export function TokensPage(props: { status: Status }) {
  const { status } = props;
  const [text, setText] = useState(SAMPLE);
  const [models, setModels] = useState(status.tokenModels.join(", "));
  const [results, setResults] = useState<TokenResult[]>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const run = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const counted = await resultOf(
        api.tokens.$post({
          json: {
            text,
            models: models
              .split(",")
              .map((model) => model.trim())
              .filter((model) => model !== ""),
          },
        }),
      );
      setResults(counted.results);
    } catch (caught) {
      setError(apiErrorOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page">
      <h2>Tokens</h2>
      <Unavailable status={status} capability="countTokens" what="Token counting" />
      <form onSubmit={run} class="stack">
        <label>
          Text ({text.length} characters)
          <textarea
            data-testid="tokens-text"
            rows={4}
            value={text}
            onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        <label>
          Models, comma-separated
          <input
            data-testid="tokens-models"
            value={models}
            onInput={(event) => setModels((event.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" data-testid="tokens-run" disabled={busy}>
          {busy ? "Counting… (the first count loads each tokenizer)" : "Count tokens"}
        </button>
      </form>
      <ErrorBox error={error} />
      {results && (
        <div class="token-grid" data-testid="token-grid">
          {results.map((result) => (
            <TokenColumn result={result} key={result.model} />
          ))}
        </div>
      )}
    </section>
  );
}
