/**
 * A matmul whose operands, result or split-K partials are bigger than one storage binding, as several
 * products that each fit: first over the batch, then over columns of C (when op(B) is too big), then over
 * rows of C. Each part is computed by the ordinary graph-free matmul (which may split it further) and
 * copied into its place in C. Row and column pieces of an operand are borrowed slabs when contiguous and
 * strided copies when not. A single row or column of an operand bigger than a binding is a `GpuError`.
 * @module
 */
import { device } from "../device.ts";
import { constants } from "../_shaders.ts";
import { GpuError } from "../gpu_error.ts";
import { Tensor } from "../tensor.ts";
import { fmtLimit } from "../_limits.ts";
import { fmt } from "./_launch.ts";
import type { Dims } from "./_matmul_common.ts";
import { runStrided } from "./_chunk.ts";
import { slabOf } from "./_slabs.ts";

/** The graph-free product the split calls for each part. */
type Product = (
  a: Tensor,
  b: Tensor,
  opts: { transA?: boolean; transB?: boolean; bias?: Tensor; relu?: boolean; out?: Tensor },
) => Tensor;

const pad4 = (x: number) => Math.ceil(x / 4) * 4;

/** Whether the product `dm` with `splits` split-K partials fits one binding per buffer. */
export function matmulFits(dm: Dims, ta: boolean, tb: boolean, splits: number): boolean {
  const mb = device().maxBinding;
  const aBatch = dm.strideA === 0 ? 1 : dm.batch, bBatch = dm.strideB === 0 ? 1 : dm.batch;
  const aBytes = aBatch * (ta ? dm.k * pad4(dm.m) : dm.m * pad4(dm.k)) * 4;
  const bBytes = bBatch * (tb ? dm.n * pad4(dm.k) : dm.k * pad4(dm.n)) * 4;
  const cBytes = dm.batch * dm.m * dm.n * 4 * Math.max(1, splits);
  return aBytes <= mb && bBytes <= mb && cBytes <= mb;
}

/** Columns `[c0, c1)` of the 2-D `t` `[r, c]` as a contiguous `[r, c1 - c0]` copy. */
function columns(t: Tensor, c0: number, c1: number): Tensor {
  const d = device();
  const [r, c] = t.shape as [number, number];
  const out = Tensor.empty([r, c1 - c0]);
  runStrided(
    d.kernel("unary", { OP: constants.unary.OP_COPY, CONTIG: 0 }),
    [r, c1 - c0],
    [{ buf: t.buffer, strides: [c, 1], offset: c0 }],
    out.buffer,
    { what: () => `columns ${c0}..${c1} of ${fmt(t.shape)}` },
  );
  return out;
}

/** Writes `part` `[r, w]` into columns `[c0, c0 + w)` of `out` `[r, c]`. */
function putColumns(out: Tensor, part: Tensor, c0: number, c: number): void {
  const d = device();
  const [r, w] = part.shape as [number, number];
  runStrided(
    d.kernel("unary", { OP: constants.unary.OP_COPY, CONTIG: 0, SCATTER: 1 }),
    [r, w],
    [{ buf: part.buffer, strides: [w, 1] }, { buf: out.buffer, strides: [c, 1], offset: c0 }],
    null,
    { what: () => `writing ${fmt(part.shape)} into columns of [${r},${c}]` },
  );
}

/** Copies `part` into `out` at element `at`. */
function putAt(out: Tensor, part: Tensor, at: number): void {
  const d = device();
  const o = out.buffer, p = part.buffer;
  d.copy(p, p.offset ?? 0, o, (o.offset ?? 0) + at * 4, part.size * 4);
}

/** How many of `total` items of `bytesEach` fit one binding (at least 1, or a `GpuError`). */
function perBinding(total: number, bytesEach: number, what: string): number {
  const d = device();
  const n = Math.floor(d.maxBinding / bytesEach);
  if (n < 1) {
    throw new GpuError(
      `Cannot matmul ${what}: one ${bytesEach}-byte row or column is bigger than the device's ` +
        `maxStorageBufferBindingSize of ${fmtLimit(d.limits.maxStorageBufferBindingSize)}`,
    );
  }
  return Math.min(total, n);
}

