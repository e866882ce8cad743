/**
 * Plain reference image operations on CHW arrays (`shape = [c, h, w]`). `ImageTransform` fuses them into one
 * pass; these unfused versions are for clarity, tests and one-off use. All return new arrays.
 * @module
 */

/** A CHW image shape `[channels, height, width]`. */
export type ChwShape = readonly [number, number, number];

/** Pixel arrays the data pipeline accepts: uint8 0..255, or float32 already scaled to 0..1. */
export type Pixels = Uint8Array | Float32Array;

/** Index of `i` reflected into `[0, n)` with the edge repeated (OpenCV `BORDER_REFLECT`: `cba|abc|cba`). */
export function reflectIndex(i: number, n: number): number {
  const p = 2 * n;
  i = ((i % p) + p) % p;
  return i < n ? i : p - 1 - i;
}

/**
 * Bilinear resize (half-pixel centres, edges clamped; OpenCV `INTER_LINEAR`) to `h` x `w`.
 *
 * @example
 * ```ts
 * import { resizeBilinear } from "./mod.ts";
 * const big = resizeBilinear(new Float32Array([0, 1]), [1, 1, 2], 2, 4); // [0, .25, .75, 1] twice
 * ```
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  shape: ChwShape,
  h: number,
  w: number,
): Float32Array {
  const [c, sh, sw] = shape;
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      const sy = Math.min(Math.max((y + 0.5) * (sh / h) - 0.5, 0), sh - 1);
      const y0 = Math.floor(sy), y1 = Math.min(y0 + 1, sh - 1), fy = sy - y0;
      for (let x = 0; x < w; x++) {
        const sx = Math.min(Math.max((x + 0.5) * (sw / w) - 0.5, 0), sw - 1);
        const x0 = Math.floor(sx), x1 = Math.min(x0 + 1, sw - 1), fx = sx - x0;
        const b = ch * sh * sw;
        const top = src[b + y0 * sw + x0]! * (1 - fx) + src[b + y0 * sw + x1]! * fx;
        const bot = src[b + y1 * sw + x0]! * (1 - fx) + src[b + y1 * sw + x1]! * fx;
        out[ch * h * w + y * w + x] = top * (1 - fy) + bot * fy;
      }
    }
  }
  return out;
}

/**
 * Reflect padding by `pad` pixels on each side (edge repeated); returns `[c, h + 2 pad, w + 2 pad]`.
 *
 * @example
 * ```ts
 * import { reflectPad } from "./mod.ts";
 * reflectPad(new Float32Array([1, 2, 3]), [1, 1, 3], 1).data; // 3 rows of [1, 1, 2, 3, 3]
 * ```
 */
export function reflectPad(
  src: ArrayLike<number>,
  shape: ChwShape,
  pad: number,
): { data: Float32Array; shape: ChwShape } {
  const [c, h, w] = shape;
  const H = h + 2 * pad, W = w + 2 * pad;
  const out = new Float32Array(c * H * W);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < H; y++) {
      const sy = reflectIndex(y - pad, h);
      for (let x = 0; x < W; x++) {
        out[(ch * H + y) * W + x] = src[(ch * h + sy) * w + reflectIndex(x - pad, w)]!;
      }
    }
  }
  return { data: out, shape: [c, H, W] };
}

/**
 * Crops the `h` x `w` window whose top-left corner is (`y`, `x`).
 *
 * @example
 * ```ts
 * import { crop } from "./mod.ts";
 * crop(new Float32Array(16).map((_, i) => i), [1, 4, 4], 1, 1, 2, 2); // [5, 6, 9, 10]
 * ```
 */
export function crop(
  src: ArrayLike<number>,
  shape: ChwShape,
  y: number,
  x: number,
  h: number,
  w: number,
): Float32Array {
  const [c, sh, sw] = shape;
  if (y < 0 || x < 0 || y + h > sh || x + w > sw) {
    throw new RangeError(`Cannot crop ${h}x${w} at (${y}, ${x}) from a ${sh}x${sw} image`);
  }
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) out[(ch * h + r) * w + q] = src[(ch * sh + y + r) * sw + x + q]!;
    }
  }
  return out;
}

/**
 * Mirrors each row (horizontal flip).
 *
 * @example
 * ```ts
 * import { flipHorizontal } from "./mod.ts";
 * flipHorizontal(new Float32Array([1, 2, 3]), [1, 1, 3]); // [3, 2, 1]
 * ```
 */
export function flipHorizontal(src: ArrayLike<number>, shape: ChwShape): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(c * h * w);
  for (let r = 0; r < c * h; r++) {
    for (let x = 0; x < w; x++) out[r * w + x] = src[r * w + w - 1 - x]!;
  }
  return out;
}

/**
 * `(v * scale - mean[c]) / std[c]` per channel; `scale` is 1/255 for uint8 pixels.
 *
 * @example
 * ```ts
 * import { normalize } from "./mod.ts";
 * normalize(new Uint8Array([0, 255]), [1, 1, 2], [0.5], [0.5], 1 / 255); // [-1, 1]
 * ```
 */
export function normalize(
  src: ArrayLike<number>,
  shape: ChwShape,
  mean: ArrayLike<number>,
  std: ArrayLike<number>,
  scale = 1,
): Float32Array {
  const [c, h, w] = shape;
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h * w; i++) {
      out[ch * h * w + i] = (src[ch * h * w + i]! * scale - mean[ch]!) / std[ch]!;
    }
  }
  return out;
}
