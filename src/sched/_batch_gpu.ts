/**
 * Private: uploads CPU batches into GPU tensors that are created once per batch shape and then
 * overwritten with `t.write()` (a full batch and, at most, the last partial one of each loader).
 * @module
 */

import { type Tensor, zeros } from "../tensor/mod.ts";
import type { CpuBatch } from "./learner_types.ts";

/** Reused `x` (f32 NCHW) and `y` (i32) GPU tensors, one pair per batch shape. */
export class BatchUploader {
  #cache = new Map<string, { x: Tensor; y: Tensor }>();

  /** Writes `batch` into the pair of its shape (created on first use) and returns it. */
  upload(batch: CpuBatch): { x: Tensor; y: Tensor } {
    const shape = batch.shape;
    if (!Array.isArray(shape) && !(shape && typeof shape === "object" && "length" in shape)) {
      throw new TypeError(`Cannot upload a batch: expected a shape array, got ${String(shape)}`);
    }
    const key = shape.join("x");
    let pair = this.#cache.get(key);
    if (!pair) {
      const n = shape[0];
      let size = 1;
      for (const d of shape) size *= d;
      if (batch.x.length !== size || batch.y.length !== n) {
        throw new TypeError(
          `Cannot upload a batch of shape [${shape}]: expected ${size} inputs and ${n} labels, got ${batch.x.length} and ${batch.y.length}`,
        );
      }
      pair = { x: zeros([...shape]), y: zeros([n], { dtype: "i32" }) };
      this.#cache.set(key, pair);
    }
    pair.x.write(batch.x);
    pair.y.write(batch.y);
    return pair;
  }

  /** Number of tensor pairs created. */
  get pairs(): number {
    return this.#cache.size;
  }

  dispose(): void {
    for (const { x, y } of this.#cache.values()) {
      x.dispose();
      y.dispose();
    }
    this.#cache.clear();
  }
}
