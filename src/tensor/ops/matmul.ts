/**
 * Batched matrix product with transposed operands read in place (no copies), an optional fused bias and
 * ReLU, and split-K for long inner dimensions with few outputs. Kernels: `shaders/matmul.wgsl` (any
 * shape, batched, shaped for llvmpipe), for large single products the texture path (`_matmul_tex.ts`),
 * and the GPU-shaped tiled kernel (`shaders/matmul_tiled.wgsl`, workgroup-memory tiles). Which one a
 * product takes is the heuristic `matmulPlan` unless the autotuner (`../tune.ts`) measured its shape
 * class on this adapter. `linear` is here too, with its backward (bias gradient and ReLU mask fused,
 * gradients written in place).
 *
 * WGSL: `shaders/matmul.wgsl`, `shaders/matmul_tb.wgsl` (and `shaders/matmul_tb_sg.wgsl` where the
 * device has subgroups), `shaders/matmul_tiled.wgsl`, `shaders/bias_grad.wgsl`. CPU twin:
 * `_matmul_ref.ts`. Tests: `matmul_test.ts`.
 * @module
 */
import { tensorsArg } from "./_args.ts";
import { checkOptions } from "../../_options.ts";
import { MATMUL_SPEC } from "./_specs.ts";
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { fillInPlace, Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { fmt } from "./_launch.ts";
import { aligned, type Dims, reduceSplits } from "./_matmul_common.ts";
import { matmulTexture, type TexLayout, texLayout, texRates } from "./_matmul_tex.ts";
import { B, binaryRaw, U, unaryRaw } from "./elementwise.ts";
import { copyInto } from "./_accumulate.ts";
import { matmulFits, matmulSplit } from "./_matmul_split.ts";
import { fitsWhole } from "./_chunk.ts";
import { type MatmulPlan, tweakedLayout } from "./_matmul_plan.ts";
import { chosenPlan } from "./_matmul_tune.ts";
import { R, reduceRaw, sumTo } from "./reduce.ts";
import { deferred } from "../_fusion.ts";

export type { TexLayout };
export { type MatmulPlan, matmulPlan, TEX_MIN_WORK } from "./_matmul_plan.ts";

/** Options of {@linkcode matmul}. */
export interface MatmulOptions {
  /** Use `a` transposed (its last two dims swapped). @default {false} */
  transA?: boolean;
  /** Use `b` transposed (its last two dims swapped). @default {false} */
  transB?: boolean;
}

function dims(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Dims {
  if (a.rank < 2 || b.rank < 2) {
    throw new TypeError(
      `Cannot matmul ${fmt(a.shape)} by ${fmt(b.shape)}: both need at least 2 dimensions`,
    );
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = ta ? ac : ar, k = ta ? ar : ac;
  const kb = tb ? bc : br, n = tb ? br : bc;
  const desc = `${fmt(a.shape)}${ta ? "^T" : ""} by ${fmt(b.shape)}${tb ? "^T" : ""}`;
  if (k !== kb) {
    throw new TypeError(`Cannot matmul ${desc}: inner dimensions ${k} and ${kb} differ`);
  }
  const ab = a.shape.slice(0, -2), bb = b.shape.slice(0, -2);
  const batchA = ab.reduce((x, y) => x * y, 1), batchB = bb.reduce((x, y) => x * y, 1);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
    throw new TypeError(`Cannot matmul ${desc}: batch dimensions ${fmt(ab)} and ${fmt(bb)} differ`);
  }
  const batchShape = batchA >= batchB ? ab : bb;
  return {
    batch: Math.max(batchA, batchB),
    m,
    k,
    n,
    batchShape,
    strideA: batchA === 1 ? 0 : m * k,
    strideB: batchB === 1 ? 0 : k * n,
  };
}

/** A product over an empty inner dimension: sums of no terms are 0 (PyTorch), then bias and ReLU. */
function emptyInner(dm: Dims, opts: MatmulOptions & RawOptions): Tensor {
  const shape = [...dm.batchShape, dm.m, dm.n];
  let r = Tensor.empty(shape);
  fillInPlace(r, 0);
  if (opts.bias) {
    const z = r;
    r = binaryRaw(z, opts.bias, B.add);
    z.dispose();
  }
  if (opts.relu) {
    const z = r;
    r = unaryRaw(z, U.relu);
    z.dispose();
  }
  if (!opts.out) return r;
  copyInto(opts.out, r);
  r.dispose();
  return opts.out;
}

/**
 * {@linkcode matmul} with the kernel plan given instead of chosen (`plan` omitted: chosen as
 * `matmul` does). For tests and tuning: a plan forces a tile size, a split-K count or the texture
 * path, which the automatic choice would take only for other shapes.
 */
export function matmulPlanned(
  a: Tensor,
  b: Tensor,
  opts: MatmulOptions & RawOptions,
  plan?: MatmulPlan,
): Tensor {
  floatOnly("matmul", [a, b, opts.bias, opts.out], "by");
  const ta = opts.transA ?? false, tb = opts.transB ?? false;
  const dm = dims(a, b, ta, tb);
  const into = opts.out;
  if (into && into.size !== dm.batch * dm.m * dm.n) {
    throw new TypeError(
      `Cannot matmul into a tensor of ${into.size} elements: the product has ${
        dm.batch * dm.m * dm.n
      }`,
    );
  }
  if (dm.k === 0) return emptyInner(dm, opts);
  const d = device();
  const planned = plan ?? chosenPlan(d, dm, ta, tb, opts.bias !== undefined, opts.relu ?? false);
  const { wx, wy, tex, tile, texTweak } = planned;
  const layout = planned.layout ??
    (texTweak &&
      tweakedLayout(texLayout(dm.m, dm.n, dm.k, ta, tb, texRates(d)), texTweak, dm.m, dm.n));
  let splits = planned.splits;
  if (!matmulFits(dm, ta, tb, splits)) {
    if (!matmulFits(dm, ta, tb, 1)) {
      return matmulSplit(a, b, dm, ta, tb, opts, (x, y, o) => matmulPlanned(x, y, o));
    }
    // Only the split-K partials are too big: fewer partials.
    splits = Math.max(1, Math.floor(d.maxBinding / (dm.batch * dm.m * dm.n * 4)));
  }
  if (tex && !tile) {
    const out = matmulTexture(
      a,
      b,
      dm,
      ta,
      tb,
      opts.bias,
      opts.relu ?? false,
      layout,
      into,
      opts.padA,
    );
    if (out) return out;
  }
  const kChunk = Math.ceil(dm.k / splits / 4) * 4;
  const realSplits = Math.ceil(dm.k / kChunk);
  const outShape = [...dm.batchShape, dm.m, dm.n];
  const fuse = realSplits === 1;
  const pa = opts.padA
    ? { ...opts.padA, copy: false }
    : aligned(a, ta ? dm.k : dm.m, ta ? dm.m : dm.k);
  const pb = aligned(b, tb ? dm.n : dm.k, tb ? dm.k : dm.n);
  const target = fuse
    ? into ?? Tensor.empty(outShape)
    : Tensor.empty([dm.batch * realSplits * dm.m * dm.n]);
  const p = packUniform(layouts.matmul_params.Params, {
    M: dm.m,
    N: dm.n,
    K: dm.k,
    splits: realSplits,
    lda4: pa.ld / 4,
    ldb4: pb.ld / 4,
    strideA4: dm.strideA === 0 ? 0 : (ta ? dm.k : dm.m) * pa.ld / 4,
    strideB4: dm.strideB === 0 ? 0 : (tb ? dm.n : dm.k) * pb.ld / 4,
    kChunk,
  });
  const bias = opts.bias;
  const v4 = dm.n % 4 === 0;
  const consts = {
    TRANS_A: ta ? 1 : 0,
    TRANS_B: tb ? 1 : 0,
    ...(fuse ? { BIAS: bias ? 1 : 0, RELU: opts.relu ? 1 : 0 } : {}),
  };
  // The llvmpipe-shaped kernel covers 8x8 outputs per invocation, the GPU-shaped one 4x4.
  const [kernel, cols, rows] = tile
    ? [
      d.kernel("matmul_tiled", { ...consts, TX: tile.tx, TY: tile.ty }, v4 ? "main4" : "main"),
      4 * tile.tx,
      4 * tile.ty,
    ]
    : [d.kernel("matmul", { ...consts, WX: wx, WY: wy }, v4 ? "main4" : "main"), 8 * wx, 8 * wy];
  d.dispatch(kernel, {
    P: d.uniform(p),
    A: pa.t.buffer,
    B: pb.t.buffer,
    [v4 ? "bias4" : "bias"]: fuse ? bias?.buffer ?? d.dummy : d.dummy,
    [v4 ? "C4" : "C"]: target.buffer,
  }, [
    Math.ceil(dm.n / cols),
    Math.ceil(dm.m / rows),
    dm.batch * realSplits,
  ], () => `matmul ${fmt(a.shape)}${ta ? "^T" : ""} by ${fmt(b.shape)}${tb ? "^T" : ""}`);
  if (pa.copy) pa.t.dispose();
  if (pb.copy) pb.t.dispose();
  if (fuse) return target;
  return reduceSplits(target, outShape, realSplits, dm.n, bias, opts.relu ?? false, into);
}

/** @internal Options of the graph-free matmul: fused epilogue, and a destination. */
export interface RawOptions {
  /** Added along n. */
  bias?: Tensor;
  /** ReLU after the bias. */
  relu?: boolean;
  /** Write C into this tensor (contiguous, m*n elements; e.g. a zeroed `.grad`) and return it. */
  out?: Tensor;
  /**
   * `a` already copied with its rows (of its contiguous last dimension) padded to `ld`, a multiple
   * of 4, with zeros: `aligned(a, ...)` done once for several products of the same `a`.
   */
  padA?: { t: Tensor; ld: number };
}

/** @internal Matmul kernel without graph; `bias` [n] and `relu` are fused into the epilogue. */
export function matmulRaw(
  a: Tensor,
  b: Tensor,
  opts: MatmulOptions & RawOptions = {},
): Tensor {
  return matmulPlanned(a, b, opts);
}

/**
 * Matrix product of the last two dimensions, batched over the leading ones (a batch of 1 broadcasts).
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../mod.ts";
 * await init();
 * const a = randn([4, 3]), b = randn([5, 3]);
 * const c = matmul(a, b, { transB: true }); // a [m,k], b [n,k] -> c [m,n]
 * c.shape; // [4, 5]
 * ```
 * @throws {TypeError} When the inner or batch dimensions do not match, naming both shapes.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  tensorsArg("matmul", { a, b });
  checkOptions("matmul", opts, MATMUL_SPEC);
  floatOnly("matmul", [a, b], "by");
  const ta = opts.transA ?? false, tb = opts.transB ?? false;
  const out = matmulRaw(a, b, opts);
  if (needsGrad(a, b)) {
    record(out, "matmul", [a, b], [a, b], (g, [x, y]) => {
      // C = op(A) op(B): dop(A) = G op(B)^T, dop(B) = op(A)^T G.
      let ga: Tensor | null = null, gb: Tensor | null = null;
      if (a.requiresGrad) {
        ga = ta
          ? matmulRaw(y!, g, { transA: tb, transB: true }) // dA = op(B) G^T  ([k,m])
          : matmulRaw(g, y!, { transB: !tb }); // dA = G op(B)^T ([m,k])
        ga = sumTo(ga.rank === a.rank ? ga : ga, a.shape);
      }
      if (b.requiresGrad) {
        gb = tb
          ? matmulRaw(g, x!, { transA: true, transB: ta }) // dB = G^T op(A) ([n,k])
          : matmulRaw(x!, g, { transA: !ta }); // dB = op(A)^T G ([k,n])
        gb = sumTo(gb, b.shape);
      }
      return [ga, gb];
    });
  }
  return out;
}

/** Rows up to which the bias gradient is one column loop per invocation (`shaders/bias_grad.wgsl`). */
const BIAS_GRAD_MAX_ROWS = 8192;

/**
 * `x @ w^T + bias` (PyTorch's `F.linear`: w is [out, in]) with an optional fused ReLU. Without
 * `relu`, the result is deferred (`_fusion.ts`): a `relu` that follows at once runs fused with it.
 */
export function linear(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  opts: { relu?: boolean } = {},
): Tensor {
  tensorsArg("linear", { x, w, bias }, ["bias"]);
  floatOnly("linear", [x, w, bias]);
  if (opts.relu) return linearNow(x, w, bias, opts);
  const dm = dims(x, w, false, true);
  if (bias && bias.size !== dm.n) {
    throw new TypeError(
      `Cannot add a bias of shape ${fmt(bias.shape)} to linear's ${dm.n} outputs`,
    );
  }
  const inputs = bias ? [x, w, bias] : [x, w];
  return deferred(
    "linear",
    [...dm.batchShape, dm.m, dm.n],
    inputs,
    ([a, b, c]) => linearNow(a!, b!, c, {}),
    {
      relu: () => linearNow(x, w, bias, { relu: true }),
    },
  );
}

/** @internal {@linkcode linear}, run at once (not deferred). */
export function linearNow(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null | undefined,
  opts: { relu?: boolean },
): Tensor {
  floatOnly("linear", [x, w, bias]);
  const out = matmulRaw(x, w, { transB: true, bias: bias ?? undefined, relu: opts.relu });
  if (needsGrad(x, w, bias)) {
    const inputs = bias ? [x, w, bias] : [x, w];
    const saved = [x, w, out];
    record(out, opts.relu ? "linear_relu" : "linear", inputs, saved, (g, [xs, ws, y], dests) => {
      // db (straight into a zeroed .grad when autograd offers one), with the ReLU mask applied and
      // the masked gradient written in the same dispatch; without a bias, the mask alone.
      const cols = g.shape[g.rank - 1]!, rows = g.size / cols;
      let gg = g, gb: Tensor | null = null;
      if (bias?.requiresGrad && rows <= BIAS_GRAD_MAX_ROWS && fitsWhole(g.buffer)) {
        gb = dests[2] ?? Tensor.empty([cols]);
        if (opts.relu) gg = Tensor.empty(g.shape);
        const d = device();
        d.dispatch(
          d.kernel("bias_grad", { RELU: opts.relu ? 1 : 0 }),
          {
            P: d.uniform(packUniform(layouts.bias_grad.Params, { rows, cols })),
            g: g.buffer,
            // Unused without the ReLU: y bound to g (read-only aliasing is allowed), gm to the dummy
            // (browsers reject one buffer at two writable bindings).
            y: opts.relu ? y!.buffer : g.buffer,
            gm: opts.relu ? gg.buffer : d.dummy,
            db: gb.buffer,
          },
          [Math.ceil(cols / 64)],
          () => `the bias gradient of linear at ${fmt(g.shape)}`,
        );
      } else if (opts.relu) gg = binaryRaw(y!, g, B.reluGrad);
      const g2 = gg.rank > 2 ? gg.view([rows, cols]) : gg;
      // Both products read gg as their A operand (dX: [n,out], dW: [n,out]^T): pad it once.
      const padA = x.requiresGrad && w.requiresGrad && cols % 4 !== 0
        ? aligned(g2, rows, cols)
        : undefined;
      const gx = x.requiresGrad ? matmulRaw(gg, ws!, { padA }) : null; // [n,out] @ [out,in]
      const x2 = xs!.rank > 2
        ? xs!.view([xs!.size / xs!.shape[xs!.rank - 1]!, xs!.shape[xs!.rank - 1]!])
        : xs!;
      // dW and db straight into zeroed .grad buffers when autograd offers them (no copies).
      const gw = w.requiresGrad
        ? matmulRaw(g2, x2, { transA: true, out: dests[1], padA }) // [out,n] @ [n,in]
        : null;
      padA?.t.dispose();
      if (bias?.requiresGrad && !gb) gb = reduceRaw(g2, [0], R.sum, 1, false, dests[2]);
      return bias ? [gx, gw, gb] : [gx, gw];
    });
  }
  return out;
}
