/**
 * `classifyStance()`: the stance of a text toward a target, as one zero-shot
 * classification through the `classify` route (so it is routed, retried,
 * cancellable and reported like `classifyZeroShot`, and works wherever that
 * does).
 *
 * The three candidate labels carry the target, and the hypothesis template
 * only the verb's slot, so a target is never parsed as a template (a `{}` or
 * a `$&` in it stays text):
 *
 * | label   | hypothesis the NLI model judges against the text |
 * | ------- | ------------------------------------------------ |
 * | favor   | `This text supports <target>.`                   |
 * | against | `This text opposes <target>.`                    |
 * | neutral | `This text is neutral about <target>.`           |
 *
 * Scored single-label (a softmax over the three), so the scores sum to ~1;
 * the label is the highest, a tie going to favor, then against, then
 * neutral (as the original design's `StanceResult`).
 */
import {
  assertCallOptions,
  assertModel,
  assertText,
  type CallOptions,
  RatatoskrError,
  STANCE_LABELS,
  type StanceResult,
  stanceLabelOf,
} from "@ratatoskr/core";
import type { GatewayCore } from "./gateway-core.ts";
import { classifyZeroShot } from "./unary-calls.ts";

/** The hypothesis template of a stance call: `{}` is the label, which carries the target. */
export const STANCE_HYPOTHESIS_TEMPLATE = "This text {}.";

/** The zero-shot labels of a stance call toward `target`, in {@link STANCE_LABELS} order. */
export function stanceLabels(target: string): [string, string, string] {
  return [`supports ${target}`, `opposes ${target}`, `is neutral about ${target}`];
}

/** `classifyStance()`. */
export async function classifyStance(
  core: GatewayCore,
  text: string,
  target: string,
  model: string,
  options: CallOptions | undefined,
): Promise<StanceResult> {
  assertText(text, "text");
  assertText(target, "target");
  assertModel(model);
  assertCallOptions(options);
  const labels = stanceLabels(target);
  const classified = await classifyZeroShot(core, text, labels, model, {
    ...options,
    hypothesisTemplate: STANCE_HYPOTHESIS_TEMPLATE,
    multiLabel: false,
  });
  const [favor, against, neutral] = labels.map((label, index) => {
    const score = classified.scores[label];
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new RatatoskrError({
        code: "data",
        message: `classifyStance: the zero-shot answer for "${model}" has no score for the ${STANCE_LABELS[index]} hypothesis (label "${label}")`,
        model,
      });
    }
    return score;
  }) as [number, number, number];
  return { favor, against, neutral, label: stanceLabelOf({ favor, against, neutral }), target };
}
