/**
 * `batchNorm` for `[N, C]` and `[N, C, H, W]` (kernels in `shaders/batch_norm.wgsl`), forward beside
 * backward. Training: one statistics dispatch (a workgroup per channel, which also updates the running
 * buffers in place) and one normalise dispatch; backward: one reduction and one apply dispatch. For
 * `[N, C, H, W]` with H*W a multiple of 4 the batch-statistics path is ONE dispatch each way (the
 * `conv_bn` vec4 kernels with x in NCHW).
 *
 * WGSL: `shaders/batch_norm.wgsl`, `shaders/conv_bn.wgsl`. CPU twin: `_batch_norm_ref.ts`. Tests:
 * `batch_norm_test.ts`.
 * @module
 */
import { tensorArg } from "./_args.ts";
import { checkOptions } from "../../_options.ts";
import { BATCH_NORM_SPEC } from "./_specs.ts";
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { fmt, grid1d } from "./_launch.ts";
import { fitsWhole } from "./_chunk.ts";
import { batchNormComposed } from "./_batch_norm_big.ts";
import { fuse } from "../_fusion.ts";

const WG = 256;

/** Options of {@linkcode batchNorm}. */
export interface BatchNormOptions {
  /** Scale per channel `[C]` (none: 1). */
  weight?: Tensor | null;
  /** Shift per channel `[C]` (none: 0). */
  bias?: Tensor | null;
  /** Running mean `[C]`, updated in place in training mode. */
  runningMean?: Tensor | null;
  /** Running (unbiased) variance `[C]`, updated in place in training mode. */
  runningVar?: Tensor | null;
  /** Use batch statistics (and update the running ones) instead of the running ones. */
  training: boolean;
  /** Weight of the new batch statistics in the running update. @default {0.1} */
  momentum?: number;
  /** Added to the variance. @default {1e-5} */
  eps?: number;
}

function check(x: Tensor, o: BatchNormOptions): number {
  if (x.rank < 2) {
    throw new TypeError(`Cannot batchNorm input ${fmt(x.shape)}: expected [N, C] or [N, C, H, W]`);
  }
  const c = x.shape[1]!;
  for (const k of ["weight", "bias", "runningMean", "runningVar"] as const) {
    const t = o[k];
    if (t && (t.rank !== 1 || t.shape[0] !== c)) {
      throw new TypeError(
        `Cannot batchNorm input ${fmt(x.shape)} with ${k} ${fmt(t.shape)}: expected [${c}]`,
      );
    }
  }
  if (!o.runningMean !== !o.runningVar) {
    throw new TypeError("Cannot batchNorm with only one of runningMean and runningVar");
  }
  if (o.training && x.size / c <= 1) {
    throw new RangeError(
      `Cannot batchNorm input ${fmt(x.shape)} in training: expected more than 1 value per channel`,
    );
  }
  const m = o.momentum ?? 0.1, eps = o.eps ?? 1e-5;
  if (!(m >= 0 && m <= 1) || !(eps >= 0)) {
    throw new RangeError(`Cannot batchNorm with momentum ${m} and eps ${eps}`);
  }
  return c;
}

/**
 * Batch normalisation over every dimension but 1 (PyTorch's `F.batch_norm`). In training it normalises
 * with the biased batch variance and updates `runningMean`/`runningVar` in place (the latter with the
 * unbiased variance); otherwise it uses the running statistics (batch ones when none are given).
 * Differentiable in `x`, `weight` and `bias`.
 *
 * @example Usage
 * ```ts
 * import { init, ones, randn, zeros } from "../mod.ts";
 * await init();
 * const x = randn([4, 3, 5, 5]);
 * const weight = ones([3]), bias = zeros([3]), runningMean = zeros([3]), runningVar = ones([3]);
 * const y = batchNorm(x, { weight, bias, runningMean, runningVar, training: true });
 * ```
 * @throws {TypeError} When a parameter is not `[C]`, naming the shapes. @throws {RangeError} For bad
 * hyperparameters or a single value per channel in training.
 */
