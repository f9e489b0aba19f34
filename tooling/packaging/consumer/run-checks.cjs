/**
 * What a consumer does with the installed packages, shared by the ESM
 * (`smoke.mjs`) and CommonJS (`smoke.cjs`) entries: each loads every package
 * its own way and hands the modules here. Runs on the system Node, in a
 * fresh npm project that installed the packed tarballs. Prints one JSON line
 * with what it saw; throws on the first thing that is wrong.
 */
const assert = require("node:assert/strict");

const CANARY = "canary-not-a-real-credential";

/** Every package's main export, by package name. */
const EXPECTED_EXPORTS = {
  "@ratatoskr/core": ["RatatoskrError", "Message"],
  "@ratatoskr/gateway": ["Ratatoskr", "RatatoskrBuilder"],
  "@ratatoskr/catalog": ["loadConfiguredProviders", "loadDescriptor", "PROVIDER_CATALOG"],
  "@ratatoskr/provider-utils": ["loadApiKey", "httpError"],
  "@ratatoskr/testing": ["createMockProvider", "startLoopbackServer"],
  "@ratatoskr/provider-openai-compat": ["createOpenAI", "createOpenAICompatible"],
  "@ratatoskr/provider-openrouter": ["createOpenRouter"],
  "@ratatoskr/provider-ollama": ["createOllama"],
  "@ratatoskr/provider-anthropic": ["createAnthropic"],
  "@ratatoskr/provider-huggingface": ["createHuggingFace"],
  "@ratatoskr/provider-local-onnx": ["createLocalOnnx", "loadOnnxRuntime"],
  "@ratatoskr/tokenizers": ["createTokenizers", "TokenizerRegistry"],
  "@ratatoskr/protocol": [
    "Ratatoskr",
    "ChatRequestSchema",
    "chatRequestToProto",
    "errorToConnectError",
  ],
  "@ratatoskr/models": ["shippedRegistry", "modelMetadata", "resolvePreset"],
  "@ratatoskr/server": [
    "startRatd",
    "runRatd",
    "createRatatoskrService",
    "createOpenAIHttpHandler",
    "loadRatdConfig",
  ],
  "@ratatoskr/client": ["createServiceClient"],
  "@ratatoskr/redis": ["createRedisCacheStore", "createRedisSharedState"],
  "@ratatoskr/cli": ["runCli", "EXIT_CODES"],
  "@ratatoskr/telemetry": ["openTelemetryHooks", "GEN_AI_OPERATION_NAMES"],
};

/** A loopback server speaking just enough of the OpenAI, Anthropic and HF Inference wires. */
function fakeUpstream(startLoopbackServer) {
  return startLoopbackServer((request, response, body) => {
    const url = request.url ?? "";
    if (url.endsWith("/chat/completions")) {
      const chunk = (delta, finishReason) =>
        `data: ${JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion.chunk",
          created: 0,
          model: "gpt-4o-mini",
          choices: [{ index: 0, delta, finish_reason: finishReason }],
        })}\n\n`;
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(chunk({ role: "assistant", content: "hello " }, null));
      response.write(chunk({ content: "from openai" }, null));
      response.write(chunk({}, "stop"));
      response.end("data: [DONE]\n\n");
      return;
    }
    if (url.endsWith("/v1/messages")) {
      assert.equal(JSON.parse(body).stream, false);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-haiku-4-5",
          content: [{ type: "text", text: "hello from anthropic" }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 3, output_tokens: 3 },
        }),
      );
      return;
    }
    if (url.endsWith("/pipeline/feature-extraction")) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify([0.5, 0.25, 0.125]));
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: `no route for ${url}` }));
  });
}

/**
 * @param {Record<string, Record<string, unknown>>} modules every package's module, by name
 * @param {{ format: string, resolved: string }} loaded how the entry loaded the gateway
 */
