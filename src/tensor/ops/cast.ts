/**
 * Dtype conversion (`cast`, `toFloat`, `toInt`): a real conversion of the values by
 * `shaders/cast.wgsl`, never a reinterpretation of the bits. f32 -> i32 truncates toward zero as
 * PyTorch's `.int()` (NaN gives 0; values past the i32 range saturate). Casting to the same dtype
 * returns a copy. The gradient flows through a cast to f32 (to i32: none, as PyTorch's integers).
 *
 * WGSL: `shaders/cast.wgsl`. CPU twin: `_cast_ref.ts`. Tests: `cast_test.ts`.
 * @module
 */
import { tensorArg } from "./_args.ts";
import { device } from "../device.ts";
import { constants } from "../_shaders.ts";
import { needsGrad, record } from "../autograd.ts";
import { type DType, Tensor } from "../tensor.ts";
import { grid1d, stridedParams } from "./_launch.ts";
import { checkDtypeName } from "./_dtype.ts";

/** @internal The conversion without graph (the `OP_*` of `shaders/cast.wgsl`). */
export function castRaw(a: Tensor, dtype: DType): Tensor {
  const d = device();
  const out = Tensor.empty(a.shape, dtype);
  const C = constants.cast;
  const op = a.dtype === dtype ? C.OP_COPY : dtype === "f32" ? C.OP_I32_TO_F32 : C.OP_F32_TO_I32;
  const p = stridedParams([a.size], [[1]]);
  d.dispatch(
    d.kernel("cast", { OP: op, CONTIG: 1 }),
    { P: d.uniform(p), a: a.buffer, out: out.buffer },
    grid1d(a.size, 256),
  );
  return out;
}

/**
 * `a` converted to `dtype` (`"f32"` or `"i32"`).
 *
 * @example Usage
 * ```ts
 * import { init, tensor } from "../mod.ts";
 * await init();
 * const y = cast(tensor([1.7, -1.7]), "i32");
 * await y.data(); // Int32Array [1, -1]
 * ```
 * @throws {TypeError} For a dtype that is not `"f32"` or `"i32"`.
 */
export function cast(a: Tensor, dtype: DType): Tensor {
  tensorArg("cast", "the input", a);
  checkDtypeName(dtype, "cast");
  const out = castRaw(a, dtype);
  if (dtype === "f32" && a.dtype === "f32" && needsGrad(a)) {
    record(out, "cast", [a], [], (g) => [g]);
  }
  return out;
}

/** `a` as f32 (PyTorch `.float()`). */
export const toFloat = (a: Tensor): Tensor => cast(a, "f32");
/** `a` as i32, truncated toward zero (PyTorch `.int()`). */
export const toInt = (a: Tensor): Tensor => cast(a, "i32");

/** @internal `a` as f32: `a` itself when it already is, else a converted copy (for promotion). */
export function asFloat(a: Tensor): Tensor {
  return a.dtype === "f32" ? a : castRaw(a, "f32");
}
