/**
 * Splitting a dispatch whose buffers are too big for one storage binding (`device().maxBinding`) into
 * dispatches over sub-ranges, each bound as `{buffer, offset, size}`. When every buffer fits, each helper
 * records exactly the one dispatch an op recorded before (no extra work on the hot path).
 *
 * - {@linkcode runStrided}: the strided elementwise kernels (`shaders/_strided.wgsl`: unary, binary,
 *   where, strided copies and scatters). A chunk is a range of iteration elements; each operand is bound
 *   over the range its strides reach from that chunk (a broadcast operand that fits is bound whole), and
 *   the chunk's first element goes to the shader as `off.w`.
 * - {@linkcode chunkRanges}: element ranges of a contiguous 1-D kernel (axpy, dropout, vec4 binary).
 *
 * What does not split (e.g. a transpose of a tensor bigger than one binding) fails with a `GpuError`
 * naming the op, never a silent wrong value.
 * @module
 */
import { type Bindings, device, type Kernel, type PooledBuffer } from "../device.ts";
import { GpuError } from "../gpu_error.ts";
import { grid1d, stridedParams } from "./_launch.ts";

const WG = 256;
/** Binding offsets are multiples of 256 bytes (the most any device asks): 64 f32 elements. */
const ALIGN = 256;

/**
 * The bindings of a strided kernel: the uniform `P`, then its operands and output in binding order
 * (every `_strided.wgsl` kernel declares them so: `a, out`, `a, b, out`, `c, a, b, out`).
 * @throws {TypeError} When the kernel's entry point binds another number of buffers, or no `P` first.
 */
function strided(kernel: Kernel, u: PooledBuffer, bufs: readonly PooledBuffer[]): Bindings {
  const slots = kernel.slots;
  if (slots[0] !== "P" || slots.length !== bufs.length + 1) {
    throw new TypeError(
      `Cannot run kernel '${kernel.name}' as a strided kernel with ${bufs.length} buffers: ` +
        `it binds ${slots.join(", ")}`,
    );
  }
  const out: Record<string, PooledBuffer> = { P: u };
  for (let i = 0; i < bufs.length; i++) out[slots[i + 1]!] = bufs[i]!;
  return out;
}

/** Whether every buffer can be bound whole. */
export function fitsWhole(...bufs: (PooledBuffer | null)[]): boolean {
  const max = device().maxBinding;
  for (const b of bufs) if (b && b.size > max) return false;
  return true;
}

/**
 * `[start, count]` ranges covering `n` elements, each at most one binding of 4-byte elements (less
 * `slack` elements) and starting on a 256-byte boundary; `quantum` (a multiple of 64) divides each start.
 */
export function chunkRanges(n: number, quantum = 64, slack = 0): [number, number][] {
  const per = Math.floor((device().maxBinding / 4 - slack) / quantum) * quantum;
  if (per <= 0) {
    throw new GpuError(`Cannot split ${n} elements into bindings: the binding is too small`);
  }
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += per) out.push([s, Math.min(per, n - s)]);
  return out;
}

/** An operand of a strided kernel: its buffer, element offset, and element strides over the shape. */
export interface StridedOperand {
  /** The operand's buffer. */
  buf: PooledBuffer;
  /** Element strides over the iteration shape (0 on broadcast dims). */
  strides: readonly number[];
  /** Element offset of the first element. @default {0} */
  offset?: number;
}

/** Options of {@linkcode runStrided}. */
export interface StridedOptions {
  /** Scalar operands of the op. */
  s0?: number;
  /** Second scalar operand. */
  s1?: number;
  /** The kernel's `CONTIG = 1` path: operand k is read at `i + off[k]` (strides ignored). */
  contig?: boolean;
  /** Names the op and its shapes in errors. */
  what?: () => string;
  /**
   * The same op as a scatter (`unary.wgsl` with `SCATTER = 1`): when a range of output elements reaches
   * too far into an operand (a transpose), the op runs over boxes of the iteration space instead, each
   * writing its part of the output through strides.
   */
  scatter?: Kernel;
  /** Invocations per workgroup of `kernel` (its `WG` override; the scatter's is 256). @default {256} */
  wg?: number;
}

/**
 * Records a strided elementwise kernel over `shape`: bindings are the uniform, `ops` in order, then `out`
 * (written contiguously; `null` when the last operand is the written one, as in a scatter).
 */
