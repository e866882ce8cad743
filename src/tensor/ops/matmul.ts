/**
 * Batched matrix product with transposed operands read in place (no copies), an optional fused bias and
 * ReLU, and split-K for long inner dimensions with few outputs. Kernel: `shaders/matmul.wgsl`.
 * @module
 */
import { device, type PooledBuffer } from "../device.ts";
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

/** How one product is launched: workgroup shape (in 8x8-output invocations) and split-K count. */
export interface MatmulPlan {
  wx: number;
  wy: number;
  splits: number;
  /** Use the uniform-A / texture-B kernel (`shaders/matmul_tex.wgsl`) when it applies. */
  tex?: boolean;
}

const nextPow2 = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/**
 * @internal Picks the workgroup shape and split-K. On llvmpipe a workgroup runs on one CPU thread, so a
 * product needs at least ~8 workgroups to keep the cores busy; a long K with few output blocks is split.
 */
export function matmulPlan(m: number, n: number, k: number, batch: number): MatmulPlan {
  const tm = Math.ceil(m / 8), tn = Math.ceil(n / 8);
  const wx = Math.min(8, nextPow2(tn));
  const wy = Math.max(1, Math.min(8, nextPow2(tm), Math.floor(64 / wx)));
  const groups = batch * Math.ceil(tn / wx) * Math.ceil(tm / wy);
  // Chunks of at most ~1024 deep keep a workgroup's panel of B in cache; few workgroups split further.
  let splits = k > 1024 ? Math.ceil(k / 1024) : 1;
  if (groups < 8 && k >= 256) splits = Math.max(splits, Math.min(Math.ceil(8 / groups), k >> 8));
  // The texture path packs (or copies) both operands and runs one dispatch per 1..8 64 KiB panels of
  // A (at least 8 rows each: k <= 2048): worth it once the product is big enough.
  const tex = batch === 1 && n % 4 === 0 && k <= 2048 && m * n * k >= TEX_MIN_WORK;
  return { wx, wy, splits, tex };
}

/** @internal Smallest m*n*k for which {@linkcode matmulPlan} picks the texture path. */
export const TEX_MIN_WORK = 1 << 26;

/** Grid for `n` invocations of 64 along x, folded into y past 65535 workgroups. */
function grid64(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / 64));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/**
 * An operand whose contiguous (last) dimension `cols` is a multiple of 4 as is, or a zero-padded copy
 * `[batch*rows, ld]` otherwise, so the kernel can read it as vec4s. Returns the row stride.
 */
function aligned(t: Tensor, rows: number, cols: number): { t: Tensor; ld: number; copy: boolean } {
  if (cols % 4 === 0) return { t, ld: cols, copy: false };
  const ld = Math.ceil(cols / 4) * 4;
  const batchRows = t.size / cols;
  const out = Tensor.empty([batchRows, ld]);
  const d = device();
  const count = batchRows * ld;
  d.dispatch(
    d.kernel("matmul", {}, "pad"),
    [d.uniform(new Uint32Array([rows, cols, ld, count])), t.buffer, null, null, out.buffer],
    grid64(count),
  );
  return { t: out, ld, copy: true };
}

// ---- texture path: A in uniform panels, B in an rgba32float texture (shaders/matmul_tex.wgsl) ----

/** Floats of one 64 KiB uniform panel of packed A. */
const PANEL = 16384;

interface Scratch {
  id: number;
  buffer: GPUBuffer;
  size: number;
}
interface TexScratch {
  id: number;
  texture: GPUTexture;
  view: GPUTextureView;
}
let scratchA: Scratch | null = null;
const scratchB = new Map<string, TexScratch>();
let scratchIds = 1;
const MAX_TEXTURES = 16;

/** The packed-A buffer, at least `bytes` long (grown rarely; reused by every product after). */
function panelBuffer(bytes: number): Scratch {
  if (scratchA && scratchA.size >= bytes) return scratchA;
  const d = device();
  if (scratchA) {
    d.flush(); // recorded commands may still use the old one
    scratchA.buffer.destroy();
  }
  const size = 2 ** Math.ceil(Math.log2(bytes));
  scratchA = {
    id: scratchIds++,
    size,
    buffer: d.gpu.createBuffer({
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    }),
  };
  return scratchA;
}

/** The packed-B texture of `w` x `h` texels, one per size (a small cache). */
function panelTexture(w: number, h: number): TexScratch {
  const key = `${w}x${h}`;
  let t = scratchB.get(key);
  if (t) return t;
  const d = device();
  if (scratchB.size >= MAX_TEXTURES) {
    d.flush();
    for (const x of scratchB.values()) x.texture.destroy();
    scratchB.clear();
  }
  const texture = d.gpu.createTexture({
    size: [w, h],
    format: "rgba32float",
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.STORAGE_BINDING |
      GPUTextureUsage.COPY_DST,
  });
  t = { id: scratchIds++, texture, view: texture.createView() };
  scratchB.set(key, t);
  return t;
}

