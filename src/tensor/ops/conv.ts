/**
 * `conv2d`: 2-D convolution of NCHW tensors with PyTorch's semantics and weight layout
 * `[Cout, Cin/groups, kh, kw]`, forward beside backward (input, weight, bias).
 *
 * Design: im2col + GEMM. `shaders/im2col.wgsl` lowers x to `cols [Cin*kh*kw, N*Ho*Wo]` (one column per
 * output pixel of the whole batch), the forward is one GEMM per group, `W [Cout, K] x cols [K, N*P]`,
 * and `shaders/conv2d_layout.wgsl` turns its `[Cout, N*P]` result into NCHW with the bias added. With
 * that layout every backward product is a single large GEMM too: `dW = gT cols^T`, `dcols = W^T gT`
 * (gT = the upstream gradient as `[Cout, N*P]`), and `col2im` gathers dcols back into dx without atomics.
 * All GEMMs go through `matmulRaw`, so they speed up with it. The forward's lowering is a tuned family
 * (`_conv_tune.ts`): `im2col` (the above, the default) or a direct kernel (`_conv_direct.ts`,
 * no im2col matrix; its backward runs im2col on the saved input, then the same GEMMs and col2im).
 *
 * WGSL: `shaders/im2col.wgsl`, `shaders/conv2d_layout.wgsl`, `shaders/conv2d_direct.wgsl`. CPU twin:
 * `_conv_ref.ts`. Tests: `conv_test.ts`, `../tune_conv_test.ts`.
 * @module
 */
import { tensorsArg } from "./_args.ts";
import { checkOptions } from "../../_options.ts";
import { CONV2D_SPEC } from "./_specs.ts";
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { fmt, grid1d } from "./_launch.ts";
import { type MatmulOptions, matmulRaw, type RawOptions } from "./matmul.ts";
import { R, reduceRaw } from "./reduce.ts";
import { byImageGroups } from "./_batch_split.ts";
import { checkedBytes } from "../_limits.ts";
import { deferred } from "../_fusion.ts";
import type { BatchNormOptions } from "./batch_norm.ts";
import { conv2dBatchNorm } from "./conv_bn.ts";
import { convVariant, cpiOf, pxOf } from "./_conv_tune.ts";
import { convDirect, tapConstants } from "./_conv_direct.ts";

const WG = 256;

/** An int for both spatial dimensions, or `[h, w]`. */
export type Pair = number | readonly [number, number];

/** Options of {@linkcode conv2d}. */
export interface Conv2dOptions {
  /** Step between windows. @default {1} */
  stride?: Pair;
  /** Zeros added on each side. @default {0} */
  padding?: Pair;
  /** Spacing between kernel taps. @default {1} */
  dilation?: Pair;
  /** Blocked connections: input and output channels split into `groups` groups. @default {1} */
  groups?: number;
}

/** `p` as `[h, w]`, checked to be integers >= `min`. */
function pair(
  p: Pair | undefined,
  dflt: number,
  name: string,
  min: number,
): [number, number] {
  const v: [number, number] = p === undefined
    ? [dflt, dflt]
    : typeof p === "number"
    ? [p, p]
    : [p[0], p[1]];
  if (
    (typeof p !== "number" && p !== undefined && (!Array.isArray(p) || p.length !== 2)) ||
    !v.every((x) => Number.isInteger(x) && x >= min)
  ) {
    throw new RangeError(
      `Cannot use ${name} ${JSON.stringify(p)}: expected an integer >= ${min} or a pair of them`,
    );
  }
  return v;
}

/** @internal Geometry of one convolution. */
export interface Geo {
  n: number;
  c: number;
  h: number;
  w: number;
  co: number;
  kh: number;
  kw: number;
  ho: number;
  wo: number;
  s: [number, number];
  p: [number, number];
  dl: [number, number];
  groups: number;
}

