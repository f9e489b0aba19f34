/**
 * `pnpm playground`: start the Ratatoskr playground on loopback and print
 * its URL and what each capability needs. Works with no keys and no
 * network: token counting and routing always do.
 */
import { CAPABILITIES } from "@ratatoskr/core";
import { buildPlaygroundGateway } from "./build-playground-gateway.ts";
import { loadClientAssets } from "./client-assets.ts";
import { connectRemoteGateway } from "./connect-remote-gateway.ts";
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
      "\nTo try every page offline with a scripted stand-in: RATATOSKR_PLAYGROUND_DEMO=1 npx -y pnpm@12.4.2 playground",
    );
  }
  const url = config.token ? `${server.url}?token=<RATATOSKR_PLAYGROUND_TOKEN>` : server.url;
  console.log(`\nPlayground running at ${url}\n(Ctrl+C to stop)\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await built.gateway.dispose();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
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
