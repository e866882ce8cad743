/**
 * Private: the raw f32 elementwise kernels (no autograd): unary (`shaders/unary.wgsl`), binary with
 * broadcasting (`shaders/binary.wgsl`, same-shape ones as vec4 in `shaders/binary_vec4.wgsl`), each
 * launched with the workgroup size the autotuner chose for its class (`_elementwise_tune.ts`;
 * 256 until one is measured). The ops with gradients are `elementwise.ts`, whose header gives the
 * kernels' contract (their CPU twin, `_elementwise_ref.ts`, and tests, `elementwise_test.ts`; every
 * tuned variant: `../tune_families_test.ts`).
 * @module
 */
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { Tensor } from "../tensor.ts";
import { broadcastStrides, fmt, grid1d } from "./_launch.ts";
import { chunkRanges, fitsWhole, runStrided } from "./_chunk.ts";
import { floatOnly } from "./_dtype.ts";
import { ewVariant, wgOf, withWG } from "./_elementwise_tune.ts";

/** @internal Unary kernel on `a` without recording the graph. */
export function unaryRaw(a: Tensor, op: number, s0 = 0, s1 = 0): Tensor {
  floatOnly("run a unary kernel on", [a]);
  const d = device();
  const out = Tensor.empty(a.shape);
  const wg = wgOf(ewVariant(d, "unary", a.size, a.shape));
  runStrided(
    d.kernel("unary", withWG({ OP: op, CONTIG: 1 }, wg)),
    [a.size],
    [{ buf: a.buffer, strides: [1] }],
    out.buffer,
    {
      s0,
      s1,
      contig: true,
      what: () => `unary op ${op} of ${fmt(a.shape)}`,
      wg,
    },
  );
  return out;
}

/** Shape of broadcasting `a` with `b` (NumPy rules); throws a `TypeError` naming both shapes. */
export function broadcastShape(
  a: readonly number[],
  b: readonly number[],
  op = "broadcast",
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new TypeError(
        `Cannot ${op} shapes ${fmt(a)} and ${fmt(b)}: dimension ${i} is ${x} vs ${y}`,
      );
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** @internal Binary kernel with broadcasting, without recording the graph. */
export function binaryRaw(
  a: Tensor,
  b: Tensor,
  op: number,
  name = "combine",
  s0 = 0,
  s1 = 0,
): Tensor {
  floatOnly(name, [a, b]);
  const d = device();
  const shape = broadcastShape(a.shape, b.shape, name);
  const out = Tensor.empty(shape);
  const same = a.shape.join() === b.shape.join();
  const what = () => `${name} ${fmt(a.shape)} with ${fmt(b.shape)}`;
  const kind = !same ? "strided" : out.size % 4 === 0 ? "vec4" : "binary";
  const v = ewVariant(d, kind, out.size, a.shape, b.shape), wg = wgOf(v);
  if (kind === "vec4" && v !== "scalar") {
    const k = d.kernel("binary_vec4", withWG({ OP: op }, wg));
    const whole = fitsWhole(a.buffer, b.buffer, out.buffer);
    for (const [s, n] of whole ? [[0, out.size]] : chunkRanges(out.size)) {
      const pv = packUniform(layouts.binary_vec4.Params, { n4: n! / 4, s0, s1 });
      const [x, y, z] = whole
        ? [a.buffer, b.buffer, out.buffer]
        : [a.buffer, b.buffer, out.buffer].map((buf) => d.slice(buf, s! * 4, n! * 4));
      d.dispatch(k, { P: d.uniform(pv), a: x!, b: y!, out: z! }, grid1d(n! / 4, wg), what);
    }
    return out;
  }
  runStrided(
    d.kernel("binary", withWG({ OP: op, CONTIG: same ? 1 : 0 }, wg)),
    shape,
    [
      { buf: a.buffer, strides: broadcastStrides(a.shape, shape) },
      { buf: b.buffer, strides: broadcastStrides(b.shape, shape) },
    ],
    out.buffer,
    { s0, s1, contig: same, what, wg },
  );
  return out;
}
