/**
 * `[telemetry]`: defaults, every key, and each bad value as a
 * `configuration` error naming the file, the key and the problem.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfigSandbox, configSandbox, configurationError } from "./config.test-helpers.ts";
import { DEFAULT_TELEMETRY, loadRatdConfig } from "./index.ts";

let sandbox: ConfigSandbox;
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

const load = (text: string) =>
  sandbox
    .write(join(sandbox.other, "config.toml"), text)
    .then((path) =>
      loadRatdConfig({ path, home: sandbox.home, etcDirectory: sandbox.etc, env: {} }).then(
        (config) => ({ path, config }),
      ),
    );

describe("[telemetry]", () => {
  it("defaults to metrics on, behind the token, 100 model labels, no tracing", async () => {
    const { config } = await load("");
    expect(config.telemetry).toEqual(DEFAULT_TELEMETRY);
    expect(config.telemetry).toEqual({
      metrics: true,
      metricsRequireToken: true,
      maxModelLabels: 100,
      otlpEndpoint: undefined,
      serviceName: "ratd",
    });
  });

  it("reads every key", async () => {
    const { config } = await load(`
[telemetry]
metrics = false
metrics_require_token = false
max_model_labels = 7
otlp_endpoint = "https://collector.internal:4318/v1/traces"
service_name = "ratd-eu"
`);
    expect(config.telemetry).toEqual({
      metrics: false,
      metricsRequireToken: false,
      maxModelLabels: 7,
      otlpEndpoint: "https://collector.internal:4318/v1/traces",
      serviceName: "ratd-eu",
    });
  });

  const cases: Array<[string, string, string, string]> = [
    [
      "metrics not a boolean",
      'metrics = "yes"',
      "metrics",
      'must be true or false, got a string "yes"',
    ],
    ["label cap zero", "max_model_labels = 0", "max_model_labels", "from 1 to 10000, got 0"],
    [
      "endpoint not a URL",
      'otlp_endpoint = "collector:4318"',
      "otlp_endpoint",
      "http:// or https:// URL",
    ],
    [
      "endpoint not http",
      'otlp_endpoint = "grpc://c:4317"',
      "otlp_endpoint",
      "http:// or https:// URL",
    ],
    [
      "endpoint with credentials",
      'otlp_endpoint = "http://u:p@c:4318/v1/traces"',
      "otlp_endpoint",
      "OTEL_EXPORTER_OTLP_HEADERS",
    ],
    ["empty service name", 'service_name = ""', "service_name", "must not be empty"],
    ["unknown key", "metric = true", "metric", "unknown key; known keys here: metrics"],
  ];
  it.each(cases)("%s", async (_name, line, key, problem) => {
    const path = join(sandbox.other, "config.toml");
    const error = await configurationError(load(`[telemetry]\n${line}\n`));
    expect(error.message).toContain(`${path}: [telemetry].${key} — `);
    expect(error.message).toContain(problem);
    expect(error.details).toMatchObject({ file: path, key: `[telemetry].${key}` });
  });

  it("never quotes the credentials of a refused endpoint", async () => {
    const error = await configurationError(
      load('[telemetry]\notlp_endpoint = "grpc://user:hunter2@c:4317"\n'),
    );
    expect(error.message).not.toContain("hunter2");
  });
});
