/**
 * Remote vs embedded: `chat` and `chatStream` on an embedded gateway over
 * the mock provider (reference) and on a `ServiceClient` pointed at a
 * loopback server of the same kind of gateway (candidate), interleaved call
 * by call in one process, plus the process's peak RSS (client and server
 * together). Prints ratios and the time remote mode adds; asserts nothing.
 *
 * Usage: npx -y pnpm@12.4.2 --filter @ratatoskr/client bench
 *   (ROUNDS=… ITERATIONS=… to change the amount of work)
 */
import { compare, peakRssMiB, printComparison } from "@ratatoskr/bench";
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider } from "@ratatoskr/testing";
import { createServiceClient } from "../src/index.ts";
import { serveGateway } from "../test/support/serve-gateway.ts";

const rounds = Number(process.env.ROUNDS ?? 5);
const iterations = Number(process.env.ITERATIONS ?? 400);

const embedded = await Ratatoskr.builder().use(createMockProvider()).build();
const server = await serveGateway(await Ratatoskr.builder().use(createMockProvider()).build());
const client = createServiceClient(server.url);

const messages = [Message.user("How far is it from Asgard to Midgard along the ash tree?")];
const options = { model: "mock-1" };

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

const rssBefore = peakRssMiB();
const chat = await compare(
  { name: "embedded chat", run: () => embedded.chat(messages, options) },
  { name: "remote chat", run: () => client.chat(messages, options) },
  { rounds, iterations, warmup: 200 },
);
printComparison("chat: remote (client → loopback server → mock) vs embedded", chat);
const stream = await compare(
  { name: "embedded chatStream", run: () => drain(embedded.chatStream(messages, options)) },
  { name: "remote chatStream", run: () => drain(client.chatStream(messages, options)) },
  { rounds, iterations, warmup: 200 },
);
printComparison("chatStream (whole stream): remote vs embedded", stream);
console.log(
  `\nNode ${process.version}, ${rounds}×${iterations} operations per side and call.` +
    `\npeak RSS of this process (client + server + embedded gateway): ${peakRssMiB().toFixed(1)} MiB` +
    ` (${rssBefore.toFixed(1)} MiB before the first call)`,
);
await client.close();
await server.close();