/** @internal Checks the operands of a convolution and returns its geometry. */
export function geometry(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  o: Conv2dOptions,
): Geo {
  const desc = `input ${fmt(x.shape)} with weight ${fmt(w.shape)}`;
  if (x.rank !== 4 || w.rank !== 4) {
    throw new TypeError(
      `Cannot conv2d ${desc}: expected input [N, C, H, W] and weight [Cout, C/groups, kh, kw]`,
    );
  }
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`Cannot conv2d with groups ${groups}: expected a positive integer`);
  }
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [co, cg, kh, kw] = w.shape as [number, number, number, number];
  if (c % groups !== 0 || co % groups !== 0 || cg * groups !== c) {
    throw new TypeError(
      `Cannot conv2d ${desc} and groups ${groups}: expected weight [Cout, ${c / groups}, kh, kw] ` +
        `with input channels ${c} and Cout ${co} divisible by groups`,
    );
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== co)) {
    throw new TypeError(`Cannot conv2d ${desc} and bias ${fmt(bias.shape)}: expected bias [${co}]`);
  }
  const s = pair(o.stride, 1, "stride", 1);
  const p = pair(o.padding, 0, "padding", 0);
  const dl = pair(o.dilation, 1, "dilation", 1);
  const ekh = dl[0] * (kh - 1) + 1, ekw = dl[1] * (kw - 1) + 1;
  if (h + 2 * p[0] < ekh || wd + 2 * p[1] < ekw || kh < 1 || kw < 1) {
    throw new RangeError(
      `Cannot conv2d ${desc}: the (dilated) kernel ${ekh}x${ekw} is larger than the padded input ` +
        `${h + 2 * p[0]}x${wd + 2 * p[1]}`,
    );
  }
  const ho = Math.floor((h + 2 * p[0] - ekh) / s[0]) + 1;
  const wo = Math.floor((wd + 2 * p[1] - ekw) / s[1]) + 1;
  return { n, c, h, w: wd, co, kh, kw, ho, wo, s, p, dl, groups };
}

function im2colParams(g: Geo, total: number): ArrayBuffer {
  return packUniform(layouts.im2col.Params, {
    N: g.n,
    C: g.c,
    H: g.h,
    W: g.w,
    Ho: g.ho,
    Wo: g.wo,
    KH_: g.kh,
    KW_: g.kw,
    SH_: g.s[0],
    SW_: g.s[1],
    PH: g.p[0],
    PW: g.p[1],
    DH_: g.dl[0],
    DW_: g.dl[1],
    total,
  });
}

/** Threads per workgroup for a row of `n` pixels: the next power of two in [32, 256]. */
export function pixelWg(n: number): number {
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(1, n)))));
}

/** The im2col pipeline for `g`'s taps (kernel size, stride and dilation are pipeline constants). */
function im2colKernel(g: Geo, entry: "main" | "main4" | "col2im" | "col2im4", wg: number) {
  return device().kernel("im2col", {
    WG: wg,
    ...tapConstants(g),
    ...(entry.startsWith("col2im") ? { PADH: g.p[0], PADW: g.p[1] } : {}),
  }, entry);
}

/** A (pixel blocks, c, n) grid; throws a RangeError past the device's 65535 per dimension. */
function planeGrid(pixels: number, wg: number, c: number, n: number): [number, number, number] {
  if (c > 65535 || n > 65535) {
    throw new RangeError(`Cannot conv2d with ${c} channels and batch ${n}: at most 65535 each`);
  }
  return [Math.ceil(pixels / wg), c, n];
}

/** @internal x [N,C,H,W] -> cols [C*kh*kw, N*Ho*Wo]. */
export function im2col(x: Tensor, g: Geo): Tensor {
  floatOnly("im2col", [x]);
  const d = device();
  const cols = Tensor.empty([g.c * g.kh * g.kw, g.n * g.ho * g.wo]);
  const pp = g.ho * g.wo;
  if (g.wo % 4 === 0) {
    // Four output pixels of a row per thread, written as vec4s.
    const wg = Math.min(256, Math.max(16, 2 ** Math.ceil(Math.log2(pp / 4))));
    d.dispatch(
      im2colKernel(g, "main4", wg),
      { P: d.uniform(im2colParams(g, cols.size)), src: x.buffer, dst4: cols.buffer },
      planeGrid(pp / 4, wg, g.c, g.n),
      () => `im2col of ${fmt(x.shape)}`,
    );
    return cols;
  }
  const wg = pixelWg(pp);
  d.dispatch(
    im2colKernel(g, "main", wg),
    { P: d.uniform(im2colParams(g, cols.size)), src: x.buffer, dst: cols.buffer },
    planeGrid(pp, wg, g.c, g.n),
    () => `im2col of ${fmt(x.shape)}`,
  );
  return cols;
}

