/**
 * The Service page's scrape of the daemon's metrics: the daemon's bearer
 * token goes to the daemon's own origin only, and no error carries it.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createRemoteService } from "../src/remote-service.ts";

const DAEMON = "http://127.0.0.1:9741";
// Built at run time: no key-shaped literal in the source.
const TOKEN = ["rat", "token", "canary", "4711"].join("-");

/** A `fetch` that records each request's URL and authorization header and answers `status`. */
function recordingFetch(status = 200) {
  const seen: { url: string; authorization: string | null }[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({
      url: String(input),
      authorization: new Headers(init?.headers).get("authorization"),
    });
    return new Response(status === 200 ? "ratatoskr_requests_total 1\n" : "no", { status });
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

const health = { health: async () => ({}) as never };

describe("createRemoteService: the metrics scrape", () => {
  it("sends the daemon's token to /metrics on the daemon's own origin", async () => {
    const { seen, fetch } = recordingFetch();
    const service = createRemoteService(health, { url: DAEMON, token: TOKEN, fetch });
    expect(await service.scrapeMetrics()).toContain("ratatoskr_requests_total");
    expect(seen).toEqual([{ url: `${DAEMON}/metrics`, authorization: `Bearer ${TOKEN}` }]);
  });

  it("keeps the token when RATATOSKR_METRICS_URL is another path of the same origin", async () => {
    const { seen, fetch } = recordingFetch();
    const service = createRemoteService(health, {
      url: DAEMON,
      token: TOKEN,
      metricsUrl: `${DAEMON}/custom/metrics`,
      fetch,
    });
    await service.scrapeMetrics();
    expect(seen[0]!.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    ["another host", "http://metrics.example:9090/metrics"],
    ["another port", "http://127.0.0.1:9090/metrics"],
    ["another scheme", "https://127.0.0.1:9741/metrics"],
    ["a URL that does not parse", "not a url"],
  ])("never sends the token to %s", async (_name, metricsUrl) => {
    const { seen, fetch } = recordingFetch();
    const service = createRemoteService(health, { url: DAEMON, token: TOKEN, metricsUrl, fetch });
    await service.scrapeMetrics();
    expect(seen[0]!.authorization).toBeNull();
  });

  it("a refused scrape is a typed authentication error without the token", async () => {
    const { fetch } = recordingFetch(401);
    const service = createRemoteService(health, { url: DAEMON, token: TOKEN, fetch });
    const error = await service.scrapeMetrics().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: "authentication" });
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(TOKEN);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });
});
