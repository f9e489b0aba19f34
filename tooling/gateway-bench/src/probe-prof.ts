import { Message, Ratatoskr } from "@ratatoskr/gateway";
import { BENCH_MODEL, benchProvider } from "./bench-provider.ts";
import { startOpenAIWireServer } from "./openai-wire-server.ts";
const server = await startOpenAIWireServer({ chunks: 50 });
const g = await Ratatoskr.builder().use(await benchProvider(server.baseURL)).build();
const messages = [Message.user("Say hello.")];
for (let i = 0; i < 12000; i++) { for await (const _ of g.chatStream(messages, { model: BENCH_MODEL })) {} }
await server.close();
