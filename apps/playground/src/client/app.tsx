/**
 * The playground shell: navigation between the pages (hash routes), and the
 * server status every page reads.
 */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type ApiError, api, apiErrorOf, resultOf, type Status } from "./api.ts";
import { DownloadBanner } from "./download-banner.tsx";
import { ChatPage } from "./pages/chat-page.tsx";
import { EmbeddingsPage } from "./pages/embeddings-page.tsx";
import { GeneratePage } from "./pages/generate-page.tsx";
import { ModelsPage } from "./pages/models-page.tsx";
import { NliPage } from "./pages/nli-page.tsx";
import { RoutesPage } from "./pages/routes-page.tsx";
import { ServicePage } from "./pages/service-page.tsx";
import { StancePage } from "./pages/stance-page.tsx";
import { TokensPage } from "./pages/tokens-page.tsx";
import { PAGES as PAGE_INFO, type PagePath } from "./pages.ts";

/** Each page's view; `pages.ts` lists the pages (a page missing here is a type error). */
const VIEWS: Record<PagePath, ComponentType<{ status: Status }>> = {
  chat: ChatPage,
  generate: GeneratePage,
  embeddings: EmbeddingsPage,
  nli: NliPage,
  stance: StancePage,
  tokens: TokensPage,
  routes: RoutesPage,
  models: ModelsPage,
  service: ServicePage,
};

const PAGES = PAGE_INFO.map((page) => ({ ...page, view: VIEWS[page.path] }));

/** The page the hash names, or undefined (then the first page that works opens). */
function currentPath(): string | undefined {
  const path = location.hash.replace(/^#\/?/, "");
  return PAGES.some((page) => page.path === path) ? path : undefined;
}

/**
 * Whether a page's capability is served (the routes and models pages always
 * are; the service page, `remote`, when a ratd is the gateway).
 */
function pageWorks(status: Status, capability: string | undefined): boolean {
  if (capability === "remote") return status.mode === "remote";
  return (
    capability === undefined ||
    ((status.capabilities as Record<string, { available: boolean }>)[capability]?.available ??
      false)
  );
}

/** The first page that works with this status: chat when a model is there, else the next. */
function firstWorkingPage(status: Status): string {
  return (PAGES.find((page) => pageWorks(status, page.capability)) ?? PAGES.at(-1)!).path;
}

/** The app. */
export function App() {
  const [status, setStatus] = useState<Status>();
  const [error, setError] = useState<ApiError>();
  const [hashPath, setPath] = useState(currentPath());

  useEffect(() => {
    const onHash = () => setPath(currentPath());
    addEventListener("hashchange", onHash);
    resultOf(api.status.$get())
      .then((loaded) => {
        setStatus(loaded);
        if (currentPath() === undefined) {
          history.replaceState(null, "", `#/${firstWorkingPage(loaded)}`);
          setPath(currentPath());
        }
      })
      .catch((caught) => setError(apiErrorOf(caught)));
    return () => removeEventListener("hashchange", onHash);
  }, []);

  const path = hashPath ?? (status ? firstWorkingPage(status) : undefined);
  const page = PAGES.find((candidate) => candidate.path === path) ?? PAGES[0]!;
  const View = page.view;
  return (
    <div class="shell">
      <header class="top">
        <h1>
          Ratatoskr <small>playground</small>
        </h1>
        <nav>
          {PAGES.map((candidate) => {
            const available = !status || pageWorks(status, candidate.capability);
            return (
              <a
                key={candidate.path}
                href={`#/${candidate.path}`}
                data-testid={`nav-${candidate.path}`}
                class={`${candidate.path === path ? "active" : ""} ${available ? "" : "off"}`}
                title={
                  available
                    ? ""
                    : candidate.capability === "remote"
                      ? "needs a running ratd: the page says how to connect one"
                      : "needs a provider: the page says what to set"
                }
              >
                {candidate.title}
                {!available && <small class="needs-setup"> · setup</small>}
              </a>
            );
          })}
        </nav>
        {status?.demo && (
          <span
            class="badge warn"
            title="RATATOSKR_PLAYGROUND_DEMO is on: demo:… models are a scripted stand-in and lexical-overlap scores, not a model"
          >
            demo provider on (not a model)
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
        {status && <DownloadBanner initial={status.downloads} />}
        {status && <View status={status} />}
      </main>
      <footer>
        Keys stay on the server. <a href="#/routes">Providers and routes</a>
      </footer>
    </div>
  );
}