/** C = op(A) op(B) (+ bias, ReLU) for `dm` too big for one dispatch; written into `out` when given. */
export function matmulSplit(
  a: Tensor,
  b: Tensor,
  dm: Dims,
  ta: boolean,
  tb: boolean,
  opts: { bias?: Tensor; relu?: boolean; out?: Tensor },
  product: Product,
): Tensor {
  const { m, k, n } = dm;
  const desc = `${fmt(a.shape)}${ta ? "^T" : ""} by ${fmt(b.shape)}${tb ? "^T" : ""}`;
  const out = opts.out ?? Tensor.empty([...dm.batchShape, m, n]);
  const rest = { bias: opts.bias, relu: opts.relu };
  if (dm.batch > 1) {
    // Over the batch: slabs of whole matrices (an operand with a batch of 1 is shared).
    const aEach = ta ? k * pad4(m) : m * pad4(k), bEach = tb ? n * pad4(k) : k * pad4(n);
    const each = Math.max(dm.strideA === 0 ? 0 : aEach, dm.strideB === 0 ? 0 : bEach, m * n) * 4;
    const per = perBinding(dm.batch, each, desc);
    const ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
    for (let b0 = 0; b0 < dm.batch; b0 += per) {
      const nb = Math.min(per, dm.batch - b0);
      const sa = dm.strideA === 0
        ? a.view([ar, ac])
        : slabOf({ t: a, rowElems: m * k }, b0, b0 + nb, [nb, ar, ac]);
      const sb = dm.strideB === 0
        ? b.view([br, bc])
        : slabOf({ t: b, rowElems: k * n }, b0, b0 + nb, [nb, br, bc]);
      const part = product(sa, sb, { transA: ta, transB: tb, ...rest });
      putAt(out, part, b0 * m * n);
      for (const t of [sa, sb, part]) t.dispose();
    }
    return out;
  }
  const a2 = a.view(ta ? [k, m] : [m, k]), b2 = b.view(tb ? [n, k] : [k, n]);
  const c2 = out.view([m, n]);
  const mb = device().maxBinding;
  const bBytes = (tb ? n * pad4(k) : k * pad4(n)) * 4;
  if (bBytes > mb) {
    // op(B) too big: over columns of C (and of op(B), and of the bias).
    const per = Math.floor(perBinding(n, pad4(k) * 4 * 4, desc) * 4);
    for (let c0 = 0; c0 < n; c0 += per) {
      const c1 = Math.min(n, c0 + per);
      const sb = tb ? slabOf({ t: b2, rowElems: k }, c0, c1, [c1 - c0, k]) : columns(b2, c0, c1);
      const sbias = opts.bias
        ? slabOf({ t: opts.bias, rowElems: 1 }, c0, c1, [c1 - c0])
        : undefined;
      const part = product(a2, sb, { transA: ta, transB: tb, bias: sbias, relu: opts.relu });
      putColumns(c2, part, c0, n);
      for (const t of [sb, sbias, part]) t?.dispose();
    }
  } else {
    // Over rows of C (and of op(A)).
    const per = ta
      ? Math.min(perBinding(m, n * 4, desc), perBinding(m, 4 * k * 4, desc) * 4)
      : perBinding(m, Math.max(pad4(k), n) * 4, desc);
    for (let r0 = 0; r0 < m; r0 += per) {
      const r1 = Math.min(m, r0 + per);
      const sa = ta ? columns(a2, r0, r1) : slabOf({ t: a2, rowElems: k }, r0, r1, [r1 - r0, k]);
      const part = product(sa, b2, { transA: ta, transB: tb, ...rest });
      putAt(c2, part, r0 * n);
      sa.dispose();
      part.dispose();
    }
  }
  a2.dispose();
  b2.dispose();
  c2.dispose();
  return out;
}
