/**
 * The texture path of matmul (`shaders/matmul_tb.wgsl`; `matmul_tb_sg.wgsl` where the device has
 * `subgroups`) for one large product (batch 1): one operand
 * goes into an rgba32float texture (copied when its rows are whole 256-byte multiples, else packed),
 * the other is read from storage at workgroup-uniform addresses. The product is computed as C or as
 * C^T = op(B)^T op(A)^T, whichever puts the larger dimension on the SIMD lanes; the kernel stores the
 * transpose itself, so the result is always C [m, n]. Long inner dimensions with few output tiles are
 * split over workgroups and summed by `matmul.wgsl` `reduce`.
 *
 * Not here: batched products and small ones (the storage kernel in `matmul.ts` serves them).
 * @module
 */
import { type Device, device, type PooledBuffer } from "../device.ts";
import { adapterKey, hasSubgroups } from "../_adapter.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { Tensor } from "../tensor.ts";
import { aligned, type Dims, reduceSplits } from "./_matmul_common.ts";
import { fmt } from "./_launch.ts";

/** How the texture path lays out one product. */
export interface TexLayout {
  /** Compute C^T (the texture holds op(A)^T, storage op(B)^T). */
  swap: boolean;
  /** Texels per invocation: 4 (16 columns) or 2. */
  cw: 2 | 4;
  /** Split-K count. */
  splits: number;
  /** Rows of the output per workgroup (default 16). */
  rm?: 8 | 16;
  /** Invocations per workgroup (default 8). */
  lanes?: 4 | 8 | 16;
  /**
   * false: the plain kernel (`matmul_tb.wgsl`) even where the device has `subgroups`; by default
   * there the rows of A are shared within subgroups (`matmul_tb_sg.wgsl`, 1.1-1.2x on SwiftShader).
   */
  sg?: false;
}

/** Rows of the output tile of one workgroup, and invocations (SIMD lanes) per workgroup. */
const RM = 16, LANES = 8;

/** Workgroups of a launch below which K is split (a few per core of a small machine). */
const MIN_GROUPS = 8;

/** CPU cores (llvmpipe runs one workgroup per core at a time). */
const CORES = Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2);

/**
 * @internal The layout for C [m, n] = op(A) op(B) with inner dimension k: of the two orientations,
 * and of 16 or 8 rows per workgroup, the one with the smaller estimated cost (kernel time at the
 * adapter's measured rate, `rates`, scaled by the lanes and rows left idle, plus the copy or pack
 * that fills the texture); K is split when there are too few tiles to keep the cores busy.
 */
export function texLayout(
  m: number,
  n: number,
  k: number,
  ta = false,
  tb = false,
  rates: TexRates = LLVMPIPE_RATES,
): TexLayout {
  const option = (swap: boolean, rm: 8 | 16): TexLayout & { cost: number } => {
    const lanes = swap ? m : n, rows = swap ? n : m;
    const cw: 2 | 4 = lanes >= 128 ? 4 : 2;
    const invocations = Math.ceil(lanes / (4 * cw));
    const groupsX = Math.ceil(invocations / LANES), groupsY = Math.ceil(rows / rm);
    const busy = (invocations / (groupsX * LANES)) * (rows / (groupsY * rm)) *
      (cw === 4 ? 1 : rates.cw2Rate) * (rm === 16 ? 1 : rates.rm8Rate);
    // The texture holds op(B) (normal) or op(A)^T (swapped); see matmulTexture.
    const copy = swap ? copyable(m, m, !ta) : copyable(n, n, tb);
    const fill = k * lanes * (copy ? rates.copyNs : rates.packNs) + (copy ? 0 : rates.dispatchNs);
    const groups = groupsX * groupsY;
    let splits = 1;
    if (groups < MIN_GROUPS) {
      // Enough workgroups, and a multiple of the cores so that none idles at the end.
      const most = Math.max(1, k >> 8);
      splits = Math.min(most, Math.ceil(MIN_GROUPS / groups));
      while (splits < most && (groups * splits) % CORES !== 0) splits++;
    }
    // Split-K writes and sums `splits` partial outputs in one more dispatch.
    const reduce = splits > 1 ? rates.dispatchNs + (splits + 1) * m * n * rates.packNs : 0;
    const cost = 2 * m * n * k / (rates.gflops * busy) + fill + reduce;
    return { swap, cw, splits, ...(rm === 8 ? { rm } : {}), cost };
  };
  let best = option(false, RM);
  for (const o of [option(true, RM), option(false, 8), option(true, 8)]) {
    if (o.cost < best.cost) best = o;
  }
  const { cost: _, ...layout } = best;
  return layout;
}

