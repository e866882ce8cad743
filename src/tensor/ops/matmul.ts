/**
 * Batched matrix product with transposed operands read in place (no copies), an optional fused bias and
 * ReLU, and split-K for long inner dimensions with few outputs. Kernel: `shaders/matmul.wgsl`.
 * @module
 */
import { device } from "../device.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { fmt } from "./_launch.ts";
import { B, binaryRaw } from "./elementwise.ts";
import { reduceRaw, sumTo } from "./reduce.ts";

/** Options of {@linkcode matmul}. */
export interface MatmulOptions {
  /** Use `a` transposed (its last two dims swapped). @default {false} */
  transA?: boolean;
  /** Use `b` transposed (its last two dims swapped). @default {false} */
  transB?: boolean;
}

interface Dims {
  batch: number;
  m: number;
  k: number;
  n: number;
  batchShape: number[];
  strideA: number;
  strideB: number;
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

/** Picks workgroup shape and split-K so that a small output still spreads over many workgroups. */
function plan(dm: Dims): { wx: number; wy: number; splits: number } {
  let wx = 16, wy = 16;
  if (dm.n <= 32) wx = Math.max(2, Math.ceil(dm.n / 4) <= 4 ? 4 : 8);
  if (dm.m <= 32) wy = Math.max(2, Math.ceil(dm.m / 4) <= 4 ? 4 : 8);
  const groups = dm.batch * Math.ceil(dm.m / (4 * wy)) * Math.ceil(dm.n / (4 * wx));
  let splits = 1;
  if (groups < 16 && dm.k >= 256) {
    splits = Math.min(Math.ceil(32 / groups), Math.floor(dm.k / 64));
  }
  return { wx, wy, splits: Math.max(1, splits) };
}

/** @internal Matmul kernel without graph; `bias` [n] and `relu` are fused into the epilogue. */
export function matmulRaw(
  a: Tensor,
  b: Tensor,
  opts: MatmulOptions & { bias?: Tensor; relu?: boolean } = {},
): Tensor {
  const ta = opts.transA ?? false, tb = opts.transB ?? false;
  const dm = dims(a, b, ta, tb);
  const d = device();
  const { wx, wy, splits } = plan(dm);
  const kChunk = Math.ceil(dm.k / splits / 16) * 16;
  const realSplits = Math.ceil(dm.k / kChunk);
  const outShape = [...dm.batchShape, dm.m, dm.n];
  const fuse = realSplits === 1;
  const target = fuse ? Tensor.empty(outShape) : Tensor.empty([dm.batch, realSplits, dm.m, dm.n]);
  const p = new Uint32Array([dm.m, dm.n, dm.k, realSplits, dm.strideA, dm.strideB, kChunk, 0]);
  const bias = fuse && opts.bias ? opts.bias : undefined;
  const kernel = d.kernel("matmul", {
    TRANS_A: ta ? 1 : 0,
    TRANS_B: tb ? 1 : 0,
    BIAS: bias ? 1 : 0,
    RELU: fuse && opts.relu ? 1 : 0,
    WX: wx,
    WY: wy,
  });
  d.dispatch(kernel, [
    d.uniform(p.buffer),
    a.buffer,
    b.buffer,
    bias?.buffer ?? d.dummy,
    target.buffer,
  ], [
    Math.ceil(dm.n / (4 * wx)),
    Math.ceil(dm.m / (4 * wy)),
    dm.batch * realSplits,
  ]);
  if (fuse) return target;
  let out = reduceRaw(target, [1], 0);
  target.dispose();
  if (opts.bias) {
    const o2 = binaryRaw(out, opts.bias, B.add);
    out.dispose();
    out = o2;
  }
  if (opts.relu) {
    const o3 = binaryRaw(out, out, B.reluGrad); // x > 0 ? x : 0
    out.dispose();
    out = o3;
  }
  return out.view(outShape);
}

/**
 * Matrix product of the last two dimensions, batched over the leading ones (a batch of 1 broadcasts).
 *
 * @example Usage
 * ```ts ignore
 * const c = matmul(a, b, { transB: true }); // a [m,k], b [n,k] -> c [m,n]
 * ```
 * @throws {TypeError} When the inner or batch dimensions do not match, naming both shapes.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
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

/** `x @ w^T + bias` (PyTorch's `F.linear`: w is [out, in]) with an optional fused ReLU. */
export function linear(
  x: Tensor,
  w: Tensor,
  bias?: Tensor | null,
  opts: { relu?: boolean } = {},
): Tensor {
  const out = matmulRaw(x, w, { transB: true, bias: bias ?? undefined, relu: opts.relu });
  if (needsGrad(x, w, bias)) {
    const inputs = bias ? [x, w, bias] : [x, w];
    record(out, opts.relu ? "linear_relu" : "linear", inputs, [x, w, out], (g, [xs, ws, y]) => {
      const gg = opts.relu ? binaryRaw(y!, g, B.reluGrad) : g;
      const gx = x.requiresGrad ? matmulRaw(gg, ws!) : null; // [n,out] @ [out,in]
      const g2 = gg.rank > 2
        ? gg.view([gg.size / gg.shape[gg.rank - 1]!, gg.shape[gg.rank - 1]!])
        : gg;
      const x2 = xs!.rank > 2
        ? xs!.view([xs!.size / xs!.shape[xs!.rank - 1]!, xs!.shape[xs!.rank - 1]!])
        : xs!;
      const gw = w.requiresGrad ? matmulRaw(g2, x2, { transA: true }) : null; // [out,n] @ [n,in]
      const gb = bias?.requiresGrad ? reduceRaw(g2, [0], 0) : null;
      return bias ? [gx, gw, gb] : [gx, gw];
    });
  }
  return out;
}
