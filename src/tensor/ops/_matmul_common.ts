/**
 * Pieces shared by the two matmul paths (`matmul.ts`, `_matmul_tex.ts`): the product's dimensions, the
 * vec4 alignment copy, and the 1-D launch grid.
 * @module
 */
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { Tensor } from "../tensor.ts";

/** The dimensions of C = op(A) op(B), batched. */
export interface Dims {
  batch: number;
  m: number;
  k: number;
  n: number;
  batchShape: number[];
  strideA: number;
  strideB: number;
}

/** Grid for `n` invocations of 64 along x, folded into y past 65535 workgroups. */
export function grid64(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / 64));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/**
 * An operand whose contiguous (last) dimension `cols` is a multiple of 4 as is, or a zero-padded copy
 * `[batch*rows, ld]` otherwise, so a kernel can read it as vec4s. Returns the row stride.
 */
export function aligned(
  t: Tensor,
  rows: number,
  cols: number,
): { t: Tensor; ld: number; copy: boolean } {
  if (cols % 4 === 0) return { t, ld: cols, copy: false };
  const ld = Math.ceil(cols / 4) * 4;
  const batchRows = t.size / cols;
  const out = Tensor.empty([batchRows, ld]);
  const d = device();
  const count = batchRows * ld;
  d.dispatch(
    d.kernel("matmul", {}, "pad"),
    {
      X: d.uniform(packUniform(layouts.matmul.Aux, { rows, cols, ld, count })),
      src: t.buffer,
      dst: out.buffer,
    },
    grid64(count),
  );
  return { t: out, ld, copy: true };
}

/**
 * Sums split-K partials `[batch*splits, m, n]` into `[..batch, m, n]` (or into `into`, of that many
 * elements), adding bias and ReLU.
 */
export function reduceSplits(
  partial: Tensor,
  outShape: number[],
  splits: number,
  n: number,
  bias: Tensor | undefined,
  relu: boolean,
  into?: Tensor,
): Tensor {
  const d = device();
  const out = into ?? Tensor.empty(outShape);
  const count = outShape.reduce((x, y) => x * y, 1);
  const perBatch = outShape.at(-1)! * outShape.at(-2)!;
  d.dispatch(d.kernel("matmul", { BIAS: bias ? 1 : 0, RELU: relu ? 1 : 0 }, "reduce"), {
    X: d.uniform(packUniform(layouts.matmul.Aux, { rows: perBatch, cols: splits, ld: n, count })),
    src: partial.buffer,
    bias: bias?.buffer ?? d.dummy,
    dst: out.buffer,
  }, grid64(count));
  partial.dispose();
  return out;
}
