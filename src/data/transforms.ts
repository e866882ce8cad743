/**
 * fastai v0.7 style image transforms: `tfmsFromStats(stats, sz, { augTfms: [randomFlip()], pad: sz / 8 })`.
 *
 * Training: scale (smaller side to `sz`, bilinear), reflect padding, augmentations (random horizontal flip),
 * random crop back to `sz` x `sz`, per-channel normalisation. Validation: scale, centre crop, normalisation.
 * All steps are fused into one pass that writes straight into a batch buffer.
 * @module
 */

import { checkOptions } from "../_options.ts";
import { IMAGE_TRANSFORM_SPEC, TFMS_SPEC } from "./_specs.ts";
import { type ChwShape, type Pixels, reflectIndex } from "./image_ops.ts";

/** Channel statistics `[mean, std]`, as in fastai (`stats = (np.array(means), np.array(stds))`). */
export type Stats = readonly [ArrayLike<number>, ArrayLike<number>];

/** Any source of floats in [0, 1) (the loaders pass a seeded PRNG). */
export interface RandomSource {
  /** The next float in [0, 1). */
  next(): number;
}

/** Per-image random choices an augmentation may set. */
export interface AugParams {
  /** Mirror horizontally. */
  flip: boolean;
}

/** An augmentation: draws its parameters for one image. */
export interface AugTfm {
  /** Name of the augmentation with its arguments, e.g. `randomFlip(0.5)`. */
  readonly name: string;
  /** Draws this augmentation's choices for one image into `params`. */
  sample(rng: RandomSource, params: AugParams): void;
}

/**
 * Random horizontal flip with probability `p` (fastai `RandomFlip`).
 *
 * @example
 * ```ts
 * import { randomFlip, tfmsFromStats } from "./mod.ts";
 * const tfms = tfmsFromStats([[0.5], [0.25]], 28, { augTfms: [randomFlip()] });
 * ```
 */
