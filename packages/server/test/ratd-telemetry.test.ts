/**
 * `[telemetry]` through `runRatd`: the configured daemon serves
 * `/metrics`, and with `otlp_endpoint` exports each call's GenAI span over
 * OTLP/HTTP, to a loopback collector here, by the time `stop()` resolves.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { configSandbox } from "../src/config/config.test-helpers.ts";
import { runRatd } from "../src/index.ts";

/** An OTLP/HTTP collector on a loopback port: the JSON bodies it received, per path. */
async function loopbackCollector(): Promise<{
  server: Server;
  url: string;
  received: Array<{ path: string; body: unknown }>;
}> {
  const received: Array<{ path: string; body: unknown }> = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
}
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
  }>;
}

const attributes = (list: OtlpAttribute[]) =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue === undefined ? value.boolValue : Number(value.intValue)),
    ]),
  );

describe("runRatd with [telemetry]", () => {
  it("serves /metrics and exports the call's span over OTLP/HTTP before stop() resolves", async () => {
    const sandbox = await configSandbox();
    const collector = await loopbackCollector();
    try {
      const file = await sandbox.write(
        `${sandbox.other}/ratd.toml`,
        `[telemetry]
metrics = true
otlp_endpoint = "${collector.url}/v1/traces"
service_name = "ratd-test"
`,
      );
      const lines: string[] = [];
      const output = { out: (line: string) => lines.push(line), err: () => {} };
      const running = await runRatd(
        ["--mock", "--port", "0", "--grace-ms", "0", "--config", file],
        { HOME: sandbox.home },
        output,
      );
      if (typeof running === "number") throw new Error("ratd did not start");
      const { url } = running.ratd;
      try {
        const answer = await fetch(`${url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "m",
            messages: [{ role: "user", content: "hello world" }],
          }),
        });
        expect(answer.status).toBe(200);
        await answer.text();
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).toContain(
          'ratatoskr_requests_total{capability="chat",provider="mock",model="m",outcome="ok"} 1',
        );
      } finally {
        await running.stop();
      }

      const spans = collector.received
        .filter((entry) => entry.path === "/v1/traces")
        .flatMap((entry) => (entry.body as OtlpExport).resourceSpans);
      expect(spans).toHaveLength(1);
      expect(attributes(spans[0]!.resource.attributes)).toMatchObject({
        "service.name": "ratd-test",
      });
      const [scope] = spans[0]!.scopeSpans;
      expect(scope!.scope.name).toBe("@ratatoskr/telemetry");
      expect(scope!.spans).toHaveLength(1);
      const [span] = scope!.spans;
      expect(span!.name).toBe("chat m");
      expect(span!.kind).toBe(3); // SPAN_KIND_CLIENT
      expect(attributes(span!.attributes)).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "mock",
        "gen_ai.request.model": "m",
        "gen_ai.response.model": "m",
        "gen_ai.usage.input_tokens": 2,
        "gen_ai.usage.output_tokens": 3,
      });
    } finally {
      collector.server.closeAllConnections();
      await new Promise((resolve) => collector.server.close(resolve));
      await sandbox.remove();
    }
  });

  it("does not serve /metrics with metrics = false", async () => {
    const sandbox = await configSandbox();
    try {
      const file = await sandbox.write(
        `${sandbox.other}/ratd.toml`,
        "[telemetry]\nmetrics = false\n",
      );
      const output = { out: () => {}, err: () => {} };
      const running = await runRatd(
        ["--mock", "--port", "0", "--grace-ms", "0", "--config", file],
        { HOME: sandbox.home },
        output,
      );
      if (typeof running === "number") throw new Error("ratd did not start");
      try {
        expect((await fetch(`${running.ratd.url}/metrics`)).status).toBe(404);
      } finally {
        await running.stop();
      }
    } finally {
      await sandbox.remove();
    }
  });
});

describe("tracing without the OpenTelemetry SDK installed", () => {
  it("is a configuration error naming the packages to install, not a crash", async () => {
    const { startRatdTelemetry, OTLP_TRACING_PACKAGES } = await import("../src/telemetry/index.ts");
    const { DEFAULT_TELEMETRY } = await import("../src/config/index.ts");
    const missing = async (specifier: string) => {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    };
    const attempt = startRatdTelemetry(
      { ...DEFAULT_TELEMETRY, otlpEndpoint: "http://127.0.0.1:9/v1/traces" },
      { importModule: missing },
    );
    await expect(attempt).rejects.toMatchObject({ code: "configuration" });
    await expect(attempt).rejects.toThrow(`npm install ${OTLP_TRACING_PACKAGES.join(" ")}`);
    // Metrics alone need no SDK.
    const metricsOnly = await startRatdTelemetry(DEFAULT_TELEMETRY, { importModule: missing });
    expect(metricsOnly.metrics).toBeDefined();
    expect(metricsOnly.tracing).toBeUndefined();
    await metricsOnly.shutdown();
  });
});