export function batchNorm(x: Tensor, opts: BatchNormOptions): Tensor {
  tensorArg("batchNorm", "the input", x);
  checkOptions("batchNorm", opts ?? null, BATCH_NORM_SPEC);
  floatOnly("batchNorm", [x, opts?.weight, opts?.bias, opts?.runningMean, opts?.runningVar]);
  const c = check(x, opts);
  if (opts.training) {
    const fused = fuse(x, "batchNorm", opts); // x is a deferred conv2d: conv2dBatchNorm
    if (fused) return fused;
  }
  if (!fitsWhole(x.buffer)) return batchNormComposed(x, opts);
  const d = device();
  const n = x.shape[0]!, hw = x.size / Math.max(1, n * c);
  const { weight, bias, runningMean: rm, runningVar: rv } = opts;
  const batchStats = opts.training || !rm;
  const uni = d.uniform(packUniform(layouts.batch_norm.Params, {
    N: n,
    C: c,
    HW: hw,
    total: x.size,
    eps: opts.eps ?? 1e-5,
    momentum: opts.momentum ?? 0.1,
    update: opts.training && rm ? 1 : 0,
  }));
  const affine = weight || bias ? 1 : 0;
  const ones = affine && !weight ? fillC(c, 1) : null;
  const zeros = affine && !bias ? fillC(c, 0) : null;
  const w = weight ?? ones, b = bias ?? zeros;
  const stats = Tensor.empty([2, c]);
  const wgGrid: [number, number] = c <= 65535 ? [c, 1] : [65535, Math.ceil(c / 65535)];
  if (batchStats && x.rank === 4 && hw % 4 === 0) {
    const y = fused(x, opts, { c, n, hw, affine, w, b, stats, wgGrid });
    ones?.dispose();
    zeros?.dispose();
    return y;
  }
  if (batchStats) {
    d.dispatch(
      d.kernel("batch_norm", {}, "stats_main"),
      {
        P: uni,
        x: x.buffer,
        bias: x.buffer, // read only with SHIFT = 1 (conv_bn.ts)
        rmean: rm?.buffer ?? d.dummy,
        rvar: rv?.buffer ?? d.dummy,
        stats: stats.buffer,
      },
      wgGrid,
      () => `the batch statistics of batchNorm of ${fmt(x.shape)}`,
    );
  } else {
    d.dispatch(
      d.kernel("batch_norm", { WG: 64 }, "eval_stats"),
      { P: uni, rmean: rm!.buffer, rvar: rv!.buffer, stats: stats.buffer },
      [Math.ceil(c / 64)],
    );
  }
  const y = Tensor.empty(x.shape);
  d.dispatch(
    d.kernel("batch_norm", { AFFINE: affine }, "normalize"),
    {
      P: uni,
      x: x.buffer,
      weight: w?.buffer ?? d.dummy,
      bias: b?.buffer ?? d.dummy,
      stats: stats.buffer,
      out: y.buffer,
    },
    grid1d(x.size, WG),
    () => `batchNorm of ${fmt(x.shape)}`,
  );
  if (needsGrad(x, weight, bias)) {
    const inputs = [x, weight ?? null, bias ?? null].filter((t): t is Tensor => t !== null);
    const saved = w ? [x, stats, w] : [x, stats];
    record(y, "batch_norm", inputs, saved, (gy, [xs, st, ws]) => {
      const sg = Tensor.empty([c]), sgx = Tensor.empty([c]);
      d.dispatch(
        d.kernel("batch_norm", {}, "bwd_reduce"),
        { P: uni, x: xs!.buffer, stats: st!.buffer, g: gy.buffer, sg: sg.buffer, sgx: sgx.buffer },
        wgGrid,
      );
      let gx: Tensor | null = null;
      if (x.requiresGrad) {
        gx = Tensor.empty(x.shape);
        d.dispatch(
          d.kernel("batch_norm", { AFFINE: affine, TRAIN: batchStats ? 1 : 0 }, "bwd_apply"),
          {
            P: uni,
            x: xs!.buffer,
            weight: ws?.buffer ?? d.dummy,
            stats: st!.buffer,
            g: gy.buffer,
            out: gx.buffer,
            sg: sg.buffer,
            sgx: sgx.buffer,
          },
          grid1d(x.size, WG),
        );
      }
      const gw = weight?.requiresGrad ? sgx : null, gb = bias?.requiresGrad ? sg : null;
      if (!gw) sgx.dispose();
      if (!gb) sg.dispose();
      const grads: (Tensor | null)[] = [gx];
      if (weight) grads.push(gw);
      if (bias) grads.push(gb);
      return grads;
    });
  }
  stats.dispose();
  ones?.dispose();
  zeros?.dispose();
  return y;
}