export function randomFlip(p = 0.5): AugTfm {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomFlip: expected p in [0, 1], got ${p}`);
  return {
    name: `randomFlip(${p})`,
    sample(rng, params) {
      params.flip = rng.next() < p;
    },
  };
}

/** Options of {@link ImageTransform}. */
export interface ImageTransformOptions {
  /** Output size: `sz` for `sz` x `sz`, or `[height, width]`. */
  size: number | readonly [number, number];
  /** Channel statistics; their length is the number of output channels. */
  stats: Stats;
  /** Reflect padding added before the crop (fastai `pad`), default 0. */
  pad?: number;
  /** `"random"` (training) or `"center"` crop, default `"center"`. */
  crop?: "random" | "center";
  /** Augmentations, e.g. `[randomFlip()]`. */
  augTfms?: readonly AugTfm[];
}

/**
 * One image pipeline. `apply` writes a `[channels, height, width]` float32 image into a batch buffer.
 * Uint8 pixels are divided by 255 first; float32 pixels are taken as already in 0..1. A 1-channel source is
 * replicated when the stats have 3 channels.
 *
 * @example
 * ```ts
 * import { ImageTransform } from "./mod.ts";
 * const t = new ImageTransform({ size: 2, stats: [[0], [1]] });
 * const out = new Float32Array(4);
 * t.apply(new Uint8Array([0, 255, 255, 0]), [1, 2, 2], out, 0, { next: Math.random });
 * ```
 */
export class ImageTransform {
  /** Output height. */
  readonly height: number;
  /** Output width. */
  readonly width: number;
  /** Output channels (the length of the stats). */
  readonly channels: number;
  /** Reflect padding added before the crop. */
  readonly pad: number;
  /** `"random"` (training) or `"center"` crop. */
  readonly crop: "random" | "center";
  /** Augmentations applied to each image. */
  readonly augTfms: readonly AugTfm[];
  /** Per-channel mean subtracted. */
  readonly mean: Float32Array;
  /** Per-channel standard deviation divided by. */
  readonly std: Float32Array;
  #a: Float32Array;
  #b: Float32Array;
  #y0: Int32Array;
  #y1: Int32Array;
  #fy: Float32Array;
  #x0: Int32Array;
  #x1: Int32Array;
  #fx: Float32Array;
  #params: AugParams = { flip: false };

  /**
   * Validates the options and precomputes the normalisation.
   *
   * @param opts Size, stats, padding, crop and augmentations.
   * @throws {RangeError} On a size < 1, a negative or fractional pad, or a std <= 0.
   * @throws {TypeError} When mean and std lengths differ or are empty.
   */
  constructor(opts: ImageTransformOptions) {
    checkOptions("ImageTransform", opts ?? null, IMAGE_TRANSFORM_SPEC);
    const [h, w] = typeof opts.size === "number" ? [opts.size, opts.size] : opts.size;
    for (const v of [h, w]) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`ImageTransform: expected size >= 1, got ${v}`);
      }
    }
    const pad = opts.pad ?? 0;
    if (!Number.isInteger(pad) || pad < 0) {
      throw new RangeError(
        `ImageTransform: expected an integer pad >= 0, got ${pad} (use Math.floor(sz / 8))`,
      );
    }
    const [mean, std] = opts.stats;
    if (mean.length !== std.length || mean.length === 0) {
      throw new TypeError(
        `ImageTransform: stats mean has ${mean.length} channels, std has ${std.length}`,
      );
    }
    for (let i = 0; i < std.length; i++) {
      if (!(std[i]! > 0)) {
        throw new RangeError(`ImageTransform: expected std > 0, got std[${i}] = ${std[i]}`);
      }
    }
    this.height = h;
    this.width = w;
    this.channels = mean.length;
    this.pad = pad;
    this.crop = opts.crop ?? "center";
    this.augTfms = opts.augTfms ?? [];
    this.mean = Float32Array.from(mean);
    this.std = Float32Array.from(std);
    this.#a = this.std.map((s) => 1 / s);
    this.#b = this.mean.map((m, i) => -m / this.std[i]!);
    this.#y0 = new Int32Array(h);
    this.#y1 = new Int32Array(h);
    this.#fy = new Float32Array(h);
    this.#x0 = new Int32Array(w);
    this.#x1 = new Int32Array(w);
    this.#fx = new Float32Array(w);
  }

  /** The output shape `[channels, height, width]`. */
  get outShape(): ChwShape {
    return [this.channels, this.height, this.width];
  }

  /** Floats written per image. */
  get outSize(): number {
    return this.channels * this.height * this.width;
  }

  /** Size after scaling: the smaller side becomes the output's (fastai `Scale`), aspect kept. */
  scaledSize(h: number, w: number): [number, number] {
    const H = this.height, W = this.width;
    if (h === H && w === W) return [h, w];
    const s = Math.max(H / h, W / w);
    return [Math.max(H, Math.round(h * s)), Math.max(W, Math.round(w * s))];
  }

  /** Writes the transformed image into `dst[offset .. offset + outSize)`. */
  apply(src: Pixels, shape: ChwShape, dst: Float32Array, offset: number, rng: RandomSource): void {
    const [c, h, w] = shape;
    const C = this.channels, H = this.height, W = this.width;
    if (c !== C && c !== 1) {
      throw new TypeError(`Cannot transform a ${c}-channel image with ${C}-channel stats`);
    }
    if (src.length < c * h * w) {
      throw new TypeError(`Image shape [${shape}] needs ${c * h * w} values, got ${src.length}`);
    }
    const [SH, SW] = this.scaledSize(h, w);
    const p = this.pad;
    let oy = Math.floor((SH + 2 * p - H) / 2), ox = Math.floor((SW + 2 * p - W) / 2);
    if (this.crop === "random") {
      oy = Math.floor(rng.next() * (SH + 2 * p - H + 1));
      ox = Math.floor(rng.next() * (SW + 2 * p - W + 1));
    }
    const params = this.#params;
    params.flip = false;
    for (const t of this.augTfms) t.sample(rng, params);
    const resize = SH !== h || SW !== w;
    const y0 = this.#y0, y1 = this.#y1, fy = this.#fy, x0 = this.#x0, x1 = this.#x1, fx = this.#fx;
    for (let y = 0; y < H; y++) {
      const Y = reflectIndex(oy + y - p, SH);
      if (!resize) [y0[y], y1[y], fy[y]] = [Y, Y, 0];
      else {
        const sy = Math.min(Math.max((Y + 0.5) * (h / SH) - 0.5, 0), h - 1);
        y0[y] = Math.floor(sy);
        y1[y] = Math.min(y0[y]! + 1, h - 1);
        fy[y] = sy - y0[y]!;
      }
    }
    for (let x = 0; x < W; x++) {
      const X = reflectIndex(ox + (params.flip ? W - 1 - x : x) - p, SW);
      if (!resize) [x0[x], x1[x], fx[x]] = [X, X, 0];
      else {
        const sx = Math.min(Math.max((X + 0.5) * (w / SW) - 0.5, 0), w - 1);
        x0[x] = Math.floor(sx);
        x1[x] = Math.min(x0[x]! + 1, w - 1);
        fx[x] = sx - x0[x]!;
      }
    }
    const scale = src instanceof Uint8Array ? 1 / 255 : 1;
    for (let ch = 0; ch < C; ch++) {
      const base = (c === 1 ? 0 : ch) * h * w;
      const a = this.#a[ch]! * scale, b = this.#b[ch]!;
      let o = offset + ch * H * W;
      if (!resize) {
        for (let y = 0; y < H; y++) {
          const row = base + y0[y]! * w;
          for (let x = 0; x < W; x++) dst[o++] = src[row + x0[x]!]! * a + b;
        }
        continue;
      }
      for (let y = 0; y < H; y++) {
        const r0 = base + y0[y]! * w, r1 = base + y1[y]! * w, wy = fy[y]!;
        for (let x = 0; x < W; x++) {
          const i0 = x0[x]!, i1 = x1[x]!, wx = fx[x]!;
          const top = src[r0 + i0]! + (src[r0 + i1]! - src[r0 + i0]!) * wx;
          const bot = src[r1 + i0]! + (src[r1 + i1]! - src[r1 + i0]!) * wx;
          dst[o++] = (top + (bot - top) * wy) * a + b;
        }
      }
    }
  }
}

/** Training and validation transforms, as `tfms_from_stats` returns them. */
export interface Tfms {
  /** Training pipeline: scale, reflect pad, augmentations, crop (random by default), normalisation. */
  train: ImageTransform;
  /** Validation pipeline: scale, centre crop, normalisation. */
  valid: ImageTransform;
  /** Output side length. */
  sz: number;
}

/** Options of {@link tfmsFromStats}. */
export interface TfmsOptions {
  /** Training augmentations, e.g. `[randomFlip()]`. */
  augTfms?: readonly AugTfm[];
  /** Reflect padding before the random crop (fastai `pad=sz//8`), default 0. Rounded down. */
  pad?: number;
  /** Training crop, default `"random"`; validation always crops the centre. */
  cropType?: "random" | "center";
  /** Output channels; 1-channel stats are replicated to 3 when `channels: 3`. Default: stats length. */
  channels?: number;
}

