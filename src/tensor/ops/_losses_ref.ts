/**
 * The CPU twin of `losses.ts` (crossEntropy; nllLoss is its second half). Tests: `losses_test.ts`.
 * @module
 */
import type { Arr } from "./_ref_arr.ts";
import { softmaxRef } from "./_softmax_ref.ts";

/** Mean cross-entropy of logits [n, c] at labels. */
export function crossEntropyRef(a: Arr, labels: number[]): number {
  const ls = softmaxRef(a, 1, true);
  const c = a.shape[1]!;
  return -labels.reduce((s, y, i) => s + ls.data[i * c + y]!, 0) / labels.length;
}