/** What `texLayout`'s cost model knows of an adapter, each figure measured there. */
export interface TexRates {
  /** The kernel's rate with 16 rows and 4 texels per invocation, GFLOP/s (= flops per ns). */
  gflops: number;
  /** ns per float copied into the texture, and per float packed (a dispatch, then the copy). */
  copyNs: number;
  packNs: number;
  /** The fixed cost of one more dispatch, ns. */
  dispatchNs: number;
  /** The kernel's rate with 2 texels per invocation, relative to 4. */
  cw2Rate: number;
  /** The kernel's rate with 8 rows per workgroup, relative to 16, where neither leaves rows idle. */
  rm8Rate: number;
}

/**
 * Measured on llvmpipe (2 cores). 8 rows serve products whose row count 16 would round up by more
 * (0.95-1.0 the rate of 16 rows), and compile 2.5x faster (1.0 s against 2.5 s cold for 4 texels
 * per invocation).
 */
export const LLVMPIPE_RATES: TexRates = {
  gflops: 55,
  copyNs: 0.15,
  packNs: 0.4,
  dispatchNs: 35_000,
  cw2Rate: 0.75,
  rm8Rate: 0.96,
};

/**
 * Measured on Chrome's SwiftShader (2 cores, headless Chromium): the subgroup kernel at ~2.7
 * GFLOP/s, a pack ~35x llvmpipe's cost per float (2.9 ms for a 784x256 weight) against a copy at
 * 0.8 ns per float, 2 texels per invocation 0.8-0.95x, 8 rows 0.9x. Its packs cost as much as a
 * tenth of the product they feed, so the orientation that packs the smaller operand wins more often
 * (the MLP's 64x784 by 784x256 forward: 1.2x, paired in the page).
 */
export const SWIFTSHADER_RATES: TexRates = {
  gflops: 2.7,
  copyNs: 0.8,
  packNs: 14,
  dispatchNs: 50_000,
  cw2Rate: 0.85,
  rm8Rate: 0.9,
};

/** The cost model's figures for `d`'s adapter: SwiftShader's there, else llvmpipe's. */
export const texRates = (d: Device): TexRates =>
  adapterKey(d).split("/")[1] === "swiftshader" ? SWIFTSHADER_RATES : LLVMPIPE_RATES;

interface TexScratch {
  id: number;
  texture: GPUTexture;
  view: GPUTextureView;
}
const textures = new Map<string, TexScratch>();
let textureIds = 1;
const MAX_TEXTURES = 16;

