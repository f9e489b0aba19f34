/**
 * The playground's pages, without their views: the hash path, the navigation
 * title, and the capability a page needs. The app pairs each with its view
 * (`app.tsx`); tests read this list, so a page added here is covered by the
 * accessibility test (`test/accessibility.test.ts`) without touching it.
 */

/** One page of the playground. */
export interface PageInfo {
  /** The hash route: `#/<path>`. */
  readonly path: string;
  /** The navigation title. */
  readonly title: string;
  /** The capability the page needs a provider for; undefined when it always works. */
  readonly capability: string | undefined;
}

/** Every page, in navigation order; the first that works opens when the URL names none. */
export const PAGES = [
  { path: "chat", title: "Chat", capability: "chat" },
  { path: "generate", title: "Generate", capability: "generate" },
  { path: "embeddings", title: "Embeddings", capability: "embed" },
  { path: "nli", title: "NLI & zero-shot", capability: "nli" },
  // Stance is one zero-shot classification: served wherever `classify` is.
  { path: "stance", title: "Stance", capability: "classify" },
  { path: "tokens", title: "Tokens", capability: "countTokens" },
  { path: "routes", title: "Routes", capability: undefined },
  { path: "models", title: "Models", capability: undefined },
  // Works in remote mode only: it shows the connected ratd (else how to connect one).
  { path: "service", title: "Service", capability: "remote" },
] as const satisfies readonly PageInfo[];

/** A page's hash path. */
export type PagePath = (typeof PAGES)[number]["path"];

/** The hash path of every page, in navigation order. */
export const PAGE_PATHS: readonly PagePath[] = PAGES.map((page) => page.path);
