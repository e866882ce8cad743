/**
 * 2-D pooling of NCHW tensors, forward beside backward (kernels in `shaders/pool2d.wgsl`): `maxPool2d`,
 * `avgPool2d` and `adaptiveAvgPool2d`, with PyTorch's semantics (floor mode). Backward passes gather
 * from the windows covering each input element, so they need no atomics.
 *
 * WGSL: `shaders/pool2d.wgsl`. CPU twin: `_pool_ref.ts`. Tests: `pool_test.ts`.
 * @module
 */
import { describeArg, tensorArg } from "./_args.ts";
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { kernelSizeOf } from "./_kernel_size.ts";
import { byImageGroups } from "./_batch_split.ts";
import { fmt, grid1d } from "./_launch.ts";
import type { Pair } from "./conv.ts";

const WG = 256;

/** Options of {@linkcode maxPool2d} and {@linkcode avgPool2d}. */
export interface Pool2dOptions {
  /** Window size. */
  kernelSize: Pair;
  /** Step between windows. @default {kernelSize} */
  stride?: Pair;
  /** Implicit padding on each side (at most half the kernel). @default {0} */
  padding?: Pair;
}

/** Options of {@linkcode avgPool2d}. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count padded zeros in the divisor. @default {true} */
  countIncludePad?: boolean;
}

/** `p` as `[h, w]`, checked to be integers >= `min`. */
function pair(p: Pair | undefined, dflt: number, name: string, min: number): [number, number] {
  if (p !== undefined && typeof p !== "number" && !Array.isArray(p)) {
    throw new TypeError(
      `Cannot use ${name} ${describeArg(p)}: expected an integer >= ${min} or a pair of them`,
    );
  }
  const v = p === undefined ? [dflt, dflt] : typeof p === "number" ? [p, p] : [...p];
  if (v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= min)) {
    throw new RangeError(
      `Cannot use ${name} ${JSON.stringify(p)}: expected an integer >= ${min} or a pair of them`,
    );
  }
  return v as [number, number];
}

interface Geo {
  n: number;
  c: number;
  h: number;
  w: number;
  ho: number;
  wo: number;
  k: [number, number];
  s: [number, number];
  p: [number, number];
}

function planes(x: Tensor, what: string): [number, number, number, number] {
  tensorArg(what, "the input", x);
  floatOnly(what, [x]);
  if (x.rank !== 4) {
    throw new TypeError(`Cannot ${what} input ${fmt(x.shape)}: expected [N, C, H, W]`);
  }
  return x.shape as [number, number, number, number];
}

/** The options of a pooling op, given as options or as a bare kernel size (PyTorch's `max_pool2d(x, 2)`). */
function poolOptions<T extends Pool2dOptions>(o: T | Pair, what: string): T {
  if (typeof o === "number" || Array.isArray(o)) {
    kernelSizeOf(o, what);
    return { kernelSize: o } as T;
  }
  if (o === null || typeof o !== "object") {
    throw new TypeError(
      `Cannot ${what} with ${
        JSON.stringify(o) ?? String(o)
      }: expected a kernel size (a number or [h, w]) or options ` +
        `{ kernelSize, stride?, padding? }`,
    );
  }
  kernelSizeOf((o as Pool2dOptions).kernelSize, what);
  return o as T;
}

function geometry(x: Tensor, opts: Pool2dOptions | Pair, what: string): Geo {
  const o = poolOptions(opts, what);
  const [n, c, h, w] = planes(x, what);
  const k = pair(o.kernelSize, 1, "kernelSize", 1);
  const s = pair(o.stride ?? o.kernelSize, 1, "stride", 1);
  const p = pair(o.padding, 0, "padding", 0);
  if (2 * p[0] > k[0] || 2 * p[1] > k[1]) {
    throw new RangeError(
      `Cannot ${what} with padding [${p}] and kernel [${k}]: padding must be at most half the kernel`,
    );
  }
  if (h + 2 * p[0] < k[0] || w + 2 * p[1] < k[1]) {
    throw new RangeError(
      `Cannot ${what} input ${fmt(x.shape)} with kernel [${k}]: larger than the padded input ` +
        `${h + 2 * p[0]}x${w + 2 * p[1]}`,
    );
  }
  const ho = Math.floor((h + 2 * p[0] - k[0]) / s[0]) + 1;
  const wo = Math.floor((w + 2 * p[1] - k[1]) / s[1]) + 1;
  return { n, c, h, w, ho, wo, k, s, p };
}