/** The scratch texture of `w` x `h` texels, one per size (a small cache, reused by every product). */
function scratchTexture(w: number, h: number): TexScratch {
  const key = `${w}x${h}`;
  let t = textures.get(key);
  if (t) return t;
  const d = device();
  if (textures.size >= MAX_TEXTURES) {
    d.flush(); // recorded commands may still use them
    for (const x of textures.values()) x.texture.destroy();
    textures.clear();
  }
  const texture = d.gpu.createTexture({
    size: [w, h],
    format: "rgba32float",
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  t = { id: textureIds++, texture, view: texture.createView() };
  textures.set(key, t);
  return t;
}

const bindingOf = (x: PooledBuffer): GPUBufferBinding =>
  x.offset === undefined
    ? { buffer: x.buffer }
    : { buffer: x.buffer, offset: x.offset, size: x.size };

/** True when `src` holding T [K, L] row-major can be copied into the texture as is. */
const copyable = (l: number, ld: number, trans: boolean) => !trans && ld === l && l % 64 === 0;

/**
 * Fills a texture with T [K, L] (texel (l4, k) = T[k, 4*l4..]) from `src`, which holds T row-major
 * with row stride `ld` (`trans` false) or T^T [L, ld] (`trans` true): a copy when T's rows are whole
 * 256-byte multiples, else a pack into a staging buffer with such rows, then the copy.
 */
function textureOf(src: Tensor, kk: number, l: number, ld: number, trans: boolean): TexScratch {
  const d = device();
  const w = Math.ceil(l / 4), h = Math.ceil(kk / 4) * 4;
  const tx = scratchTexture(w, h);
  if (copyable(l, ld, trans) && (src.buffer.offset ?? 0) % 16 === 0) {
    // Rows past K keep stale values; the kernel masks them.
    d.copyToTexture(src.buffer, l * 4, tx.texture, [w, kk]);
    return tx;
  }
  const w4 = Math.ceil(w / 16) * 16;
  const staging = Tensor.empty([h, w4 * 4]);
  const u = d.uniform(packUniform(layouts.matmul_tb.Pack, { K: kk, L: l, ld, W4: w4, W: w, H: h }));
  const s = src.buffer;
  if (trans) {
    const whole = ld % 4 === 0 && kk % 4 === 0 && l % 4 === 0;
    d.dispatch(
      d.kernel("matmul_tb", { ALIGNED: whole ? 1 : 0 }, "packCols"),
      { Q: u, src: s, src4: s, dst: staging.buffer },
      [Math.ceil(h / 4 / 64), w],
    );
  } else {
    d.dispatch(
      d.kernel("matmul_tb", {}, "packRows"),
      { Q: u, src: s, dst: staging.buffer },
      [Math.ceil(w / 64), h],
    );
  }
  d.copyToTexture(staging.buffer, w4 * 16, tx.texture, [w, h]);
  staging.dispose();
  return tx;
}

/**
 * C = op(A) op(B) (+bias along n, then ReLU) on the texture path, written into `into` when given
 * (m*n elements), reading A through `padA` when given (see `RawOptions.padA`), or null where the
 * path does not apply (a batch, or an operand past the texture
 * size limit).
 */
export function matmulTexture(
  a: Tensor,
  b: Tensor,
  dm: Dims,
  ta: boolean,
  tb: boolean,
  bias: Tensor | undefined,
  relu: boolean,
  layout: TexLayout = texLayout(dm.m, dm.n, dm.k, ta, tb, texRates(device())),
  into?: Tensor,
  padA?: { t: Tensor; ld: number },
): Tensor | null {
  const { m, n, k } = dm;
  if (dm.batch !== 1) return null;
  const d = device();
  const { swap, cw } = layout;
  const lanes = swap ? m : n, rows = swap ? n : m;
  const maxDim = d.limits.maxTextureDimension2D;
  if (Math.ceil(lanes / 4) > maxDim || Math.ceil(k / 4) * 4 > maxDim) return null;
  // The staging buffer of the pack and the split-K partials must fit one binding, else the plain path.
  const stagingBytes = Math.ceil(Math.ceil(lanes / 4) / 16) * 16 * 16 * Math.ceil(k / 4) * 4;
  if (stagingBytes > d.maxBinding || m * n * 4 * Math.max(1, layout.splits) > d.maxBinding) {
    return null;
  }
  // Texture: T [k, lanes]. Normal: T = op(B) (stored B [k,n], or [n,k] when tb). Swapped:
  // T = op(A)^T (stored A [k,m] when ta, else [m,k]).
  const tx = swap ? textureOf(a, k, m, ta ? m : k, !ta) : textureOf(b, k, n, tb ? k : n, tb);
  // Storage rows R [rows, k]: normal op(A); swapped op(B)^T, i.e. B itself when tb.
  const rowsTrans = swap ? !tb : ta;
  const rowSrc = swap ? b : a;
  const pr = !swap && padA
    ? { ...padA, copy: false }
    : aligned(rowSrc, rowsTrans ? k : rows, rowsTrans ? rows : k);
  const kChunk = Math.ceil(k / layout.splits / 4) * 4;
  const splits = Math.ceil(k / kChunk);
  const shape = [...dm.batchShape, m, n];
  const out = splits === 1 && into ? into : Tensor.empty(splits === 1 ? shape : [splits, m, n]);
  const bb = splits === 1 && bias ? bias.buffer : d.dummy;
  // vec4 stores where C's last dimension (the kernel's lanes, or its rows when swapped) allows.
  const vec4 = (swap ? rows : lanes) % 4 === 0 && (out.buffer.offset ?? 0) % 16 === 0 &&
    (bb.offset ?? 0) % 16 === 0;
  const rm = layout.rm ?? RM, wl = layout.lanes ?? LANES;
  const sg = layout.sg !== false && hasSubgroups(d);
  const kernel = d.kernel(sg ? "matmul_tb_sg" : "matmul_tb", {
    CW: cw,
    TRANS_A: rowsTrans ? 1 : 0,
    TRANS_C: swap ? 1 : 0,
    BIAS: splits === 1 && bias ? 1 : 0,
    RELU: splits === 1 && relu ? 1 : 0,
    ...(rm !== RM ? { RM: rm } : {}),
    ...(wl !== LANES ? { LANES: wl } : {}),
  }, vec4 ? "main4" : "main");
  const u = d.uniform(packUniform(layouts.matmul_tb.Params, {
    M: rows,
    L: lanes,
    K: k,
    lda4: pr.ld / 4,
    kChunk,
    splits,
  }));
  d.dispatchEntries(
    kernel,
    `${u.id},${pr.t.buffer.id},${tx.id},${bb.id},${out.buffer.id}`,
    () => ({
      P: { buffer: u.buffer },
      A: bindingOf(pr.t.buffer),
      T: tx.view,
      [vec4 ? "bias4" : "bias"]: bindingOf(bb),
      [vec4 ? "C4" : "C"]: bindingOf(out.buffer),
    }),
    [Math.ceil(lanes / (4 * cw * wl)), Math.ceil(rows / rm), splits],
    () =>
      `matmul ${fmt(a.shape)}${ta ? "^T" : ""} by ${fmt(b.shape)}${tb ? "^T" : ""} (texture path)`,
  );
  if (pr.copy) pr.t.dispose();
  if (splits === 1) return out;
  return reduceSplits(out, shape, splits, n, bias, relu, into);
}
