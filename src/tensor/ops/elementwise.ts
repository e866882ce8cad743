/**
 * Elementwise ops with broadcasting and scalar operands, each forward beside its backward.
 * Unary and binary kernels are `shaders/unary.wgsl` and `shaders/binary.wgsl`; the op numbers below are
 * the `OP` override of those shaders, read from their `const OP_*` by `tools/gen_shaders.ts`.
 *
 * Dtypes, as PyTorch: an i32 operand with an f32 one (or with a fractional number) is converted to f32
 * first (a real conversion, `cast.ts`), and the result is f32; `div` always gives f32 (true
 * division); two i32 operands of `add`, `sub`, `mul`, `maximum`, `minimum` and the comparisons run
 * the integer kernel `shaders/binary_i32.wgsl` (i32 results; comparisons give f32 0/1 as for f32).
 * `exp`, `log`, `sqrt`, `sigmoid`, `tanh` convert an i32 input to f32; the other unary ops, `pow` of
 * two i32 operands and `where` of two i32 operands refuse with a `TypeError` naming the dtypes.
 *
 * WGSL: `shaders/unary.wgsl`, `shaders/binary.wgsl`, `shaders/binary_vec4.wgsl`,
 * `shaders/binary_i32.wgsl`, `shaders/where.wgsl`. CPU twin: `_elementwise_ref.ts`. Tests:
 * `elementwise_test.ts`.
 * @module
 */
import { operandArg, operandsArg, tensorArg, tensorsArg } from "./_args.ts";
import { binaryRaw, broadcastShape, unaryRaw } from "./_elementwise_raw.ts";
import { ewVariant, wgOf, withWG } from "./_elementwise_tune.ts";
import { device } from "../device.ts";
import { B, U } from "./_op_codes.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { broadcastStrides, fmt } from "./_launch.ts";
import { runStrided } from "./_chunk.ts";
import { sumTo } from "./reduce.ts";
import { floatOnly } from "./_dtype.ts";
import { fuse } from "../_fusion.ts";
import {
  binaryI32Raw,
  byDtype,
  FLOAT_MATH,
  isI32Scalar,
  onFloat,
  withI32Scalar,
} from "./_int_ops.ts";

export { B, U } from "./_op_codes.ts";
export { binaryRaw, broadcastShape, unaryRaw } from "./_elementwise_raw.ts";

function unary(
  a: Tensor,
  name: string,
  op: number,
  grad: (g: Tensor, x: Tensor, y: Tensor) => Tensor,
  s0 = 0,
  s1 = 0,
): Tensor {
  tensorArg(name, "the input", a);
  if (a.dtype !== "f32") {
    if (!FLOAT_MATH.has(name)) floatOnly(name, [a]);
    return onFloat([a], ([x]) => unary(x!, name, op, grad, s0, s1));
  }
  const out = unaryRaw(a, op, s0, s1);
  if (needsGrad(a)) record(out, name, [a], [a, out], (g, [x, y]) => [grad(g, x!, y!)]);
  return out;
}

/** `-a`. */
export const neg = (a: Tensor): Tensor => unary(a, "neg", U.neg, (g) => unaryRaw(g, U.neg));
/** `e^a`. */
export const exp = (a: Tensor): Tensor =>
  unary(a, "exp", U.exp, (g, _x, y) => binaryRaw(g, y, B.mul));
/** Natural logarithm. */
export const log = (a: Tensor): Tensor => unary(a, "log", U.log, (g, x) => binaryRaw(g, x, B.div));
/** Square root. */
export const sqrt = (a: Tensor): Tensor =>
  unary(a, "sqrt", U.sqrt, (g, _x, y) => binaryRaw(y, g, B.sqrtGrad));
/** `max(a, 0)`. */
export const relu = (a: Tensor): Tensor =>
  // a deferred linear or conv + batch norm runs with the ReLU fused (`_fusion.ts`)
  fuse(a, "relu") ?? unary(a, "relu", U.relu, (g, x) => binaryRaw(x, g, B.reluGrad));
