/**
 * The playground's HTTP server (Hono): the page, its assets, and a JSON API
 * over the gateway. Keys stay here; the browser sees models, routes and
 * results only.
 */
import { serve } from "@hono/node-server";
import {
  CAPABILITIES,
  type Capability,
  type ClassifyOptions,
  type Message,
  RatatoskrError,
  type ReasoningEffort,
} from "@ratatoskr/core";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { runChatTurn } from "./chat-tool-loop.ts";
import type { ClientAssets } from "./client-assets.ts";
import { DEMO_TOOLS } from "./demo-tools.ts";
import { renderIndexHtml } from "./index-html.ts";
import type { PlaygroundConfig } from "./playground-config.ts";
import {
  CAPABILITY_HINTS,
  type CapabilityHint,
  type PlaygroundGateway,
} from "./playground-gateway.ts";
import { isLoopbackHostHeader, readCookie, TOKEN_COOKIE, tokenMatches } from "./security.ts";
import { similarityMatrix } from "./similarity.ts";
import { isPieceTokenizer, tokenPieces } from "./token-pieces.ts";

/** Everything the server needs. */
export interface PlaygroundServerContext extends PlaygroundGateway {
  config: PlaygroundConfig;
  assets: ClientAssets;
}

/** Limits on what one request may ask for. */
export const LIMITS = {
  bodyBytes: 1024 * 1024,
  textChars: 100_000,
  texts: 32,
  labels: 20,
  tokenModels: 12,
  messages: 200,
  concurrentChats: 8,
} as const;

class BadRequest extends Error {}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new BadRequest("The body must be a JSON object");
  return value as Record<string, unknown>;
}

function text(
  body: Record<string, unknown>,
  name: string,
  options: { max?: number; optional?: boolean } = {},
): string {
  const value = body[name];
  if (value === undefined && options.optional) return "";
  if (typeof value !== "string") throw new BadRequest(`"${name}" must be a string`);
  if (value.length > (options.max ?? LIMITS.textChars))
    throw new BadRequest(`"${name}" is longer than ${options.max ?? LIMITS.textChars} characters`);
  return value;
}

function texts(body: Record<string, unknown>, name: string, max: number): string[] {
  const value = body[name];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string"))
    throw new BadRequest(`"${name}" must be an array of strings`);
  if (value.length > max) throw new BadRequest(`"${name}" has more than ${max} items`);
  return value.map((item: string) => {
    if (item.length > LIMITS.textChars) throw new BadRequest(`an item of "${name}" is too long`);
    return item;
  });
}

function model(body: Record<string, unknown>): string {
  const value = text(body, "model", { max: 300 }).trim();
  if (value === "") throw new BadRequest('"model" must not be empty');
  return value;
}

const ROLES = new Set(["system", "user", "assistant", "tool"]);

function messages(body: Record<string, unknown>): Message[] {
  const value = body.messages;
  if (!Array.isArray(value) || value.length === 0)
    throw new BadRequest('"messages" must be a non-empty array');
  if (value.length > LIMITS.messages) throw new BadRequest(`more than ${LIMITS.messages} messages`);
  let total = 0;
  for (const message of value) {
    const item = record(message);
    if (typeof item.role !== "string" || !ROLES.has(item.role))
      throw new BadRequest("a message has an invalid role");
    if (typeof item.content !== "string") throw new BadRequest("a message has no string content");
    total += item.content.length;
  }
  if (total > LIMITS.textChars * 2)
    throw new BadRequest("the conversation is too long for the playground");
  return value as Message[];
}

function statusFor(error: unknown): 400 | 404 | 502 | 504 {
  if (!RatatoskrError.isInstance(error)) return 502;
  switch (error.code) {
    case "invalid_input":
      return 400;
    case "no_provider":
    case "not_implemented":
    case "model_not_found":
    case "model_not_available":
      return 404;
    case "aborted":
      // The browser has gone; nobody reads this answer.
      return 400;
    case "timeout":
      return 504;
    default:
      return 502;
  }
}

/** A JSON error body: code, message (redacted by RatatoskrError), and hints for a missing capability. */
function errorBody(error: unknown, capability?: Capability) {
  if (error instanceof BadRequest)
    return { error: { code: "invalid_input", message: error.message } };
  if (RatatoskrError.isInstance(error)) {
    const missing = error.code === "no_provider" || error.code === "not_implemented";
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.provider === undefined ? {} : { provider: error.provider }),
        ...(missing && capability ? { hints: CAPABILITY_HINTS[capability] } : {}),
      },
    };
  }
  return { error: { code: "internal", message: "Internal error in the playground server" } };
}

