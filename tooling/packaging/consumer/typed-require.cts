/** The CommonJS declarations (`.d.cts`), as a `require` consumer sees them. */
import gateway = require("@ratatoskr/gateway");
import testing = require("@ratatoskr/testing");
import models = require("@ratatoskr/models");

export const presetModel: string = models.resolvePreset("ratatoskr:free/agentic").model;

export const builder = gateway.Ratatoskr.builder()
  .use(testing.createMockProvider())
  .openrouter("key", { appName: "consumer" });

gateway.Ratatoskr.builder()
  // @ts-expect-error appName is a string
  .openrouter("key", { appName: 42 });