/**
 * Batch statistics of `[N, C, H, W]` with H*W a multiple of 4: the `conv_bn` kernels with x NCHW
 * (XCM = 0). One dispatch (a workgroup per channel: one-pass statistics, running update, normalise)
 * forward, one (both reductions and dx) backward.
 */
function fused(
  x: Tensor,
  opts: BatchNormOptions,
  k: {
    c: number;
    n: number;
    hw: number;
    affine: number;
    w: Tensor | null;
    b: Tensor | null;
    stats: Tensor;
    wgGrid: [number, number];
  },
): Tensor {
  const d = device();
  const { c, n, hw, affine, w, b, stats, wgGrid } = k;
  const { weight, bias, runningMean: rm, runningVar: rv } = opts;
  const uni = d.uniform(packUniform(layouts.conv_bn.Params, {
    C: c,
    N: n,
    P4: hw / 4,
    M: n * hw,
    eps: opts.eps ?? 1e-5,
    momentum: opts.momentum ?? 0.1,
    update: opts.training && rm ? 1 : 0,
  }));
  const y = Tensor.empty(x.shape);
  d.dispatch(
    d.kernel("conv_bn", { AFFINE: affine, XCM: 0 }, "fwd"),
    {
      P: uni,
      x: x.buffer,
      weight: w?.buffer ?? x.buffer, // unused stand-ins: read-only bindings of x (the dummy may be
      bias: b?.buffer ?? x.buffer, // bound writable below)
      rmean: rm?.buffer ?? d.dummy,
      rvar: rv?.buffer ?? d.dummy,
      stats: stats.buffer,
      out: y.buffer,
      cbias: x.buffer,
    },
    wgGrid,
  );
  if (needsGrad(x, weight, bias)) {
    const inputs = [x, weight ?? null, bias ?? null].filter((t): t is Tensor => t !== null);
    const saved = w ? [x, stats, w] : [x, stats];
    record(y, "batch_norm", inputs, saved, (gy, [xs, st, ws]) => {
      const sg = Tensor.empty([c]), sgx = Tensor.empty([c]);
      const gx = Tensor.empty(x.shape);
      d.dispatch(
        d.kernel("conv_bn", { AFFINE: affine, XCM: 0 }, "bwd"),
        {
          P: uni,
          x: xs!.buffer,
          weight: ws?.buffer ?? xs!.buffer,
          bias: xs!.buffer, // the bias only feeds the ReLU mask (RELU = 0 here)
          stats: st!.buffer,
          g: gy.buffer,
          out: gx.buffer,
          sg: sg.buffer,
          sgx: sgx.buffer,
        },
        wgGrid,
      );
      const gw = weight?.requiresGrad ? sgx : null, gb = bias?.requiresGrad ? sg : null;
      if (!gw) sgx.dispose();
      if (!gb) sg.dispose();
      const grads: (Tensor | null)[] = [x.requiresGrad ? gx : null];
      if (!x.requiresGrad) gx.dispose();
      if (weight) grads.push(gw);
      if (bias) grads.push(gb);
      return grads;
    });
  }
  stats.dispose();
  return y;
}

function fillC(c: number, v: number): Tensor {
  const t = Tensor.empty([c]);
  t.write(new Float32Array(c).fill(v));
  return t;
}
