/**
 * Load (issue 8, item 6): 200 concurrent streams through the gateway
 * against the loopback OpenAI-wire server, bounded in count (one round)
 * and time. All complete, none corrupted; the figures are printed, never
 * asserted (bench/run.ts runs more rounds).
 */
import { expect, it } from "vitest";
import { formatLoadReport, runLoad } from "./load-run.ts";

it("200 concurrent streams: all complete, none corrupted", async () => {
  const report = await runLoad({ concurrency: 200, events: 50, rounds: 1 });
  console.log(formatLoadReport(report));
  expect(report.failed).toBe(0);
  expect(report.corrupted).toBe(0);
  expect(report.completed).toBe(400);
});
