/**
 * A real `ratd` process killed mid-run (SIGKILL, as a crash) and restarted
 * on the same port, serving an OpenAI-compatible loopback upstream whose
 * streams the test writes chunk by chunk. What the remote client must show:
 * calls that had delivered nothing are retried on `UNAVAILABLE` (bounded,
 * with backoff) and succeed against the restarted daemon; a stream that had
 * delivered events ends in a typed `network` error, never `done`; nothing
 * is reported complete that was not. Every wait is for an event (readiness
 * lines, upstream requests, stream events).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatEvent, Message, RatatoskrError } from "@ratatoskr/core";
import { afterEach, expect, it } from "vitest";
import { createServiceClient, type ServiceClient } from "../src/index.ts";
import { type HeldUpstream, startHeldUpstream } from "./support/held-upstream.ts";
import { type RatdProcess, spawnRatd } from "./support/ratd-process.ts";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A promise and its resolver. */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** A stream consumed in the background: its events, its end, and the first content. */
function consume(stream: AsyncIterable<ChatEvent>) {
  const events: ChatEvent[] = [];
  const firstContent = deferred();
  const ended = (async () => {
    for await (const event of stream) {
      events.push(event);
      if (event.type === "content") firstContent.resolve();
    }
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { events, firstContent: firstContent.promise, ended };
}

async function configure(
  upstream: HeldUpstream,
): Promise<{ args: string[]; env: Record<string, string> }> {
  const home = await mkdtemp(join(tmpdir(), "ratd-faults-"));
  cleanup.push(() => rm(home, { recursive: true, force: true }));
  const file = join(home, "ratd.toml");
  await writeFile(
    file,
    `[providers.openai]\nbase_url = "${upstream.baseURL}"\n\n[limits]\nrequest_timeout_secs = 0\n`,
  );
  // A placeholder key, built at run time; the upstream does not check it.
  return {
    args: ["--config", file],
    env: { HOME: home, OPENAI_API_KEY: ["test", "placeholder"].join("-") },
  };
}

it("SIGKILL mid-run: undelivered calls retried after the restart, the started stream a typed error", async () => {
  const upstream = await startHeldUpstream();
  cleanup.push(() => upstream.close());
  const { args, env } = await configure(upstream);
  let ratd: RatdProcess = await spawnRatd([...args, "--port", "0"], env);
  cleanup.push(() => ratd.kill());
  const client: ServiceClient = createServiceClient(ratd.url, {
    // Enough attempts to outlast a process restart on a slow machine; each
    // wait is short, so the retried calls land soon after ratd is back.
    retry: { retries: 200, initialDelayMs: 20, maxDelayMs: 250 },
  });
  cleanup.push(() => client.close());
  const model = "openai:gpt-4o-mini";
  const messages = [Message.user("Hello")];

  // 1. A stream that has delivered content when the daemon dies.
  let arrived = upstream.nextRequest();
  const started = consume(client.chatStream(messages, { model }));
  (await arrived).chunk("part one");
  await started.firstContent;

  // 2. A stream that has delivered nothing (the upstream sent headers only).
  arrived = upstream.nextRequest();
  const waiting = consume(client.chatStream(messages, { model }));
  (await arrived).open();

  // 3. A unary chat still waiting for its answer.
  arrived = upstream.nextRequest();
  const unary = client.chat(messages, { model }).then(
    (response) => response,
    (error: unknown) => error,
  );
  await arrived;
  expect(upstream.received).toHaveLength(3);

  await ratd.kill();

  // The stream that had delivered events ends in a typed error, not `done`.
  const startedError = await started.ended;
  expect(RatatoskrError.isInstance(startedError)).toBe(true);
  expect((startedError as RatatoskrError).code).toBe("network");
  expect(started.events.some((event) => event.type === "done")).toBe(false);
  expect(started.events.filter((event) => event.type === "content")).toHaveLength(1);

  // Restart on the same port; from now on the upstream answers at once.
  upstream.answerAll("after the restart");
  ratd = await spawnRatd([...args, "--port", String(ratd.port)], env);

  // The calls that had delivered nothing were retried and succeed.
  expect(await waiting.ended).toBeUndefined();
  expect(waiting.events.at(-1)).toMatchObject({ type: "done", finishReason: "stop" });
  expect(
    waiting.events.flatMap((event) => (event.type === "content" ? [event.text] : [])).join(""),
  ).toBe("after the restart");
  const answered = await unary;
  expect(RatatoskrError.isInstance(answered)).toBe(false);
  expect(answered).toMatchObject({ content: "after the restart" });

  // Exactly one retry each for the two undelivered calls; the started stream was not retried.
  expect(upstream.received).toHaveLength(5);
  expect(
    upstream.received
      .slice(3)
      .map((request) => request.stream)
      .sort(),
  ).toEqual([false, true]);
});
