/**
 * `conv2dBatchNorm`: a convolution followed by training-mode batch normalisation and an optional ReLU,
 * fused around the convolution's GEMM (what `Sequential` runs for Conv2d → BatchNorm2d [→ ReLU]).
 *
 * The GEMM `W [Cout, K] x cols [K, N*P]` leaves the conv output channel-major, `[Cout, N*P]`: each
 * channel is one contiguous row, which is exactly what the statistics want. So the forward is im2col,
 * GEMM, statistics (also updating the running buffers), and ONE kernel that normalises, applies the
 * ReLU and writes NCHW; the separate NCHW relayout, BN and ReLU passes of the unfused path disappear.
 * The backward reduces the NCHW upstream gradient through the recomputed ReLU mask, writes the BN weight
 * and bias gradients (straight into zeroed `.grad` buffers when autograd offers them), and writes dx
 * channel-major, which is already the GEMM operand of the conv backward: no to-channel-major relayout.
 * Falls back to `conv2d` → `batchNorm` → `relu` for grouped convolutions, evaluation mode and BN layers
 * with only one of weight/bias. The convolution's lowering is the conv family's (`_conv_tune.ts`):
 * im2col + GEMM (the default) or a direct kernel writing the same channel-major result.
 *
 * WGSL: `shaders/conv_bn.wgsl`, `shaders/batch_norm.wgsl`, `shaders/conv2d_direct.wgsl`. CPU twin: `_conv_bn_ref.ts`. Tests:
 * `conv_bn_test.ts`.
 * @module
 */
import { tensorsArg } from "./_args.ts";
import { checkOptions, pickOptions } from "../../_options.ts";
import { BATCH_NORM_SPEC, CONV2D_BN_SPEC, CONV2D_SPEC } from "./_specs.ts";
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { col2im, conv2dNow, type Conv2dOptions, geometry, im2col, pixelWg } from "./conv.ts";
import { deferred } from "../_fusion.ts";
import { batchNorm, type BatchNormOptions } from "./batch_norm.ts";
import { matmulRaw } from "./matmul.ts";
import { R, reduceRaw } from "./reduce.ts";
import { relu as reluOp } from "./elementwise.ts";
import { convVariant, cpiOf, pxOf } from "./_conv_tune.ts";
import { convDirect } from "./_conv_direct.ts";

/** Options of {@linkcode conv2dBatchNorm}: the convolution's, `bn` for the normalisation, `relu`. */
export interface Conv2dBatchNormOptions extends Conv2dOptions {
  /** The batch-norm operands and settings (`training` as in {@linkcode batchNorm}). */
  bn: BatchNormOptions;
  /** Apply a ReLU to the result. @default {false} */
  relu?: boolean;
}

/**
 * `[relu](batchNorm(conv2d(x, w, bias, opts), opts.bn))`, fused (see the module doc); same values
 * and gradients as the composition, same in-place update of the running statistics.
 *
 * @example Usage
 * ```ts
 * import { init, ones, randn, zeros } from "../mod.ts";
 * await init();
 * const x = randn([2, 3, 8, 8]), w = randn([4, 3, 3, 3]);
 * const weight = ones([4]), bias = zeros([4]), runningMean = zeros([4]), runningVar = ones([4]);
 * const y = conv2dBatchNorm(x, w, null, {
 *   stride: 2, padding: 1, relu: true,
 *   bn: { weight, bias, runningMean, runningVar, training: true },
 * });
 * ```
 */
export function conv2dBatchNorm(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  opts: Conv2dBatchNormOptions,
): Tensor {
  tensorsArg("conv2dBatchNorm", { x, w, bias }, ["bias"]);
  checkOptions("conv2dBatchNorm", opts ?? null, CONV2D_BN_SPEC);
  checkOptions("conv2dBatchNorm bn", opts.bn ?? null, BATCH_NORM_SPEC);
  const bn = opts.bn;
  floatOnly("conv2dBatchNorm", [x, w, bias, bn?.weight, bn?.bias, bn?.runningMean, bn?.runningVar]);
  const g = geometry(x, w, bias ?? null, opts);
  const bw = bn.weight ?? null, bb = bn.bias ?? null;
  const co = g.co, np = g.n * g.ho * g.wo;
  for (
    const [name, t] of [["weight", bw], ["bias", bb], ["runningMean", bn.runningMean]] as const
  ) {
    if (t && (t.rank !== 1 || t.shape[0] !== co)) {
      throw new TypeError(
        `Cannot batchNorm ${co} channels with ${name} [${t.shape}]: expected [${co}]`,
      );
    }
  }
  const m = bn.momentum ?? 0.1, eps = bn.eps ?? 1e-5;
  if (!(m >= 0 && m <= 1) || !(eps >= 0)) {
    throw new RangeError(`Cannot batchNorm with momentum ${m} and eps ${eps}`);
  }
  if (bn.training && np <= 1) {
    throw new RangeError(
      `Cannot batchNorm ${np} value per channel in training: expected more than 1`,
    );
  }
  if (opts.relu) return conv2dBatchNormNow(x, w, bias, opts);
  const inputs = [x, w, bias ?? null, bn.weight ?? null, bn.bias ?? null].filter(
    (t): t is Tensor => t !== null,
  );
  // Taken by a fused ReLU, the result computed later must not update the running statistics again.
  const statsOnce = (taken: boolean): Conv2dBatchNormOptions =>
    taken ? { ...opts, bn: { ...bn, runningMean: undefined, runningVar: undefined } } : opts;
  const byIndex = (ts: readonly Tensor[], t: Tensor | null | undefined) =>
    t ? ts[inputs.indexOf(t)] : undefined;
  return deferred("conv2dBatchNorm", [g.n, g.co, g.ho, g.wo], inputs, (ts, taken) => {
    const o = statsOnce(taken);
    const sub = {
      ...o,
      bn: { ...o.bn, weight: byIndex(ts, bn.weight), bias: byIndex(ts, bn.bias) },
    };
    return conv2dBatchNormNow(ts[0]!, ts[1]!, byIndex(ts, bias), sub);
  }, { relu: () => conv2dBatchNormNow(x, w, bias, { ...opts, relu: true }) });
}