/** `1 / (1 + e^-a)`. */
export const sigmoid = (a: Tensor): Tensor =>
  unary(a, "sigmoid", U.sigmoid, (g, _x, y) => binaryRaw(y, g, B.sigmoidGrad));
/** Hyperbolic tangent. */
export const tanh = (a: Tensor): Tensor =>
  unary(a, "tanh", U.tanh, (g, _x, y) => binaryRaw(y, g, B.tanhGrad));
/** `|a|`. */
export const abs = (a: Tensor): Tensor =>
  unary(a, "abs", U.abs, (g, x) => binaryRaw(g, unaryRaw(x, U.sign), B.mul));
/** `a * a`. */
export const square = (a: Tensor): Tensor =>
  unary(a, "square", U.square, (g, x) => binaryRaw(g, unaryRaw(x, U.mulS, 2), B.mul));

/** `a ** p` for a scalar exponent (integer exponents work on negative bases, as in PyTorch). */
export function powScalar(a: Tensor, p: number): Tensor {
  tensorArg("pow", "a", a);
  operandArg("pow", "p", p);
  return unary(
    a,
    "pow",
    U.powS,
    (g, x) => binaryRaw(g, unaryRaw(unaryRaw(x, U.powS, p - 1), U.mulS, p), B.mul),
    p,
  );
}

/** A tensor or a plain number as the operand of an elementwise op. */
export type Operand = Tensor | number;

function scalarOp(
  a: Tensor,
  op: number,
  s: number,
  grad: (g: Tensor, x: Tensor) => Tensor,
  name: string,
) {
  return unary(a, name, op, (g, x) => grad(g, x), s);
}

/** `a + b` with broadcasting; either may be a number. */
export function add(a: Operand, b: Operand): Tensor {
  operandsArg("add", a, b);
  if (typeof a === "number") return add(b, a);
  const r = byDtype("add", a, b, B.add, add);
  if (r) return r;
  if (typeof b === "number") return scalarOp(a, U.addS, b, (g) => unaryRaw(g, U.copy), "add");
  const out = binaryRaw(a, b, B.add, "add");
  if (needsGrad(a, b)) {
    record(out, "add", [a, b], [], (g) => [sumTo(g, a.shape), sumTo(g, b.shape)]);
  }
  return out;
}

/** `a - b` with broadcasting; either may be a number. */
export function sub(a: Operand, b: Operand): Tensor {
  operandsArg("subtract", a, b);
  if (typeof a === "number") {
    const t = b as Tensor;
    if (t.dtype === "i32" && isI32Scalar(a)) {
      return withI32Scalar(a, (s) => binaryI32Raw(s, t, B.sub, "subtract"));
    }
    if (t.dtype !== "f32") return onFloat([t], ([x]) => sub(a, x!));
    return scalarOp(t, U.rsubS, a, (g) => unaryRaw(g, U.neg), "rsub");
  }
  const r = byDtype("subtract", a, b, B.sub, sub);
  if (r) return r;
  if (typeof b === "number") return add(a, -b);
  const out = binaryRaw(a, b, B.sub, "subtract");
  if (needsGrad(a, b)) {
    record(out, "sub", [a, b], [], (g) => [sumTo(g, a.shape), sumTo(unaryRaw(g, U.neg), b.shape)]);
  }
  return out;
}