/**
 * fastai's `tfms_from_stats`: training transforms (scale, reflect pad, augment, random crop, normalise) and
 * validation transforms (scale, centre crop, normalise).
 *
 * @example
 * ```ts
 * import { CIFAR10_STATS, randomFlip, tfmsFromStats } from "./mod.ts";
 * const sz = 32;
 * const tfms = tfmsFromStats(CIFAR10_STATS, sz, { augTfms: [randomFlip()], pad: sz / 8 });
 * ```
 */
export function tfmsFromStats(stats: Stats, sz: number, opts: TfmsOptions = {}): Tfms {
  checkOptions("tfmsFromStats", opts, TFMS_SPEC);
  const isVec = (v: unknown) =>
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number");
  if (!Array.isArray(stats) || stats.length !== 2 || !isVec(stats[0]) || !isVec(stats[1])) {
    throw new TypeError(
      `Cannot build tfmsFromStats: expected stats [mean[], std[]] (numbers per channel), got ${
        Array.isArray(stats) ? `an array of length ${stats.length}` : String(stats)
      }`,
    );
  }
  let [mean, std] = stats;
  const channels = opts.channels ?? mean.length;
  if (channels !== mean.length) {
    if (mean.length !== 1) {
      throw new TypeError(
        `tfmsFromStats: ${mean.length}-channel stats cannot make ${channels} channels`,
      );
    }
    const m = mean[0]!, s = std[0]!;
    mean = Array.from({ length: channels }, () => m);
    std = Array.from({ length: channels }, () => s);
  }
  const pad = Math.floor(opts.pad ?? 0);
  return {
    train: new ImageTransform({
      size: sz,
      stats: [mean, std],
      pad,
      crop: opts.cropType ?? "random",
      augTfms: opts.augTfms,
    }),
    valid: new ImageTransform({ size: sz, stats: [mean, std] }),
    sz,
  };
}
