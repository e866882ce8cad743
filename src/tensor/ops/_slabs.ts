/**
 * Row slabs: running an op whose rows are independent (softmax rows, loss rows, images of a batch,
 * rows of a matmul operand, kept rows of a reduction) on groups of rows that each fit one storage
 * binding, when the whole tensors do not. A slab is a borrowed view of the tensor's buffer when its first
 * byte is 256-aligned (no copy), else a copy (a buffer-to-buffer copy, which has no binding limit); an
 * output slab that is a copy is copied back into place. Used only past the binding limit: ops that fit
 * never come here.
 * @module
 */
import { device } from "../device.ts";
import { GpuError } from "../gpu_error.ts";
import { type DType, Tensor } from "../tensor.ts";
import { fmtLimit } from "../_limits.ts";

/** A tensor seen as `[rows, rowElems]`, the row-major layout of its leading dimension(s). */
export interface RowOperand {
  /** The tensor. */
  t: Tensor;
  /** Elements per row. */
  rowElems: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Row ranges `[r0, r1)` of `rows` rows such that each operand's slab fits one binding; starts are
 * multiples of a count that keeps every slab 256-byte aligned when that leaves room. Throws a `GpuError`
 * naming `what` when a single row is bigger than a binding.
 */
export function rowRanges(
  rows: number,
  rowElems: readonly number[],
  what: string,
): [number, number][] {
  const d = device();
  const maxElems = d.maxBinding / 4;
  const widest = Math.max(1, ...rowElems);
  let per = Math.floor(maxElems / widest);
  if (per < 1) {
    throw new GpuError(
      `Cannot run ${what}: one row of ${widest * 4} bytes is bigger than the device's ` +
        `maxStorageBufferBindingSize of ${fmtLimit(d.limits.maxStorageBufferBindingSize)}`,
    );
  }
  let q = 1;
  for (const e of rowElems) {
    const need = 64 / gcd(e % 64 || 64, 64);
    q = (q * need) / gcd(q, need);
  }
  if (per >= q) per = Math.floor(per / q) * q;
  const out: [number, number][] = [];
  for (let r = 0; r < rows; r += per) out.push([r, Math.min(rows, r + per)]);
  return out;
}

/** Rows `[r0, r1)` of `op` as a tensor of `shape`: a borrowed view when aligned, else a copy. */
export function slabOf(op: RowOperand, r0: number, r1: number, shape: readonly number[]): Tensor {
  const d = device();
  const start = r0 * op.rowElems * 4, bytes = Math.max(4, (r1 - r0) * op.rowElems * 4);
  const buf = op.t.buffer;
  if (start % 256 === 0) return Tensor.borrow(d.slice(buf, start, bytes), shape, op.t.dtype);
  const t = Tensor.empty(shape, op.t.dtype);
  d.copy(buf, (buf.offset ?? 0) + start, t.buffer, t.buffer.offset ?? 0, bytes);
  return t;
}

/**
 * Runs `fn` once per slab of rows: `ins` and `outs` are split into the same row ranges (shapes from
 * `shapeOf(operand index, rows in the slab)`, inputs first), and what `fn` writes into the output slabs
 * lands in `outs`.
 */
export function forRowSlabs(
  rows: number,
  ins: readonly RowOperand[],
  outs: readonly RowOperand[],
  shapeOf: (k: number, n: number) => readonly number[],
  fn: (ins: Tensor[], outs: Tensor[], r0: number, r1: number) => void,
  what: string,
): void {
  const d = device();
  const all = [...ins, ...outs];
  for (const [r0, r1] of rowRanges(rows, all.map((o) => o.rowElems), what)) {
    const si = ins.map((o, k) => slabOf(o, r0, r1, shapeOf(k, r1 - r0)));
    const so = outs.map((o, k) => {
      const shape = shapeOf(ins.length + k, r1 - r0);
      const start = r0 * o.rowElems * 4;
      const bytes = Math.max(4, (r1 - r0) * o.rowElems * 4);
      return start % 256 === 0
        ? Tensor.borrow(d.slice(o.t.buffer, start, bytes), shape, o.t.dtype)
        : Tensor.empty(shape, o.t.dtype as DType);
    });
    fn(si, so, r0, r1);
    so.forEach((s, k) => {
      const o = outs[k]!;
      const start = r0 * o.rowElems * 4;
      if (start % 256 !== 0) {
        const dst = o.t.buffer;
        d.copy(
          s.buffer,
          s.buffer.offset ?? 0,
          dst,
          (dst.offset ?? 0) + start,
          (r1 - r0) * o.rowElems * 4,
        );
      }
      s.dispose();
    });
    for (const s of si) s.dispose();
  }
}