function routeSummary(context: PlaygroundServerContext, capability: Capability, modelName: string) {
  const decision = context.gateway.route(capability, modelName);
  return {
    provider: decision.provider,
    rule: decision.rule,
    providerModel: decision.providerModel,
    explanation: decision.explanation,
  };
}

/** The `/api/status` body: providers, capabilities with their hints, and routed model suggestions. */
export function playgroundStatus(context: PlaygroundServerContext) {
  const capabilities = context.gateway.capabilities();
  const ready = context.setup.filter((provider) => provider.state === "ready");
  const models = {} as Record<
    Capability,
    Array<{ model: string; provider: string; rule: string | undefined }>
  >;
  for (const capability of CAPABILITIES) {
    const names = new Set<string>([
      ...(context.config.models[capability] ?? []),
      ...ready.flatMap((provider) => provider.models[capability] ?? []),
    ]);
    models[capability] = [...names].flatMap((name) => {
      const decision = context.gateway.route(capability, name);
      return decision.provider === undefined
        ? []
        : [{ model: name, provider: decision.provider, rule: decision.rule }];
    });
  }
  const availability = {} as Record<
    Capability,
    { available: boolean; providers: string[]; hints: CapabilityHint[] }
  >;
  for (const capability of CAPABILITIES) {
    const providers = capabilities.providers[capability];
    availability[capability] = {
      available: providers.length > 0,
      providers,
      hints: providers.length > 0 ? [] : CAPABILITY_HINTS[capability],
    };
  }
  return {
    demo: context.config.demo,
    configFile: context.config.configFile ?? null,
    providers: context.setup.map(
      ({ id, label, packageName, state, capabilities: offered, detail, configure }) => ({
        id,
        label,
        packageName,
        state,
        capabilities: offered,
        detail,
        configure,
        aliases: context.plugins.get(id)?.aliases ?? [],
        localInference: context.plugins.get(id)?.localInference ?? false,
      }),
    ),
    capabilities: availability,
    models,
    tokenModels: context.config.tokenModels,
    tools: Object.values(DEMO_TOOLS).map((tool) => tool.definition),
  };
}