async function runChecks(modules, loaded) {
  for (const [name, exports] of Object.entries(EXPECTED_EXPORTS)) {
    assert.ok(modules[name], `${name} was not loaded`);
    for (const exported of exports) {
      assert.notEqual(modules[name][exported], undefined, `${name} exports ${exported}`);
    }
  }
  const { Message, RatatoskrError } = modules["@ratatoskr/core"];
  const { Ratatoskr } = modules["@ratatoskr/gateway"];
  const { createMockProvider, startLoopbackServer } = modules["@ratatoskr/testing"];

  // A mock call through the gateway.
  const mock = createMockProvider({ id: "mock", capabilities: ["chat", "embed"] });
  const gateway = await Ratatoskr.builder().use(mock).build();
  mock.enqueueChat({ content: "hi from the mock", toolCalls: [], finishReason: "stop" });
  const answer = await gateway.chat([Message.user("hello")], { model: "mock-model" });
  assert.equal(answer.content, "hi from the mock");
  const embedding = await gateway.embed("hello", "mock-model");
  assert.equal(embedding.dimensions, 8);
  const refused = await gateway.inferNli("a", "b", "mock-model").catch((error) => error);
  assert.ok(RatatoskrError.isInstance(refused), `a typed error, got ${refused}`);

  // The public loader: one report entry per catalog provider, nothing thrown, no key in it.
  const catalog = modules["@ratatoskr/catalog"];
  const configured = await catalog.loadConfiguredProviders({ OPENROUTER_API_KEY: CANARY });
  assert.deepEqual(
    configured.report.map((entry) => entry.id),
    catalog.PROVIDER_CATALOG.map((entry) => entry.id),
  );
  assert.ok(!JSON.stringify(configured.report).includes(CANARY), "no key in the loader's report");

  // The provider SDKs on this Node, through the shorthands (lazy imports), against loopback.
  const server = await fakeUpstream(startLoopbackServer);
  try {
    const cloud = await Ratatoskr.builder()
      .openai(CANARY, { baseURL: `${server.url}/v1` })
      .anthropic(CANARY, { baseURL: server.url })
      .huggingface(CANARY, { baseURL: `${server.url}/hf-inference` })
      .build();
    let streamed = "";
    for await (const event of cloud.chatStream([Message.user("hi")], { model: "gpt-4o-mini" })) {
      if (event.type === "content") streamed += event.text;
    }
    assert.equal(streamed, "hello from openai");
    const anthropic = await cloud.chat([Message.user("hi")], { model: "claude-haiku-4-5" });
    assert.equal(anthropic.content, "hello from anthropic");
    const vector = await cloud.embed("hi", "hf:BAAI/bge-small-en-v1.5");
    assert.equal(vector.dimensions, 3);
  } finally {
    await server.close();
  }

  // The protocol: the generated service descriptor and a mapping, with @bufbuild/protobuf on this Node.
  const protocol = modules["@ratatoskr/protocol"];
  // The original's 20 RPCs, then this project's FitsContext and Route.
  assert.equal(protocol.Ratatoskr.methods.length, 22);
  const request = protocol.chatRequestToProto([Message.user("hi")], { model: "mock-model" });
  assert.equal(protocol.chatRequestFromProto(request).messages[0].content, "hi");

  // Local inference and tokenizers: the native runtime loads on this Node.
  const runtime = await modules["@ratatoskr/provider-local-onnx"].loadOnnxRuntime();
  assert.equal(typeof runtime.InferenceSession.create, "function");
  const tokenizers = modules["@ratatoskr/tokenizers"].createTokenizers();
  assert.equal(tokenizers.id, "tokenizers");

  // The model registry bundled in the build reads, and presets resolve.
  const models = modules["@ratatoskr/models"];
  assert.equal(models.modelMetadata("ratatoskr:free/embedding").info.dimensions, 384);
  assert.equal(
    models.resolvePreset("ratatoskr:premium/agentic").model,
    "anthropic/claude-sonnet-4.6",
  );

  console.log(
    JSON.stringify({
      ok: true,
      node: process.version,
      format: loaded.format,
      gateway: loaded.resolved,
    }),
  );
}

module.exports = { runChecks, PACKAGES: Object.keys(EXPECTED_EXPORTS) };
