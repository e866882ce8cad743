/**
 * Private: the validation pass of a fit (one GPU slot per batch and value, one readback at the end)
 * and the label check before the first step.
 * @module
 */

import { device, noGrad, type Tensor, tidy, zeros } from "../tensor/mod.ts";
import { checkLabelRange } from "./_labels.ts";
import type { BatchUploader } from "./_batch_gpu.ts";
import type { LearnerData, LearnerModel, LossFn, NamedMetric } from "./learner_types.ts";

/** What validation needs from the learner. */
export interface ValidateContext {
  model: LearnerModel;
  lossFn: LossFn;
  metrics: readonly NamedMetric[];
  uploader: BatchUploader;
}

/** Validation: one GPU slot per batch and value, one readback at the end. */
export async function validate(
  ctx: ValidateContext,
  data: LearnerData,
  scratch: { buf: Tensor | null },
): Promise<{ valLoss: number; metrics: Record<string, number> }> {
  const { model, lossFn, metrics, uploader } = ctx;
  const loader = data.valid;
  const width = 1 + metrics.length;
  const need = Math.max(1, loader.length) * width;
  if (!scratch.buf || scratch.buf.size < need) {
    scratch.buf?.dispose();
    scratch.buf = zeros([need]);
  }
  const buf = scratch.buf;
  const d = device();
  const sizes: number[] = [];
  model.eval?.();
  try {
    for await (const b of loader) {
      if ((sizes.length + 1) * width > buf.size) {
        throw new RangeError(
          `Cannot validate: the loader gave more batches than its length ${loader.length}`,
        );
      }
      const { x, y } = uploader.upload(b);
      const slot = sizes.length * width;
      tidy(() =>
        noGrad(() => {
          const out = model.forward(x);
          const values = [lossFn(out, y), ...metrics.map((m) => m.fn(out, y))];
          values.forEach((v, j) => {
            if (v.size !== 1) {
              throw new TypeError(
                `Cannot validate: ${
                  j === 0 ? "the loss" : `metric ${metrics[j - 1]!.name}`
                } gave shape [${v.shape}], expected a scalar`,
              );
            }
            d.copy(v.buffer, 0, buf.buffer, (slot + j) * 4, 4);
          });
        })
      );
      sizes.push(b.shape[0]!);
    }
  } finally {
    model.train?.();
  }
  if (sizes.length === 0) {
    return { valLoss: NaN, metrics: Object.fromEntries(metrics.map((m) => [m.name, NaN])) };
  }
  const vals = new Float32Array(await d.read(buf.buffer, 0, sizes.length * width * 4));
  const total = sizes.reduce((a, b) => a + b, 0);
  const avg = (j: number) => sizes.reduce((s, n, i) => s + vals[i * width + j]! * n, 0) / total;
  return {
    valLoss: avg(0),
    metrics: Object.fromEntries(metrics.map((m, j) => [m.name, avg(j + 1)])),
  };
}

/**
 * The data's labels against the model's output count: one forward in eval mode without a graph
 * (no batch-norm statistics move), once per fit, before the first step.
 */
export function checkOutputs(
  model: LearnerModel,
  x: Tensor,
  labels: { min: number; max: number },
): void {
  model.eval?.();
  try {
    tidy(() => noGrad(() => checkLabelRange(labels, model.forward(x).shape)));
  } finally {
    model.train?.();
  }
}
