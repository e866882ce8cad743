/**
 * Packing of the strided-kernel uniform (`shaders/_strided.wgsl` Params, through its generated layout)
 * and dispatch-grid helpers.
 * @module
 */
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";

const PARAMS = layouts.strided.Params;
/** Highest rank of a strided kernel: four per `vec4` of `Params.shape`. */
export const MAX_RANK = PARAMS.fields.shape.count * PARAMS.fields.shape.lanes;

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
  let numel = 1;
  for (const d of shape) numel *= d;
  const off = opts.offsets ?? [];
  return packUniform(PARAMS, {
    numel: opts.numel ?? numel,
    rank: shape.length,
    s0: opts.s0 ?? 0,
    s1: opts.s1 ?? 0,
    off: [off[0] ?? 0, off[1] ?? 0, off[2] ?? 0, off[3] ?? 0],
    shape,
    sa: strides[0] ?? [],
    sb: strides[1] ?? [],
    sc: strides[2] ?? [],
  });
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
