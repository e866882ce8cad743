/**
 * Ops whose images are independent (convolution, pooling) past the binding limit: the batch is cut into
 * groups of images whose every buffer fits one storage binding, the op runs on each group (a slice of the
 * input along dimension 0), and the results are concatenated. Slices and concatenation are ordinary
 * differentiable ops, so the backward (dx per group, weight and bias gradients summed over groups)
 * follows from the graph. Used only when the whole batch does not fit.
 * @module
 */
import { device } from "../device.ts";
import { GpuError } from "../gpu_error.ts";
import type { Tensor } from "../tensor.ts";
import { fmtBytes, fmtLimit } from "../_limits.ts";
import { concat, slice } from "./movement.ts";

/**
 * `op` over groups of the images of `x` when `bytesPerImage` (the largest of the op's buffers, per
 * image) times the batch is more than one binding; `null` when the whole batch fits (the caller runs the
 * op as usual). Throws a `GpuError` naming `what` when one image alone does not fit.
 */
export function byImageGroups(
  x: Tensor,
  bytesPerImage: number,
  op: (part: Tensor) => Tensor,
  what: () => string,
): Tensor | null {
  const d = device();
  const n = x.shape[0]!;
  if (n * bytesPerImage <= d.maxBinding) return null;
  const per = Math.floor(d.maxBinding / bytesPerImage);
  if (per < 1) {
    throw new GpuError(
      `Cannot run ${what()}: one image needs a ${fmtBytes(bytesPerImage)} buffer, over the ` +
        `device's maxStorageBufferBindingSize of ${fmtLimit(d.limits.maxStorageBufferBindingSize)}`,
    );
  }
  if (per >= n) return null;
  const parts: Tensor[] = [];
  for (let n0 = 0; n0 < n; n0 += per) {
    const xs = slice(x, [n0], [Math.min(n, n0 + per)]);
    parts.push(op(xs));
    xs.dispose();
  }
  const y = concat(parts, 0);
  for (const p of parts) p.dispose();
  return y;
}