/** `a * b` with broadcasting; either may be a number. */
export function mul(a: Operand, b: Operand): Tensor {
  operandsArg("multiply", a, b);
  if (typeof a === "number") return mul(b, a);
  const r = byDtype("multiply", a, b, B.mul, mul);
  if (r) return r;
  if (typeof b === "number") return scalarOp(a, U.mulS, b, (g) => unaryRaw(g, U.mulS, b), "mul");
  const out = binaryRaw(a, b, B.mul, "multiply");
  if (needsGrad(a, b)) {
    record(out, "mul", [a, b], [a, b], (g, [x, y]) => [
      a.requiresGrad ? sumTo(binaryRaw(g, y!, B.mul), a.shape) : null,
      b.requiresGrad ? sumTo(binaryRaw(g, x!, B.mul), b.shape) : null,
    ]);
  }
  return out;
}

/** `a / b` with broadcasting; either may be a number. */
export function div(a: Operand, b: Operand): Tensor {
  operandsArg("divide", a, b);
  if (typeof a === "number") {
    const t = b as Tensor;
    if (t.dtype !== "f32") return onFloat([t], ([x]) => div(a, x!));
    return scalarOp(t, U.rdivS, a, (g, x) => {
      // d(a/x)/dx = -a / x^2
      const r = unaryRaw(unaryRaw(x, U.square), U.rdivS, -a);
      return binaryRaw(g, r, B.mul);
    }, "rdiv");
  }
  const r = byDtype("divide", a, b, null, div, true);
  if (r) return r;
  if (typeof b === "number") return mul(a, 1 / b);
  const out = binaryRaw(a, b, B.div, "divide");
  if (needsGrad(a, b)) {
    record(out, "div", [a, b], [b, out], (g, [y, q]) => [
      a.requiresGrad ? sumTo(binaryRaw(g, y!, B.div), a.shape) : null,
      b.requiresGrad
        ? sumTo(unaryRaw(binaryRaw(binaryRaw(g, q!, B.mul), y!, B.div), U.neg), b.shape)
        : null,
    ]);
  }
  return out;
}

/** `a ** b`: a scalar exponent uses {@linkcode powScalar}; a tensor exponent broadcasts. */
export function pow(a: Tensor, b: Operand): Tensor {
  tensorArg("pow", "a", a);
  operandArg("pow", "b", b);
  const r = byDtype("pow", a, b, null, pow, typeof b === "number" && !Number.isInteger(b));
  if (r) return r;
  if (typeof b === "number") return powScalar(a, b);
  const out = binaryRaw(a, b, B.pow, "pow");
  if (needsGrad(a, b)) {
    record(out, "pow", [a, b], [a, b, out], (g, [x, y, z]) => [
      // d/dx = y * x^(y-1) = y * z / x ; d/dy = z * ln x
      a.requiresGrad
        ? sumTo(binaryRaw(g, binaryRaw(binaryRaw(y!, z!, B.mul), x!, B.div), B.mul), a.shape)
        : null,
      b.requiresGrad
        ? sumTo(binaryRaw(g, binaryRaw(z!, unaryRaw(x!, U.log), B.mul), B.mul), b.shape)
        : null,
    ]);
  }
  return out;
}

/** Elementwise maximum (NaN in gives NaN out); the gradient goes to `a` where `a >= b`. */
export function maximum(a: Tensor, b: Operand): Tensor {
  tensorArg("maximum", "a", a);
  operandArg("maximum", "b", b);
  const r = byDtype("maximum", a, b, B.max, maximum);
  if (r) return r;
  if (typeof b === "number") {
    return scalarOp(a, U.maxS, b, (g, x) => binaryRaw(g, unaryRaw(x, U.geS, b), B.mul), "maximum");
  }
  const out = binaryRaw(a, b, B.max, "maximum");
  if (needsGrad(a, b)) {
    record(out, "maximum", [a, b], [a, b], (g, [x, y]) => [
      sumTo(binaryRaw(g, binaryRaw(x!, y!, B.ge), B.mul), a.shape),
      sumTo(binaryRaw(g, binaryRaw(x!, y!, B.lt), B.mul), b.shape),
    ]);
  }
  return out;
}