/** @internal dcols [C*kh*kw, N*Ho*Wo] -> dx [N,C,H,W] (adjoint of im2col). */
export function col2im(dcols: Tensor, g: Geo): Tensor {
  floatOnly("col2im", [dcols]);
  const d = device();
  const dx = Tensor.empty([g.n, g.c, g.h, g.w]);
  if (
    g.s[0] === 2 && g.s[1] === 2 && g.dl[0] === 1 && g.dl[1] === 1 && g.wo % 4 === 0 &&
    g.w % 8 === 0 && g.h % 2 === 0
  ) {
    // Four 2x2 blocks per thread, read and written as vec4s.
    const quads = (g.h / 2) * (g.w / 8), wg = pixelWg(quads);
    d.dispatch(
      im2colKernel(g, "col2im4", wg),
      { P: d.uniform(im2colParams(g, dx.size)), src4: dcols.buffer, dst4: dx.buffer },
      planeGrid(quads, wg, g.c, g.n),
      () => `col2im to ${fmt(dx.shape)}`,
    );
    return dx;
  }
  // One thread per stride block (s[0] x s[1] pixels) of each plane.
  const blocks = Math.ceil(g.h / g.s[0]) * Math.ceil(g.w / g.s[1]), wg = pixelWg(blocks);
  d.dispatch(
    im2colKernel(g, "col2im", wg),
    { P: d.uniform(im2colParams(g, dx.size)), src: dcols.buffer, dst: dx.buffer },
    planeGrid(blocks, wg, g.c, g.n),
    () => `col2im to ${fmt(dx.shape)}`,
  );
  return dx;
}

/** [Cout, N*P] <-> [N, Cout, P] (+ bias on the way to NCHW). */
function relayout(src: Tensor, g: Geo, toNchw: boolean, bias?: Tensor | null): Tensor {
  const d = device();
  const pp = g.ho * g.wo;
  const out = Tensor.empty(toNchw ? [g.n, g.co, g.ho, g.wo] : [g.co, g.n * pp]);
  const k = d.kernel(
    "conv2d_layout",
    toNchw ? { BIAS: bias ? 1 : 0 } : {},
    toNchw ? "main" : "to_cm",
  );
  d.dispatch(
    k,
    {
      U: d.uniform(
        packUniform(layouts.conv2d_layout.Params, { N: g.n, Co: g.co, P: pp, total: out.size }),
      ),
      src: src.buffer,
      ...(toNchw ? { bias: bias?.buffer ?? d.dummy } : {}),
      dst: out.buffer,
    },
    grid1d(out.size, WG),
    () => `the conv2d relayout of ${fmt(src.shape)} to ${fmt(out.shape)}`,
  );
  return out;
}

/** A [rows, cols] matrix stored contiguously, seen as `groups` stacked blocks (2-D when 1 group). */
function blocks(t: Tensor, groups: number, rows: number, cols: number): Tensor {
  return groups === 1 ? t.view([rows, cols]) : t.view([groups, rows / groups, cols]);
}

