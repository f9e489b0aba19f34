import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  expectBaseURLRejected,
  expectNoSecret,
  type LoopbackServer,
  printedFailure,
  startKeyEchoServer,
} from "@ratatoskr/testing";
import { failure } from "@ratatoskr/testing/conformance";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { HubFileDownloader } from "./hub-download.ts";

/** The Hub token; shaped like no real token, so only redaction hides it. */
const CANARY = "canary-hub-token-0123456789-abcdefgh";
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const file = { repository: "org/gated", revision: "main", path: "config.json" };

let server: LoopbackServer;
let cacheDirectory: string;
beforeAll(async () => {
  server = await startKeyEchoServer();
});
afterAll(() => server.close());
beforeEach(async () => {
  cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-hub-secrets-"));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(cacheDirectory, { recursive: true, force: true });
});

describe("a Hub that echoes the token in its 401 body, message, status line and a header", () => {
  it("the token is in no rendering of the error, cause chain included", async () => {
    const hub = new HubFileDownloader({
      cacheDirectory,
      offline: false,
      hubURL: server.url,
      token: CANARY,
    });
    const error = await failure(hub.file(file));
    expect(error.code).toBe("authentication");
    expect(error.cause).toMatchObject({ code: "authentication", status: 401 });
    expectNoSecret(error, CANARY);
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("console.error(error) in a real process prints no token", async () => {
    const { stdout, stderr } = await printedFailure(
      {
        imports: 'import { HubFileDownloader } from "@ratatoskr/provider-utils/hub";',
        call: `new HubFileDownloader({
            cacheDirectory: process.env.CACHE, offline: false, hubURL: process.env.HUB_URL, token: process.env.CANARY,
          }).file({ repository: "org/gated", revision: "main", path: "config.json" })`,
      },
      { cwd: packageRoot, env: { HUB_URL: server.url, CANARY, CACHE: cacheDirectory } },
    );
    expect(stderr).toContain("code: 'authentication'");
    expect(stderr).toContain("[cause]");
    expectNoSecret(undefined, CANARY, { output: `${stdout}\n${stderr}` });
  });
});

describe("Hub URL", () => {
  it("hubURL and HF_ENDPOINT are refused at creation with credentials, unparsable or not http(s)", () => {
    expectBaseURLRejected(
      (hubURL) => new HubFileDownloader({ cacheDirectory, offline: false, hubURL }),
      "hubURL",
    );
    expectBaseURLRejected((hubURL) => {
      vi.stubEnv("HF_ENDPOINT", hubURL);
      return new HubFileDownloader({ cacheDirectory, offline: false });
    }, "HF_ENDPOINT");
    expectBaseURLRejected(
      (hubURL) =>
        new HubFileDownloader({ cacheDirectory, offline: false, hubURL, hubURLSetting: "hubUrl" }),
      "hubUrl",
    );
  });
});
