/**
 * Private: the dtype rules of the elementwise ops (see `elementwise.ts`): promotion of i32 operands
 * to f32 by a real conversion, and the integer kernel `shaders/binary_i32.wgsl` for two i32 operands.
 * @module
 */
import { device } from "../device.ts";
import { Tensor } from "../tensor.ts";
import { broadcastStrides, grid1d, stridedParams } from "./_launch.ts";
import { asFloat } from "./cast.ts";
import { B, broadcastShape, type Operand } from "./elementwise.ts";

const WG = 256;

/** Ops that PyTorch computes in floating point for an integer input (`exp(int)` is float). */
export const FLOAT_MATH = new Set(["exp", "log", "sqrt", "sigmoid", "tanh"]);

/** Runs `f` on `a` as f32 (a converted copy for i32, disposed after; the graph keeps its own view). */
export function onFloat<T>(ts: readonly Tensor[], f: (fs: Tensor[]) => T): T {
  const fs = ts.map(asFloat);
  try {
    return f(fs);
  } finally {
    fs.forEach((t, i) => t !== ts[i] && t.dispose());
  }
}

/** Integer kernel of two i32 tensors with broadcasting (op numbers of `B`). */
export function binaryI32Raw(a: Tensor, b: Tensor, op: number, name: string): Tensor {
  if (a.dtype !== "i32" || b.dtype !== "i32") {
    throw new TypeError(
      `Cannot ${name} ${a.dtype} and ${b.dtype} with the integer kernel: expected i32`,
    );
  }
  const d = device();
  const shape = broadcastShape(a.shape, b.shape, name);
  const out = Tensor.empty(shape, op >= B.gt ? "f32" : "i32");
  const p = stridedParams(shape, [
    broadcastStrides(a.shape, shape),
    broadcastStrides(b.shape, shape),
  ]);
  d.dispatch(
    d.kernel("binary_i32", { OP: op, CONTIG: 0 }),
    { P: d.uniform(p), a: a.buffer, b: b.buffer, out: out.buffer },
    grid1d(out.size, WG),
  );
  return out;
}

export const isI32Scalar = (b: number) => Number.isInteger(b) && b >= -(2 ** 31) && b < 2 ** 31;

/**
 * The dtype rule of a binary op (see the module docs): `null` when both operands are f32 (the caller
 * goes on), else the result, computed by the integer kernel or by `self` on f32 conversions.
 * `intOp` null: the op has no integer kernel; `float`: the op always computes in f32 (`div`).
 */
export function byDtype(
  name: string,
  a: Tensor,
  b: Operand,
  intOp: number | null,
  self: (a: Tensor, b: Operand) => Tensor,
  float = false,
): Tensor | null {
  const bt = typeof b === "number" ? null : b;
  if (a.dtype === "f32" && (bt === null || bt.dtype === "f32")) return null;
  const allInt = a.dtype === "i32" &&
    (bt ? bt.dtype === "i32" : isI32Scalar(b as number));
  if (allInt && !float) {
    if (intOp === null) {
      throw new TypeError(
        `Cannot ${name} i32 and i32: ${name} of integers is not supported ` +
          `(convert with toFloat(t) or t.float())`,
      );
    }
    if (bt) return binaryI32Raw(a, bt, intOp, name);
    return withI32Scalar(b as number, (s) => binaryI32Raw(a, s, intOp, name));
  }
  return onFloat(bt ? [a, bt] : [a], ([x, y]) => self(x!, y ?? b));
}

/** Runs `f` with a scalar i32 tensor holding `v` (disposed after). */
export function withI32Scalar<T>(v: number, f: (s: Tensor) => T): T {
  const s = Tensor.empty([], "i32").write([v]);
  try {
    return f(s);
  } finally {
    s.dispose();
  }
}
