/**
 * Playground (placeholder until the web app lands): builds a gateway with
 * the mock provider and prints its capabilities and a few routing decisions.
 */
import { Message, Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";

const gateway = await Ratatoskr.builder()
  .use(createMockProvider({ id: "mock", capabilities: ["chat", "embed", "nli", "classify", "countTokens"] }))
  .build();

console.log("Ratatoskr playground");
console.log("capabilities:", JSON.stringify(gateway.capabilities(), null, 2));
for (const model of ["mock:echo", "anthropic/claude-sonnet-4", "claude-sonnet-4", "ollama:llama3.2", "gpt-4o"]) {
  const decision = gateway.route("chat", model);
  console.log(`route chat ${model} → ${decision.provider ?? "(none)"}: ${decision.explanation}`);
}
const response = await gateway.chat([Message.user("hello from the playground")], { model: "mock:echo" });
console.log(`chat → ${response.provider}: ${response.content}`);
