/**
 * The base-URL check every provider factory runs: a URL with credentials, one
 * that does not parse and one with another scheme than http(s) are refused
 * when the provider is created, with an `invalid_input` error that names the
 * setting and shows neither the user name nor the password.
 */
import { RatatoskrError } from "@ratatoskr/core";

/** A base URL a provider must refuse, and the parts its error must not show. */
export interface BadBaseURL {
  /** What is wrong with it, for the test's name. */
  title: string;
  /** The base URL that must be rejected. */
  url: string;
  /** Credentials in `url` that no message may echo. */
  hidden: readonly string[];
}

/** User names and passwords of the cases: nothing like a real credential. */
const USER = "someone-user";
const PASSWORD = "hunter2-password";

/** The base URLs every provider refuses. */
export const BAD_BASE_URLS: readonly BadBaseURL[] = [
  {
    title: "user:password@",
    url: `https://${USER}:${PASSWORD}@api.example.com/v1`,
    hidden: [USER, PASSWORD],
  },
  { title: "a user name alone", url: `http://${USER}@127.0.0.1:8080/v1`, hidden: [USER] },
  { title: "a password alone", url: `https://:${PASSWORD}@api.example.com`, hidden: [PASSWORD] },
  {
    title: "credentials in a URL that does not parse",
    url: `https://${USER}:${PASSWORD}/x@exa mple.com/v1`,
    hidden: [USER, PASSWORD],
  },
  { title: "a URL that does not parse", url: "http://exa mple.com/v1", hidden: [] },
  { title: "no scheme", url: "api.example.com/v1", hidden: [] },
  { title: "an ftp: URL", url: "ftp://api.example.com/v1", hidden: [] },
  { title: "a file: URL", url: "file:///etc/passwd", hidden: [] },
];

/**
 * Throws unless `create(url)` throws, for every case of {@link BAD_BASE_URLS}
 * (or `cases`), a RatatoskrError with code `invalid_input` whose message names
 * `setting` and whose message, stack and `toJSON()` hold none of the URL's
 * credentials.
 *
 * @example
 * ```ts
 * expectBaseURLRejected((baseURL) => createOpenRouter({ apiKey: "k", baseURL }), "baseURL");
 * ```
 */
export function expectBaseURLRejected(
  create: (url: string) => unknown,
  setting: string,
  cases: readonly BadBaseURL[] = BAD_BASE_URLS,
): void {
  const problems: string[] = [];
  for (const bad of cases) {
    let thrown: unknown;
    try {
      create(bad.url);
    } catch (error) {
      thrown = error;
    }
    if (!RatatoskrError.isInstance(thrown, "invalid_input")) {
      problems.push(
        `${bad.title}: expected an invalid_input RatatoskrError, got ${describe(thrown)}`,
      );
      continue;
    }
    if (!thrown.message.includes(setting)) {
      problems.push(`${bad.title}: the message does not name ${setting}: ${thrown.message}`);
    }
    const shown = [thrown.message, String(thrown.stack), JSON.stringify(thrown)].join("\n");
    for (const part of bad.hidden) {
      if (shown.includes(part))
        problems.push(`${bad.title}: the error shows the URL's credentials`);
    }
  }
  if (problems.length > 0)
    throw new Error(`Base URLs not refused as expected:\n${problems.join("\n")}`);
}

function describe(value: unknown): string {
  if (value === undefined) return "no error (the provider was created)";
  if (RatatoskrError.isInstance(value)) return `RatatoskrError ${value.code}: ${value.message}`;
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}