const whole = (b: PooledBuffer): GPUBufferBinding =>
  b.offset === undefined
    ? { buffer: b.buffer }
    : { buffer: b.buffer, offset: b.offset, size: b.size };

/** C = op(A) op(B) (+bias, relu) on the texture path, or null where it does not apply. */
function matmulTex(
  a: Tensor,
  b: Tensor,
  dm: Dims,
  ta: boolean,
  tb: boolean,
  bias: Tensor | undefined,
  relu: boolean,
): Tensor | null {
  const { m, n, k } = dm;
  if (dm.batch !== 1 || n % 4 !== 0) return null;
  const d = device();
  const k4 = Math.ceil(k / 4);
  const rowsPer = Math.floor(PANEL / 4 / k4 / 8) * 8;
  const w = Math.ceil(n / 8) * 2, h = k4 * 4;
  const maxDim = d.gpu.limits.maxTextureDimension2D;
  if (rowsPer < 8 || w > maxDim || h > maxDim) return null;
  const panels = Math.ceil(m / rowsPer);
  const bytes = 2 ** Math.ceil(Math.log2(panels * PANEL * 4));
  if (bytes > d.gpu.limits.maxStorageBufferBindingSize) return null;
  const sa = panelBuffer(bytes);
  const count = panels * PANEL / 4;
  // Untransposed, vec4-aligned operands are copied in (a memcpy on llvmpipe) instead of packed.
  if (!ta && k % 4 === 0) {
    // Rows already in panel layout: one copy per panel (rows past M are never stored).
    for (let p = 0; p < panels; p++) {
      const rows = Math.min(rowsPer, m - p * rowsPer);
      d.copy(
        a.buffer,
        (a.buffer.offset ?? 0) + p * rowsPer * k * 4,
        sa,
        p * PANEL * 4,
        rows * k * 4,
      );
    }
  } else {
    const pa = d.uniform(new Uint32Array([m, n, k, k4, rowsPer, count, h, 0]));
    const packA = d.kernel("matmul_tex", { TRANS: ta ? 1 : 0 }, "packA");
    d.dispatchEntries(packA, `${pa.id},${a.buffer.id},${sa.id}`, () => [
      { binding: 0, resource: { buffer: pa.buffer } },
      { binding: 1, resource: whole(a.buffer) },
      { binding: 4, resource: { buffer: sa.buffer } },
    ], grid64(count));
  }
  const tx = panelTexture(w, h);
  if (!tb && k % 4 === 0 && n % 64 === 0) {
    // Rows of B are whole 256-byte multiples and fill the texture exactly.
    d.copyToTexture(b.buffer, n * 4, tx.texture, [w, h]);
  } else {
    const pb = d.uniform(new Uint32Array([m, n, k, k4, rowsPer, w, h, 0]));
    const packB = d.kernel("matmul_tex", { TRANS: tb ? 1 : 0 }, "packB");
    d.dispatchEntries(packB, `${pb.id},${b.buffer.id},${tx.id}`, () => [
      { binding: 0, resource: { buffer: pb.buffer } },
      { binding: 1, resource: whole(b.buffer) },
      { binding: 2, resource: tx.view },
    ], [Math.ceil(w / 8), Math.ceil(h / 8)]);
  }
  const out = Tensor.empty([...dm.batchShape, m, n]);
  const bb = bias?.buffer ?? d.dummy;
  const flags = { BIAS: bias ? 1 : 0, RELU: relu ? 1 : 0 };
  const wx = Math.min(8, nextPow2(Math.ceil(n / 8)));
  // Panels per dispatch (up to 8 bound at once): enough workgroups per dispatch to fill the cores and
  // amortize the dispatch, else one panel per dispatch with the simpler kernel.
  const perPanel = Math.ceil(n / (8 * wx)) * Math.ceil(Math.min(rowsPer, m) / 8);
  const np = Math.min(8, panels, Math.ceil(64 / perPanel));
  if (np > 1) {
    const main = d.kernel("matmul_tex", { WX: wx, ...flags }, "mainP");
    for (let p = 0; p < panels; p += np) {
      const z = Math.min(np, panels - p);
      const rows = Math.min(z * rowsPer, m - p * rowsPer);
      const u = d.uniform(new Uint32Array([m, n, k4, p * rowsPer, rowsPer, rows, 0, 0]));
      const slot = (i: number) => ({
        buffer: sa.buffer,
        offset: (p + (i < z ? i : 0)) * PANEL * 4,
        size: PANEL * 4,
      });
      d.dispatchEntries(
        main,
        `${u.id},${sa.id}:${p}:${z},${tx.id},${bb.id},${out.buffer.id}`,
        () => [
          { binding: 0, resource: { buffer: u.buffer } },
          { binding: 1, resource: slot(0) },
          { binding: 2, resource: tx.view },
          { binding: 3, resource: whole(bb) },
          { binding: 4, resource: whole(out.buffer) },
          ...[1, 2, 3, 4, 5, 6, 7].map((i) => ({ binding: 4 + i, resource: slot(i) })),
        ],
        [Math.ceil(n / (8 * wx)), Math.ceil(Math.min(rowsPer, rows) / 8), z],
      );
    }
    return out;
  }
  const main = d.kernel("matmul_tex", { WX: wx, ...flags }, "main");
  for (let p = 0; p < panels; p++) {
    const rows = Math.min(rowsPer, m - p * rowsPer);
    const u = d.uniform(new Uint32Array([m, n, k4, p * rowsPer, rows, 0, 0, 0]));
    d.dispatchEntries(main, `${u.id},${sa.id}:${p},${tx.id},${bb.id},${out.buffer.id}`, () => [
      { binding: 0, resource: { buffer: u.buffer } },
      { binding: 1, resource: { buffer: sa.buffer, offset: p * PANEL * 4, size: PANEL * 4 } },
      { binding: 2, resource: tx.view },
      { binding: 3, resource: whole(bb) },
      { binding: 4, resource: whole(out.buffer) },
    ], [Math.ceil(n / (8 * wx)), Math.ceil(rows / 8)]);
  }
  return out;
}