/** `matmulRaw(a, b)`, disposing the views `a` and `b`. */
function gemm(a: Tensor, b: Tensor, opts: MatmulOptions & RawOptions = {}): Tensor {
  const r = matmulRaw(a, b, opts);
  a.dispose();
  b.dispose();
  return r;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of `x [N, C, H, W]` with `w [Cout, C/groups, kh, kw]`
 * plus an optional `bias [Cout]`; differentiable in all three.
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../mod.ts";
 * await init();
 * const x = randn([2, 3, 32, 32]), w = randn([16, 3, 3, 3]), b = randn([16]);
 * const y = conv2d(x, w, b, { stride: 2, padding: 1 }); // [2,3,32,32] * [16,3,3,3] -> [2,16,16,16]
 * ```
 * The result is deferred (`_fusion.ts`): a training-mode `batchNorm` that follows at once runs fused
 * with it (`conv2dBatchNorm`).
 * @throws {TypeError} When ranks, channels, groups or the bias shape do not fit, naming the shapes.
 * @throws {RangeError} For bad stride/padding/dilation/groups or a kernel larger than the padded input.
 */
export function conv2d(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  opts: Conv2dOptions = {},
): Tensor {
  tensorsArg("conv2d", { x, w, bias }, ["bias"]);
  checkOptions("conv2d", opts, CONV2D_SPEC);
  floatOnly("conv2d", [x, w, bias]);
  const g = geometry(x, w, bias ?? null, opts);
  checkedBytes([g.n, g.co, g.ho, g.wo], "f32", device().limits);
  const inputs = bias ? [x, w, bias] : [x, w];
  return deferred(
    "conv2d",
    [g.n, g.co, g.ho, g.wo],
    inputs,
    ([a, b, c]) => conv2dNow(a!, b!, c, opts),
    {
      batchNorm: (bn: BatchNormOptions) =>
        bn.training ? conv2dBatchNorm(x, w, bias, { ...opts, bn }) : null,
    },
  );
}

/** @internal {@linkcode conv2d}, run at once (not deferred). */
export function conv2dNow(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  opts: Conv2dOptions,
): Tensor {
  floatOnly("conv2d", [x, w, bias]);
  const g = geometry(x, w, bias ?? null, opts);
  const G = g.groups;
  const k = g.c * g.kh * g.kw;
  const np = g.n * g.ho * g.wo;
  // Past the binding limit (im2col columns, input or output of the batch): groups of images. The
  // output must fit a buffer: checked before any group runs.
  checkedBytes([g.n, g.co, g.ho, g.wo], "f32", device().limits);
  const grad = needsGrad(x, w, bias);
  const shape = () => ({ x: x.shape, w: w.shape, bias: !!bias, opts: { ...opts }, geo: g });
  const v = convVariant(device(), g, shape);
  const direct = v !== "im2col";
  // The direct forward needs no columns (its backward does, when w takes a gradient).
  const cols1 = direct && !grad ? 0 : k * g.ho * g.wo;
  const perImage = Math.max(cols1, g.c * g.h * g.w, g.co * g.ho * g.wo) * 4;
  const split = byImageGroups(
    x,
    perImage,
    (part) => conv2dNow(part, w, bias, opts),
    () => `conv2d of ${fmt(x.shape)} with ${fmt(w.shape)}`,
  );
  if (split) return split;
  const cols = direct ? null : im2col(x, g);
  let y: Tensor;
  if (cols) {
    const ym = gemm(blocks(w, G, g.co, k / G), blocks(cols, G, k, np));
    y = relayout(ym, g, true, bias);
    ym.dispose();
  } else y = convDirect(x, w, bias, g, cpiOf(v), pxOf(v));
  if (grad) {
    const inputs = bias ? [x, w, bias] : [x, w];
    record(y, "conv2d", inputs, [cols ?? x, w], (gy, [cs, ws], dests) => {
      const gt = relayout(gy, g, false); // [Cout, N*P]
      let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
      if (w.requiresGrad) {
        const into = dests[1]; // the zeroed .grad of w, written in place (no copy)
        const c = cols ? cs! : im2col(cs!, g); // the direct forward saved x
        const r = gemm(blocks(gt, G, g.co, np), blocks(c, G, k, np), { transB: true, out: into });
        if (!cols) c.dispose();
        gw = into ?? r.view(w.shape);
        if (!into) r.dispose();
      }
      if (x.requiresGrad) {
        const dcols = gemm(blocks(ws!, G, g.co, k / G), blocks(gt, G, g.co, np), { transA: true });
        gx = col2im(dcols, g);
        dcols.dispose();
      }
      if (bias?.requiresGrad) gb = reduceRaw(gt, [1], R.sum, 1, false, dests[2]);
      gt.dispose();
      return bias ? [gx, gw, gb] : [gx, gw];
    });
  }
  cols?.dispose();
  return y;
}
