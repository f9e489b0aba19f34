/** ESM consumer: `import` every package, then the shared checks. */
import * as catalog from "@ratatoskr/catalog";
import * as cli from "@ratatoskr/cli";
import * as client from "@ratatoskr/client";
import * as core from "@ratatoskr/core";
import * as gateway from "@ratatoskr/gateway";
import * as models from "@ratatoskr/models";
import * as protocol from "@ratatoskr/protocol";
import * as anthropic from "@ratatoskr/provider-anthropic";
import * as huggingface from "@ratatoskr/provider-huggingface";
import * as localOnnx from "@ratatoskr/provider-local-onnx";
import * as ollama from "@ratatoskr/provider-ollama";
import * as openaiCompat from "@ratatoskr/provider-openai-compat";
import * as openrouter from "@ratatoskr/provider-openrouter";
import * as providerUtils from "@ratatoskr/provider-utils";
import * as redis from "@ratatoskr/redis";
import * as server from "@ratatoskr/server";
import * as telemetry from "@ratatoskr/telemetry";
import * as testing from "@ratatoskr/testing";
import * as tokenizers from "@ratatoskr/tokenizers";
import checks from "./run-checks.cjs";

await checks.runChecks(
  {
    "@ratatoskr/core": core,
    "@ratatoskr/gateway": gateway,
    "@ratatoskr/catalog": catalog,
    "@ratatoskr/provider-utils": providerUtils,
    "@ratatoskr/testing": testing,
    "@ratatoskr/provider-openai-compat": openaiCompat,
    "@ratatoskr/provider-openrouter": openrouter,
    "@ratatoskr/provider-ollama": ollama,
    "@ratatoskr/provider-anthropic": anthropic,
    "@ratatoskr/provider-huggingface": huggingface,
    "@ratatoskr/provider-local-onnx": localOnnx,
    "@ratatoskr/tokenizers": tokenizers,
    "@ratatoskr/protocol": protocol,
    "@ratatoskr/models": models,
    "@ratatoskr/server": server,
    "@ratatoskr/client": client,
    "@ratatoskr/redis": redis,
    "@ratatoskr/cli": cli,
    "@ratatoskr/telemetry": telemetry,
  },
  { format: "esm", resolved: import.meta.resolve("@ratatoskr/gateway") },
);