/** @internal {@linkcode matmulRaw} with an explicit launch plan (for `tools/mm_tune.ts`). */
export function matmulPlanned(
  a: Tensor,
  b: Tensor,
  opts: MatmulOptions & { bias?: Tensor; relu?: boolean },
  plan?: MatmulPlan,
): Tensor {
  const ta = opts.transA ?? false, tb = opts.transB ?? false;
  const dm = dims(a, b, ta, tb);
  const d = device();
  const { wx, wy, splits, tex } = plan ?? matmulPlan(dm.m, dm.n, dm.k, dm.batch);
  if (tex) {
    const out = matmulTex(a, b, dm, ta, tb, opts.bias, opts.relu ?? false);
    if (out) return out;
  }
  const kChunk = Math.ceil(dm.k / splits / 4) * 4;
  const realSplits = Math.ceil(dm.k / kChunk);
  const outShape = [...dm.batchShape, dm.m, dm.n];
  const fuse = realSplits === 1;
  const pa = aligned(a, ta ? dm.k : dm.m, ta ? dm.m : dm.k);
  const pb = aligned(b, tb ? dm.n : dm.k, tb ? dm.k : dm.n);
  const target = fuse
    ? Tensor.empty(outShape)
    : Tensor.empty([dm.batch * realSplits * dm.m * dm.n]);
  const p = new Uint32Array([
    dm.m,
    dm.n,
    dm.k,
    realSplits,
    pa.ld / 4,
    pb.ld / 4,
    dm.strideA === 0 ? 0 : (ta ? dm.k : dm.m) * pa.ld / 4,
    dm.strideB === 0 ? 0 : (tb ? dm.n : dm.k) * pb.ld / 4,
    kChunk,
    0,
    0,
    0,
  ]);
  const bias = opts.bias;
  const flags = { BIAS: bias ? 1 : 0, RELU: opts.relu ? 1 : 0 };
  const kernel = d.kernel("matmul", {
    TRANS_A: ta ? 1 : 0,
    TRANS_B: tb ? 1 : 0,
    ...(fuse ? flags : {}),
    WX: wx,
    WY: wy,
  }, dm.n % 4 === 0 ? "main4" : "main");
  d.dispatch(kernel, [
    d.uniform(p),
    pa.t.buffer,
    pb.t.buffer,
    fuse ? bias?.buffer ?? d.dummy : d.dummy,
    target.buffer,
  ], [
    Math.ceil(dm.n / (8 * wx)),
    Math.ceil(dm.m / (8 * wy)),
    dm.batch * realSplits,
  ]);
  if (pa.copy) pa.t.dispose();
  if (pb.copy) pb.t.dispose();
  if (fuse) return target;
  const out = Tensor.empty(outShape);
  const count = dm.batch * dm.m * dm.n;
  d.dispatch(d.kernel("matmul", flags, "reduce"), [
    d.uniform(new Uint32Array([dm.m * dm.n, realSplits, dm.n, count])),
    target.buffer,
    null,
    bias?.buffer ?? d.dummy,
    out.buffer,
  ], grid64(count));
  target.dispose();
  return out;
}

/** @internal Matmul kernel without graph; `bias` [n] and `relu` are fused into the epilogue. */
export function matmulRaw(
  a: Tensor,
  b: Tensor,
  opts: MatmulOptions & { bias?: Tensor; relu?: boolean } = {},
): Tensor {
  return matmulPlanned(a, b, opts);
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
