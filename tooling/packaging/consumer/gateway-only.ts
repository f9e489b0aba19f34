/**
 * Type-checked in a project that installed only the gateway (and its
 * dependencies), with `skipLibCheck: false`: the declarations still compile,
 * and a shorthand whose provider package is missing takes a plain record.
 */
import { Message, Ratatoskr } from "@ratatoskr/gateway";

export async function ask(): Promise<string> {
  const gateway = await Ratatoskr.builder()
    .openrouter("key", { appName: "consumer", anything: { goes: true } })
    .localEmbeddings({ any: "record" })
    .build();
  return (await gateway.chat([Message.user("hi")], { model: "anthropic/claude-sonnet-4" })).content;
}