function params(g: Geo, total: number): ArrayBuffer {
  return packUniform(layouts.pool2d.Params, {
    B: g.n * g.c,
    H: g.h,
    W: g.w,
    Ho: g.ho,
    Wo: g.wo,
    KH: g.k[0],
    KW: g.k[1],
    SH: g.s[0],
    SW: g.s[1],
    PH: g.p[0],
    PW: g.p[1],
    total,
  });
}

function run(
  entry: string,
  g: Geo,
  src: Tensor,
  idx: Tensor | null,
  outShape: number[],
  idxOut: Tensor | null,
  countPad = 1,
): Tensor {
  const d = device();
  const out = Tensor.empty(outShape);
  d.dispatch(
    d.kernel("pool2d", { COUNT_PAD: countPad }, entry),
    {
      P: d.uniform(params(g, out.size)),
      src: src.buffer,
      ...(idx ? { idx_in: idx.buffer } : {}),
      dst: out.buffer,
      ...(idxOut ? { idx_out: idxOut.buffer } : {}),
    },
    grid1d(out.size, WG),
    () => `pool2d ${entry} of ${fmt(src.shape)} to ${fmt(outShape)}`,
  );
  return out;
}

/** Global average pool of planes whose H*W is a multiple of 4: one thread per plane, vec4 loads. */
function globalFwd4(g: Geo, x: Tensor): Tensor {
  const d = device();
  const out = Tensor.empty([g.n, g.c, 1, 1]);
  d.dispatch(
    d.kernel("pool2d", { WG: 64 }, "global_fwd4"),
    { P: d.uniform(params(g, out.size)), dst: out.buffer, src4: x.buffer },
    grid1d(out.size, 64),
  );
  return out;
}

/** The bytes per image of the biggest buffer of a pool (input or output planes). */
const perImage = (g: Geo) => g.c * Math.max(g.h * g.w, g.ho * g.wo) * 4;

/** Backward of a global average pool: gy [N, C, 1, 1] spread over each H x W plane. */
function globalBwd(g: Geo, gy: Tensor, shape: readonly number[]): Tensor {
  const d = device();
  const out = Tensor.empty(shape);
  const hw = g.h * g.w, planes = g.n * g.c;
  if (hw % 4 === 0) {
    d.dispatch(
      d.kernel("pool2d", { WG: 256 }, "global_bwd4"),
      { P: d.uniform(params(g, out.size)), src: gy.buffer, dst4: out.buffer },
      grid1d(out.size / 4, 256),
    );
    return out;
  }
  const wg = Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(hw))));
  const y = Math.min(planes, 65535);
  d.dispatch(
    d.kernel("pool2d", { WG: wg }, "global_bwd"),
    { P: d.uniform(params(g, out.size)), src: gy.buffer, dst: out.buffer },
    [Math.ceil(hw / wg), y, Math.ceil(planes / 65535)],
  );
  return out;
}

/**
 * Max pooling over `kernelSize` windows of `x [N, C, H, W]`; the gradient goes to each window's
 * (first) maximum.
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../mod.ts";
 * await init();
 * const x = randn([2, 3, 32, 32]);
 * const y = maxPool2d(x, { kernelSize: 2 }); // [N,C,32,32] -> [N,C,16,16]
 * const z = maxPool2d(x, 2); // the same: a bare number is the kernel size, as in PyTorch
 * ```
 * @throws {TypeError} For an input that is not 4-D or f32, or a kernel size that is not a number or
 *   a pair. @throws {RangeError} For bad sizes.
 */