/** @internal {@linkcode conv2dBatchNorm} with checked arguments, run at once (not deferred). */
export function conv2dBatchNormNow(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  opts: Conv2dBatchNormOptions,
): Tensor {
  const bn = opts.bn;
  floatOnly("conv2dBatchNorm", [x, w, bias, bn?.weight, bn?.bias, bn?.runningMean, bn?.runningVar]);
  const g = geometry(x, w, bias ?? null, opts);
  const bw = bn.weight ?? null, bb = bn.bias ?? null;
  const big = Math.max(g.c * g.kh * g.kw * g.ho * g.wo, g.c * g.h * g.w, g.co * g.ho * g.wo) * 4 *
      g.n > device().maxBinding;
  if (g.groups !== 1 || !bn.training || !bw !== !bb || big) {
    // Past the binding limit too: the composition splits itself (conv by images, batch norm composed).
    const y = batchNorm(conv2dNow(x, w, bias, pickOptions(opts, CONV2D_SPEC)), bn);
    return opts.relu ? reluOp(y) : y;
  }
  const co = g.co, pp = g.ho * g.wo, np = g.n * pp, k = g.c * g.kh * g.kw;
  const m = bn.momentum ?? 0.1, eps = bn.eps ?? 1e-5;
  const d = device();
  const rm = bn.runningMean ?? null, rv = bn.runningVar ?? null;
  const update = rm ? 1 : 0;
  const params = (nn: number, hw: number) =>
    d.uniform(packUniform(layouts.batch_norm.Params, {
      N: nn,
      C: co,
      HW: hw,
      total: co * nn * hw,
      eps,
      momentum: m,
      update,
    }));
  const uStats = params(1, np), uCm = params(g.n, pp);
  const params4 = () =>
    d.uniform(packUniform(layouts.conv_bn.Params, {
      C: co,
      N: g.n,
      P4: pp / 4,
      M: np,
      eps,
      momentum: m,
      update,
    }));
  const affine = bw ? 1 : 0, relu = opts.relu ? 1 : 0;
  const wg = pixelWg(pp);
  const grid: [number, number, number] = [Math.ceil(pp / wg), co, g.n];
  const chGrid: [number, number] = co <= 65535 ? [co, 1] : [65535, Math.ceil(co / 65535)];

  // The conv family's lowering (`_conv_tune.ts`): im2col + GEMM, or a direct kernel writing the
  // same channel-major [Cout, N*P] (its backward runs im2col on the saved input).
  const shape = () => ({
    x: x.shape,
    w: w.shape,
    bias: !!bias,
    opts: pickOptions(opts, CONV2D_SPEC),
    geo: g,
  });
  const v = convVariant(d, g, shape);
  const cols = v === "im2col" ? im2col(x, g) : null;
  let ym: Tensor; // [Cout, N*P]
  if (cols) {
    const w2 = w.view([co, k]);
    ym = matmulRaw(w2, cols);
    w2.dispose();
  } else ym = convDirect(x, w, null, g, cpiOf(v), pxOf(v), true);
  const stats = Tensor.empty([2, co]);
  const y = Tensor.empty([g.n, co, g.ho, g.wo]);
  // vec4 path: one workgroup per channel computes the statistics in one pass and writes y (and, in
  // the backward, both reductions and dx) with no second dispatch.
  const vec4 = pp % 4 === 0;
  const u4 = vec4 ? params4() : null;
  if (vec4) {
    d.dispatch(
      d.kernel("conv_bn", { AFFINE: affine, RELU: relu, SHIFT: bias ? 1 : 0 }, "fwd"),
      {
        P: u4!,
        x: ym.buffer,
        weight: bw?.buffer ?? ym.buffer, // unused stand-ins are read-only bindings of ym (the dummy
        bias: bb?.buffer ?? ym.buffer, // may be bound writable below)
        rmean: rm?.buffer ?? d.dummy,
        rvar: rv?.buffer ?? d.dummy,
        stats: stats.buffer,
        out: y.buffer,
        cbias: bias?.buffer ?? ym.buffer,
      },
      chGrid,
    );
  } else {
    d.dispatch(
      d.kernel("batch_norm", { SHIFT: bias ? 1 : 0 }, "stats_main"),
      {
        P: uStats,
        x: ym.buffer,
        bias: bias?.buffer ?? ym.buffer, // the conv bias, read with SHIFT = 1
        rmean: rm?.buffer ?? d.dummy,
        rvar: rv?.buffer ?? d.dummy,
        stats: stats.buffer,
      },
      chGrid,
    );
    d.dispatch(
      d.kernel("batch_norm", { AFFINE: affine, RELU: relu, WG: wg }, "normalize_cm"),
      {
        P: uCm,
        x: ym.buffer,
        weight: bw?.buffer ?? d.dummy,
        bias: bb?.buffer ?? d.dummy,
        stats: stats.buffer,
        out: y.buffer,
      },
      grid,
    );
  }
  if (needsGrad(x, w, bias, bw, bb)) {
    const inputs = [x, w, bias ?? null, bw, bb].filter((t): t is Tensor => t !== null);
    const saved = bw ? [cols ?? x, w, ym, stats, bw, bb!] : [cols ?? x, w, ym, stats];
    record(y, relu ? "conv2d_bn_relu" : "conv2d_bn", inputs, saved, (gy, sv, dests) => {
      const [cs, ws, yms, st, sbw, sbb] = sv;
      const dest = (t: Tensor | null) => (t ? dests[inputs.indexOf(t)] : undefined);
      const sg = dest(bb) ?? Tensor.empty([co]);
      const sgx = dest(bw) ?? Tensor.empty([co]);
      const wb = sbw?.buffer ?? d.dummy, bbuf = sbb?.buffer ?? d.dummy;
      const gt = Tensor.empty([co, np]); // dL/d(conv output), channel-major
      if (vec4) {
        d.dispatch(
          d.kernel("conv_bn", { AFFINE: affine, RELU: relu }, "bwd"),
          {
            P: u4!,
            x: yms!.buffer,
            weight: wb,
            bias: bbuf,
            stats: st!.buffer,
            g: gy.buffer,
            out: gt.buffer,
            sg: sg.buffer,
            sgx: sgx.buffer,
          },
          chGrid,
        );
      } else {
        d.dispatch(
          d.kernel("batch_norm", { AFFINE: affine, RELU: relu }, "bwd_reduce_cm"),
          {
            P: uCm,
            x: yms!.buffer,
            weight: wb,
            bias: bbuf,
            stats: st!.buffer,
            g: gy.buffer,
            sg: sg.buffer,
            sgx: sgx.buffer,
          },
          chGrid,
        );
        d.dispatch(
          d.kernel("batch_norm", { AFFINE: affine, RELU: relu, WG: wg }, "bwd_apply_cm"),
          {
            P: uCm,
            x: yms!.buffer,
            weight: wb,
            bias: bbuf,
            stats: st!.buffer,
            g: gy.buffer,
            out: gt.buffer,
            sg: sg.buffer,
            sgx: sgx.buffer,
          },
          grid,
        );
      }
      const grads = new Map<Tensor, Tensor | null>();
      if (w.requiresGrad) {
        const into = dest(w); // the zeroed .grad of w, written in place (no copy)
        const c = cols ? cs! : im2col(cs!, g); // the direct forward saved x
        const r = matmulRaw(gt, c, { transB: true, out: into }); // [Cout, K]
        if (!cols) c.dispose();
        grads.set(w, into ?? r.view(w.shape));
        if (!into) r.dispose();
      }
      if (x.requiresGrad) {
        const w2b = ws!.view([co, k]);
        const dcols = matmulRaw(w2b, gt, { transA: true }); // [K, N*P]
        w2b.dispose();
        grads.set(x, col2im(dcols, g));
        dcols.dispose();
      }
      if (bias?.requiresGrad) grads.set(bias, reduceRaw(gt, [1], R.sum, 1, false, dest(bias)));
      gt.dispose();
      if (bw) grads.set(bw, bw.requiresGrad ? sgx : null);
      if (bb) grads.set(bb, bb.requiresGrad ? sg : null);
      if (!bw?.requiresGrad && sgx !== dest(bw)) sgx.dispose();
      if (!bb?.requiresGrad && sg !== dest(bb)) sg.dispose();
      return inputs.map((t) => grads.get(t) ?? null);
    });
  }
  cols?.dispose();
  ym.dispose();
  stats.dispose();
  return y;
}
