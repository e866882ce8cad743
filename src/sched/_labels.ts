/**
 * Private: the label range of a learner's data, read once on the CPU before training (no GPU work),
 * and the check of it against the model's output count. Labels come from the loaders' datasets
 * (`ArrayDataset`, `ImageFolder` and the like expose `labels`); data without label arrays is not
 * checked here (its batches still are: see `Tensor.hostRange` and `nllLoss`).
 * @module
 */

import type { LearnerData } from "./learner_types.ts";

function labelsOf(loader: unknown): ArrayLike<number> | null {
  const ds = (loader as { dataset?: { labels?: unknown } } | null)?.dataset;
  const l = ds?.labels;
  if (l && typeof l === "object" && typeof (l as ArrayLike<number>).length === "number") {
    return l as ArrayLike<number>;
  }
  return null;
}

/** The largest and smallest label of every train and valid loader that exposes its labels, or null. */
export function dataLabelRange(
  dataList: readonly LearnerData[],
): { min: number; max: number } | null {
  let min = Infinity, max = -Infinity, any = false;
  for (const d of new Set(dataList)) {
    for (const loader of [d.train, d.valid]) {
      const labels = labelsOf(loader);
      if (!labels) continue;
      any = true;
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i]!;
        if (v > max) max = v;
        if (v < min) min = v;
      }
    }
  }
  return any && max >= min ? { min, max } : null;
}

/**
 * Throws a `RangeError` when the labels do not fit `[0, classes)` of a model output `[batch, classes]`
 * (a model whose output is not 2-D is not checked: its loss decides what the targets mean).
 */
export function checkLabelRange(
  range: { min: number; max: number } | null,
  outShape: readonly number[],
): void {
  if (!range || outShape.length !== 2) return;
  const classes = outShape[1]!;
  if (range.max >= classes || range.min < 0) {
    const bad = range.max >= classes ? range.max : range.min;
    throw new RangeError(
      `Cannot train: the data has label ${bad} but the model outputs ${classes} classes ` +
        `(labels must be in [0, ${classes}); the data's labels span [${range.min}, ${range.max}])`,
    );
  }
}
