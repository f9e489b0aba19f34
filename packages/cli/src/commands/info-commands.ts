/**
 * `health`, `models`, `status`, `metadata`, `presets`: what the gateway
 * knows and how it is doing.
 */
import { CAPABILITIES, type Capability, RatatoskrError } from "@ratatoskr/core";
import type { Command } from "commander";
import type { CliContext } from "../cli-context.ts";
import { describeFailure } from "../cli-errors.ts";
import { EXIT_CODES } from "../exit-codes.ts";

const UNHEALTHY = /^(not[_ ]?serving|unavailable|unhealthy|down|error)$/i;

/** Whether a health answer says the service is not serving. */
export function isUnhealthy(health: unknown): boolean {
  if (typeof health !== "object" || health === null) return false;
  const record = health as Record<string, unknown>;
  if (record.ok === false || record.serving === false || record.healthy === false) return true;
  return typeof record.status === "string" && UNHEALTHY.test(record.status);
}

function healthText(health: unknown): string {
  if (typeof health !== "object" || health === null) return String(health);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(health)) {
    if (Array.isArray(value)) {
      lines.push(`${key}:`);
      for (const item of value) {
        if (typeof item === "object" && item !== null && "id" in item)
          lines.push(
            `  ${String(item.id)}  ${"state" in item ? String(item.state) : ""}  ${"detail" in item ? String(item.detail) : ""}`.trimEnd(),
          );
        else lines.push(`  ${JSON.stringify(item)}`);
      }
    } else
      lines.push(`${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  }
  return lines.join("\n");
}

/** Register the information commands on `program`. */
export function registerInfoCommands(program: Command, ctx: CliContext, run: Runner): void {
  program
    .command("health")
    .description("whether the daemon (or the embedded gateway) is serving, and its providers")
    .action(() =>
      run(async () => {
        const gateway = await ctx.gateway();
        const health =
          gateway.health === undefined
            ? { mode: ctx.isLocal ? "local" : "remote", capabilities: gateway.capabilities() }
            : await gateway.health({ signal: ctx.signal });
        ctx.output(health, () => healthText(health));
        return isUnhealthy(health) ? EXIT_CODES.unavailable : EXIT_CODES.ok;
      }),
    );

  program
    .command("models")
    .description(
      "every model the providers list; a provider whose listing fails is reported on stderr",
    )
    .action(() =>
      run(async () => {
        const gateway = await ctx.gateway();
        const listing = await gateway.listModels(ctx.callOptions());
        for (const failure of listing.failures) {
          const { code, message } = describeFailure(failure.error);
          ctx.warn(`warning [${code}]: provider ${failure.provider}: ${message}`);
        }
        ctx.output(
          {
            models: listing.models,
            failures: listing.failures.map((failure) => ({
              provider: failure.provider,
              code: failure.error.code,
              message: failure.error.message,
            })),
          },
          () =>
            listing.models
              .map((model) =>
                [model.provider, model.id, model.capabilities.join(","), model.source].join("\t"),
              )
              .join("\n"),
        );
        const first = listing.failures[0];
        return listing.models.length === 0 && first !== undefined
          ? describeFailure(first.error).exitCode
          : EXIT_CODES.ok;
      }),
    );

  program
    .command("status")
    .description("where a model stands: available, downloading, loading, ready or unavailable")
    .argument("<model>", "model (a provider: prefix and presets work)")
    .action((model: string) =>
      run(async () => {
        const gateway = await ctx.gateway();
        const status = await gateway.modelStatus(model, ctx.callOptions());
        ctx.output(status, () => {
          const lines = [`${status.model}: ${status.state}`];
          if (status.provider !== undefined) lines.push(`provider: ${status.provider}`);
          if (status.reason !== undefined) lines.push(`reason: ${status.reason}`);
          if (status.device !== undefined) lines.push(`device: ${status.device}`);
          if (status.memoryBytes !== undefined) lines.push(`memory: ${status.memoryBytes} bytes`);
          if (status.progress !== undefined)
            lines.push(
              `progress: ${status.progress.receivedBytes}${status.progress.totalBytes === undefined ? "" : ` of ${status.progress.totalBytes}`} bytes`,
            );
          if (status.cooldown !== undefined)
            lines.push(`cool-down: ${status.cooldown.remainingMs} ms left`);
          return lines.join("\n");
        });
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("metadata")
    .description("the registry's record of a model (context window, parameters, prices)")
    .argument("<model>", "model")
    .option("--fetch", "ask the serving provider for live metadata")
    .action((model: string, options: { fetch?: boolean }) =>
      run(async () => {
        const gateway = await ctx.gateway();
        const metadata =
          options.fetch === true
            ? await gateway.fetchModelMetadata(model, ctx.callOptions())
            : gateway.modelMetadata(model);
        if (metadata === undefined)
          throw new RatatoskrError({
            code: "model_not_found",
            message: `the registry knows nothing about ${model} (try --fetch)`,
            model,
          });
        ctx.output(metadata, () => JSON.stringify(metadata, null, 2));
        return EXIT_CODES.ok;
      }),
    );

  program
    .command("presets")
    .description("list the ratatoskr: presets, or resolve one")
    .argument("[uri]", "a preset (ratatoskr:<tier>/<capability>)")
    .action((uri: string | undefined) =>
      run(async () => {
        const gateway = await ctx.gateway();
        if (uri === undefined) {
          const presets = await gateway.listPresets();
          ctx.output(presets, () =>
            presets.map((preset) => `${preset.uri}\t${preset.model}`).join("\n"),
          );
        } else {
          const preset = await gateway.resolvePreset(uri);
          ctx.output(preset, () =>
            [
              preset.model,
              ...Object.entries(preset.parameters ?? {}).map(
                ([name, value]) => `  ${name}: ${JSON.stringify(value)}`,
              ),
            ].join("\n"),
          );
        }
        return EXIT_CODES.ok;
      }),
    );
}

/** The capabilities `rat route` accepts: every one. */
const ROUTE_CAPABILITIES = CAPABILITIES;

/** Register `route` on `program`. */
export function registerRouteCommand(program: Command, ctx: CliContext, run: Runner): void {
  program
    .command("route")
    .description("which provider and model a call would go to, and why (nothing is sent)")
    .argument("<capability>", `one of ${ROUTE_CAPABILITIES.join(", ")}`)
    .argument("<model>", "the model as a call would name it (provider:model, a preset, …)")
    .action((capability: string, model: string) =>
      run(async () => {
        if (!ROUTE_CAPABILITIES.includes(capability as Capability)) {
          throw new RatatoskrError({
            code: "invalid_input",
            message: `capability must be one of ${ROUTE_CAPABILITIES.join(", ")}, got ${JSON.stringify(capability)}`,
          });
        }
        const gateway = await ctx.gateway();
        if (gateway.route === undefined) {
          throw new RatatoskrError({
            code: "not_implemented",
            message: "this gateway cannot explain its routing",
          });
        }
        const decision = await gateway.route(capability as Capability, model);
        ctx.output(decision, () =>
          [
            decision.provider === undefined
              ? "no provider"
              : `${decision.provider}:${decision.providerModel ?? model}`,
            decision.explanation,
          ].join("\n"),
        );
        return decision.provider === undefined ? EXIT_CODES.unavailable : EXIT_CODES.ok;
      }),
    );
}

/** Runs a command body and records its exit code. */
export type Runner = (body: () => Promise<number>) => Promise<void>;
