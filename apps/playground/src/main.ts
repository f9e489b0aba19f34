/**
 * `pnpm playground`: start the Ratatoskr playground on loopback and print
 * its URL and what each capability needs. Works with no keys and no
 * network: token counting and routing always do.
 */
import { CAPABILITIES } from "@ratatoskr/core";
import { buildPlaygroundGateway } from "./build-playground-gateway.ts";
import { loadClientAssets } from "./client-assets.ts";
import { connectRemoteGateway } from "./connect-remote-gateway.ts";
import { formatProgress } from "./download-progress.ts";
import { loadPlaygroundConfig, PlaygroundConfigError } from "./playground-config.ts";
import { startPlaygroundServer } from "./playground-server.ts";
import { playgroundStatus } from "./server/playground-status.ts";

async function main(): Promise<void> {
  const config = loadPlaygroundConfig();
  const [built, assets] = await Promise.all([
    config.remote === undefined ? buildPlaygroundGateway(config) : connectRemoteGateway(config),
    loadClientAssets(),
  ]);
  const context = { ...built, config, assets };
  const server = await startPlaygroundServer(context);
  const status = await playgroundStatus(context);

  console.log("\nRatatoskr playground");
  if (config.configFile) console.log(`config file: ${config.configFile}`);
  if (status.remote !== null) {
    console.log(
      `gateway: the ratd at ${status.remote.url} (RATATOSKR_URL${status.remote.token ? ", with RATATOSKR_TOKEN" : ""})`,
    );
  }
  console.log("\nproviders:");
  for (const provider of status.providers) {
    const mark = provider.state === "ready" ? "✓" : "·";
    console.log(
      `  ${mark} ${provider.id.padEnd(12)} ${provider.state === "ready" ? provider.detail : `${provider.detail} — ${provider.configure}`}`,
    );
  }
  console.log("\ncapabilities:");
  for (const capability of CAPABILITIES) {
    const entry = status.capabilities[capability];
    if (entry.available) console.log(`  ✓ ${capability.padEnd(12)} ${entry.providers.join(", ")}`);
    else {
      const hints = entry.hints
        .slice(0, 3)
        .map((hint) =>
          hint.packageName.startsWith("@") ? `${hint.setting} (${hint.packageName})` : hint.setting,
        );
      console.log(`  · ${capability.padEnd(12)} not configured: ${hints.join("; or ")}`);
    }
  }
  if (!config.demo && !status.capabilities.chat.available) {
    console.log(
      "\nChat needs a model: set OPENROUTER_API_KEY (or ANTHROPIC_API_KEY, OPENAI_API_KEY, HF_TOKEN), run Ollama (`ollama pull llama3.2`), or point RATATOSKR_URL at a running ratd.\nLast resort, a scripted stand-in (not a model): RATATOSKR_PLAYGROUND_DEMO=1 npx -y pnpm@12.4.2 playground",
    );
  }
  // Before the URL is printed: whoever reads it may press Ctrl+C (or send SIGINT) at once.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the playground…");
    // A second Ctrl+C, or a close that hangs, still ends the process cleanly.
    setTimeout(() => process.exit(0), 3000).unref();
    await server.close();
    await built.gateway.dispose();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const url = config.token ? `${server.url}?token=<RATATOSKR_PLAYGROUND_TOKEN>` : server.url;
  console.log(`\nPlayground running at ${url}\n(Ctrl+C to stop)\n`);

  // Model downloads: a line every 2 seconds while they run, and one when a file ends.
  let lastLine = 0;
  built.downloads?.subscribe((file) => {
    const now = Date.now();
    if (!file.done && !file.failed && now - lastLine < 2000) return;
    lastLine = now;
    const progress = built.downloads!.progress();
    console.log(
      file.failed
        ? `download of ${file.repo ?? ""} ${file.path} failed; the next request retries`
        : formatProgress(progress),
    );
  });
}

main().catch((error: unknown) => {
  if (error instanceof PlaygroundConfigError) console.error(`playground: ${error.message}`);
  else if ((error as { code?: string })?.code === "EADDRINUSE") {
    console.error(
      `playground: the port is already in use; set PORT to another one (PORT=0 picks a free port).`,
    );
  } else console.error("playground: failed to start:", error);
  process.exit(1);
});
