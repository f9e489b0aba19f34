/**
 * The LineChat provider end to end: start the loopback LineChat server,
 * build a gateway from the provider's descriptor, then chat, stream (with a
 * tool call) and embed. Run it with
 * `npx -y pnpm@12.4.2 --filter ratatoskr-provider-linechat demo`.
 */
import { Message, Ratatoskr } from "@ratatoskr/gateway";
import { linechatDescriptor } from "./index.ts";
import { startLineChatServer } from "./linechat-fake-server.ts";

/** The demo server's key: a placeholder, not a real credential. */
const DEMO_KEY = "demo-key-not-a-secret";

const server = await startLineChatServer({ apiKey: DEMO_KEY });
try {
  const gateway = await Ratatoskr.builder()
    .use(linechatDescriptor, { apiKey: DEMO_KEY, baseURL: server.url })
    .hooks({ onWarning: ({ warning }) => console.log(`  (warning: ${JSON.stringify(warning)})`) })
    .build();

  console.log(`LineChat server at ${server.url}\n`);
  console.log(`route("chat", "line-1"): ${gateway.route("chat", "line-1").explanation}\n`);

  const answer = await gateway.chat([Message.user("Hello, LineChat!")], {
    model: "line-1",
    providerOptions: { linechat: { safeMode: true } },
  });
  console.log(`chat → ${JSON.stringify(answer.content)}`);
  console.log(
    `  model ${answer.model}, request ${answer.requestId}, usage ${JSON.stringify(answer.usage)}\n`,
  );

  console.log("chatStream (temperature 2 is clamped by the service, a warning):");
  const tools = [
    {
      name: "get_weather",
      description: "The weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  ];
  for await (const event of gateway.chatStream([Message.user("What's the weather in Bergen?")], {
    model: "line-1",
    tools,
    temperature: 2,
  })) {
    if (event.type === "tool_call_end")
      console.log(`  tool call ${event.name}(${event.arguments})`);
    else if (event.type === "content") process.stdout.write(event.text);
    else if (event.type === "done") {
      console.log(`  done: ${event.finishReason}, warnings ${JSON.stringify(event.warnings)}\n`);
    }
  }

  const vectors = await gateway.embedBatch(["fjord", "glacier", "aurora"], "line-embed-1");
  console.log(`embedBatch → ${vectors.length} vectors of ${vectors[0]?.dimensions} numbers`);
  console.log(`  first: [${vectors[0]?.values.map((value) => value.toFixed(3)).join(", ")}]`);
  await gateway.dispose();
} finally {
  await server.close();
}
