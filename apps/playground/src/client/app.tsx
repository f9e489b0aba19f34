/**
 * The playground shell: navigation between the pages (hash routes), and the
 * server status every page reads.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiCallError, type ApiError, api, resultOf, type Status } from "./api.ts";
import { ChatPage } from "./pages/chat-page.tsx";
import { EmbeddingsPage } from "./pages/embeddings-page.tsx";
import { NliPage } from "./pages/nli-page.tsx";
import { RoutesPage } from "./pages/routes-page.tsx";
import { TokensPage } from "./pages/tokens-page.tsx";

const PAGES = [
  { path: "chat", title: "Chat", capability: "chat", view: ChatPage },
  { path: "embeddings", title: "Embeddings", capability: "embed", view: EmbeddingsPage },
  { path: "nli", title: "NLI & zero-shot", capability: "nli", view: NliPage },
  { path: "tokens", title: "Tokens", capability: "countTokens", view: TokensPage },
  { path: "routes", title: "Routes", capability: undefined, view: RoutesPage },
] as const;

function currentPath(): string {
  const path = location.hash.replace(/^#\/?/, "");
  return PAGES.some((page) => page.path === path) ? path : "chat";
}

/** The app. */
export function App() {
  const [status, setStatus] = useState<Status>();
  const [error, setError] = useState<ApiError>();
  const [path, setPath] = useState(currentPath());

  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener("hashchange", onHash);
    resultOf(api.status.$get())
      .then(setStatus)
      .catch((caught) =>
        setError(
          caught instanceof ApiCallError
            ? caught.body
            : { code: "network", message: String(caught) },
        ),
      );
    return () => removeEventListener("hashchange", onHash);
  }, []);

  const page = PAGES.find((candidate) => candidate.path === path) ?? PAGES[0];
  const View = page.view;
  return (
    <div class="shell">
      <header class="top">
        <h1>
          Ratatoskr <small>playground</small>
        </h1>
        <nav>
          {PAGES.map((candidate) => {
            const available =
              !candidate.capability ||
              !status ||
              (status.capabilities as Record<string, { available: boolean }>)[candidate.capability]
                ?.available;
            return (
              <a
                key={candidate.path}
                href={`#/${candidate.path}`}
                data-testid={`nav-${candidate.path}`}
                class={`${candidate.path === path ? "active" : ""} ${available ? "" : "off"}`}
                title={available ? "" : "not configured: see the page for what to set"}
              >
                {candidate.title}
              </a>
            );
          })}
        </nav>
        {status?.demo && (
          <span class="badge warn" title="RATATOSKR_PLAYGROUND_DEMO is on">
            demo provider on
          </span>
        )}
      </header>
      <main>
        {error && (
          <div class="error" role="alert">
            Cannot reach the playground server: {error.message}
          </div>
        )}
        {!status && !error && <p class="loading">Loading…</p>}
        {status && <View status={status} />}
      </main>
      <footer>
        Keys stay on the server. <a href="#/routes">Providers and routes</a>
      </footer>
    </div>
  );
}