/** Elementwise minimum (NaN in gives NaN out); the gradient goes to `a` where `a <= b`. */
export function minimum(a: Tensor, b: Operand): Tensor {
  tensorArg("minimum", "a", a);
  operandArg("minimum", "b", b);
  const r = byDtype("minimum", a, b, B.min, minimum);
  if (r) return r;
  if (typeof b === "number") {
    return scalarOp(
      a,
      U.minS,
      b,
      (g, x) => binaryRaw(g, unaryRaw(unaryRaw(x, U.gtS, b), U.rsubS, 1), B.mul),
      "minimum",
    );
  }
  const out = binaryRaw(a, b, B.min, "minimum");
  if (needsGrad(a, b)) {
    record(out, "minimum", [a, b], [a, b], (g, [x, y]) => [
      sumTo(binaryRaw(g, binaryRaw(x!, y!, B.le), B.mul), a.shape),
      sumTo(binaryRaw(g, binaryRaw(x!, y!, B.gt), B.mul), b.shape),
    ]);
  }
  return out;
}

function compare(a: Tensor, b: Operand, op: number, sop: number, name: string): Tensor {
  tensorArg(name, "a", a);
  operandArg(name, "b", b);
  const r = byDtype(name, a, b, op, (x, y) => compare(x, y, op, sop, name));
  if (r) return r;
  return typeof b === "number" ? unaryRaw(a, sop, b) : binaryRaw(a, b, op, name);
}

/** `1` where `a > b`, else `0` (no gradient). */
export const gt = (a: Tensor, b: Operand): Tensor => compare(a, b, B.gt, U.gtS, "compare");
/** `1` where `a < b`, else `0` (no gradient). */
export const lt = (a: Tensor, b: Operand): Tensor => compare(a, b, B.lt, U.ltS, "compare");
/** `1` where `a >= b`, else `0` (no gradient). */
export const ge = (a: Tensor, b: Operand): Tensor => compare(a, b, B.ge, U.geS, "compare");
/** `1` where `a == b`, else `0` (no gradient). */
export const eq = (a: Tensor, b: Operand): Tensor => compare(a, b, B.eq, U.eqS, "compare");

/** `cond != 0 ? a : b`, all three broadcast together. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  tensorsArg("where", { cond, a, b });
  if (cond.dtype !== "f32" || a.dtype !== "f32" || b.dtype !== "f32") {
    if (a.dtype === "i32" && b.dtype === "i32") floatOnly("where", [a, b]);
    return onFloat([cond, a, b], ([c, x, y]) => where(c!, x!, y!));
  }
  const shape = broadcastShape(broadcastShape(cond.shape, a.shape, "where"), b.shape, "where");
  const out = Tensor.empty(shape);
  runWhere(cond, a, b, out);
  if (needsGrad(a, b)) {
    record(out, "where", [a, b], [cond], (g, [c]) => {
      const zero = unaryRaw(g, U.fill, 0);
      return [
        a.requiresGrad ? sumTo(whereRaw(c!, g, zero), a.shape) : null,
        b.requiresGrad ? sumTo(whereRaw(c!, zero, g), b.shape) : null,
      ];
    });
  }
  return out;
}

function whereRaw(c: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShape(broadcastShape(c.shape, a.shape), b.shape);
  const out = Tensor.empty(shape);
  runWhere(c, a, b, out);
  return out;
}

function runWhere(c: Tensor, a: Tensor, b: Tensor, out: Tensor): void {
  const d = device();
  const shape = out.shape;
  const wg = wgOf(ewVariant(d, "where", out.size, c.shape, a.shape, b.shape));
  runStrided(
    d.kernel("where", withWG({}, wg)),
    shape,
    [c, a, b].map((t) => ({ buf: t.buffer, strides: broadcastStrides(t.shape, shape) })),
    out.buffer,
    { what: () => `where ${fmt(c.shape)}, ${fmt(a.shape)}, ${fmt(b.shape)}`, wg },
  );
}