export function runStrided(
  kernel: Kernel,
  shape: readonly number[],
  ops: readonly StridedOperand[],
  out: PooledBuffer | null,
  opts: StridedOptions = {},
): void {
  const d = device();
  let n = 1;
  for (const x of shape) n *= x;
  const { s0, s1, contig, what } = opts;
  const wg = opts.wg ?? WG;
  let fits = out === null || out.size <= d.maxBinding;
  for (const o of ops) if (o.buf.size > d.maxBinding) fits = false;
  if (fits) {
    const p = stridedParams(contig ? [n] : shape, ops.map((o) => contig ? [1] : o.strides), {
      offsets: ops.map((o) => o.offset ?? 0),
      s0,
      s1,
    });
    const bufs = ops.map((o) => o.buf);
    if (out) bufs.push(out);
    d.dispatch(kernel, strided(kernel, d.uniform(p), bufs), grid1d(n, wg), what);
    return;
  }
  const sh = contig ? [n] : [...shape];
  const st = ops.map((o) => (contig ? [1] : [...o.strides]));
  let per = Math.floor((d.maxBinding - ALIGN) / 4 / 64) * 64;
  for (let s = 0; s < n;) {
    let count = Math.min(per, n - s);
    let binds = bindChunk(s, count, sh, ops, st, d.maxBinding);
    while (!binds && count > 64) {
      count = Math.max(64, Math.floor(count / 2 / 64) * 64);
      binds = bindChunk(s, count, sh, ops, st, d.maxBinding);
    }
    if (!binds && (opts.scatter || out === null) && !contig) {
      const all = out ? [...ops, { buf: out, strides: contiguous(shape) }] : ops;
      const k = opts.scatter ?? kernel;
      runBoxes(k, shape, all, s0, s1, what ?? (() => kernel.name), opts.scatter ? WG : wg);
      return;
    }
    if (!binds) {
      throw new GpuError(
        `Cannot run ${
          what ? what() : `kernel '${kernel.name}'`
        }: an operand's reach from 64 output ` +
          `elements spans more than one binding (maxStorageBufferBindingSize ` +
          `${d.limits.maxStorageBufferBindingSize} bytes), so the op cannot be split`,
      );
    }
    per = Math.max(per, count);
    const offsets = binds.map((b, k) => {
      const o = ops[k]!.offset ?? 0;
      return ((contig ? o + s : o) - b.start) >>> 0;
    });
    if (!contig) offsets[3] = s;
    const p = stridedParams(sh, st, { offsets, s0, s1, numel: count });
    const bufs = binds.map((b, k) => d.slice(ops[k]!.buf, b.start * 4, b.bytes));
    const o = out ? [d.slice(out, s * 4, count * 4)] : [];
    d.dispatch(kernel, strided(kernel, d.uniform(p), [...bufs, ...o]), grid1d(count, wg), what);
    s += count;
  }
}

/**
 * The element window (start, bytes) of each operand that elements `[s, s + count)` of the iteration can
 * read; `null` when one does not fit a binding. An operand that fits whole is bound whole.
 */
function bindChunk(
  s: number,
  count: number,
  shape: readonly number[],
  ops: readonly StridedOperand[],
  strides: readonly (readonly number[])[],
  max: number,
): { start: number; bytes: number }[] | null {
  const first = coords(s, shape), last = coords(s + count - 1, shape);
  let top = 0;
  while (top < shape.length && first[top] === last[top]) top++;
  const res: { start: number; bytes: number }[] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k]!, st = strides[k]!;
    if (op.buf.size <= max) {
      res.push({ start: 0, bytes: op.buf.size });
      continue;
    }
    let lo = op.offset ?? 0;
    for (let i = 0; i < top; i++) lo += first[i]! * st[i]!;
    let hi = lo;
    if (top < shape.length) {
      lo += first[top]! * st[top]!;
      hi += last[top]! * st[top]!;
      for (let i = top + 1; i < shape.length; i++) hi += (shape[i]! - 1) * st[i]!;
    }
    const start = Math.floor((lo * 4) / ALIGN) * (ALIGN / 4);
    const end = Math.min(hi + 1, op.buf.size / 4);
    const bytes = (end - start) * 4;
    if (bytes > max) return null;
    res.push({ start, bytes });
  }
  return res;
}

function contiguous(shape: readonly number[]): number[] {
  const s = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/**
 * A scatter kernel (iterating `shape`, every operand strided, the last one written) over boxes of
 * `shape` small enough that each operand's reach from a box fits one binding, found by halving the
 * box along the dimension that reaches furthest.
 */
function runBoxes(
  kernel: Kernel,
  shape: readonly number[],
  ops: readonly StridedOperand[],
  s0: number | undefined,
  s1: number | undefined,
  what: () => string,
  wg: number,
): void {
  const d = device();
  const max = d.maxBinding;
  const window = (o: StridedOperand, start: number[], ext: number[]) => {
    let lo = o.offset ?? 0, span = 0;
    start.forEach((st, i) => {
      lo += st * o.strides[i]!;
      span += (ext[i]! - 1) * o.strides[i]!;
    });
    const first = Math.floor((lo * 4) / ALIGN) * (ALIGN / 4);
    return { lo, first, bytes: (lo + span + 1 - first) * 4 };
  };
  const stack: [number[], number[]][] = [[shape.map(() => 0), [...shape]]];
  while (stack.length > 0) {
    const [start, ext] = stack.pop()!;
    const wins = ops.map((o) => o.buf.size <= max ? null : window(o, start, ext));
    if (wins.every((w) => w === null || w.bytes <= max)) {
      const offsets = ops.map((o, k) => {
        const w = wins[k];
        if (!w) return start.reduce((acc, st, i) => acc + st * o.strides[i]!, o.offset ?? 0);
        return w.lo - w.first;
      });
      let count = 1;
      for (const e of ext) count *= e;
      const p = stridedParams(ext, ops.map((o) => o.strides), { offsets, s0, s1 });
      const bufs = ops.map((o, k) => {
        const w = wins[k];
        return w ? d.slice(o.buf, w.first * 4, w.bytes) : o.buf;
      });
      d.dispatch(kernel, strided(kernel, d.uniform(p), bufs), grid1d(count, wg), what);
      continue;
    }
    // Halve the dimension with the longest reach (extent times the largest stride).
    let best = -1, reach = 0;
    ext.forEach((e, i) => {
      const r = e > 1 ? (e - 1) * Math.max(...ops.map((o) => o.strides[i]!)) : 0;
      if (r > reach) [best, reach] = [i, r];
    });
    if (best < 0) {
      throw new GpuError(`Cannot run ${what()}: one element's operands do not fit a binding`);
    }
    const half = Math.ceil(ext[best]! / 2);
    const a = [...ext], b = [...ext], bs = [...start];
    a[best] = half;
    b[best] = ext[best]! - half;
    bs[best] = start[best]! + half;
    stack.push([bs, b], [start, a]);
  }
}

function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    c[d] = i % n;
    i = Math.floor(i / n);
  }
  return c;
}
