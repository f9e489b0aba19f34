import { RatatoskrError } from "@ratatoskr/core";
import type { MockProvider } from "@ratatoskr/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { createLocalGateway } from "./local.ts";
import { gatewayOn, listedMock, runWith } from "./test-helpers.ts";

let mock: MockProvider;
beforeEach(() => {
  mock = listedMock();
});

describe("rat help and usage", () => {
  it("prints help with the exit codes and the environment, exit 0", async () => {
    const result = await runWith(mock, ["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Exit codes:");
    expect(result.stdout).toContain("130  interrupted");
    expect(result.stdout).toContain("RATATOSKR_URL");
    expect(result.stdout).not.toContain("--mock");
  });

  it("`rat help chat` is help (exit 0); `rat` alone shows help on stderr with exit 2", async () => {
    const help = await runWith(mock, ["help", "chat"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: rat chat");
    const bare = await runWith(mock, []);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: rat");
  });

  it("answers an unknown command, a bad flag value and a missing argument with exit 2", async () => {
    const unknown = await runWith(mock, ["bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error [usage]: unknown command 'bogus'");
    const badNumber = await runWith(mock, [
      "chat",
      "-m",
      "demo-chat",
      "--temperature",
      "hot",
      "hi",
    ]);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toContain('--temperature must be a number, got "hot"');
    expect((await runWith(mock, ["nli", "only-premise", "-m", "demo-nli"])).code).toBe(2);
    expect((await runWith(mock, ["--timeout", "soon", "models"])).code).toBe(2);
    expect(mock.calls).toHaveLength(0);
  });

  it("needs a model: --model or RATATOSKR_MODEL", async () => {
    const missing = await runWith(mock, ["embed", "x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no model");
    const fromEnv = await runWith(mock, ["embed", "x"], { env: { RATATOSKR_MODEL: "demo-embed" } });
    expect(fromEnv.code).toBe(0);
    expect(mock.callsOf("embed")[0]?.request.model).toBe("demo-embed");
  });
});

describe("rat information commands", () => {
  it("health (local) lists the providers; --json gives the document", async () => {
    const deps = { createLocal: () => createLocalGateway({}, { mock: true }) };
    const text = await runWith(mock, ["health"], { deps });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("mode: local");
    expect(text.stdout).toContain("mock  ready");
    const json = await runWith(mock, ["--json", "health"], { deps });
    expect(JSON.parse(json.stdout)).toMatchObject({ mode: "local", providers: [{ id: "mock" }] });
  });

  it("health exits 6 when the daemon says it is not serving", async () => {
    const result = await runWith(mock, ["--url", "http://d", "health"], {
      deps: {
        connectRemote: async () =>
          Object.assign(await gatewayOn(mock), {
            health: async () => ({ status: "NOT_SERVING" }),
          }),
      },
    });
    expect(result.code).toBe(6);
    expect(result.stdout).toContain("status: NOT_SERVING");
  });

  it("models lists every model, text and JSON", async () => {
    const text = await runWith(mock, ["models"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")).toContain("mock\tdemo-embed\tEmbed\tprovider");
    const json = JSON.parse((await runWith(mock, ["models", "--json"])).stdout);
    expect(json.models.map((model: { id: string }) => model.id)).toEqual([
      "demo-chat",
      "demo-embed",
      "demo-nli",
    ]);
    expect(json.failures).toEqual([]);
  });

  it("models prints a failing provider on stderr, and its exit code when nothing is listed", async () => {
    mock.failNext(
      "listModels",
      new RatatoskrError({ code: "authentication", message: "key refused" }),
    );
    const result = await runWith(mock, ["models"]);
    expect(result.stderr).toContain("warning [authentication]: provider mock: key refused");
    expect(result.stdout).toBe("");
    expect(result.code).toBe(4);
  });

  it("status shows the state", async () => {
    const text = await runWith(mock, ["status", "demo-chat"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("demo-chat: available");
    const json = JSON.parse((await runWith(mock, ["status", "mock:nope", "--json"])).stdout);
    expect(json).toMatchObject({ model: "mock:nope", state: "unavailable" });
  });

  it("metadata: unknown to the registry is model_not_found (exit 5); --fetch asks the provider", async () => {
    const unknown = await runWith(mock, ["metadata", "demo-chat"]);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain("error [model_not_found]:");
    const fetched = await runWith(mock, ["metadata", "demo-chat", "--fetch", "--json"]);
    expect(fetched.code).toBe(0);
    expect(JSON.parse(fetched.stdout).info.id).toBe("demo-chat");
    expect(mock.catalogCalls.map((call) => call.method)).toContain("fetchModelMetadata");
  });

  it("presets lists and resolves; a bad preset is invalid_input (exit 3)", async () => {
    const list = await runWith(mock, ["presets"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ratatoskr:budget\/coding\t\S+$/m);
    const resolved = await runWith(mock, ["presets", "ratatoskr:budget/coding", "--json"]);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ tier: "budget", capability: "coding" });
    const text = await runWith(mock, ["presets", "ratatoskr:budget/coding"]);
    expect(text.stdout.split("\n")[0]).toBe(JSON.parse(resolved.stdout).model);
    const bad = await runWith(mock, ["presets", "ratatoskr:nope/coding"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^error \[invalid_input\]: /);
  });

  it("route explains where a call would go without sending it; a bad capability is exit 3", async () => {
    const before = mock.calls.length;
    const text = await runWith(mock, ["route", "chat", "mock:demo-chat"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toBe("mock:demo-chat");
    expect(text.stdout).toContain("mock");
    const json = await runWith(mock, ["route", "chat", "mock:demo-chat", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      provider: "mock",
      providerModel: "demo-chat",
      explanation: expect.any(String),
    });
    expect(mock.calls.length).toBe(before);
    const unknown = await runWith(mock, ["route", "chat", "anthropic:claude-x"]);
    expect(unknown.code).toBe(6);
    expect(unknown.stdout.split("\n")[0]).toBe("no provider");
    const bad = await runWith(mock, ["route", "teleport", "mock:demo-chat"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^error \[invalid_input\]: capability must be one of chat, /);
  });
});