/** Build the Hono app (tests call `app.request()` on it directly). */
export function createPlaygroundApp(context: PlaygroundServerContext): Hono {
  const app = new Hono();
  const { gateway, config } = context;
  let activeChats = 0;

  app.use("*", async (c, next) => {
    if (!config.token && !isLoopbackHostHeader(c.req.header("host"))) {
      return c.json(
        {
          error: {
            code: "forbidden",
            message: "The playground answers on loopback names only (localhost, 127.0.0.1).",
          },
        },
        403,
      );
    }
    if (config.token) {
      const presented =
        c.req.header("x-playground-token") ?? readCookie(c.req.header("cookie"), TOKEN_COOKIE);
      if (!tokenMatches(presented, config.token)) {
        const query = c.req.query("token");
        if (
          c.req.method === "GET" &&
          c.req.path === "/" &&
          query !== undefined &&
          tokenMatches(query, config.token)
        ) {
          c.header(
            "set-cookie",
            `${TOKEN_COOKIE}=${encodeURIComponent(query)}; HttpOnly; SameSite=Strict; Path=/`,
          );
          return c.redirect("/", 303);
        }
        return c.json(
          {
            error: {
              code: "unauthorized",
              message: "Open the playground with /?token=<RATATOSKR_PLAYGROUND_TOKEN>.",
            },
          },
          401,
        );
      }
    }
    if (c.req.method === "POST") {
      if (!(c.req.header("content-type") ?? "").startsWith("application/json")) {
        return c.json(
          { error: { code: "invalid_input", message: "POST bodies must be application/json" } },
          415,
        );
      }
      const origin = c.req.header("origin");
      if (
        origin !== undefined &&
        origin !== `http://${c.req.header("host")}` &&
        origin !== `https://${c.req.header("host")}`
      ) {
        return c.json(
          { error: { code: "forbidden", message: "Cross-origin requests are refused" } },
          403,
        );
      }
    }
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
  });
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: (c) =>
        c.json({ error: { code: "invalid_input", message: "The request body is too large" } }, 413),
    }),
  );

  app.get("/", (c) => {
    c.header(
      "content-security-policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    c.header("cache-control", "no-store");
    return c.html(renderIndexHtml());
  });
  app.get("/assets/app.js", (c) => {
    c.header("content-type", "text/javascript; charset=utf-8");
    c.header("cache-control", "no-cache");
    return c.body(context.assets.script);
  });
  app.get("/assets/app.css", (c) => {
    c.header("content-type", "text/css; charset=utf-8");
    c.header("cache-control", "no-cache");
    return c.body(context.assets.style);
  });

  app.get("/api/status", (c) => c.json(playgroundStatus(context)));

  app.get("/api/route", (c) => {
    const capability = c.req.query("capability") as Capability | undefined;
    const modelName = (c.req.query("model") ?? "").trim();
    if (capability === undefined || !CAPABILITIES.includes(capability)) {
      return c.json(
        {
          error: {
            code: "invalid_input",
            message: `capability must be one of ${CAPABILITIES.join(", ")}`,
          },
        },
        400,
      );
    }
    if (modelName === "" || modelName.length > 300)
      return c.json(
        { error: { code: "invalid_input", message: "model must be a non-empty string" } },
        400,
      );
    const decision = gateway.route(capability, modelName);
    return c.json({
      ...decision,
      hints: decision.provider === undefined ? CAPABILITY_HINTS[capability] : [],
    });
  });

  const guarded =
    (
      capability: Capability,
      handler: (c: Context, body: Record<string, unknown>) => Promise<Response>,
    ) =>
    async (c: Context) => {
      try {
        const body = record(
          await c.req.json().catch(() => {
            throw new BadRequest("The body is not valid JSON");
          }),
        );
        return await handler(c, body);
      } catch (error) {
        return c.json(
          errorBody(error, capability),
          error instanceof BadRequest ? 400 : statusFor(error),
        );
      }
    };

  app.post(
    "/api/embeddings",
    guarded("embed", async (c, body) => {
      const inputs = texts(body, "texts", LIMITS.texts);
      if (inputs.length === 0) throw new BadRequest('"texts" must not be empty');
      const modelName = model(body);
      const route = routeSummary(context, "embed", modelName);
      const started = performance.now();
      const embeddings = await gateway.embedBatch(inputs, modelName, { signal: c.req.raw.signal });
      const latencyMs = Math.round(performance.now() - started);
      return c.json({
        model: modelName,
        route,
        latencyMs,
        dimensions: embeddings[0]?.dimensions ?? 0,
        matrix: similarityMatrix(embeddings.map((embedding) => embedding.values)),
        preview: embeddings.map((embedding) => embedding.values.slice(0, 8)),
      });
    }),
  );

  app.post(
    "/api/nli",
    guarded("nli", async (c, body) => {
      const premise = text(body, "premise");
      const hypothesis = text(body, "hypothesis");
      const modelName = model(body);
      const route = routeSummary(context, "nli", modelName);
      const started = performance.now();
      const result = await gateway.inferNli(premise, hypothesis, modelName, {
        signal: c.req.raw.signal,
      });
      return c.json({
        model: modelName,
        route,
        latencyMs: Math.round(performance.now() - started),
        result,
      });
    }),
  );

  app.post(
    "/api/classify",
    guarded("classify", async (c, body) => {
      const input = text(body, "text");
      const labels = texts(body, "labels", LIMITS.labels)
        .map((label) => label.trim())
        .filter((label) => label !== "");
      if (labels.length === 0) throw new BadRequest('"labels" must hold at least one label');
      const modelName = model(body);
      const options: ClassifyOptions = {
        signal: c.req.raw.signal,
        multiLabel: body.multiLabel === true,
      };
      const template = text(body, "hypothesisTemplate", { max: 500, optional: true }).trim();
      if (template !== "") options.hypothesisTemplate = template;
      const route = routeSummary(context, "classify", modelName);
      const started = performance.now();
      const result = await gateway.classifyZeroShot(input, labels, modelName, options);
      const ranked = Object.entries(result.scores)
        .map(([label, score]) => ({ label, score }))
        .sort((a, b) => b.score - a.score);
      return c.json({
        model: modelName,
        route,
        latencyMs: Math.round(performance.now() - started),
        result,
        ranked,
      });
    }),
  );

  app.post(
    "/api/tokens",
    guarded("countTokens", async (c, body) => {
      const input = text(body, "text");
      const models = texts(body, "models", LIMITS.tokenModels)
        .map((name) => name.trim())
        .filter((name) => name !== "");
      if (models.length === 0) throw new BadRequest('"models" must hold at least one model');
      const results = await Promise.all(
        models.map(async (modelName) => {
          const route = routeSummary(context, "countTokens", modelName);
          const started = performance.now();
          try {
            const count = await gateway.countTokens(input, modelName, { signal: c.req.raw.signal });
            const plugin =
              route.provider === undefined ? undefined : context.plugins.get(route.provider);
            const highlighted = isPieceTokenizer(plugin)
              ? await tokenPieces(plugin, input, route.providerModel)
              : undefined;
            return {
              model: modelName,
              route,
              latencyMs: Math.round(performance.now() - started),
              ...count,
              pieces: highlighted?.pieces ?? null,
              truncated: highlighted?.truncated ?? false,
            };
          } catch (error) {
            return { model: modelName, route, ...errorBody(error, "countTokens") };
          }
        }),
      );
      return c.json({ characters: input.length, results });
    }),
  );

  app.post("/api/chat", async (c) => {
    let request: {
      messages: Message[];
      model: string;
      tools: boolean;
      reasoning?: ReasoningEffort;
      temperature?: number;
    };
    try {
      const body = record(
        await c.req.json().catch(() => {
          throw new BadRequest("The body is not valid JSON");
        }),
      );
      request = { messages: messages(body), model: model(body), tools: body.tools !== false };
      if (body.reasoning !== undefined) {
        if (!["minimal", "low", "medium", "high"].includes(body.reasoning as string))
          throw new BadRequest('"reasoning" must be minimal, low, medium or high');
        request.reasoning = body.reasoning as ReasoningEffort;
      }
      if (body.temperature !== undefined) {
        if (typeof body.temperature !== "number" || body.temperature < 0 || body.temperature > 2)
          throw new BadRequest('"temperature" must be a number from 0 to 2');
        request.temperature = body.temperature;
      }
    } catch (error) {
      return c.json(errorBody(error, "chat"), 400);
    }
    if (activeChats >= LIMITS.concurrentChats) {
      return c.json(
        {
          error: {
            code: "rate_limited",
            message: `At most ${LIMITS.concurrentChats} chats at once`,
          },
        },
        429,
      );
    }
    activeChats++;
    const abort = new AbortController();
    const requestSignal = c.req.raw.signal;
    const onClose = () => abort.abort(requestSignal.reason);
    if (requestSignal.aborted) onClose();
    else requestSignal.addEventListener("abort", onClose, { once: true });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      activeChats--;
      requestSignal.removeEventListener("abort", onClose);
    };
    const route = gateway.route("chat", request.model);
    const events = runChatTurn(gateway, request, { signal: abort.signal });
    const encoder = new TextEncoder();
    const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          line({
            type: "route",
            provider: route.provider ?? null,
            rule: route.rule ?? null,
            providerModel: route.providerModel,
            explanation: route.explanation,
          }),
        );
        if (route.provider === undefined)
          controller.enqueue(line({ type: "hints", hints: CAPABILITY_HINTS.chat }));
      },
      async pull(controller) {
        try {
          const next = await events.next();
          if (next.done) {
            finish();
            controller.close();
            return;
          }
          controller.enqueue(line(next.value));
        } catch {
          finish();
          controller.close();
        }
      },
      async cancel() {
        abort.abort(
          new RatatoskrError({ code: "aborted", message: "The browser closed the request" }),
        );
        finish();
        await events.return(undefined);
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  });

  app.notFound((c) => c.json({ error: { code: "not_found", message: "No such page" } }, 404));
  return app;
}

/** A running playground server. */
export interface RunningPlayground {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Start the server on `config.host`/`config.port` (port 0 picks a free one). */
export function startPlaygroundServer(
  context: PlaygroundServerContext,
): Promise<RunningPlayground> {
  const app = createPlaygroundApp(context);
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: context.config.host, port: context.config.port },
      (info) => {
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}/`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              if ("closeAllConnections" in server)
                (server as { closeAllConnections(): void }).closeAllConnections();
              server.close(() => done());
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
