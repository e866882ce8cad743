/**
 * Packing of the strided-kernel uniform (`shaders/_strided.wgsl` Params) and dispatch-grid helpers.
 * @module
 */
export const MAX_RANK = 8;

/** Contiguous row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Strides of `shape` when read as a broadcast to `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const cs = contiguousStrides(shape);
  const k = outShape.length - shape.length;
  return outShape.map((_, i) => (i < k || shape[i - k] === 1 ? 0 : cs[i - k]!));
}

/** Uniform bytes of the strided elementwise kernels. */
export function stridedParams(
  shape: readonly number[],
  strides: (readonly number[])[],
  opts: { offsets?: readonly number[]; s0?: number; s1?: number; numel?: number } = {},
): ArrayBuffer {
  if (shape.length > MAX_RANK) {
    throw new RangeError(
      `Cannot run an elementwise kernel of rank ${shape.length}: at most ${MAX_RANK}`,
    );
  }
  const buf = new ArrayBuffer(160);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  let numel = 1;
  for (const d of shape) numel *= d;
  u[0] = opts.numel ?? numel;
  u[1] = shape.length;
  f[2] = opts.s0 ?? 0;
  f[3] = opts.s1 ?? 0;
  const off = opts.offsets ?? [];
  for (let i = 0; i < 4; i++) u[4 + i] = off[i] ?? 0;
  for (let d = 0; d < shape.length; d++) {
    u[8 + d] = shape[d]!;
    for (let k = 0; k < strides.length && k < 3; k++) u[16 + 8 * k + d] = strides[k]![d]!;
  }
  return buf;
}

/** Workgroup grid for `n` invocations of `wg` each, folded into 2-D past 65535 groups. */
export function grid1d(n: number, wg: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/** `shape` as text for error messages: `[2,3]`. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