export function maxPool2d(x: Tensor, opts: Pool2dOptions | Pair): Tensor {
  const g = geometry(x, opts, "maxPool2d");
  const split = byImageGroups(
    x,
    perImage(g),
    (p) => maxPool2d(p, opts),
    () => `maxPool2d of ${fmt(x.shape)}`,
  );
  if (split) return split;
  const outShape = [g.n, g.c, g.ho, g.wo];
  const idx = Tensor.empty(outShape, "i32");
  const y = run("max_fwd", g, x, null, outShape, idx);
  if (needsGrad(x)) {
    record(
      y,
      "max_pool2d",
      [x],
      [idx],
      (gy, [ix]) => [run("max_bwd", g, gy, ix!, [...x.shape], null)],
    );
  }
  idx.dispose();
  return y;
}

/**
 * Average pooling over `kernelSize` windows of `x [N, C, H, W]` (padded zeros counted in the divisor
 * unless `countIncludePad: false`).
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../mod.ts";
 * await init();
 * const x = randn([2, 3, 8, 8]);
 * const y = avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 }); // [2,3,8,8]
 * ```
 * @throws {TypeError} For an input that is not 4-D or f32, or a kernel size that is not a number or
 *   a pair. @throws {RangeError} For bad sizes.
 */
export function avgPool2d(x: Tensor, opts: AvgPool2dOptions | Pair): Tensor {
  const o = poolOptions(opts, "avgPool2d");
  const g = geometry(x, o, "avgPool2d");
  const split = byImageGroups(
    x,
    perImage(g),
    (p) => avgPool2d(p, o),
    () => `avgPool2d of ${fmt(x.shape)}`,
  );
  if (split) return split;
  const cp = o.countIncludePad ?? true ? 1 : 0;
  const y = run("avg_fwd", g, x, null, [g.n, g.c, g.ho, g.wo], null, cp);
  if (needsGrad(x)) {
    record(y, "avg_pool2d", [x], [], (gy) => [run("avg_bwd", g, gy, null, [...x.shape], null, cp)]);
  }
  return y;
}

/**
 * Adaptive average pooling of `x [N, C, H, W]` to `outputSize` (`[h, w]` or one int for both), with
 * PyTorch's bins `floor(i*H/out) .. ceil((i+1)*H/out)`.
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../mod.ts";
 * await init();
 * const x = randn([2, 3, 8, 8]);
 * const y = adaptiveAvgPool2d(x, 1); // global average pool: [N,C,1,1]
 * ```
 * @throws {TypeError} For an input that is not 4-D. @throws {RangeError} For a bad output size.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  tensorArg("adaptiveAvgPool2d", "the input", x);
  const [n, c, h, w] = planes(x, "adaptiveAvgPool2d");
  const [ho, wo] = pair(outputSize, 1, "outputSize", 1);
  if (h < 1 || w < 1) {
    throw new RangeError(`Cannot adaptiveAvgPool2d an empty input ${fmt(x.shape)}`);
  }
  const g: Geo = { n, c, h, w, ho, wo, k: [0, 0], s: [1, 1], p: [0, 0] };
  const split = byImageGroups(
    x,
    perImage(g),
    (p) => adaptiveAvgPool2d(p, outputSize),
    () => `adaptiveAvgPool2d of ${fmt(x.shape)}`,
  );
  if (split) return split;
  const y = ho === 1 && wo === 1 && (h * w) % 4 === 0
    ? globalFwd4(g, x)
    : run("adaptive_fwd", g, x, null, [n, c, ho, wo], null);
  if (needsGrad(x)) {
    record(y, "adaptive_avg_pool2d", [x], [], (gy) => [
      ho === 1 && wo === 1
        ? globalBwd(g, gy, x.shape)
        : run("adaptive_bwd", g, gy, null, [...x.shape], null),
    ]);
  }
  return y;
}
